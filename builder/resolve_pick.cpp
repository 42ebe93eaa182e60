#include <builder/resolve_pick.hpp>

#include <imgapi/api_error.hpp>

#include <common/command_words.hpp>
#include <common/error.hpp>
#include <manifest/version_order.hpp>

#include <algorithm>
#include <cctype>
#include <set>

namespace builder {

namespace {

using common::Error;
using common::ExitCode;

std::string describe(const manifest::ImageManifest& image) {
  return image.uuid() + " (" + image.name() + "@" + image.version() + ")";
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error unknown_service(const std::string& service) {
  if (const ServiceMapEntry* owner = find_by_image_name(service)) {
    return Error(ExitCode::usage, "unknown service \"" + service + "\": did you mean " +
                                      owner->name + "? (" + service +
                                      " is an image name of that service)");
  }
  std::vector<std::string> names;
  for (const ServiceMapEntry& e : service_map()) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  std::string message = "unknown service \"" + service + "\"";
  const std::string near = common::closest_name(service, names);
  message += near.empty() ? std::string(".") : "; did you mean " + near + "?";
  return Error(ExitCode::usage, message + " Services: " + join(names, ", "));
}

// ListImages on an unknown channel is a 422 ValidationFailed; the channel was checked
// against GET /channels already, so this only happens when the server changes under us.
std::vector<manifest::ImageManifest> list_name(imgapi::Client& updates, const std::string& name,
                                               const std::string& channel) {
  imgapi::ListFilter filter;
  filter.name = name;
  filter.channel = channel;
  try {
    return updates.list_images(filter);
  } catch (const Error& e) {
    // The request always names the channel, so any 422 reply to it is about the channel.
    if (e.code() == ExitCode::remote_error && e.details().http_status == 422) {
      throw Error(ExitCode::unknown_channel, "channel " + channel + " was refused by " +
                                                 updates.base_url() + " (" + e.what() + ")");
    }
    throw;
  }
}

manifest::ImageManifest pinned_by_uuid(imgapi::Client& updates, const ServiceMapEntry& entry,
                                       const std::string& uuid, const std::string& channel) {
  std::optional<manifest::ImageManifest> image = updates.find_image(uuid, channel);
  if (!image) {
    const auto anywhere = updates.find_image(uuid, std::string("*"));
    if (!anywhere) {
      throw Error(ExitCode::not_found, updates.base_url() + " has no image " + uuid);
    }
    throw Error(ExitCode::not_found,
                "image " + describe(*anywhere) + " is not in channel " + channel +
                    " (it is in: " + join(anywhere->channels(), ", ") +
                    "); build for one of those with -C");
  }
  const auto& names = entry.image_names;
  if (std::find(names.begin(), names.end(), image->name()) == names.end()) {
    throw Error(ExitCode::usage, "image " + describe(*image) + " is not an image of " +
                                     entry.name + ", whose images are named " +
                                     join(names, " or "));
  }
  if (image->state() != "active") {
    throw Error(ExitCode::usage, "image " + describe(*image) + " is " + image->state() +
                                     " on the server; only active images can be shipped");
  }
  const std::string reason = unusable_reason(entry.kind, *image);
  if (!reason.empty()) {
    throw Error(ExitCode::bad_data, "image " + describe(*image) + " cannot be shipped: " + reason);
  }
  return *image;
}

manifest::ImageManifest pinned_by_version(const ServiceMapEntry& entry,
                                          const std::vector<manifest::ImageManifest>& usable,
                                          const std::string& version, const std::string& channel) {
  std::vector<const manifest::ImageManifest*> matches;
  for (const manifest::ImageManifest& c : usable) {
    if (c.version() == version) matches.push_back(&c);
  }
  if (matches.empty()) {
    throw Error(ExitCode::not_found, "no image of " + entry.name + " (named " +
                                         join(entry.image_names, " or ") + ") has version " +
                                         version + " on channel " + channel);
  }
  if (matches.size() > 1) {
    std::vector<std::string> listed;
    for (const auto* m : matches) listed.push_back(describe(*m) + " published " + m->published_at());
    throw Error(ExitCode::usage, "version " + version + " of " + entry.name + " matches " +
                                     std::to_string(matches.size()) + " images: " +
                                     join(listed, "; ") + "; pin one with " + entry.name +
                                     "@UUID");
  }
  return *matches.front();
}

}  // namespace

bool is_imgapi_version(std::string_view text) {
  if (text.empty() || text.size() > 512) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' ||
           c == '/' || c == '+' || c == '-';
  });
}

Selection parse_selection(std::string_view arg) {
  const std::string text(arg);
  if (text.empty()) throw Error(ExitCode::usage, "an empty service name was given");
  const std::size_t at = text.find('@');
  Selection s;
  s.service = text.substr(0, at);
  if (s.service.empty()) {
    throw Error(ExitCode::usage, "\"" + text + "\": no service before '@' (SERVICE@UUID or "
                                               "SERVICE@VERSION)");
  }
  if (find_service(s.service) == nullptr) throw unknown_service(s.service);
  if (at == std::string::npos) return s;
  const std::string pin = text.substr(at + 1);
  if (pin.empty()) {
    throw Error(ExitCode::usage, "\"" + text + "\": nothing after '@' (SERVICE@UUID or "
                                               "SERVICE@VERSION)");
  }
  if (manifest::is_uuid(lower(pin))) {
    s.uuid = lower(pin);
  } else if (is_imgapi_version(pin)) {
    s.version = pin;
  } else {
    throw Error(ExitCode::usage, "\"" + text + "\": \"" + pin +
                                     "\" is neither an image uuid nor a version (letters, "
                                     "digits and . _ / + - only)");
  }
  return s;
}

std::string unusable_reason(ArtifactKind kind, const manifest::ImageManifest& image) {
  if (!manifest::parse_published_at(image.published_at())) {
    return "published_at \"" + image.published_at() + "\" is not an IMGAPI time stamp";
  }
  try {
    if (!image.file()) return "it has no files[0]";
  } catch (const Error& e) {
    return e.what();
  }
  if (kind == ArtifactKind::sdcadm) {
    if (!manifest::parse_semver(image.version())) {
      return "version \"" + image.version() + "\" is not semver (sdcadm orders by semver)";
    }
    if (!manifest::buildstamp_time(image.tag_string("buildstamp"))) {
      return "tags.buildstamp \"" + image.tag_string("buildstamp") +
             "\" has no YYYYMMDDTHHMMSSZ time (sdcadm orders by it)";
    }
  }
  return "";
}

Candidates list_candidates(imgapi::Client& updates, const ServiceMapEntry& entry,
                           const std::string& channel) {
  Candidates out;
  std::set<std::string> seen;
  for (const std::string& name : entry.image_names) {
    for (manifest::ImageManifest& image : list_name(updates, name, channel)) {
      if (!seen.insert(image.uuid()).second) continue;
      std::string reason = unusable_reason(entry.kind, image);
      if (reason.empty()) {
        out.usable.push_back(std::move(image));
      } else {
        out.unusable.push_back({"image " + describe(image), reason + "; ignored"});
      }
    }
  }
  return out;
}

std::optional<manifest::ImageManifest> pick_image(
    imgapi::Client& updates, const ServiceMapEntry& entry,
    const std::vector<manifest::ImageManifest>& usable, const std::optional<Selection>& selection,
    const std::string& channel) {
  if (selection && selection->uuid) return pinned_by_uuid(updates, entry, *selection->uuid, channel);
  if (selection && selection->version) {
    return pinned_by_version(entry, usable, *selection->version, channel);
  }
  const manifest::ImageManifest* newest = nullptr;
  for (const manifest::ImageManifest& c : usable) {
    if (newest == nullptr) {
      newest = &c;
      continue;
    }
    const int order = compare_newness(entry.kind, c, *newest);
    if (order > 0 || (order == 0 && c.uuid() > newest->uuid())) newest = &c;
  }
  if (newest == nullptr) return std::nullopt;
  return *newest;
}

common::Error no_image_error(imgapi::Client& updates, const ServiceMapEntry& entry,
                             const std::string& channel) {
  std::set<std::string> elsewhere;
  for (const std::string& name : entry.image_names) {
    for (const manifest::ImageManifest& image : list_name(updates, name, "*")) {
      for (const std::string& c : image.channels()) elsewhere.insert(c);
    }
  }
  std::string text = "no image named " + join(entry.image_names, " or ") + " on channel " +
                     channel + " of " + updates.base_url();
  if (!elsewhere.empty()) {
    const std::vector<std::string> channels(elsewhere.begin(), elsewhere.end());
    text += " (there are some in: " + join(channels, ", ") +
            "; choose one with -C)";
  }
  return Error(ExitCode::not_found, text);
}

}  // namespace builder
