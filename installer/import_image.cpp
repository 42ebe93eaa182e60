#include <installer/import_image.hpp>

#include <installer/staged_check.hpp>

#include <common/error.hpp>
#include <common/log.hpp>
#include <common/stop_signal.hpp>
#include <imgapi/client.hpp>

#include <algorithm>
#include <map>
#include <thread>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

bool retryable(ExitCode code) { return code == ExitCode::network || code == ExitCode::remote_error; }

// What the DC IMGAPI has under this uuid decides what to do.
std::optional<ImportOutcome> existing_state(imgapi::Client& client, const ImportItem& item) {
  const auto existing = client.find_image(item.image.uuid);
  if (!existing) return std::nullopt;
  const std::string state = existing->state();
  if (state == "active" || state == "disabled") {
    const auto file = existing->file();
    if (file && file->sha1 == item.file.sha1 && file->size == item.file.size) {
      return ImportOutcome::already_active;
    }
    throw Error(ExitCode::conflict,
                what_of(item) + " is already in the DC IMGAPI (state " + state + ") with " +
                    (file ? "another file (SHA-1 " + file->sha1 + ")" : std::string("no file")) +
                    ", while the bundle's file has SHA-1 " + item.file.sha1 +
                    "; find out where it came from (sdc-imgadm get " + item.image.uuid + ")");
  }
  common::log::info("removing " + what_of(item) + ", left " + state + " by an interrupted import");
  client.delete_image(item.image.uuid);
  return ImportOutcome::reimported;
}

void require_external_origin(imgapi::Client& client, const ImportItem& item) {
  if (!item.external_origin) return;
  const auto origin = client.find_image(*item.external_origin);
  if (!origin || origin->state() != "active") {
    throw Error(ExitCode::not_found,
                "its origin " + *item.external_origin + " is neither in the bundle nor active in "
                "the DC IMGAPI; the bundle was trimmed for another state of this DC: build one "
                "from a fresh `sdcadm-install inventory`");
  }
}

// One attempt on a new connection: returns the outcome, or throws with the half-made
// image removed.
ImportOutcome import_once(const std::string& url, const imgapi::ClientOptions& options, const ImportItem& item,
                          const ImageImportSteps& steps, const std::function<void(std::uint64_t)>& progress) {
  imgapi::Client client(url, options);
  const auto before = existing_state(client, item);
  if (before == ImportOutcome::already_active) return *before;
  // The staged file against the signed index, right before its bytes go out (staged_check.hpp);
  // IMGAPI then checks the upload against the signed SHA-1 we send, which covers a change
  // after this read.
  if (steps.check_staged_file) check_staged_file(item.signed_file, item.image, item.file.sha1);
  require_external_origin(client, item);
  const auto result = client.import_image(item.manifest, imgapi::OwnerCheck::skip);
  if (result.outcome == imgapi::ImportResult::Outcome::already_exists) {
    throw Error(ExitCode::conflict, "appeared in the DC IMGAPI while it was being imported (" +
                                        result.server_message + "); is another import running?");
  }
  try {
    imgapi::UploadOptions upload;
    upload.compression = item.file.compression;
    upload.sha1 = item.file.sha1;
    upload.hash_sent = steps.check_staged_file;  // else hashed by this process as it wrote the file
    upload.progress = [&](std::uint64_t done, std::uint64_t) {
      // A safe point (interrupt.hpp): the upload is cut and the image removed below.
      if (common::stop_count() > 0) common::throw_if_stopped("while importing; the half-imported image was removed");
      progress(done);
    };
    client.add_image_file_from_path(item.image.uuid, item.image.file_path, upload);
    if (steps.activate) activate_imported(url, options, item);
  } catch (...) {
    remove_image(url, options, item);
    throw;
  }
  return before.value_or(ImportOutcome::imported);
}

}  // namespace

std::string what_of(const ImportItem& item) {
  return "image " + item.image.uuid + " (" + item.image.name + "@" + item.image.version + ")";
}

ImportedImage import_with_retries(const std::string& url, const ImportItem& item, const ImportOptions& options,
                                  const ImageImportSteps& steps, const std::function<void(std::uint64_t)>& progress) {
  ImportedImage out{item.image.uuid, item.image.name, item.image.version, ImportOutcome::imported, item.file.size, 0};
  auto pause = options.backoff;
  for (int attempt = 1;; ++attempt) {
    try {
      out.outcome = import_once(url, options.client, item, steps, progress);
      out.attempts = out.outcome == ImportOutcome::already_active ? 0 : attempt;
      return out;
    } catch (const Error& e) {
      if (!retryable(e.code()) || attempt >= options.attempts) throw e.with_context("importing " + what_of(item));
      common::log::warn("importing " + what_of(item) + " failed (" + e.what() + "); attempt " +
                        std::to_string(attempt + 1) + " of " + std::to_string(options.attempts) + " in " +
                        std::to_string(pause.count()) + " ms");
      progress(0);
      std::this_thread::sleep_for(pause);
      pause *= 2;
    }
  }
}

void activate_imported(const std::string& url, const imgapi::ClientOptions& options, const ImportItem& item) {
  imgapi::Client client(url, options);
  const auto active = client.activate_image(item.image.uuid);
  if (active.published_at() != item.manifest.published_at()) {
    common::log::warn(what_of(item) + ": IMGAPI changed published_at from " + item.manifest.published_at() + " to " +
                      active.published_at());
  }
}

bool remove_image(const std::string& url, const imgapi::ClientOptions& options, const ImportItem& item) {
  try {
    imgapi::Client fresh(url, options);
    fresh.delete_image(item.image.uuid);
    return true;
  } catch (const Error& e) {
    if (e.code() == ExitCode::not_found) return true;
    common::log::warn("could not remove the half-imported " + what_of(item) + " (" + e.what() +
                      "); the next run removes it");
  } catch (const std::exception& e) {
    common::log::warn("could not remove the half-imported " + what_of(item) + " (" + e.what() +
                      "); the next run removes it");
  }
  return false;
}

std::set<std::string> remove_unactivated_leftovers(const std::string& url, const imgapi::ClientOptions& options,
                                         const std::set<std::string>& uuids) {
  imgapi::Client client(url, options);
  imgapi::ListFilter filter;
  filter.state = "unactivated";
  std::map<std::string, std::optional<std::string>> left;  // uuid -> origin
  for (const auto& image : client.list_images(filter)) {
    if (uuids.count(image.uuid()) && image.state() == "unactivated") left.emplace(image.uuid(), image.origin());
  }
  // Children first: an image goes once no other leftover names it as its origin.
  std::set<std::string> removed;
  while (!left.empty()) {
    const std::size_t before = left.size();
    for (auto it = left.begin(); it != left.end();) {
      const bool is_origin = std::any_of(left.begin(), left.end(), [&](const auto& other) {
        return other.second && *other.second == it->first;
      });
      if (is_origin) {
        ++it;
        continue;
      }
      common::log::info("removing image " + it->first + ", left unactivated by an interrupted import");
      client.delete_image(it->first);
      removed.insert(it->first);
      it = left.erase(it);
    }
    if (left.size() == before) {  // an origin loop among leftovers: IMGAPI would refuse each
      throw Error(ExitCode::origin_loop, "unactivated images " + left.begin()->first +
                                             " and others name each other as origins; remove them with sdc-imgadm");
    }
  }
  return removed;
}

}  // namespace installer
