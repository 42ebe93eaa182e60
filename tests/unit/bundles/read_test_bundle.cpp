// read-test-bundle: a test-only driver for the bundle readers (benchmarks, interop tests).
// Not shipped; `sdcadm-bundle inspect/verify` are the real front ends.
//
//   read-test-bundle index BUNDLE            opens through the seek table, prints the index
//                                            latency: {"seconds", "members", "file_bytes"}
//   read-test-bundle verify BUNDLE [--threads N] [--sizes-only]
//                                            parallel verify: {"seconds", "mb_per_s", ...}
//   read-test-bundle stream BUNDLE|-         one streaming pass (discarding the content)
// Every command adds "max_rss_kib". Errors: "read-test-bundle: error: MSG", exit code of
// the error (common/exit_code.hpp).

#include <bundles/seekable_reader.hpp>
#include <bundles/stream_reader.hpp>
#include <common/error.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>
#include <sys/resource.h>

namespace {

using Clock = std::chrono::steady_clock;

long max_rss_kib() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;  // KiB on Linux and illumos
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void print(const std::string& fields, double seconds, std::uint64_t bytes) {
  std::cout << "{" << fields << ", \"seconds\": " << seconds
            << ", \"mb_per_s\": " << (seconds > 0 ? bytes / seconds / 1e6 : 0.0)
            << ", \"max_rss_kib\": " << max_rss_kib() << "}\n";
}

void run_index(const std::string& path) {
  const auto start = Clock::now();
  const auto reader = bundles::SeekableReader::open(path, bundles::PartCheck::sizes_only);
  const double seconds = seconds_since(start);
  print("\"members\": " + std::to_string(reader.index().members.size()) +
            ", \"file_bytes\": " + std::to_string(reader.file_size()),
        seconds, 0);
}

void run_verify(const std::string& path, unsigned threads, bool sizes_only) {
  const auto start = Clock::now();
  const auto reader = bundles::SeekableReader::open(
      path, sizes_only ? bundles::PartCheck::sizes_only : bundles::PartCheck::hashes);
  const auto report = reader.verify(threads);
  const double seconds = seconds_since(start);
  print("\"frames\": " + std::to_string(report.frames) + ", \"threads\": " +
            std::to_string(report.threads) + ", \"payload_bytes\": " +
            std::to_string(reader.index().payload_size()) + ", \"file_bytes\": " +
            std::to_string(reader.file_size()),
        seconds, reader.index().payload_size());
}

class Discard : public bundles::MemberHandler {
 public:
  bundles::ByteSink begin(const manifest::BundleMember&) override { return {}; }
  void commit(const manifest::BundleMember&) override { ++members; }
  void abort(const manifest::BundleMember&) noexcept override {}
  std::size_t members = 0;
};

void run_stream(const std::string& path) {
  const auto start = Clock::now();
  bundles::StreamReader reader(bundles::open_bundle_source(path));
  Discard discard;
  reader.read_members(discard);
  const double seconds = seconds_since(start);
  print("\"members\": " + std::to_string(discard.members) + ", \"payload_bytes\": " +
            std::to_string(reader.index().payload_size()),
        seconds, reader.index().payload_size());
}

// One line per frame: file offset, compressed size, member name (tests use it to damage
// a chosen member's bytes).
void run_frames(const std::string& path) {
  auto reader = bundles::SeekableReader::open(path);
  const auto& members = reader.index().members;
  for (const bundles::SeekEntry& e : reader.seek_table().entries) {
    std::string name = e.member == 0   ? "bundle.json"
                       : e.member == 1 ? "bundle.sig"
                                       : members.at(e.member - 2).name;
    std::cout << e.offset << " " << e.compressed_size << " " << name << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"read-test-bundle: test driver for the bundle readers"};
  app.require_subcommand(1);
  std::string path;
  unsigned threads = 0;
  bool sizes_only = false;
  auto* index = app.add_subcommand("index", "open through the seek table, time the index");
  index->add_option("bundle", path)->required();
  auto* verify = app.add_subcommand("verify", "verify every frame in parallel");
  verify->add_option("bundle", path)->required();
  verify->add_option("--threads", threads, "worker threads (0 = one per core)");
  verify->add_flag("--sizes-only", sizes_only, "check split parts by size only");
  auto* stream = app.add_subcommand("stream", "one streaming pass");
  stream->add_option("bundle", path)->required();
  auto* frames = app.add_subcommand("frames", "list frames: offset, compressed size, member");
  frames->add_option("bundle", path)->required();
  CLI11_PARSE(app, argc, argv);
  try {
    if (*index) run_index(path);
    if (*verify) run_verify(path, threads, sizes_only);
    if (*stream) run_stream(path);
    if (*frames) run_frames(path);
  } catch (const common::Error& e) {
    std::cerr << "read-test-bundle: error: " << e.what() << "\n";
    return common::to_int(e.code());
  }
  return 0;
}
