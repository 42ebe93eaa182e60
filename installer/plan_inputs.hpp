#pragma once
// Gathers what make_plan needs from the real world: the bundle's index (and the sdcadm
// image's build stamp from its manifest member), the DC as sdcadm reports it (svcs, insts,
// --version), the DC IMGAPI (current images' published_at, what is already imported) and
// the headnode's files (gz-tools.image, /usbkey/os platforms), CNAPI's servers (sdc-server
// lookup -j). Shared by apply, plan and avail.

#include <installer/paths.hpp>
#include <installer/plan.hpp>
#include <installer/sdcadm_runner.hpp>

#include <bundles/seekable_reader.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace installer {

// The bundle as plan and apply see it: opened through the seek table (index only).
struct OpenBundle {
  std::string path;
  std::unique_ptr<bundles::SeekableReader> reader;
  std::string digest;  // SHA-256 hex of the exact index bytes
  const manifest::BundleIndex& index() const { return reader->index(); }
};
OpenBundle open_bundle(const std::string& path);

// The build stamp (tags.buildstamp) of the bundle's sdcadm image, "" when it has none.
std::string sdcadm_buildstamp(const OpenBundle& bundle);

// A cached DC IMGAPI lookup (GET /images/UUID; 404 = not there). Network failures are
// errors: a plan without the DC IMGAPI would be a guess.
ImageLookup imgapi_lookup(const std::string& imgapi_url);

// The bundle's agent images as one set (stamp and count) from its own manifest members,
// with the imgapi_domain the bootstrap will name; nullopt when it carries none. Errors as
// agents::agent_set_of_bundle (a bad agent manifest, no agents_core: Error(bad_data)).
std::optional<AgentSetFacts> agent_set_facts(const OpenBundle& bundle, const std::string& agents_domain);

// Everything make_plan needs. `index` points into `bundle`, which must outlive the result.
// `agents_domain`: the IMGAPI host the agents bootstrap names (agents_imgapi_domain);
// `sdc_server`: the headnode's sdc-server (--sdc-server), for CNAPI's servers.
PlanInputs gather_plan_inputs(const OpenBundle& bundle, const SdcadmRunner& runner,
                              const std::string& imgapi_url, const Paths& paths,
                              const std::string& agents_domain, const std::string& sdc_server);

}  // namespace installer
