// imgapi-cli list [FIELD=VALUE...]: ListImages with every filter, as a table or JSON.
#include "commands.hpp"

#include <common/error.hpp>
#include <common/json.hpp>
#include <common/text_table.hpp>

#include <algorithm>
#include <iostream>

namespace imgapi_cli {

using common::Error;
using common::ExitCode;

namespace {

constexpr const char* k_filter_help =
    "name, version, owner, os, type, state, public, tag.KEY, billing_tag, account, channel, "
    "limit, marker, inclAdminFields";

std::size_t parse_limit(const std::string& value) {
  if (value.empty() || value.size() > 9 ||
      !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw Error(ExitCode::usage, "limit=" + value + ": expected a positive number");
  }
  return static_cast<std::size_t>(std::stoul(value));
}

bool parse_bool(const std::string& field, const std::string& value) {
  if (value == "true") return true;
  if (value == "false") return false;
  throw Error(ExitCode::usage, field + "=" + value + ": expected true or false");
}

void print_table(const std::vector<manifest::ImageManifest>& images) {
  const std::vector<std::string> header = {"UUID", "NAME", "VERSION", "STATE", "PUBLISHED_AT"};
  std::vector<std::vector<std::string>> rows = {header};
  for (const auto& image : images) {
    rows.push_back({image.uuid(), image.name(), image.version(), image.state(),
                    image.published_at().empty() ? "-" : image.published_at()});
  }
  std::cout << common::text_table(rows);
}

}  // namespace

imgapi::ListFilter parse_list_filters(const std::vector<std::string>& filters) {
  imgapi::ListFilter f;
  for (const auto& item : filters) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw Error(ExitCode::usage, "filter \"" + item + "\" is not FIELD=VALUE (fields: " +
                                       k_filter_help + ")");
    }
    const std::string field = item.substr(0, eq);
    const std::string value = item.substr(eq + 1);
    if (field == "name") f.name = value;
    else if (field == "version") f.version = value;
    else if (field == "owner") f.owner = value;
    else if (field == "os") f.os = value;
    else if (field == "type") f.type = value;
    else if (field == "state") f.state = value;
    else if (field == "public") f.is_public = parse_bool(field, value);
    else if (field.rfind("tag.", 0) == 0 && field.size() > 4) f.tags[field.substr(4)] = value;
    else if (field == "billing_tag") f.billing_tags.push_back(value);
    else if (field == "account") f.account = value;
    else if (field == "channel") f.channel = value;
    else if (field == "limit") f.limit = parse_limit(value);
    else if (field == "marker") f.marker = value;
    else if (field == "inclAdminFields") f.incl_admin_fields = parse_bool(field, value);
    else throw Error(ExitCode::usage, "unknown filter field \"" + field + "\" (fields: " + k_filter_help + ")");
  }
  return f;
}

void cmd_list(const Globals& g, const std::vector<std::string>& filters) {
  const imgapi::ListFilter filter = parse_list_filters(filters);
  auto client = make_client(g);
  const auto images = client.list_images(filter);
  if (g.json) {
    common::Json out = common::Json::array();
    for (const auto& image : images) out.push_back(image.json());
    std::cout << common::dump_json(out) << "\n";
  } else {
    print_table(images);
  }
}

}  // namespace imgapi_cli
