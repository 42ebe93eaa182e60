#include <tools/sample_catalog/service_table.hpp>

namespace sample_catalog {

namespace {

ServiceEntry zone(std::string service, std::vector<std::string> names) {
  return ServiceEntry{std::move(service), std::move(names), ServiceKind::zone};
}

ServiceEntry one_zone(const std::string& name) { return zone(name, {name}); }

ServiceEntry agent(const std::string& name) {
  return ServiceEntry{name, {name}, ServiceKind::agent};
}

}  // namespace

// Source: TritonDataCenter/sdcadm etc/defaults.json, "imgNamesFromSvcName" (verbatim copy
// in data/sdcadm-etc-defaults.json; the integration test compares the two). The agents
// are the entries whose image is installed by cn-agent rather than provisioned as a zone
// (sdcadm.md §3 "Agents (image name = service name)").
const std::vector<ServiceEntry>& service_table() {
  static const std::vector<ServiceEntry> table = {
      one_zone("assets"),
      one_zone("imgapi"),
      one_zone("dhcpd"),
      one_zone("docker"),
      one_zone("cnapi"),
      one_zone("cmon"),
      one_zone("cns"),
      one_zone("vmapi"),
      zone("manatee", {"sdc-postgres"}),
      one_zone("rabbitmq"),
      one_zone("workflow"),
      one_zone("papi"),
      one_zone("fwapi"),
      one_zone("adminui"),
      one_zone("dapi"),
      one_zone("redis"),
      zone("binder", {"mantav2-nameservice", "manta-nameservice"}),
      zone("mahi", {"mantav2-authcache", "manta-authcache"}),
      one_zone("sdc"),
      one_zone("sapi"),
      one_zone("cloudapi"),
      one_zone("napi"),
      one_zone("portolan"),
      zone("moray", {"mantav2-moray", "manta-moray"}),
      one_zone("amonredis"),
      one_zone("ufds"),
      one_zone("amon"),
      agent("cabase"),
      agent("hagfish-watcher"),
      agent("agents_core"),
      agent("firewaller"),
      agent("amon-agent"),
      agent("cainstsvc"),
      agent("amon-relay"),
      agent("smartlogin"),
      agent("cmon-agent"),
      agent("cn-agent"),
      agent("vm-agent"),
      agent("net-agent"),
      agent("config-agent"),
      agent("dockerlogger"),
      one_zone("volapi"),
      one_zone("logarchiver"),
      one_zone("kbmapi"),
      zone("prometheus", {"mantav2-prometheus", "manta-prometheus"}),
      one_zone("grafana"),
      agent("firewall-logger-agent"),
  };
  return table;
}

const std::vector<ServiceEntry>& extra_zone_services() {
  static const std::vector<ServiceEntry> extras = {
      one_zone("nat"),
      zone("manta", {"mantav2-deployment"}),
  };
  return extras;
}

}  // namespace sample_catalog
