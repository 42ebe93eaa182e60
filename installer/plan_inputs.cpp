#include <installer/plan_inputs.hpp>

#include <installer/agents/media.hpp>
#include <installer/inventory.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>
#include <imgapi/client.hpp>
#include <manifest/image_manifest.hpp>

namespace installer {

OpenBundle open_bundle(const std::string& path) {
  OpenBundle b;
  b.path = path;
  b.reader = std::make_unique<bundles::SeekableReader>(
      bundles::SeekableReader::open(path, bundles::PartCheck::sizes_only));
  b.digest = common::hex_digest(common::HashAlgorithm::sha256, b.reader->index_bytes());
  return b;
}

std::string sdcadm_buildstamp(const OpenBundle& bundle) {
  for (const auto& a : bundle.index().artifacts) {
    if (a.role != "sdcadm" || a.manifest_member.empty()) continue;
    const auto m = manifest::ImageManifest::parse(bundle.reader->read_member(a.manifest_member, 1u << 20),
                                                  "bundle member " + a.manifest_member);
    return m.tag_string("buildstamp");
  }
  return {};
}

ImageLookup imgapi_lookup(const std::string& imgapi_url) {
  auto client = std::make_shared<imgapi::Client>(imgapi_url);
  auto cache = std::make_shared<std::map<std::string, std::optional<ImageFacts>>>();
  return [client, cache](const std::string& uuid) -> std::optional<ImageFacts> {
    auto it = cache->find(uuid);
    if (it != cache->end()) return it->second;
    std::optional<ImageFacts> facts;
    if (const auto m = client->find_image(uuid)) {
      facts = ImageFacts{m->uuid(), m->name(), m->version(), m->published_at(), m->state()};
    }
    cache->emplace(uuid, facts);
    return facts;
  };
}

std::optional<AgentSetFacts> agent_set_facts(const OpenBundle& bundle, const std::string& agents_domain) {
  const std::optional<agents::AgentSet> set = agents::agent_set_of_bundle(*bundle.reader, agents_domain);
  if (!set) return std::nullopt;
  return AgentSetFacts{set->stamp, set->agents.size(), agents::missing_agents(*set)};
}

PlanInputs gather_plan_inputs(const OpenBundle& bundle, const SdcadmRunner& runner,
                              const std::string& imgapi_url, const Paths& paths,
                              const std::string& agents_domain, const std::string& sdc_server) {
  PlanInputs in;
  in.index = &bundle.index();
  in.dc = parse_dc_state(runner.svcs(), runner.insts());
  in.dc.servers = list_servers(sdc_server);
  in.dc.sdcadm = runner.version();
  const HeadnodeFiles files = read_headnode_files(
      {paths.usbkey_os, paths.usbkey_extra_agents + "/latest", paths.local("/opt/smartdc/etc/gz-tools.image"),
       paths.trust_root});
  in.dc.gz_tools_image = files.gz_tools_image;
  in.dc.platforms = files.platforms;
  in.lookup = imgapi_lookup(imgapi_url);
  in.sdcadm_buildstamp = sdcadm_buildstamp(bundle);
  in.agent_set = agent_set_facts(bundle, agents_domain);
  return in;
}

}  // namespace installer
