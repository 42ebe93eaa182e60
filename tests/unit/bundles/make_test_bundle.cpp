// make-test-bundle: a test-only driver for the bundle writer (interop tests, benchmarks).
// Not shipped; `sdcadm-bundle build` is the real front end.
//
//   make-test-bundle write -o OUT.sdc [--chunk-size N] [--level N] [--threads N]
//                          [--mtime SECONDS] [--mode NAME=OCTAL]... NAME=PATH...
//       writes a bundle with one member per NAME=PATH (in that order) and prints
//       {"file_bytes", "content_bytes", "frames", "seconds", "cpu_seconds", "mb_per_s",
//        "threads", "level", "max_rss_kib"} (times cover the writing, not the hashing)
//   make-test-bundle sign BUNDLE JSON        rewrites the signature slot in place
//   make-test-bundle split BUNDLE SIZE [--remove]

#include <bundles/signature_slot.hpp>
#include <bundles/split.hpp>
#include <bundles/writer.hpp>
#include <common/error.hpp>
#include <common/json.hpp>
#include <manifest/bundle_index.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <ctime>
#include <iostream>
#include <map>
#include <sys/resource.h>
#include <sys/stat.h>

namespace {

struct WriteArgs {
  std::string out;
  std::uint64_t chunk_size = 64u << 20;
  int level = 3;
  unsigned threads = 0;
  std::int64_t mtime = 1764072000;
  std::vector<std::string> modes;
  std::vector<std::string> members;
};

std::string rfc3339(std::int64_t t) {
  const auto tt = static_cast<std::time_t>(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::pair<std::string, std::string> split_pair(const std::string& arg) {
  const auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw common::Error(common::ExitCode::usage, "expected NAME=VALUE, got " + arg);
  }
  return {arg.substr(0, eq), arg.substr(eq + 1)};
}

double cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long max_rss_kib() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;  // KiB on Linux and illumos
}

int run_write(const WriteArgs& args) {
  std::map<std::string, unsigned> modes;
  for (const auto& m : args.modes) {
    const auto [name, octal] = split_pair(m);
    std::size_t used = 0;
    const unsigned long mode = std::stoul(octal, &used, 8);
    if (used != octal.size()) throw std::invalid_argument(octal);
    modes[name] = static_cast<unsigned>(mode);
  }
  manifest::BundleIndex index;
  index.created = rfc3339(args.mtime);
  index.expires = rfc3339(args.mtime + 90 * 86400);
  index.builder = {"make-test-bundle", SDCB_VERSION};
  index.source = {"https://updates.example.com", "test"};
  index.channel = "test";
  index.sequence = args.mtime;
  index.min_installer_version = SDCB_VERSION;
  index.chunk_size = args.chunk_size;
  std::vector<bundles::MemberInput> inputs;
  for (const auto& arg : args.members) {
    const auto [name, path] = split_pair(arg);
    const auto hashes = bundles::chunk_hashes(path, args.chunk_size);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      throw common::Error(common::ExitCode::not_found, "cannot read " + path);
    }
    index.members.push_back({name, static_cast<std::uint64_t>(st.st_size), hashes});
    inputs.push_back({name, path, "", modes.count(name) ? modes[name] : 0644u});
  }
  index.bundle_id = manifest::bundle_id_for(index.members);
  bundles::WriterOptions options;
  options.level = args.level;
  options.threads = args.threads;
  options.mtime = args.mtime;
  const double cpu_before = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  const auto stats = bundles::write_bundle(args.out, index.serialize(), inputs, options);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  common::Json j;
  j["file_bytes"] = stats.file_bytes;
  j["content_bytes"] = stats.content_bytes;
  j["frames"] = stats.frames;
  j["seconds"] = took.count();
  j["cpu_seconds"] = cpu_seconds() - cpu_before;
  j["mb_per_s"] = took.count() > 0 ? static_cast<double>(stats.content_bytes) / 1e6 / took.count() : 0.0;
  j["threads"] = args.threads ? args.threads : bundles::default_threads();
  j["level"] = args.level;
  j["max_rss_kib"] = max_rss_kib();
  std::cout << common::dump_json(j, -1) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"test-only driver for the bundle writer"};
  app.require_subcommand(1);
  WriteArgs w;
  auto* write = app.add_subcommand("write", "write a bundle from NAME=PATH members");
  write->add_option("-o,--output", w.out, "bundle to write")->required();
  write->add_option("--chunk-size", w.chunk_size, "chunk size in bytes");
  write->add_option("--level", w.level, "zstd level");
  write->add_option("--threads", w.threads, "compression threads (0 = default)");
  write->add_option("--mtime", w.mtime, "tar mtime (SOURCE_DATE_EPOCH)");
  write->add_option("--mode", w.modes, "NAME=OCTAL tar mode of a member (repeatable)")
      ->allow_extra_args(false);
  write->add_option("members", w.members, "NAME=PATH")->required();
  std::string bundle, json;
  std::uint64_t size = 0;
  bool remove = false;
  auto* sign = app.add_subcommand("sign", "rewrite the signature slot");
  sign->add_option("bundle", bundle)->required();
  sign->add_option("json", json)->required();
  auto* split = app.add_subcommand("split", "split into parts");
  split->add_option("bundle", bundle)->required();
  split->add_option("size", size)->required();
  split->add_flag("--remove", remove, "remove the bundle after splitting");
  CLI11_PARSE(app, argc, argv);
  try {
    if (write->parsed()) return run_write(w);
    if (sign->parsed()) bundles::rewrite_signature_slot(bundle, json);
    if (split->parsed()) {
      bundles::split_bundle(bundle, size, remove ? bundles::KeepOriginal::no
                                                 : bundles::KeepOriginal::yes);
    }
    return 0;
  } catch (const common::Error& e) {
    std::cerr << "make-test-bundle: error: " << e.what() << "\n";
    return common::to_int(e.code());
  } catch (const std::logic_error& e) {  // std::stoul on a bad --mode
    std::cerr << "make-test-bundle: error: bad number: " << e.what() << "\n";
    return common::to_int(common::ExitCode::usage);
  }
}
