#include <bundles/seekable_reader.hpp>
#include <bundles/writer.hpp>

#include "writer_support.hpp"

#include <csignal>
#include <sys/resource.h>

using common::ExitCode;
using namespace writer_test;

namespace {

std::vector<Content> two_members() {
  return {{"changelog.json", "{}\n"},
          {"images/00000000-0000-4000-8000-000000000001.imgfile", random_bytes(3 * k_mib, 9)}};
}

bundles::WriterOptions options() {
  bundles::WriterOptions o;
  o.threads = 2;
  o.mtime = 1764072000;
  return o;
}

// Everything in `dir` except the inputs the fixture wrote.
std::set<std::string> outputs(const TempDir& dir) {
  std::set<std::string> out;
  for (const auto& name : list_dir(dir.path())) {
    if (name.rfind("input-", 0) != 0) out.insert(name);
  }
  return out;
}

// Lowers the file size limit for one test; writes beyond it fail with EFBIG.
struct FileSizeLimit {
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved);
    old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit lower = saved;
    lower.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &lower);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, old_handler);
  }
  rlimit saved{};
  void (*old_handler)(int) = nullptr;
};

}  // namespace

TEST_CASE("a cached file that changed after hashing aborts and leaves nothing", "[writer]") {
  TempDir dir;
  const auto fx = make_fixture(dir, two_members());
  // Same size, one byte different in the second chunk.
  std::string changed = slurp(fx.inputs[1].path);
  changed[k_mib + 17] ^= 1;
  write_file(fx.inputs[1].path, changed);
  const std::string target = dir.file("b.sdc");
  const std::string msg = message_of(
      [&] { bundles::write_bundle(target, fx.index_bytes, fx.inputs, options()); });
  CHECK(msg.find("cached file " + fx.inputs[1].path) != std::string::npos);
  CHECK(msg.find("changed since it was hashed") != std::string::npos);
  CHECK(msg.find("chunk 1") != std::string::npos);
  CHECK(code_of([&] { bundles::write_bundle(target, fx.index_bytes, fx.inputs, options()); }) ==
        ExitCode::bundle_hash);
  CHECK(outputs(dir).empty());
}

TEST_CASE("an input marked hashed (a download of this build) is not hashed again; the size still is", "[writer]") {
  TempDir dir;
  auto fx = make_fixture(dir, two_members());
  std::string changed = slurp(fx.inputs[1].path);
  changed[k_mib + 17] ^= 1;  // would be caught if it were hashed again
  write_file(fx.inputs[1].path, changed);
  fx.inputs[1].hashed = true;
  const std::string target = dir.file("b.sdc");
  bundles::write_bundle(target, fx.index_bytes, fx.inputs, options());
  CHECK(slurp(target).find(changed.substr(k_mib, 4096)) != std::string::npos);  // written as it is
  // Readers check every chunk: the bundle is refused there.
  CHECK(code_of([&] { bundles::SeekableReader::open(target).verify(1); }) == ExitCode::bundle_hash);
  // A size that differs is refused while writing, hashed or not.
  write_file(fx.inputs[1].path, changed + "x");
  CHECK(code_of([&] { bundles::write_bundle(dir.file("c.sdc"), fx.index_bytes, fx.inputs, options()); }) ==
        ExitCode::bundle_hash);
}

TEST_CASE("a changed cached file's error names it as a detail, not only in the text", "[writer]") {
  TempDir dir;
  const auto fx = make_fixture(dir, two_members());
  std::string changed = slurp(fx.inputs[1].path);
  changed[17] ^= 1;
  write_file(fx.inputs[1].path, changed);
  try {
    bundles::write_bundle(dir.file("b.sdc"), fx.index_bytes, fx.inputs, options());
    FAIL("a bundle was written from a changed file");
  } catch (const common::Error& e) {
    CHECK(e.code() == ExitCode::bundle_hash);
    CHECK(e.details().path == fx.inputs[1].path);
  }
}

TEST_CASE("a cached file of another size is refused before writing", "[writer]") {
  TempDir dir;
  const auto fx = make_fixture(dir, two_members());
  write_file(fx.inputs[1].path, random_bytes(3 * k_mib + 1, 9));
  CHECK(code_of([&] {
          bundles::write_bundle(dir.file("b.sdc"), fx.index_bytes, fx.inputs, options());
        }) == ExitCode::bundle_hash);
  auto in_memory = fx.inputs;
  in_memory[0].path.clear();
  in_memory[0].bytes = "{}";  // one byte short
  CHECK(code_of([&] {
          bundles::write_bundle(dir.file("b.sdc"), fx.index_bytes, in_memory, options());
        }) == ExitCode::bundle_hash);
  CHECK(outputs(dir).empty());
}

TEST_CASE("inputs must match the index's members one to one", "[writer]") {
  TempDir dir;
  const auto fx = make_fixture(dir, two_members());
  const std::string target = dir.file("b.sdc");
  auto missing = fx.inputs;
  missing.pop_back();
  CHECK(code_of([&] { bundles::write_bundle(target, fx.index_bytes, missing, options()); }) ==
        ExitCode::internal);
  auto extra = fx.inputs;
  extra.push_back({"unlisted", fx.inputs[0].path, "", 0644});
  CHECK(code_of([&] { bundles::write_bundle(target, fx.index_bytes, extra, options()); }) ==
        ExitCode::internal);
  auto twice = fx.inputs;
  twice.push_back(fx.inputs[0]);
  CHECK(code_of([&] { bundles::write_bundle(target, fx.index_bytes, twice, options()); }) ==
        ExitCode::internal);
  auto gone = fx.inputs;
  gone[1].path = dir.file("no-such-file");
  CHECK(code_of([&] { bundles::write_bundle(target, fx.index_bytes, gone, options()); }) ==
        ExitCode::not_found);
  CHECK(outputs(dir).empty());
}

TEST_CASE("the index bytes are checked with the reader's rules", "[writer]") {
  TempDir dir;
  auto fx = make_fixture(dir, two_members());
  const std::string target = dir.file("b.sdc");
  CHECK(code_of([&] { bundles::write_bundle(target, "{", fx.inputs, options()); }) ==
        ExitCode::bundle_corrupt);
  // An index without members cannot end its archive after the signature slot.
  auto empty = fx.index;
  empty.members.clear();
  CHECK(code_of([&] { bundles::write_bundle(target, empty.serialize(), {}, options()); }) ==
        ExitCode::bundle_corrupt);
  auto bad_level = options();
  bad_level.level = 99;
  CHECK(code_of([&] { bundles::write_bundle(target, fx.index_bytes, fx.inputs, bad_level); }) ==
        ExitCode::usage);
  auto bad_time = options();
  bad_time.mtime = -5;
  CHECK(code_of([&] { bundles::write_bundle(target, fx.index_bytes, fx.inputs, bad_time); }) ==
        ExitCode::usage);
  auto big_slot = options();
  big_slot.signature_json = std::string(65537, ' ');
  CHECK(code_of([&] { bundles::write_bundle(target, fx.index_bytes, fx.inputs, big_slot); }) ==
        ExitCode::bundle_too_large);
  CHECK(outputs(dir).empty());
}

TEST_CASE("members ustar cannot describe are refused before anything is written", "[writer]") {
  TempDir dir;
  auto fx = make_fixture(dir, two_members());
  // The index allows members up to 64 GiB; ustar's size field stops at 8 GiB - 1.
  auto big = fx.index;
  big.members[1].size = 9ull << 30;
  big.members[1].sha256.assign(9 * 1024, std::string(64, 'a'));
  big.bundle_id = manifest::bundle_id_for(big.members);
  const std::string msg = message_of(
      [&] { bundles::write_bundle(dir.file("b.sdc"), big.serialize(), fx.inputs, options()); });
  CHECK(msg.find("8 GiB") != std::string::npos);
  CHECK(code_of([&] {
          bundles::write_bundle(dir.file("b.sdc"), big.serialize(), fx.inputs, options());
        }) == ExitCode::bundle_too_large);
  auto bad_mode = fx.inputs;
  bad_mode[0].mode = 0100644;  // a file type, not permission bits
  CHECK(code_of([&] {
          bundles::write_bundle(dir.file("b.sdc"), fx.index_bytes, bad_mode, options());
        }) == ExitCode::usage);
  CHECK(outputs(dir).empty());
}

TEST_CASE("a failed write removes the temp file and keeps an older bundle", "[writer]") {
  TempDir dir;
  const auto fx = make_fixture(dir, two_members());
  const std::string target = dir.file("b.sdc");
  write_file(target, "an older bundle");
  {
    FileSizeLimit limit(256 * 1024);  // the 3 MiB member cannot be written
    CHECK(code_of([&] { bundles::write_bundle(target, fx.index_bytes, fx.inputs, options()); }) ==
          ExitCode::io);
  }
  CHECK(outputs(dir) == std::set<std::string>{"b.sdc"});
  CHECK(slurp(target) == "an older bundle");
}
