#pragma once
// Helpers shared by the validation tests: a valid base manifest per profile, patching a
// field, and the sorted "field|code" set that imgmanifest comparisons use.

#include <manifest/validate.hpp>

#include <set>
#include <string>

namespace validate_test {

using common::Json;
using manifest::Profile;

// A valid manifest in the form IMGAPI validates for the dc/private profiles (API form
// plus "activated"), shaped like a Triton core service image.
inline Json dc_base() {
  return common::parse_json(R"({
    "v": 2, "uuid": "1f9b7958-289e-4ea3-8f88-5486a40d6823",
    "owner": "930896af-bf8c-48d4-885c-6573a94b1853", "name": "imgapi",
    "version": "master-20200310T190435Z-g4869d31", "state": "active", "disabled": false,
    "activated": true, "public": false, "published_at": "2020-03-10T19:08:26.567Z",
    "type": "zone-dataset", "os": "smartos",
    "files": [{"sha1": "3dcf0d8695bf81a05a6272ccdc5048dd025acceb", "size": 121737890,
               "compression": "gzip"}],
    "origin": "f9f8d4e5-30d9-438e-88f7-ea745370049b",
    "requirements": {"min_platform": {"7.0": "20200304T133736Z"}},
    "tags": {"smartdc_service": true}
  })", "dc_base");
}

inline Json minimal_base() {
  return common::parse_json(R"({"v": 2, "uuid": "1f9b7958-289e-4ea3-8f88-5486a40d6823",
    "name": "foo", "version": "1.2.3", "type": "zone-dataset", "os": "smartos"})", "minimal");
}

// `base` with `field` set to the JSON `value` ("" removes the field).
inline Json with(Json base, const std::string& field, const std::string& value) {
  if (value.empty()) {
    base.erase(field);
  } else {
    base[field] = common::parse_json(value, field);
  }
  return base;
}

// The (field, code) pairs of validate(), as a sorted set of "field|code".
inline std::set<std::string> pairs(const Json& m, Profile profile = Profile::dc,
                                   bool channels = false) {
  std::set<std::string> out;
  for (const auto& e : manifest::validate(m, manifest::ValidateOptions{profile, channels})) {
    out.insert(e.field + "|" + e.code);
  }
  return out;
}

using Pairs = std::set<std::string>;

}  // namespace validate_test
