#pragma once
// Image manifest validation with the verdicts of Joyent's node-imgmanifest 3.2.1
// (lib/imgmanifest.js), the validator IMGAPI runs on every image it stores.
//
// validate(m, {profile}) answers what validate<Profile>Manifest(m, opts) answers for the
// same JSON object: the same valid/invalid verdict and the same set of (field, code)
// pairs, JavaScript quirks included (e.g. "size": -1 or 1.5 is accepted because the JS
// only checks truthiness; "v": "2" is accepted because it goes through Number()).
// tests/conformance/manifest_validation.test.js runs both on a few hundred manifests.
//
// Which form each profile expects (node-imgmanifest reads the object as given):
//  - minimal:  what `imgadm create` writes / `imgadm install` needs: v, uuid, name,
//              version, type, os required; any other known field is checked if present.
//  - dc, public_, private_: the form IMGAPI builds in Image.validateAndNormalize from its
//              stored record: the API form *plus* "activated" (bool or "true"/"false"),
//              with "state", "disabled", "public", "tags" as an object and "icon" as a
//              boolean. A GetImage reply lacks "activated" and therefore fails these
//              profiles with (activated, MissingParameter): use validation_form() to add
//              it. "published_at" and "files" are required only when activated is true;
//              nic_driver/disk_driver/cpu_type/image_size only when type is "zvol".
//              public_ additionally requires public:true, private_ public:false.
//  - channels: with channels_enabled (an IMGAPI configured with channels) public_ and
//              private_ require "channels" (array of strings). Without it, or in the dc
//              and minimal profiles, a "channels" key is itself an error.
// Unknown top-level keys are (key, Invalid).
//
// Deliberate differences (where the JS would throw a TypeError, which IMGAPI turns into
// a 500, we report (field, Invalid) and keep checking the other fields; where the JS
// accepts nonsense by accident, we refuse): see the list in validate.cpp.

#include <common/json.hpp>

#include <string>
#include <vector>

namespace manifest {

enum class Profile { minimal, dc, public_, private_ };

// One problem with one field, as imgmanifest reports it. code is one of
// "MissingParameter" (a required field is absent), "Invalid" (present but wrong, or an
// unknown key). field is the top-level key, or "requirements.<sub>" for requirements.
struct FieldError {
  std::string field;
  std::string code;
  std::string message;  // human text: what is wrong and what is allowed
};

struct ValidateOptions {
  Profile profile = Profile::dc;
  bool channels_enabled = false;  // the IMGAPI has channels (public_/private_ only)
};

// All problems with `manifest` for the profile, in imgmanifest's order (required fields
// first, then optional fields present, then unknown keys). Empty = valid. A manifest that
// is not a JSON object gives one error with an empty field name.
std::vector<FieldError> validate(const common::Json& manifest, const ValidateOptions& options);

// "invalid image data: field (code: message), field (code: message)"; "" when empty.
std::string describe(const std::vector<FieldError>& errors);

// Profile name as used on command lines ("minimal", "dc", "public", "private"), and back
// (throws common::Error(usage) for anything else).
std::string profile_name(Profile profile);
Profile profile_from_name(const std::string& name);

// An API-form manifest turned into the form validate() expects for dc/public_/private_:
// a copy with "activated" added when absent (true for state active or disabled, false
// otherwise, as IMGAPI derives state from activated/disabled). Other fields untouched.
common::Json validation_form(const common::Json& api_manifest);

}  // namespace manifest
