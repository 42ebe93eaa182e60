// manifest-check [--profile minimal|dc|public|private] [--channels] [--serialize] FILE...|-
// For each input prints one JSON line {"file","valid","errors":[{"field","code","message"}]}
// (or, with --serialize, the manifest with its keys in IMGAPI order). Exit status: 0 all
// valid, 9 (bad_data) if any input is invalid or not JSON, 10/4 if a file is missing or
// unreadable, 2 for a bad command line.
#include <manifest/image_manifest.hpp>
#include <manifest/validate.hpp>

#include <common/error.hpp>
#include <common/exit_code.hpp>
#include <common/json.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

using common::Error;
using common::ExitCode;
using common::Json;

constexpr std::size_t k_max_manifest_bytes = 16u << 20;

struct Options {
  std::string profile = "dc";
  bool channels = false;
  bool serialize = false;
  std::vector<std::string> files;
};

// Reads at most k_max_manifest_bytes + 1 bytes, so parse_json can refuse a huge input
// without this program ever holding more than the limit.
std::string read_input(const std::string& file) {
  std::ifstream in_file;
  std::istream* in = &std::cin;
  if (file != "-") {
    in_file.open(file, std::ios::binary);
    if (!in_file) {
      const bool missing = errno == ENOENT;
      throw Error(missing ? ExitCode::not_found : ExitCode::io,
                  "cannot open " + file + ": " + std::strerror(errno));
    }
    in = &in_file;
  }
  std::string text;
  char chunk[65536];
  while (text.size() <= k_max_manifest_bytes && in->read(chunk, sizeof chunk).gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in->gcount()));
  }
  if (in->bad()) throw Error(ExitCode::io, "cannot read " + file);
  return text;
}

Json error_json(const std::string& field, const std::string& code, const std::string& message) {
  Json e = Json::object();
  e["field"] = field;
  e["code"] = code;
  e["message"] = message;
  return e;
}

// One input: returns true when valid (or, with --serialize, when it parsed).
bool check_one(const Options& options, const std::string& file, const std::string& text) {
  Json line = Json::object();
  line["file"] = file;
  line["valid"] = false;
  line["errors"] = Json::array();
  Json manifest;
  try {
    manifest = common::parse_json(text, file, 64, k_max_manifest_bytes);
  } catch (const Error& e) {
    line["errors"].push_back(error_json("", "Invalid", e.what()));
    std::cout << common::dump_json(line, -1) << '\n';
    return false;
  }
  if (options.serialize) {
    std::cout << common::dump_json(manifest::in_imgapi_order(manifest)) << '\n';
    return true;
  }
  const manifest::ValidateOptions validate_options{manifest::profile_from_name(options.profile),
                                                   options.channels};
  const std::vector<manifest::FieldError> errors = manifest::validate(manifest, validate_options);
  for (const auto& e : errors) line["errors"].push_back(error_json(e.field, e.code, e.message));
  line["valid"] = errors.empty();
  std::cout << common::dump_json(line, -1) << '\n';
  return errors.empty();
}

int run(const Options& options) {
  manifest::profile_from_name(options.profile);  // refuse a bad profile before any output
  int status = common::to_int(ExitCode::ok);
  for (const std::string& file : options.files) {
    try {
      if (!check_one(options, file, read_input(file))) {
        status = std::max(status, common::to_int(ExitCode::bad_data));
      }
    } catch (const Error& e) {
      std::cerr << "manifest-check: error: " << e.what() << '\n';
      status = std::max(status, common::to_int(e.code()));
    }
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Validate IMGAPI image manifests the way node-imgmanifest does."};
  Options options;
  app.add_option("--profile", options.profile, "minimal, dc, public or private (default dc)")
      ->check(CLI::IsMember({"minimal", "dc", "public", "private"}));
  app.add_flag("--channels", options.channels, "the IMGAPI has channels (public/private)");
  app.add_flag("--serialize", options.serialize,
               "print each manifest with its keys in IMGAPI order instead of validating");
  app.add_option("files", options.files, "manifest files, - for stdin")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : common::to_int(ExitCode::usage);
  }
  try {
    return run(options);
  } catch (const Error& e) {
    std::cerr << "manifest-check: error: " << e.what() << '\n';
    return common::to_int(e.code());
  } catch (const std::exception& e) {
    std::cerr << "manifest-check: internal error: " << e.what() << '\n';
    return common::to_int(ExitCode::internal);
  }
}
