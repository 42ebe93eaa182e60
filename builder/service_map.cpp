#include <builder/service_map.hpp>

#include <common/error.hpp>
#include <manifest/version_order.hpp>

#include <algorithm>

namespace builder {

namespace {

ServiceMapEntry zone(std::string service, std::vector<std::string> names) {
  return ServiceMapEntry{std::move(service), std::move(names), ArtifactKind::service};
}

ServiceMapEntry one_zone(const std::string& name) { return zone(name, {name}); }

ServiceMapEntry agent(const std::string& name) {
  return ServiceMapEntry{name, {name}, ArtifactKind::agent};
}

ServiceMapEntry other(const std::string& name, ArtifactKind kind) {
  return ServiceMapEntry{name, {name}, kind};
}

}  // namespace

// Source: TritonDataCenter/sdcadm etc/defaults.json "imgNamesFromSvcName" at HEAD 7fb53d9
// (1.39.0; copy in /work/shared/fixtures/sdcadm/sdcadm-etc-defaults.json, summarised in
// reference/sdcadm.md §3), in that file's order. The multi-name entries (binder, mahi,
// moray, prometheus) come from TRITON-1980: sdcadm takes the newest image across both.
// Agents are the entries sdcadm.md §3 lists as "image name = service name" global-zone
// agents. "ca" (removed), "manta" (lib/manta.js picks by manta version) and "nat" (not in
// the map) are not included, as sdcadm's own map does not include them. The last four
// entries are the non-service artifacts of the updates server (sdcadm.md §2.4, §5), with
// "platform" the SmartOS platform (platform-linux is out of scope).
const std::vector<ServiceMapEntry>& service_map() {
  static const std::vector<ServiceMapEntry> map = {
      one_zone("assets"),      one_zone("imgapi"),
      one_zone("dhcpd"),       one_zone("docker"),
      one_zone("cnapi"),       one_zone("cmon"),
      one_zone("cns"),         one_zone("vmapi"),
      zone("manatee", {"sdc-postgres"}),
      one_zone("rabbitmq"),    one_zone("workflow"),
      one_zone("papi"),        one_zone("fwapi"),
      one_zone("adminui"),     one_zone("dapi"),
      one_zone("redis"),
      zone("binder", {"mantav2-nameservice", "manta-nameservice"}),
      zone("mahi", {"mantav2-authcache", "manta-authcache"}),
      one_zone("sdc"),         one_zone("sapi"),
      one_zone("cloudapi"),    one_zone("napi"),
      one_zone("portolan"),
      zone("moray", {"mantav2-moray", "manta-moray"}),
      one_zone("amonredis"),   one_zone("ufds"),
      one_zone("amon"),        agent("cabase"),
      agent("hagfish-watcher"), agent("agents_core"),
      agent("firewaller"),     agent("amon-agent"),
      agent("cainstsvc"),      agent("amon-relay"),
      agent("smartlogin"),     agent("cmon-agent"),
      agent("cn-agent"),       agent("vm-agent"),
      agent("net-agent"),      agent("config-agent"),
      agent("dockerlogger"),   one_zone("volapi"),
      one_zone("logarchiver"), one_zone("kbmapi"),
      zone("prometheus", {"mantav2-prometheus", "manta-prometheus"}),
      one_zone("grafana"),     agent("firewall-logger-agent"),
      other("agentsshar", ArtifactKind::agentsshar),
      other("gz-tools", ArtifactKind::gz_tools),
      other("platform", ArtifactKind::platform),
      other("sdcadm", ArtifactKind::sdcadm),
  };
  return map;
}

const ServiceMapEntry* find_service(std::string_view name) {
  const auto& map = service_map();
  const auto it = std::find_if(map.begin(), map.end(),
                               [&](const ServiceMapEntry& e) { return e.name == name; });
  return it == map.end() ? nullptr : &*it;
}

const ServiceMapEntry* find_by_image_name(std::string_view image_name) {
  for (const ServiceMapEntry& e : service_map()) {
    if (std::find(e.image_names.begin(), e.image_names.end(), image_name) !=
        e.image_names.end()) {
      return &e;
    }
  }
  return nullptr;
}

std::string_view role_of(ArtifactKind kind) {
  switch (kind) {
    case ArtifactKind::service: return "service-image";
    case ArtifactKind::agent: return "agent";
    case ArtifactKind::agentsshar: return "agentsshar";
    case ArtifactKind::gz_tools: return "gz-tools";
    case ArtifactKind::platform: return "platform";
    case ArtifactKind::sdcadm: return "sdcadm";
  }
  return "service-image";
}

namespace {

std::string describe(const manifest::ImageManifest& image) {
  return "image " + image.uuid() + " (" + image.name() + "@" + image.version() + ")";
}

// compare_* throw bad_data naming the value only; say which image it came from.
template <typename Fn>
int with_images(const manifest::ImageManifest& a, const manifest::ImageManifest& b, Fn fn) {
  try {
    return fn();
  } catch (const common::Error& e) {
    throw e.with_context("comparing " + describe(a) + " with " + describe(b));
  }
}

}  // namespace

int compare_newness(ArtifactKind kind, const manifest::ImageManifest& a,
                    const manifest::ImageManifest& b) {
  if (kind == ArtifactKind::sdcadm) {
    return with_images(a, b, [&] {
      return manifest::compare_sdcadm({a.version(), a.tag_string("buildstamp")},
                                      {b.version(), b.tag_string("buildstamp")});
    });
  }
  return with_images(a, b, [&] {
    return manifest::compare_published_at(a.published_at(), b.published_at());
  });
}

std::string platform_stamp(const manifest::ImageManifest& image) {
  if (auto stamp = manifest::buildstamp_time(image.version())) return *stamp;
  if (auto stamp = manifest::buildstamp_time(image.tag_string("buildstamp"))) return *stamp;
  return "";
}

}  // namespace builder
