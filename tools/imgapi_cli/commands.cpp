// imgapi-cli subcommands other than list (list_command.cpp).
#include "commands.hpp"

#include "interrupt.hpp"

#include <imgapi/file_source.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/json.hpp>
#include <common/log.hpp>
#include <manifest/image_manifest.hpp>

#include <iostream>

namespace imgapi_cli {

using common::Error;
using common::ExitCode;

namespace {

// A progress display fed by the client's ProgressFn (silent with --json), which also
// stops the transfer cleanly on Ctrl-C (see interrupt.hpp).
class ProgressBinding {
 public:
  ProgressBinding(const Globals& g, const std::string& label, std::uint64_t total)
      : m_progress(label, total, g.json ? common::ProgressMode::never : g.progress) {}
  common::ProgressFn fn() {
    return [this](std::uint64_t done, std::uint64_t) {
      throw_if_interrupted();
      m_progress.update(done);
    };
  }
  void finish() { m_progress.finish(); }

 private:
  InterruptGuard m_guard;
  common::Progress m_progress;
};

void print_json(const common::Json& json) { std::cout << common::dump_json(json) << "\n"; }

std::string compression_from_extension(const std::string& path) {
  auto ends_with = [&](const std::string& suffix) {
    return path.size() >= suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".gz") || ends_with(".tgz")) return "gzip";
  if (ends_with(".bz2")) return "bzip2";
  if (ends_with(".xz")) return "xz";
  return "";
}

// AddImageFile then ActivateImage; the caller deletes the image if this throws.
void add_file_and_activate(imgapi::Client& client, const Globals& g,
                           const manifest::ImageManifest& image, const ImportArgs& args) {
  const auto file = image.file();
  imgapi::UploadOptions upload;
  upload.compression = !args.compression.empty() ? args.compression
                       : file                    ? file->compression
                                                 : compression_from_extension(args.file_path);
  if (upload.compression.empty()) {
    throw Error(ExitCode::usage, "cannot tell the compression of " + args.file_path +
                                     ": the manifest has no files[0].compression; pass -c");
  }
  upload.sha1 = !args.sha1.empty() ? args.sha1 : file ? file->sha1 : std::string();
  imgapi::FileSource source(args.file_path);
  if (file && file->size != source.size()) {
    throw Error(ExitCode::integrity, args.file_path + " is " + std::to_string(source.size()) +
                                         " bytes but the manifest says " +
                                         std::to_string(file->size));
  }
  ProgressBinding progress(g, "uploading " + image.uuid(), source.size());
  upload.progress = progress.fn();
  client.add_image_file(image.uuid(), source.source(), upload);
  progress.finish();
  client.activate_image(image.uuid());
}

}  // namespace

imgapi::Client make_client(const Globals& g) {
  imgapi::ClientOptions options;
  if (!g.channel.empty()) options.channel = g.channel;
  options.http.user_agent = std::string("imgapi-cli/") + SDCB_VERSION;
  return imgapi::Client(g.url, options);
}

void cmd_ping(const Globals& g) {
  auto client = make_client(g);
  const common::Json reply = client.ping();
  if (g.json) {
    print_json(reply);
  } else {
    std::cout << "pong";
    if (reply.contains("version") && reply["version"].is_string()) {
      std::cout << " (IMGAPI " << reply["version"].get_ref<const std::string&>() << ")";
    }
    std::cout << "\n";
  }
}

void cmd_channels(const Globals& g) {
  auto client = make_client(g);
  const auto channels = client.list_channels();
  if (g.json) {
    common::Json out = common::Json::array();
    for (const auto& c : channels.value_or(std::vector<imgapi::Channel>{})) {
      common::Json item = {{"name", c.name}, {"description", c.description}};
      if (c.is_default) item["default"] = true;
      out.push_back(std::move(item));
    }
    print_json(out);
    return;
  }
  if (!channels) {
    std::cerr << "imgapi-cli: " << client.base_url() << " has no channels (a DC IMGAPI)\n";
    return;
  }
  for (const auto& c : *channels) {
    std::cout << c.name << (c.is_default ? " (default)" : "") << "  " << c.description << "\n";
  }
}

void cmd_get(const Globals& g, const std::string& uuid) {
  auto client = make_client(g);
  std::cout << client.get_image(uuid).dump() << "\n";
}

void cmd_get_file(const Globals& g, const std::string& uuid, const std::string& out_path) {
  auto client = make_client(g);
  const manifest::ImageManifest image = client.get_image(uuid);
  const auto file = image.file();
  if (!file) {
    throw Error(ExitCode::not_found, "image " + uuid + " has no file (state \"" + image.state() + "\")");
  }
  ProgressBinding progress(g, image.name() + "@" + image.version(), file->size);
  imgapi::DownloadOptions options;
  options.progress = progress.fn();
  client.get_image_file_to_path(uuid, *file, out_path, options);
  progress.finish();
  common::log::info("wrote " + out_path + " (" + std::to_string(file->size) +
                    " bytes, SHA-1 " + file->sha1 + " verified)");
}

void cmd_import(const Globals& g, const ImportArgs& args) {
  const auto image = manifest::ImageManifest::parse(common::read_small_file(args.manifest_path),
                                                    "manifest " + args.manifest_path);
  auto client = make_client(g);
  const auto owner_check =
      args.skip_owner_check ? imgapi::OwnerCheck::skip : imgapi::OwnerCheck::perform;
  const imgapi::ImportResult result = client.import_image(image, owner_check);
  if (result.outcome == imgapi::ImportResult::Outcome::already_exists) {
    throw Error(ExitCode::conflict, "image " + image.uuid() + " already exists on " +
                                        client.base_url() + " (" + result.server_message +
                                        "); delete it first to import it again");
  }
  if (!args.file_path.empty()) {
    try {
      add_file_and_activate(client, g, image, args);
    } catch (const Error& e) {
      // Like sdc-imgadm: no half-imported image is left behind.
      try {
        client.delete_image(image.uuid());
      } catch (const Error& cleanup) {
        common::log::warn("could not delete the unfinished image " + image.uuid() + ": " +
                          cleanup.what());
      }
      throw e.with_context("importing image " + image.uuid());
    }
  }
  const auto final_image = client.get_image(image.uuid());
  if (g.json) {
    print_json(final_image.json());
  } else {
    std::cout << "imported image " << image.uuid() << " (" << image.name() << "@"
              << image.version() << "), state " << final_image.state() << "\n";
  }
}

void cmd_activate(const Globals& g, const std::string& uuid) {
  auto client = make_client(g);
  const auto image = client.activate_image(uuid);
  if (g.json) {
    print_json(image.json());
  } else {
    std::cout << "activated image " << uuid << " (state " << image.state() << ")\n";
  }
}

void cmd_delete(const Globals& g, const std::string& uuid, bool force_all_channels) {
  auto client = make_client(g);
  client.delete_image(uuid, force_all_channels ? imgapi::AllChannels::yes : imgapi::AllChannels::no);
  if (!g.json) std::cout << "deleted image " << uuid << "\n";
}

}  // namespace imgapi_cli
