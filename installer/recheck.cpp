#include <installer/recheck.hpp>

#include <installer/amon_probes.hpp>
#include <installer/image_checks.hpp>

#include <common/error.hpp>

#include <set>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

constexpr std::size_t k_max_rows = 100000;

const char* const k_kinds[] = {"instances", "agents", "images", "gz-tools", "platform", "sdcadm", "amon-probes"};

std::string kind_of(const common::Json& e) {
  return e.is_object() && e.contains("check") && e["check"].is_string() ? e["check"].get<std::string>() : "";
}

std::string text(const std::string& step, const common::Json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string() || obj[key].get<std::string>().size() > 4096) {
    throw Error(ExitCode::bad_data, "step " + step + ": its recorded evidence has no string \"" + key + "\"");
  }
  return obj[key].get<std::string>();
}

const common::Json& rows(const std::string& step, const common::Json& e, const char* key) {
  if (!e.contains(key) || !e[key].is_array() || e[key].size() > k_max_rows) {
    throw Error(ExitCode::bad_data, "step " + step + ": its recorded evidence has no \"" + key + "\" list");
  }
  return e[key];
}

std::size_t count(const common::Json& e, const char* key) {
  return e.is_object() && e.contains(key) && e[key].is_array() ? e[key].size() : 0;
}

std::string names(const common::Json& list) {
  std::string s;
  if (!list.is_array()) return s;
  for (const auto& v : list) {
    if (v.is_string()) s += (s.empty() ? "" : ", ") + v.get<std::string>();
  }
  return s;
}

// A string member, "" when missing or not a string.
std::string sget(const common::Json& obj, const char* key) {
  return obj.is_object() && obj.contains(key) && obj[key].is_string() ? obj[key].get<std::string>() : "";
}

std::string plural(std::size_t n, const std::string& word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

}  // namespace

bool rechecks(const common::Json& evidence) {
  const std::string kind = kind_of(evidence);
  for (const char* k : k_kinds) {
    if (kind == k) return true;
  }
  return false;
}

common::Json recheck(const std::string& step, const common::Json& e, const CheckEnv& env) {
  const std::string kind = kind_of(e);
  if (kind == "instances" || kind == "agents") {
    Moves moving;
    for (const auto& r : rows(step, e, "instances")) moving.emplace_back(text(step, r, "uuid"), text(step, r, "target"));
    // What the plan left out stays part of the record (update-agents' servers).
    const common::Json left_out = e.contains("servers_left_out") && e["servers_left_out"].is_array() &&
                                          e["servers_left_out"].size() <= k_max_rows
                                      ? e["servers_left_out"]
                                      : common::Json(nullptr);
    try {
      common::Json now = verify_instances(env, step, moving, kind);
      if (!left_out.is_null()) now["servers_left_out"] = left_out;
      return now;
    } catch (const Unverified& u) {
      common::Json now = u.evidence();
      if (!left_out.is_null()) now["servers_left_out"] = left_out;
      throw Unverified(u.what(), now);
    }
  }
  if (kind == "images") {
    std::vector<ExpectedImage> images;
    for (const auto& r : rows(step, e, "images")) {
      if (!r.contains("size") || !r["size"].is_number_unsigned()) {
        throw Error(ExitCode::bad_data, "step " + step + ": its recorded evidence has an image without a size");
      }
      images.push_back({text(step, r, "uuid"), text(step, r, "name"), text(step, r, "version"), text(step, r, "sha1"),
                        r["size"].get<std::uint64_t>()});
    }
    return verify_images(env.imgapi_url, images);
  }
  if (kind == "gz-tools") return verify_gz_tools(env.gz_tools_image_file, text(step, e, "expected"));
  if (kind == "platform") return verify_platform(env.usbkey_os, text(step, e, "stamp"));
  if (kind == "sdcadm") {
    const common::Json want = e.contains("expected") ? e["expected"] : common::Json();
    return verify_sdcadm(*env.runner, text(step, want, "version"), text(step, want, "buildstamp"));
  }
  if (kind == "amon-probes") return verify_probes(env.sdc_amonadm, *env.runner);  // probes vs instances now
  throw Error(ExitCode::bad_data, "step " + step + ": its recorded evidence is of no check this installer knows (\"" +
                                      kind + "\")");
}

common::Json widen_evidence(const std::string& step, const common::Json& now, const common::Json& before,
                            const CheckEnv& env) {
  const std::string kind = kind_of(now);
  if ((kind != "instances" && kind != "agents") || kind_of(before) != kind || !now.contains("instances") ||
      !now["instances"].is_array() || !before.contains("instances") || !before["instances"].is_array()) {
    return now;
  }
  Moves all;
  std::set<std::string> seen;
  for (const auto* list : {&now["instances"], &before["instances"]}) {
    for (const auto& r : *list) {
      const std::string id = sget(r, "uuid"), target = sget(r, "target");
      if (id.empty() || target.empty() || !seen.insert(id).second) continue;
      all.emplace_back(id, target);
    }
  }
  if (all.size() == now["instances"].size()) return now;
  common::Json wide;
  try {
    wide = verify_instances(env, step, all, kind);
  } catch (const Unverified& u) {
    common::Json e = u.evidence();
    if (now.contains("servers_left_out")) e["servers_left_out"] = now["servers_left_out"];
    throw Unverified(u.what() + std::string(" (instances an earlier attempt of the step moved included)"), e);
  }
  if (now.contains("servers_left_out")) wide["servers_left_out"] = now["servers_left_out"];
  return wide;
}

std::string describe_evidence(const common::Json& e) {
  const std::string kind = kind_of(e);
  if (kind == "instances" || kind == "agents") {
    std::size_t on = 0, n = 0;
    if (e.contains("instances") && e["instances"].is_array()) {
      for (const auto& r : e["instances"]) {
        ++n;
        if (r.is_object() && r.contains("image") && r.contains("target") && r["image"] == r["target"]) ++on;
      }
    }
    std::string s = std::to_string(on) + "/" + plural(n, kind == "agents" ? "agent instance" : "instance") +
                    (n == 1 ? " on its target" : " on their targets") + " (sdcadm insts -j)";
    if (e.contains("services") && e["services"].is_object()) {
      const common::Json& sv = e["services"];
      if (sv.contains("health")) {
        s += "; check-health: " + std::to_string(count(sv["health"], "healthy")) + " healthy";
        if (count(sv["health"], "no_row") > 0) s += ", no row for " + names(sv["health"]["no_row"]);
      }
      if (sv.contains("ping") && sv["ping"].is_array()) {
        for (const auto& p : sv["ping"]) {
          if (p.is_object() && p.contains("service") && p.contains("status") && p["status"].is_number()) {
            s += "; " + sget(p, "service") + " /ping " + std::to_string(p["status"].get<long>());
          }
        }
      }
      if (count(sv, "no_address") > 0) s += "; no address known for /ping: " + names(sv["no_address"]);
    }
    if (count(e, "servers_left_out") > 0) {
      s += "; not checked: " + plural(count(e, "servers_left_out"), "server") + " the plan leaves out";
    }
    return s;
  }
  if (kind == "images") {
    std::size_t ok = 0;
    const common::Json images = e.contains("images") && e["images"].is_array() ? e["images"] : common::Json::array();
    for (const auto& r : images) {
      if (r.is_object() && r.contains("state") && r["state"] == "active" && r.contains("seen_sha1") &&
          r["seen_sha1"] == r["sha1"] && r.contains("seen_size") && r["seen_size"] == r["size"]) {
        ++ok;
      }
    }
    return std::to_string(ok) + "/" + plural(count(e, "images"), "image") +
           " active with the bundle's sha1 and size (DC IMGAPI)";
  }
  auto str = [&](const char* key) {
    const std::string v = sget(e, key);
    return v.empty() ? std::string("(none)") : v;
  };
  if (kind == "gz-tools") return str("file") + " names " + str("image") + " (expected " + str("expected") + ")";
  if (kind == "platform") {
    return str("path") + (e.contains("exists") && e["exists"] == true ? " exists" : " is missing") + "; next: " + str("next");
  }
  if (kind == "sdcadm") {
    const common::Json want = e.contains("expected") ? e["expected"] : common::Json::object();
    return "sdcadm --version: " + str("version") + " (" + str("buildstamp") + "), expected " + sget(want, "version") +
           " (" + sget(want, "buildstamp") + ")";
  }
  if (kind == "amon-probes") {
    const std::size_t roles = e.contains("roles") && e["roles"].is_object() ? e["roles"].size() : 0;
    const long probes = e.contains("probes") && e["probes"].is_number_integer() ? e["probes"].get<long>() : 0;
    return std::to_string(probes) + " probes, every core zone of " + plural(roles, "role") +
           " covered and none on a zone that is gone (sdc-amonadm probes -H)";
  }
  return e.is_null() ? "no post-step check" : e.dump();
}

}  // namespace installer
