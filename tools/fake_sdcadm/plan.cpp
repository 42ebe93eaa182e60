#include <tools/fake_sdcadm/plan.hpp>

#include <common/error.hpp>

#include <set>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;
using common::Json;

namespace {

const char* k_updates_url = "https://updates.tritondatacenter.com";

[[noreturn]] void needs_updates_server(const std::string& what) {
  throw Error(ExitCode::network,
              what + " needs the updates server (" + k_updates_url +
                  "), which this offline DC cannot reach: the real sdcadm fails here too; "
                  "give an image UUID that is in the DC IMGAPI");
}

// The image of a change, looked up in the DC IMGAPI and checked against the service's
// valid names (TOOLS-1239).
manifest::ImageManifest resolve_image(const Change& ch, const std::string& service,
                                      const NameMap& names, const ImageLookup& lookup) {
  if (!ch.image) {
    needs_updates_server(ch.version ? "finding version \"" + *ch.version + "\" from " + ch.repr
                                    : "finding the latest image for " + ch.repr);
  }
  const std::optional<manifest::ImageManifest> image = lookup(*ch.image);
  if (!image) {
    throw Error(ExitCode::not_found,
                "image " + *ch.image + " from " + ch.repr + " is not in the DC IMGAPI; the real "
                "sdcadm would look it up on the updates server (" + k_updates_url +
                ") and fail offline: import it into the DC IMGAPI first");
  }
  if (image->state() != "active") {
    throw Error(ExitCode::not_found,
                "image " + *ch.image + " is \"" + image->state() + "\" in the DC IMGAPI; the real "
                "sdcadm would re-import it from the updates server and fail offline");
  }
  const auto it = names.find(service);
  if (it == names.end()) {
    throw Error(ExitCode::bad_data, "do not know valid image names for service \"" + service + "\"");
  }
  bool ok = false;
  for (const std::string& n : it->second) ok = ok || n == image->name();
  if (!ok) {
    throw Error(ExitCode::bad_data, "image " + image->uuid() + " (" + image->name() + "@" +
                                        image->version() + ") is invalid for service " + service +
                                        ", valid images must have name \"" +
                                        quoted_names(it->second) + "\"");
  }
  return *image;
}

std::optional<std::size_t> find_instance(const State& state, const std::string& id) {
  const Json& insts = state.instances();
  for (std::size_t i = 0; i < insts.size(); ++i) {
    if (insts[i].at("instance").get<std::string>() == id ||
        string_field(insts[i], "alias") == id) {
      return i;
    }
  }
  return std::nullopt;
}

std::vector<std::size_t> service_instances(const State& state, const std::string& service) {
  std::vector<std::size_t> out;
  const Json& insts = state.instances();
  for (std::size_t i = 0; i < insts.size(); ++i) {
    if (insts[i].at("service").get<std::string>() == service) out.push_back(i);
  }
  return out;
}

// dropNoops: nothing to do when every instance already runs the target image.
bool is_noop(const PlannedChange& pc, const State& state) {
  for (const std::size_t i : pc.instances) {
    if (state.instances()[i].at("image").get<std::string>() != pc.image.uuid()) return false;
  }
  return true;
}

// checkForConflictingChanges: one change per service or instance, never a service together
// with one of its instances.
void check_conflicts(const std::vector<PlannedChange>& changes, const State& state) {
  std::set<std::string> services;
  std::set<std::size_t> instances;
  for (const PlannedChange& pc : changes) {
    if (pc.kind == Change::Kind::update_service && !services.insert(pc.service).second) {
      throw Error(ExitCode::usage, "conflicting changes: more than one change for service \"" +
                                       pc.service + "\"");
    }
  }
  for (const PlannedChange& pc : changes) {
    if (pc.kind != Change::Kind::update_instance) continue;
    const std::size_t i = pc.instances.front();
    const std::string id = state.instances()[i].at("instance").get<std::string>();
    if (!instances.insert(i).second || services.count(pc.service) != 0) {
      throw Error(ExitCode::usage, "conflicting changes: instance \"" + id +
                                       "\" is changed more than once (or with its service \"" +
                                       pc.service + "\")");
    }
  }
}

}  // namespace

Plan make_plan(const std::vector<Change>& changes, const State& state, const NameMap& names,
               const ImageLookup& lookup, SameImage same_image) {
  Plan plan;
  std::vector<PlannedChange> planned;
  for (const Change& ch : changes) {
    if (ch.kind == Change::Kind::update_agent_on_server) {
      plan.skipped.push_back(ch.repr);  // coordinatePlan finds no instances for this form
      continue;
    }
    std::string service = ch.service;
    std::vector<std::size_t> insts;
    if (ch.kind == Change::Kind::update_instance) {
      const auto i = find_instance(state, ch.instance);
      if (!i) throw Error(ExitCode::usage, "unknown instance \"" + ch.instance + "\" from " + ch.repr);
      service = state.instances()[*i].at("service").get<std::string>();
      insts.push_back(*i);
    } else {
      if (state.find_service(service) == nullptr) {
        throw Error(ExitCode::usage, "unknown service \"" + service + "\" from " + ch.repr);
      }
      insts = service_instances(state, service);
    }
    if (state.find_service(service)->at("type").get<std::string>() == "agent") {
      plan.skipped.push_back(ch.repr);  // agents only with `sdcadm experimental update`
      continue;
    }
    planned.push_back(PlannedChange{ch.kind, service, ch.instance,
                                    resolve_image(ch, service, names, lookup), insts});
  }
  check_conflicts(planned, state);
  for (PlannedChange& pc : planned) {
    if (same_image == SameImage::drop && is_noop(pc, state)) continue;
    plan.changes.push_back(std::move(pc));
  }
  return plan;
}

void apply_plan(const Plan& plan, State& state) {
  for (const PlannedChange& pc : plan.changes) {
    for (const std::size_t i : pc.instances) {
      state.instances()[i]["image"] = pc.image.uuid();
      state.instances()[i]["version"] = pc.image.version();
    }
    if (pc.kind != Change::Kind::update_service) continue;
    for (Json& svc : state.json()["services"]) {
      if (svc.at("name").get<std::string>() == pc.service) svc["params"]["image_uuid"] = pc.image.uuid();
    }
  }
}

}  // namespace fake_sdcadm
