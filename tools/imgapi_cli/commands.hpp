#pragma once
// imgapi-cli subcommands. Each prints its result on stdout (JSON with --json); errors
// travel as common::Error to main(), which prints them and exits with their code.

#include <imgapi/client.hpp>

#include <common/progress.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace imgapi_cli {

struct Globals {
  std::string url;
  std::string channel;         // -C; "" = server default
  bool json = false;           // -j
  common::ProgressMode progress = common::ProgressMode::auto_detect;
};

imgapi::Client make_client(const Globals& g);

void cmd_ping(const Globals& g);
void cmd_channels(const Globals& g);
void cmd_list(const Globals& g, const std::vector<std::string>& filters);
void cmd_get(const Globals& g, const std::string& uuid);
void cmd_get_file(const Globals& g, const std::string& uuid, const std::string& out_path);

struct ImportArgs {
  std::string manifest_path;
  std::string file_path;    // "" = import the manifest only (no file, not activated)
  std::string compression;  // "" = files[0].compression, else from the file extension
  std::string sha1;         // "" = files[0].sha1
  bool skip_owner_check = false;
};
void cmd_import(const Globals& g, const ImportArgs& args);
void cmd_activate(const Globals& g, const std::string& uuid);
void cmd_delete(const Globals& g, const std::string& uuid, bool force_all_channels);

// Parses "FIELD=VALUE" list filters into a ListFilter; throws Error(usage) for unknown
// fields or bad values.
imgapi::ListFilter parse_list_filters(const std::vector<std::string>& filters);

}  // namespace imgapi_cli
