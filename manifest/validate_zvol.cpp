// Rules for the zvol-only fields (nic_driver, disk_driver, cpu_type, image_size: required
// iff type is "zvol", forbidden with a truthy value otherwise) and for "channels".
#include <manifest/validate_rules.hpp>

#include <manifest/js_value.hpp>

#include <cmath>

namespace manifest::rules {

namespace {

// Common head of the four zvol rules. Returns true when the value still needs its own
// type check (present, and not already refused).
bool zvol_presence(Context& c, const char* field) {
  const Json* x = c.get(field);
  const bool zvol = c.field_equals("type", "zvol");
  if (x == nullptr) {
    if (zvol) c.missing(field, std::string("\"") + field + "\" is required for a type \"zvol\" image");
    return false;
  }
  if (js::truthy(*x) && !zvol) {
    c.invalid(field, std::string("invalid image ") + field + ": " + show(*x) +
                         " (only type \"zvol\" images may have a value)");
    return false;
  }
  return true;
}

void zvol_string(Context& c, const char* field) {
  if (!zvol_presence(c, field)) return;
  const Json& x = *c.get(field);
  if (!x.is_string()) {
    c.invalid(field, std::string("invalid image ") + field + ": " + show(x) + " (must be a string)");
  }
}

}  // namespace

void nic_driver(Context& c) { zvol_string(c, "nic_driver"); }
void disk_driver(Context& c) { zvol_string(c, "disk_driver"); }
void cpu_type(Context& c) { zvol_string(c, "cpu_type"); }

void image_size(Context& c) {
  if (!zvol_presence(c, "image_size")) return;
  const Json& x = *c.get("image_size");
  // isPositiveInteger(Number(x)): any finite integral number, negatives included.
  const double n = js::to_number(x);
  if (!std::isfinite(n) || std::floor(n) != n) {
    c.invalid("image_size", "invalid image image_size: " + show(x) + " (must be an integer, in MiB)");
  }
}

void channels(Context& c) {
  const Json* x = c.get("channels");
  if (x == nullptr) return c.missing("channels", "\"channels\" is required on an IMGAPI with channels");
  const Profile profile = c.options().profile;
  const bool channel_profile = profile == Profile::public_ || profile == Profile::private_;
  if (!channel_profile || !c.options().channels_enabled) {
    return c.invalid("channels", "channels is invalid with an IMGAPI not configured for channels");
  }
  if (!x->is_array()) {
    return c.invalid("channels", "invalid image \"channels\" (not an array): " + show(*x));
  }
  for (const Json& channel : *x) {
    if (!channel.is_string()) {
      c.invalid("channels", "invalid image \"channels\" entry: " + show(channel));
    }
  }
}

}  // namespace manifest::rules
