#pragma once
// The update plan (issue 5 item 7, DESIGN.md "Installer flow" step 7): what applying a
// bundle would change in this DC, decided as sdcadm decides it and broken out per service:
// for each service the bundle carries an image for, the target image and its instances
// grouped by what happens to them (updated from each old image, already at the target,
// forced same-image, forced downgrade). Pure logic over inputs the caller reads
// (`sdcadm insts -j` / `svcs -j`, the DC IMGAPI, the bundle index): no I/O here.
//
// Rules:
//  * "newer" for a core or agent image is a later IMGAPI published_at (sdcadm.md §2.4); an
//    instance whose image the DC IMGAPI does not know is treated as older (it cannot be
//    compared; sdcadm would update it too);
//  * an instance already on the target is left alone; with Force::yes it is reprovisioned
//    on the same image ("forced same-image", sdcadm up --force-same-image);
//  * an instance on an image published at or after the target (another uuid) is not
//    touched; with Force::yes it is moved to the target ("forced downgrade"); dropped
//    groups are reported in the plan (`dropped`) so the text can say so;
//  * sdcadm (self-update) only when the bundle's is newer by semver, then build stamp; with
//    Force::yes also an older one (sdcadm self-update accepts any uuid, §5);
//  * agents are updated through `update-agents --all`: with the bootstrap made from the
//    bundle's agent images when it has them (issue 6, docs/agents.md; the agentsshar, if
//    also carried, is then only staged as a fallback), else with the agentsshar; without
//    either they are left alone. That covers the 11 agents the shar installs; dockerlogger
//    and firewall-logger-agent are updated by `sdcadm experimental update` (UpdateAgentV1,
//    UpdateDockerlogger), and other agents (legacy cabase, cainstsvc) cannot be updated by
//    sdcadm: they are left alone and the plan says so; gz-tools and platform are run when the bundle carries them and the DC does not
//    already have them (`DcState::gz_tools_image`, `platforms`).
//  * a spec (-f SPEC.json, sdcadm's format) limits the plan to the services it names;
//  * a core service goes to `sdcadm up` only in a form sdcadm can carry out in this DC's
//    shape (sdcadm_routes.hpp): as one service change, as one change per instance, or held
//    back with the reason (no procedure, rabbitmq's lock, imgapi not a single headnode
//    instance, manatee with a newer instance);
//  * update-agents and update-gz-tools run on the set-up, running servers the operator did
//    not leave out (servers.hpp); the others are listed with the reason.

#include <installer/sdcadm_routes.hpp>
#include <installer/servers.hpp>

#include <manifest/bundle_index.hpp>
#include <manifest/version_order.hpp>

#include <common/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace installer {

enum class Force { no, yes };

// One row of `sdcadm insts -j`. An agent row may lack "instance" (a server without
// /opt/smartdc/agents/etc/<agent>: CNAPI has no agent uuid, sdcadm lib/sdcadm.js:676-684).
struct DcInstance {
  std::string type;  // "vm", "agent", ...
  std::string service, instance, alias, image, version, server, hostname;
};

// One row of `sdcadm svcs -j`.
struct DcService {
  std::string name, type, uuid;
  std::string params_image;  // params.image_uuid, "" when absent (agents)
};

// What the DC runs now.
struct DcState {
  std::vector<DcService> services;
  std::vector<DcInstance> instances;
  std::optional<manifest::SdcadmVersion> sdcadm;  // nullopt: unknown
  std::string gz_tools_image;                    // "" when unknown
  std::vector<std::string> platforms;            // installed platform stamps
  std::vector<DcServer> servers;                 // CNAPI's servers (sdc-server lookup -j)
};

// Reads `sdcadm svcs -j` and `sdcadm insts -j` (hostile: Error(bad_data) naming the row
// and field for a wrong shape; unknown keys are ignored).
DcState parse_dc_state(const common::Json& svcs, const common::Json& insts);

// What the DC IMGAPI says about an image.
struct ImageFacts {
  std::string uuid, name, version, published_at, state;
};
// Looks up an image in the DC IMGAPI; nullopt when it does not have it.
using ImageLookup = std::function<std::optional<ImageFacts>(const std::string& uuid)>;

// A service's target in the bundle.
struct Target {
  std::string uuid, name, version, published_at;
  std::uint64_t size = 0;  // the file's size in the bundle
};

enum class GroupKind { update, already, forced_same_image, forced_downgrade };

// Instances of one service sharing one current image and one fate.
struct InstanceGroup {
  GroupKind kind = GroupKind::update;
  std::string from_image, from_version;  // the current image ("" version: unknown)
  std::vector<std::string> instances;    // instance uuids
};

// Instances left where they are: on an image at least as new as the target (another uuid),
// unless --force (then they are a forced_downgrade group instead); or, whatever their image,
// on a server the update leaves out (`server`: its hostname, servers.hpp).
struct DroppedGroup {
  std::string from_image, from_version;
  std::size_t count = 0;
  std::string server;  // "" = newer image; else the left-out server's hostname
  bool newer() const { return server.empty(); }
};

struct ServicePlan {
  std::string service;
  std::string type;  // "vm" or "agent"
  Target target;
  std::size_t instances = 0;         // all instances of the service
  std::vector<InstanceGroup> groups; // in first-seen order of the old images
  std::vector<DroppedGroup> dropped; // newer ones only without --force
  bool params_only = false;          // no instances: the service's params image is updated
  // VM services: how `sdcadm up` gets the change (sdcadm_routes.hpp). A held service
  // changes nothing; `route.reason` says why.
  UpRoute route;
  bool held() const { return route.form == UpForm::held; }
  // True when an instance (or the service's params image) changes.
  bool changes() const;
  // True when an instance (or the params image) is not on the target, held or not, or on
  // a server left out.
  bool needs_update() const;
  // The hostnames of left-out servers with an instance that is not on the target.
  std::vector<std::string> left_out_servers() const;
  bool forced_same_image() const;
};

// How sdcadm updates an agent service (sdcadm.md §2 procedures 9-10, headnode.md §3.1).
enum class AgentRoute {
  installer,            // one of the shar's 11 agents: update-agents with the shar or bootstrap
  experimental_update,  // dockerlogger, firewall-logger-agent: sdcadm experimental update
  none,                 // anything else (cabase, cainstsvc): sdcadm has no way to update it
};
AgentRoute agent_route(const std::string& service);

struct Plan;
// The changing agent services that `sdcadm experimental update` updates, in plan order.
std::vector<const ServicePlan*> experimental_update_services(const Plan& plan);

// A non-service step: sdcadm, agentsshar, the agent set's bootstrap, gz-tools, platform.
struct ArtifactPlan {
  std::string role;          // "sdcadm", "agentsshar", "agent-set", "gz-tools", "platform"
  Target target;
  std::string stage_as;      // headnode path the file is staged to ("" for sdcadm)
  std::string current;       // what the DC has now ("" unknown)
  bool run = false;          // false: the DC already has it (or not newer); see note
  std::string note;          // why not, or "forced downgrade"
};

// An image the DC IMGAPI lacks and that import will load.
struct ImportImage {
  std::string uuid, name, version;
  std::uint64_t size = 0;
};

// The alarm-config step (amon_probes.hpp): `sdc-amonadm update` after the run's last
// instance change. It runs when the plan moves core-zone (VM) instances: sdc-amonadm's
// probes follow VM instances only (sdc-amonadm lib/topo.js:25-34), agents get none. It
// needs the DC's amon (the probes' master) and sdc zone (where sdc-amonadm runs, sdc-headnode
// tools/lib/wrap.sh:26-35).
struct AlarmPlan {
  bool possible = false;  // the DC has an amon and an sdc instance
  bool run = false;
  std::string reason;     // why it runs, or why not
};

struct Plan {
  std::string bundle_id;
  Force force = Force::no;
  std::vector<ImportImage> imports;          // images the DC IMGAPI does not have
  std::optional<ArtifactPlan> sdcadm;
  std::optional<ArtifactPlan> agentsshar;
  // Seed agents from the bundle's agent images: target.version = the set's stamp,
  // stage_as = the bootstrap /usbkey/extra/agents/agents-<stamp>.sh that update-agents runs.
  std::optional<ArtifactPlan> agent_set;
  std::optional<ArtifactPlan> gz_tools;
  std::optional<ArtifactPlan> platform;
  std::vector<ServicePlan> services;         // bundle order; up to date ones too
  std::vector<std::string> not_deployed;     // bundle services the DC does not run
  std::vector<std::string> not_selected;     // left out by -f SPEC.json
  std::vector<std::string> notes;            // other things the operator should know
  ServerChoice servers;                      // where update-agents and update-gz-tools run
  UpPolicy policy;                           // --include-rabbitmq
  AlarmPlan alarms;                          // the alarm-config step
  // True when applying would change something in the DC.
  bool has_changes() const;
};

// -f SPEC.json: the services (and artifacts) to keep, as sdcadm's update spec names them.
struct SpecLimit {
  struct Entry {
    std::string service;
    std::optional<std::string> image, version;
  };
  std::vector<Entry> entries;
  bool names(const std::string& service) const;
};

// Parses a spec in sdcadm's format (reference §2.2): an object or an array of objects with
// the keys type, service, image, version; "image" a UUID. Instance forms and other keys
// are refused (Error(usage), in sdcadm's words where it has them). Besides SAPI services,
// "sdcadm", "agentsshar", "gz-tools" and "platform" may be named; naming any agent service
// selects the agentsshar (update-agents updates every agent).
SpecLimit parse_spec_limit(std::string_view text, const std::string& what);

// The bundle's agent images as one set (installer/agents/agent_set.hpp).
struct AgentSetFacts {
  std::string stamp;       // YYYYMMDDTHHMMSSZ-<8 hex>
  std::size_t agents = 0;  // images in the set
  std::vector<std::string> missing;  // shar agents the bundle lacks: not usable for seeding
};

struct PlanInputs {
  const manifest::BundleIndex* index = nullptr;
  std::optional<AgentSetFacts> agent_set;      // nullopt: the bundle has no agent images
  DcState dc;
  ImageLookup lookup;                          // the DC IMGAPI
  std::string sdcadm_buildstamp;               // tags.buildstamp of the bundle's sdcadm image
};

struct PlanOptions {
  Force force = Force::no;
  std::optional<SpecLimit> limit;
  UpPolicy policy;                            // --include-rabbitmq
  std::vector<std::string> exclude_servers;   // --exclude-servers: uuids or hostnames
};

// Builds the plan. Throws Error(usage) when the spec names a service the bundle does not
// carry or an image/version other than the bundle's, or --exclude-servers names an unknown
// server or the headnode; Error(bad_data) for an index whose published_at or sdcadm
// version cannot be compared.
Plan make_plan(const PlanInputs& inputs, const PlanOptions& options);

// The update spec for `services` as `sdcadm up` reads it on stdin. VM services follow their
// route (one {"service","image"}, or one {"instance","image"} per moving instance; held
// ones are left out). Agents (`experimental update`): one {"service","image"} when all
// their instances move, else one {"instance","image"} per moving instance.
common::Json up_spec(const std::vector<const ServicePlan*>& services);

// The instance uuids `services`' spec moves (for the check after the step).
std::vector<std::pair<std::string, std::string>> moving_instances(const std::vector<const ServicePlan*>& services);

}  // namespace installer
