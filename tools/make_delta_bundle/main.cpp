// make-delta-bundle: a test-only tool (not the builder) that rewrites one artifact of a full,
// signed bundle as a delta (docs/bundle-format.md §3a) against a base image file, and signs
// the result with the given key. It lets the installer's integration tests and benchmarks
// stage delta bundles before `sdcadm-bundle build` makes them; the builder's own delta code
// is separate and does more (choosing bases from an inventory, proving the rebuild, falling
// back to full files).
//
//   make-delta-bundle --in FULL.sdc --out DELTA.sdc --key KEY.pem --image UUID
//                     --base-file BASE.imgfile --base-uuid UUID [--base-compression gzip]
//                     [--recompress] [--file-out PATH]
//
// --recompress first replaces the image's file with its content compressed by pigz -6 (128
// KiB blocks), as Triton's buildimage compresses service images, and its manifest's
// files[0] sha1/size to match: the sample catalog's files come from libarchive's gzip, which
// no recipe reproduces (the builder would ship them whole). --file-out keeps a copy of the
// image file the delta rebuilds, for tests to compare with.
//
// Streams: members are copied out of FULL.sdc into a scratch directory beside DELTA.sdc and
// written again; the patch is encoded from the uncompressed files (delta::unpack_image).
// Exit codes as common/exit_code.hpp (bad_data when the image's compression has no recipe).
#include <bundles/seekable_reader.hpp>
#include <bundles/writer.hpp>
#include <common/error.hpp>
#include <common/exit_code.hpp>
#include <common/hash.hpp>
#include <delta/find_recipe.hpp>
#include <delta/patch.hpp>
#include <delta/rebuild.hpp>
#include <delta/recompress.hpp>
#include <common/json.hpp>
#include <manifest/bundle_index.hpp>
#include <manifest/image_manifest.hpp>
#include <signing/key.hpp>
#include <signing/signature_document.hpp>

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

using common::Error;
using common::ExitCode;

struct Args {
  std::string in, out, key, image, base_file, base_uuid, base_compression = "gzip", file_out;
  bool recompress = false;
};

// Writes `raw`'s content compressed with pigz -6 to `out`.
void pigz6_file(const std::string& raw, const std::string& out) {
  delta::Recipe r;
  r.kind = delta::RecipeKind::pigz;
  r.level = 6;
  r.block_kib = 128;
  r.header = std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  std::ifstream in(raw, std::ios::binary);
  std::ofstream o(out, std::ios::binary);
  delta::compress_with(
      r,
      [&](char* buffer, std::size_t capacity) {
        in.read(buffer, static_cast<std::streamsize>(capacity));
        return static_cast<std::size_t>(in.gcount());
      },
      [&](const char* data, std::size_t size) {
        o.write(data, static_cast<std::streamsize>(size));
        return true;
      });
}

// Chunk SHA-256s of a file, streamed.
std::vector<std::string> chunk_hashes_of_file(const std::string& path, std::uint64_t chunk_size, std::uint64_t& size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ExitCode::io, "cannot read " + path);
  std::vector<std::string> out;
  std::vector<char> buffer(1u << 20);
  size = 0;
  for (;;) {
    common::Hasher chunk(common::HashAlgorithm::sha256);
    std::uint64_t in_chunk = 0;
    while (in_chunk < chunk_size) {
      in.read(buffer.data(), static_cast<std::streamsize>(std::min<std::uint64_t>(buffer.size(), chunk_size - in_chunk)));
      const std::size_t n = static_cast<std::size_t>(in.gcount());
      if (n == 0) break;
      chunk.update(buffer.data(), n);
      in_chunk += n;
    }
    if (in_chunk == 0) break;
    size += in_chunk;
    out.push_back(chunk.finish_hex());
    if (in_chunk < chunk_size) break;
  }
  return out;
}

// Reads a file in order, for encode_patch.
delta::ByteSource file_source(std::ifstream& in) {
  return [&in](char* buffer, std::size_t capacity) {
    in.read(buffer, static_cast<std::streamsize>(capacity));
    return static_cast<std::size_t>(in.gcount());
  };
}

void run(const Args& args) {
  namespace fs = std::filesystem;
  const std::string scratch = args.out + ".work";
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  const auto reader = bundles::SeekableReader::open(args.in);
  manifest::BundleIndex ix = reader.index();
  manifest::BundleArtifact* artifact = nullptr;
  for (auto& a : ix.artifacts) {
    if (a.uuid == args.image && !a.file_member.empty()) artifact = &a;
  }
  if (artifact == nullptr) throw Error(ExitCode::not_found, "the bundle has no image " + args.image + " with a file");
  const manifest::ImageManifest image = manifest::ImageManifest::parse(
      reader.read_member(artifact->manifest_member, 1u << 20), artifact->manifest_member);
  const delta::Compression compression = delta::compression_from_name(image.file()->compression);

  // Every member to a scratch file (the writer reads them back by path).
  std::vector<bundles::MemberInput> inputs;
  for (std::size_t i = 0; i < ix.members.size(); ++i) {
    const std::string path = scratch + "/m" + std::to_string(i);
    std::ofstream out(path, std::ios::binary);
    reader.extract_member(ix.members[i].name, [&](const char* data, std::size_t size) {
      out.write(data, static_cast<std::streamsize>(size));
    });
    out.close();
    inputs.push_back({ix.members[i].name, path, "", ix.members[i].name == "installer/sdcadm-install" ? 0755u : 0644u});
  }
  const auto file_at = std::find_if(ix.members.begin(), ix.members.end(),
                                    [&](const manifest::BundleMember& m) { return m.name == artifact->file_member; });
  const std::size_t file_index = static_cast<std::size_t>(file_at - ix.members.begin());
  std::string new_file = inputs[file_index].path;
  if (args.recompress) {
    const std::string raw = scratch + "/recompress.raw", pigz = scratch + "/recompressed";
    delta::unpack_image(new_file, compression, raw, manifest::k_max_member_size);
    pigz6_file(raw, pigz);
    fs::remove(raw);
    new_file = pigz;
    std::uint64_t size = 0;
    file_at->sha256 = chunk_hashes_of_file(pigz, ix.chunk_size, size);
    file_at->size = size;
    // The manifest member says the new file's sha1 and size.
    const auto manifest_at = std::find_if(ix.members.begin(), ix.members.end(), [&](const manifest::BundleMember& m) {
      return m.name == artifact->manifest_member;
    });
    common::Json m = common::parse_json(reader.read_member(artifact->manifest_member, 1u << 20), "manifest");
    m["files"][0]["sha1"] = common::file_hex_digest(common::HashAlgorithm::sha1, pigz);
    m["files"][0]["size"] = size;
    const std::string text = m.dump();
    const std::string mpath = inputs[static_cast<std::size_t>(manifest_at - ix.members.begin())].path;
    std::ofstream(mpath, std::ios::binary | std::ios::trunc) << text;
    manifest_at->size = text.size();
    manifest_at->sha256 = bundles::chunk_hashes_of(text, ix.chunk_size);
  }
  if (!args.file_out.empty()) fs::copy_file(new_file, args.file_out, fs::copy_options::overwrite_existing);

  const delta::RecipeSearch search = delta::find_recipe(new_file, compression);
  if (!search.recipe) throw Error(ExitCode::bad_data, "no recipe reproduces " + args.image + ": " + search.why_not());
  const std::string base_raw = scratch + "/base.raw", new_raw = scratch + "/new.raw",
                    patch = scratch + "/patch";
  const auto limit = manifest::k_max_member_size;
  delta::unpack_image(args.base_file, delta::compression_from_name(args.base_compression), base_raw, limit);
  delta::unpack_image(new_file, compression, new_raw, limit);
  {
    std::ifstream in(new_raw, std::ios::binary);
    std::ofstream out(patch, std::ios::binary);
    delta::encode_patch(base_raw, file_source(in),
                        [&](const char* data, std::size_t size) { out.write(data, static_cast<std::streamsize>(size)); });
  }
  fs::remove(base_raw);
  fs::remove(new_raw);

  manifest::BundleDelta d;
  d.patch_member = "images/" + args.image + ".imgpatch";
  d.base_uuid = args.base_uuid;
  d.base_sha1 = common::file_hex_digest(common::HashAlgorithm::sha1, args.base_file);
  d.base_size = fs::file_size(args.base_file);
  d.base_compression = delta::compression_from_name(args.base_compression);
  d.recipe = *search.recipe;
  d.file_size = file_at->size;
  d.file_sha256 = file_at->sha256;
  manifest::BundleMember patch_member;
  patch_member.name = d.patch_member;
  patch_member.sha256 = chunk_hashes_of_file(patch, ix.chunk_size, patch_member.size);
  *file_at = patch_member;
  inputs[file_index] = {d.patch_member, patch, "", 0644};
  artifact->file_member.clear();
  artifact->delta = d;
  ix.format_version = manifest::required_format_version(ix.artifacts);
  ix.content_id = manifest::content_id_for(ix.members);
  ix.bundle_id = manifest::build_id_for(ix);
  const std::string index_bytes = ix.serialize();

  const signing::PrivateKey key = signing::load_private_key(args.key);
  auto signatures = signing::SignatureDocument::for_bundle(ix.bundle_id, index_bytes);
  signatures.sign(key, ix.bundle_id, index_bytes);
  bundles::WriterOptions options;
  options.signature_json = signatures.serialize();
  bundles::write_bundle(args.out, index_bytes, inputs, options);
  fs::remove_all(scratch);
  std::cout << "{\"bundle\":\"" << args.out << "\",\"image\":\"" << args.image << "\",\"patch_size\":" << patch_member.size
            << ",\"file_size\":" << d.file_size << ",\"recipe\":\"" << delta::describe(d.recipe) << "\"}\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"make-delta-bundle: rewrite one artifact of a signed bundle as a delta (tests only)"};
  Args args;
  app.add_option("--in", args.in, "The full bundle")->required();
  app.add_option("--out", args.out, "The delta bundle to write")->required();
  app.add_option("--key", args.key, "The signing key (PEM)")->required();
  app.add_option("--image", args.image, "The uuid of the image to ship as a delta")->required();
  app.add_option("--base-file", args.base_file, "The base image's file (as the DC has it)")->required();
  app.add_option("--base-uuid", args.base_uuid, "The base image's uuid")->required();
  app.add_option("--base-compression", args.base_compression, "none, gzip or bzip2");
  app.add_flag("--recompress", args.recompress, "Recompress the image with pigz -6 first (and fix its manifest)");
  app.add_option("--file-out", args.file_out, "Keep a copy of the image file the delta rebuilds here");
  CLI11_PARSE(app, argc, argv);
  try {
    run(args);
  } catch (const Error& e) {
    std::cerr << "make-delta-bundle: error: " << e.what() << "\n";
    return common::to_int(e.code());
  } catch (const std::exception& e) {
    std::cerr << "make-delta-bundle: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
