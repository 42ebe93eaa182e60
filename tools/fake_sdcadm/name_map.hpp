#pragma once
// sdcadm's service -> image names map ("imgNamesFromSvcName"), loaded as sdcadm loads its
// config (sdcadm.md §1): the compiled-in etc/defaults.json, then <root>/var/sdcadm/sdcadm.conf
// merged over it at the top level only (so a conf with imgNamesFromSvcName replaces the
// whole map, as in the real one).

#include <tools/fake_sdcadm/root.hpp>

#include <common/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace fake_sdcadm {

using NameMap = std::map<std::string, std::vector<std::string>>;

// The text of sdcadm's etc/defaults.json (generated from the sample catalog's copy).
const char* sdcadm_defaults_json();

// The map from a parsed config object. Throws Error(bad_data) when imgNamesFromSvcName is
// missing or not an object of string arrays.
NameMap name_map_from_config(const common::Json& config, const std::string& what);

// defaults.json merged with <root>/var/sdcadm/sdcadm.conf (if present).
NameMap load_name_map(const Root& root);

// "a" or "a", "b" as sdcadm's error messages list valid names.
std::string quoted_names(const std::vector<std::string>& names);

}  // namespace fake_sdcadm
