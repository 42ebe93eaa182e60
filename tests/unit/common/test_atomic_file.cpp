#include <common/atomic_file.hpp>

#include <common/error.hpp>
#include <common/safe_dir.hpp>

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <dirent.h>
#include <sys/stat.h>

#include <memory>
#include <set>

using common::AtomicFile;
using test_support::exists;
using test_support::slurp;
using test_support::TempDir;

namespace {

std::set<std::string> list_dir(const std::string& dir) {
  std::set<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  REQUIRE(d != nullptr);
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.insert(name);
  }
  ::closedir(d);
  return names;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// Sets the umask for one test and puts the old one back.
struct UmaskGuard {
  explicit UmaskGuard(mode_t mask) : old(::umask(mask)) {}
  ~UmaskGuard() { ::umask(old); }
  mode_t old;
};

common::ExitCode code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const common::Error& e) {
    return e.code();
  }
  FAIL("no common::Error thrown");
  return common::ExitCode::ok;
}

}  // namespace

TEST_CASE("commit publishes the exact bytes and removes the temp file", "[atomic_file]") {
  TempDir dir;
  const std::string target = dir.file("out.bin");
  const std::string content("binary\0data\nwith NULs\0", 22);
  {
    AtomicFile file(target);
    CHECK(file.path() == target);
    CHECK(file.temp_path().rfind(target + ".tmp." + std::to_string(::getpid()) + ".", 0) == 0);
    file.write(content.substr(0, 7));
    CHECK_FALSE(exists(target));  // nothing under the final name before commit()
    CHECK(exists(file.temp_path()));
    file.write(content.data() + 7, content.size() - 7);
    file.commit();
  }
  CHECK(slurp(target) == content);
  CHECK(list_dir(dir.path()) == std::set<std::string>{"out.bin"});
}

TEST_CASE("without commit nothing is left behind", "[atomic_file]") {
  TempDir dir;
  std::string temp;
  {
    AtomicFile file(dir.file("never"));
    temp = file.temp_path();
    file.write("partial");
    CHECK(exists(temp));
  }
  CHECK_FALSE(exists(temp));
  CHECK(list_dir(dir.path()).empty());
}

TEST_CASE("commit replaces an existing file whole", "[atomic_file]") {
  TempDir dir;
  const std::string target = dir.file("f");
  common::write_file_atomic(target, "old content that is longer");
  common::write_file_atomic(target, "new");
  CHECK(slurp(target) == "new");
  CHECK(list_dir(dir.path()) == std::set<std::string>{"f"});
}

TEST_CASE("two writers of one path use distinct temp files", "[atomic_file]") {
  TempDir dir;
  AtomicFile a(dir.file("x"));
  AtomicFile b(dir.file("x"));
  CHECK(a.temp_path() != b.temp_path());
  a.write("from a");
  b.write("from b");
  a.commit();
  b.commit();
  CHECK(slurp(dir.file("x")) == "from b");
}

TEST_CASE("mode bits are applied through the umask", "[atomic_file]") {
  TempDir dir;
  {
    UmaskGuard mask(022);
    common::write_file_atomic(dir.file("key"), "secret", 0600);
    common::write_file_atomic(dir.file("default"), "x");
    common::write_file_atomic(dir.file("exe"), "x", 0755);
    CHECK(mode_of(dir.file("key")) == 0600);
    CHECK(mode_of(dir.file("default")) == 0644);
    CHECK(mode_of(dir.file("exe")) == 0755);
  }
  UmaskGuard strict(077);
  common::write_file_atomic(dir.file("private"), "x", 0644);
  CHECK(mode_of(dir.file("private")) == 0600);
}

TEST_CASE("a missing directory gives Error(io) naming the path", "[atomic_file]") {
  TempDir dir;
  const std::string target = dir.file("no/such/dir/file");
  try {
    AtomicFile file(target);
    FAIL("no exception");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::io);
    CHECK(std::string(e.what()).find(target) != std::string::npos);
  }
}

TEST_CASE("misuse after commit is an internal error", "[atomic_file]") {
  TempDir dir;
  AtomicFile file(dir.file("f"));
  file.commit();
  CHECK(code_of([&] { file.write("late"); }) == common::ExitCode::internal);
  CHECK(code_of([&] { file.commit(); }) == common::ExitCode::internal);
  CHECK(slurp(dir.file("f")).empty());
}

TEST_CASE("read_small_file reads, caps and reports", "[atomic_file]") {
  TempDir dir;
  common::write_file_atomic(dir.file("small"), std::string(1000, 'z'));
  CHECK(common::read_small_file(dir.file("small")) == std::string(1000, 'z'));
  CHECK(common::read_small_file(dir.file("small"), 1000).size() == 1000);
  CHECK(code_of([&] { (void)common::read_small_file(dir.file("small"), 999); }) ==
        common::ExitCode::bad_data);
  CHECK(code_of([&] { (void)common::read_small_file(dir.file("absent")); }) ==
        common::ExitCode::not_found);
  CHECK(code_of([&] { (void)common::read_small_file(dir.path() + "/"); }) ==
        common::ExitCode::io);  // a directory: read() fails with EISDIR
}

TEST_CASE("in a SafeDir: a fixed temp name, a stale one replaced, renamed in the directory",
          "[atomic_file]") {
  TempDir dir;
  ::mkdir(dir.file("images").c_str(), 0755);
  const auto images = std::make_shared<const common::SafeDir>(
      common::SafeDir::open(dir.path(), dir.file("images"), common::SafeDir::Create::no));
  const std::string target = dir.file("images/a.imgfile");
  const std::string temp = dir.file("images/.a.imgfile.tmp");
  common::write_file_atomic(temp, "stale leftover of a killed run");
  AtomicFile::Options options;
  options.dir = images;
  options.temp_path = temp;
  options.sync = AtomicFile::Sync::file_only;
  {
    AtomicFile file(target, options);
    CHECK(file.temp_path() == temp);
    file.write("fresh");
    file.seal();
    CHECK(slurp(temp) == "fresh");  // sealed: complete under the temp name, not yet renamed
    CHECK_FALSE(exists(target));
    file.commit();
  }
  CHECK(slurp(target) == "fresh");
  CHECK(list_dir(dir.file("images")) == std::set<std::string>{"a.imgfile"});
  {
    AtomicFile file(dir.file("images/b.imgfile"), [&] {
      AtomicFile::Options o = options;
      o.temp_path = dir.file("images/.b.imgfile.tmp");
      return o;
    }());
    file.write("never committed");
  }
  CHECK(list_dir(dir.file("images")) == std::set<std::string>{"a.imgfile"});
}

TEST_CASE("Sync::none still publishes whole files and cleans up", "[atomic_file]") {
  TempDir dir;
  AtomicFile::Options options;
  options.sync = AtomicFile::Sync::none;
  {
    AtomicFile file(dir.file("cached"), options);
    file.write("entry");
    file.commit();
  }
  CHECK(slurp(dir.file("cached")) == "entry");
  CHECK(list_dir(dir.path()) == std::set<std::string>{"cached"});
}
