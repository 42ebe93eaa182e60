#include <tools/sample_catalog/options.hpp>

#include <common/error.hpp>

#include <CLI/CLI.hpp>

#include <cctype>
#include <iostream>
#include <limits>

namespace sample_catalog {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

int suffix_shift(const std::string& suffix) {
  const std::string s = lower(suffix);
  if (s.empty() || s == "b") return 0;
  for (const auto& [letter, shift] : {std::pair{'k', 10}, {'m', 20}, {'g', 30}, {'t', 40}}) {
    if (s == std::string(1, letter) || s == std::string(1, letter) + "b" ||
        s == std::string(1, letter) + "ib") {
      return shift;
    }
  }
  return -1;
}

}  // namespace

std::uint64_t parse_size(const std::string& text) {
  const auto bad = [&text](const std::string& why) {
    return common::Error(common::ExitCode::usage, "invalid size \"" + text + "\": " + why +
                                                      " (examples: 4096, 512K, 64M, 2G)");
  };
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0) throw bad("expected a number");
  if (digits > 15) throw bad("too large");
  const int shift = suffix_shift(text.substr(digits));
  if (shift < 0) throw bad("unknown unit");
  const std::uint64_t number = std::stoull(text.substr(0, digits));
  if (number > (std::numeric_limits<std::uint64_t>::max() >> shift)) throw bad("too large");
  return number << shift;
}

std::uint64_t parse_seed(const std::string& text) {
  const bool digits = !text.empty() && text.size() <= 20 &&
                      text.find_first_not_of("0123456789") == std::string::npos;
  if (digits && (text.size() < 20 || text <= "18446744073709551615")) return std::stoull(text);
  throw common::Error(common::ExitCode::usage,
                      "invalid seed \"" + text + "\": expected a whole number from 0 to 2^64-1");
}

bool parse_options(int argc, char** argv, Options& options, int& exit_code) {
  CLI::App app{"Writes a sample Triton updates-server catalog directory: every core service "
               "image, agents, agentsshar, gz-tools, platform and sdcadm, with channels and "
               "origin chains. Deterministic: the same --seed and --scale give the same bytes.",
               "sample-catalog"};
  std::string scale_text = "8M";
  std::string seed_text = std::to_string(options.seed);
  app.add_option("-o,--output", options.out_dir, "catalog directory to write")->required();
  app.add_option("--scale", scale_text, "approximate total size of the image files (K/M/G)")
      ->capture_default_str();
  app.add_option("--seed", seed_text, "seed for uuids and file contents (0 to 2^64-1)")
      ->capture_default_str();
  std::string payload_text = "realistic";
  app.add_option("--payload", payload_text,
                 "image file bytes: realistic (successive versions share most content, "
                 "compressed as Triton does) or random (unrelated incompressible bytes)")
      ->check(CLI::IsMember({"realistic", "random"}))
      ->capture_default_str();
  app.add_flag("--force", options.force, "replace DIR if it exists and is not empty");
  app.add_flag("-q,--quiet", options.quiet, "no summary line on stderr");
  try {
    app.parse(argc, argv);
    options.scale = parse_size(scale_text);
    options.seed = parse_seed(seed_text);
    options.payload = payload_text == "random" ? PayloadMode::random : PayloadMode::realistic;
  } catch (const CLI::CallForHelp& e) {
    exit_code = app.exit(e);
    return false;
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    exit_code = common::to_int(common::ExitCode::usage);
    return false;
  } catch (const common::Error& e) {
    std::cerr << "sample-catalog: error: " << e.what() << "\n";
    exit_code = common::to_int(e.code());
    return false;
  }
  return true;
}

}  // namespace sample_catalog
