#include <tools/sample_catalog/realistic_files.hpp>

#include <tools/sample_catalog/content_model.hpp>
#include <tools/sample_catalog/tar_stream.hpp>
#include <tools/sample_catalog/unreproducible_gzip.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>
#include <delta/recipe.hpp>
#include <delta/recompress.hpp>

#include <algorithm>
#include <vector>

namespace sample_catalog {

namespace {

// Uncompressed bytes per compressed byte of the model's content at deflate level 6
// (measured on the model: text-like files ~2.9x, binary-like 1x, plus tar headers): sizes
// the content so the catalog stays within a few percent of --scale.
constexpr double k_expansion = 1.55;

// The agents a real agentsshar embeds (sdc-agents-installer), one .tgz each.
const char* const k_shar_agents[] = {"agents_core", "amon-agent",   "amon-relay", "cmon-agent",
                                     "cn-agent",    "config-agent", "net-agent",  "vm-agent"};

// The 10-byte gzip header of a compressor reading a pipe: no name, XFL 0 (level 6), OS 3.
std::string gzip_header(std::uint32_t mtime) {
  std::string h = {'\x1f', '\x8b', '\x08', '\x00'};
  for (int i = 0; i < 4; ++i) h.push_back(static_cast<char>((mtime >> (8 * i)) & 0xff));
  h += std::string{'\x00', '\x03'};
  return h;
}

// pigz -6 with its default 128 KiB blocks, as buildimage and `gtar -I pigz` run it.
delta::Recipe pigz_recipe(std::int64_t mtime) {
  delta::Recipe r;
  r.kind = delta::RecipeKind::pigz;
  r.level = 6;
  r.block_kib = 128;
  r.header = gzip_header(static_cast<std::uint32_t>(mtime));
  return r;
}

// One zlib deflate stream at the default level, as node's zlib.createGzip() writes it.
delta::Recipe zlib_recipe() {
  delta::Recipe r;
  r.kind = delta::RecipeKind::gzip;
  r.level = 6;
  r.header = gzip_header(0);
  return r;
}

void compress(TarStream& tar, const delta::Recipe& recipe, ByteSink& sink) {
  delta::compress_with(
      recipe, [&tar](char* buf, std::size_t size) { return tar.read(buf, size); },
      [&sink](const char* data, std::size_t size) {
        sink.write(data, size);
        return true;
      });
}

std::uint64_t content_target(std::uint64_t compressed) {
  return static_cast<std::uint64_t>(static_cast<double>(compressed) * k_expansion);
}

// The files of this version of the lineage `key` (an image name, or a part of one).
std::vector<ModelFile> model_files(std::uint64_t seed, const std::string& key,
                                   std::uint64_t compressed_size, const ImageHistory& history,
                                   const std::string& prefix) {
  return describe_version(stream_seed(seed, key, "lineage"), content_target(compressed_size),
                          history.version, prefix);
}

// Each file keeps the mtime of the build that last changed it, as in a real image.
void add_model(TarStream& tar, const std::vector<ModelFile>& files,
               const ImageHistory& history, std::int64_t fallback_time) {
  for (const ModelFile& f : files) {
    const auto at = static_cast<std::size_t>(std::max(f.changed_in, 0));
    const std::int64_t mtime =
        at < history.build_times.size() ? history.build_times[at] : fallback_time;
    tar.add_model_file(f.path, f, mtime);
  }
}

std::string zone_prefix(const PlannedImage& image) {
  if (image.kind == ArtifactKind::zone) return "root/opt/smartdc/" + image.name + "/";
  return "root/opt/local/";  // a base or origin: the pkgsrc tree
}

FileDigest write_zone(const PlannedImage& image, std::uint64_t seed, const std::string& path,
                      const ImageHistory& history) {
  const std::vector<ModelFile> files =
      model_files(seed, image.name, image.payload_bytes, history, zone_prefix(image));
  TarStream tar;
  add_model(tar, files, history, image.build_time);
  FileSink file(path);
  compress(tar, pigz_recipe(image.build_time), file);
  return file.commit();
}

FileDigest write_agent(const PlannedImage& image, std::uint64_t seed, const std::string& path,
                       const ImageHistory& history) {
  const std::string top = image.name + "/";
  const std::vector<ModelFile> files =
      model_files(seed, image.name, image.payload_bytes, history, top);
  const std::int64_t t = image.build_time;
  TarStream tar;
  tar.add_directory(top, t);
  tar.add_file(top + "image_uuid", image.uuid + "\n", t);
  tar.add_file(top + "package.json", detail::agent_package_json(image), t);
  if (image.name == "agents_core") {
    tar.add_directory(top + "bootstrap/", t);
    tar.add_file(top + "bootstrap/bootstrap.sh", detail::k_bootstrap_sh, t, 0755);
    tar.add_file(top + "bootstrap/apm", detail::k_apm, t, 0755);
  }
  tar.add_directory(top + "lib/", t);
  add_model(tar, files, history, t);
  FileSink file(path);
  compress(tar, zlib_recipe(), file);
  return file.commit();
}

// A shar: the script, then each embedded .tgz after a marker line (the shell exits
// before it reads them). Each embedded tarball is its own lineage, so it changes from
// one version to the next as the agent inside it does.
FileDigest write_shar(const PlannedImage& image, std::uint64_t seed, const std::string& path,
                      const ImageHistory& history) {
  std::vector<std::string> parts;
  if (image.kind == ArtifactKind::sdcadm) {
    parts.push_back("sdcadm");
  } else {
    parts.assign(std::begin(k_shar_agents), std::end(k_shar_agents));
  }
  FileSink file(path);
  const std::string header =
      detail::shar_header(image, "this one carries gzip'ed tarballs, which the shell never reads.");
  file.write(header.data(), header.size());
  const std::uint64_t each = std::max<std::uint64_t>(k_min_payload, image.payload_bytes / parts.size());
  for (const std::string& part : parts) {
    const std::string marker = "\n__SHAR_ARCHIVE__ " + part + ".tgz\n";
    file.write(marker.data(), marker.size());
    const std::vector<ModelFile> files =
        model_files(seed, image.name + "/" + part, each, history, part + "/");
    TarStream tar;
    add_model(tar, files, history, image.build_time);
    compress(tar, zlib_recipe(), file);
  }
  return file.commit();
}

FileDigest write_gz_tools(const PlannedImage& image, std::uint64_t seed, const std::string& path,
                          const ImageHistory& history) {
  const std::int64_t t = image.build_time;
  const detail::StagedFile tools{path + ".tools.tar.gz"};
  {
    const std::vector<ModelFile> files =
        model_files(seed, image.name, image.payload_bytes, history, "lib/");
    TarStream tar;
    tar.add_directory("bin/", t);
    tar.add_file("bin/sdc-sample-tool", detail::tool_script(image), t, 0755);
    tar.add_directory("etc/", t);
    tar.add_file("etc/gz-tools.image", image.uuid + "\n", t);
    tar.add_directory("lib/", t);
    add_model(tar, files, history, t);
    FileSink staged(tools.path);
    compress(tar, zlib_recipe(), staged);
    staged.commit();
  }
  Prng prng(stream_seed(seed, image.uuid, "file"));
  TarStream tar;
  tar.add_directory("gz-tools/", t);
  tar.add_disk_file("gz-tools/tools.tar.gz", tools.path, t);
  tar.add_file("gz-tools/cn_tools.tar.gz", detail::cn_tools_tgz(image, prng), t);
  tar.add_directory("gz-tools/scripts/", t);
  tar.add_file("gz-tools/scripts/agentsetup.sh", "#!/bin/bash\n# sample agentsetup.sh\nexit 0\n",
               t, 0755);
  tar.add_file("gz-tools/scripts/joysetup.sh", "#!/bin/bash\n# sample joysetup.sh\nexit 0\n", t,
               0755);
  tar.add_directory("gz-tools/default/", t);
  tar.add_file("gz-tools/default/README", "defaults for /mnt/usbkey/default (sample)\n", t);
  FileSink file(path);
  compress(tar, pigz_recipe(t), file);
  return file.commit();
}

// A ModelFile of `size` generated bytes, seeded by the image and what it is.
ModelFile generated(std::uint64_t seed, const PlannedImage& image, const std::string& what,
                    std::uint64_t size) {
  ModelFile f;
  f.text = false;
  f.pieces.push_back(ContentPiece{stream_seed(seed, image.uuid, what), 0, size});
  return f;
}

std::string sha1_of(const ModelFile& f) {
  common::Hasher sha1(common::HashAlgorithm::sha1);
  std::vector<char> block(1 << 20);
  for (std::uint64_t at = 0; at < f.size(); at += block.size()) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), f.size() - at));
    content_bytes(f, at, block.data(), n);
    sha1.update(block.data(), n);
  }
  return sha1.finish_hex();
}

// The platform keeps random-mode's layout and random bulk (versions share nothing, as a
// rebuilt boot_archive does not), compressed so that no recipe reproduces it, as GNU gzip.
FileDigest write_platform(const PlannedImage& image, std::uint64_t seed, const std::string& path) {
  const std::int64_t t = image.build_time;
  const ModelFile unix_kernel = generated(seed, image, "unix", 4096);
  const ModelFile boot_archive = generated(seed, image, "boot_archive", image.payload_bytes);
  const std::string top = "platform-" + image.build_stamp + "/";
  TarStream tar;
  for (const char* dir : {"", "i86pc/", "i86pc/amd64/", "i86pc/kernel/", "i86pc/kernel/amd64/"}) {
    tar.add_directory(top + dir, t);
  }
  tar.add_model_file(top + "i86pc/kernel/amd64/unix", unix_kernel, t);
  tar.add_model_file(top + "i86pc/amd64/boot_archive", boot_archive, t);
  tar.add_file(top + "i86pc/amd64/boot_archive.hash", sha1_of(boot_archive) + "\n", t);
  FileSink file(path);
  write_unreproducible_gzip([&tar](char* buf, std::size_t size) { return tar.read(buf, size); },
                            file, stream_seed(seed, image.uuid, "gzip flushes"));
  return file.commit();
}

}  // namespace

FileDigest write_realistic_image_file(const PlannedImage& image, std::uint64_t seed,
                                      const std::string& path, const ImageHistory& history) {
  switch (image.kind) {
    case ArtifactKind::base:
    case ArtifactKind::origin:
    case ArtifactKind::zone: return write_zone(image, seed, path, history);
    case ArtifactKind::agent: return write_agent(image, seed, path, history);
    case ArtifactKind::agentsshar:
    case ArtifactKind::sdcadm: return write_shar(image, seed, path, history);
    case ArtifactKind::gz_tools: return write_gz_tools(image, seed, path, history);
    case ArtifactKind::platform: return write_platform(image, seed, path);
  }
  throw common::Error(common::ExitCode::internal,
                      std::string("no realistic payload for ") + kind_name(image.kind));
}

}  // namespace sample_catalog
