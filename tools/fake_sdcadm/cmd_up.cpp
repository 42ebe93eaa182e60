// sdcadm update|up and sdcadm experimental update (sdcadm.md §2): spec from stdin or
// arguments, validated like the real one, planned against the state and the DC IMGAPI,
// confirmed, then every instance of each change moves to its image. Holds the sdcadm lock
// from planning to the end, like genUpdatePlan + execUpdatePlan. `experimental update`
// is the same command with -j and -s (lib/cli/do_update.js:160-163); `update` leaves agent
// services given as arguments out.
#include <tools/fake_sdcadm/agents_install.hpp>
#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/fault.hpp>
#include <tools/fake_sdcadm/plan.hpp>
#include <tools/fake_sdcadm/procedures.hpp>
#include <tools/fake_sdcadm/prompt.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <imgapi/client.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;

namespace {

const char* k_reprov_lock = "/var/sdcadm/reprovFailLock.json";

std::vector<Change> changes_from(const UpOptions& o, const std::string& stdin_text,
                                 const State& state) {
  if (o.all) {
    throw Error(ExitCode::network, "--all needs the updates server (https://updates.tritondatacenter.com) "
                                   "to find the latest images, which this offline DC cannot reach: "
                                   "give the spec on stdin with image UUIDs");
  }
  if (o.args.empty()) {
    if (stdin_is_tty()) throw Error(ExitCode::usage, "If updating all instances, --all is a required option.");
    return parse_spec(stdin_text);
  }
  std::vector<Change> changes;
  for (const std::string& arg : o.args) {
    const std::string name = arg.substr(0, arg.find('@'));
    const common::Json* service = state.find_service(name);
    // _specFromArgs leaves agent services given as arguments out of `sdcadm update`, and
    // only those (lib/cli/index.js:332-337): on stdin they are planned like any change.
    if (service != nullptr && string_field(*service, "type") == "agent" && o.command == UpdateCommand::up) continue;
    changes.push_back(change_from_arg(arg, service != nullptr));
  }
  return changes;
}

std::string zone_of(const common::Json& inst) {
  const std::string zone = string_field(inst, "zonename");
  return zone.empty() ? string_field(inst, "instance") : zone;
}

// The plan as do_update.js prints it: each procedure's summary (procedure_summary.cpp).
void print_plan(const Context& ctx, const Plan& plan, const State& state) {
  ctx.out << "\nThis update will make the following changes:\n";
  for (const std::string& line : plan_summary(plan, state)) ctx.out << line << "\n";
  ctx.out << "\n";
}

void check_reprov_lock(const Context& ctx) {
  struct stat st {};
  if (::stat(ctx.root.path(k_reprov_lock).c_str(), &st) != 0) return;
  throw Error(ExitCode::reprov_lock,
              std::string("Update is locked because of an earlier core zone reprovision failure during\n"
                          "an \"sdcadm update\". Some details of the failure are in:\n    ") +
                  k_reprov_lock + "\nYou must manually recover or delete that core zone instance, then\n"
                  "remove \"" + k_reprov_lock + "\" to continue.\n"
                  "See <https://smartos.org/bugview/TOOLS-1241> for details.");
}

// Work dir and plan.json, as execUpdatePlan writes them (sdcadm.md §2.8): createPlan's
// "targ" and changes, the ones coordinatePlan dropped included (lib/sdcadm.js:2524-2548).
void write_work_dir(const Context& ctx, const Plan& plan, const State& state) {
  const std::string stamp = now_iso8601();
  const std::string dir = "/var/sdcadm/updates/" + stamp.substr(0, 4) + stamp.substr(5, 2) +
                          stamp.substr(8, 5) + stamp.substr(14, 2) + stamp.substr(17, 2) + "Z";
  ctx.out << "Create work dir: " << dir << "\n";
  std::filesystem::create_directories(ctx.root.path(dir));
  common::Json changes = common::Json::array();
  for (const auto* list : {&plan.changes, &plan.dropped}) {
    for (const PlannedChange& pc : *list) {
      changes.push_back({{"type", pc.kind == Change::Kind::update_instance ? "update-instance" : "update-service"},
                         {"service", *state.find_service(pc.service)},
                         {"image", pc.image.json()}});
    }
  }
  const common::Json doc = {
      {"v", 1}, {"targ", target_instances(plan, state)}, {"changes", changes}, {"justImages", false}};
  common::write_file_atomic(ctx.root.path(dir + "/plan.json"), common::dump_json(doc, 4) + "\n");
}

const char* fault_name(UpdateCommand command) { return command == UpdateCommand::up ? "up" : "update"; }

// UpdateDockerlogger's first steps: the image's file (the installer) from the DC IMGAPI
// into /var/tmp/dockerlogger-<uuid>.sh, copied to /usbkey/extra/dockerlogger/ (assets),
// where setting up a new server finds it.
void stage_dockerlogger(const Context& ctx, imgapi::Client& imgapi, const manifest::ImageManifest& image) {
  ctx.out << "Getting image file from local imgapi\n";
  if (!image.file()) {
    throw Error(ExitCode::bad_data, "dockerlogger image " + image.uuid() + " has no file in the DC IMGAPI");
  }
  const std::string name = "dockerlogger-" + image.uuid() + ".sh";
  std::filesystem::create_directories(ctx.root.path("/var/tmp"));
  imgapi.get_image_file_to_path(image.uuid(), *image.file(), ctx.root.path("/var/tmp/" + name));
  ctx.out << "Copying dockerlogger to assets dir: /usbkey/extra/dockerlogger\n";
  std::filesystem::create_directories(ctx.root.path("/usbkey/extra/dockerlogger"));
  const std::string dest = ctx.root.path("/usbkey/extra/dockerlogger/" + name);
  const std::string tmp = dest + ".tmp." + std::to_string(::getpid());  // never a half-copied installer
  std::filesystem::copy_file(ctx.root.path("/var/tmp/" + name), tmp, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::rename(tmp, dest);
}

// An agent change as UpdateAgentV1 (CNAPI install-agent per server) or UpdateDockerlogger
// (its installer run by ur on each server) reports it.
void execute_agent_change(const Context& ctx, imgapi::Client& imgapi, const PlannedChange& pc,
                          const std::optional<Fault>& fault, UpdateCommand command, State& state) {
  if (pc.procedure == Procedure::dockerlogger) {
    stage_dockerlogger(ctx, imgapi, pc.image);
    ctx.out << "Starting dockerlogger update on " << pc.instances.size() << " servers\n";
  } else {
    ctx.out << "Verifying that CNAPI is able to run agent updates\n";
  }
  for (const std::size_t i : pc.instances) {
    const std::string server = string_field(state.instances()[i], "server");
    if (pc.procedure == Procedure::agent) ctx.out << "Updating " << pc.service << " on server " << server << "\n";
    fire_fault(fault, fault_name(command), pc.service,
               "error updating agent " + pc.service + " on server " + server + " to image " + pc.image.uuid() +
                   ": simulated failure (fake-sdcadm fault knob)", state, ctx.root);
    if (pc.procedure == Procedure::agent) {
      ctx.out << "Agent " << pc.service << " successfully updated on server " << server << "\n";
    }
  }
}

// UpdateAgentV1 installs the agent on each server through cn-agent's agent_install task,
// which unpacks it into /opt/smartdc/agents/lib/node_modules/<agent> (sdc-cn-agent
// lib/backends/smartos/tasks/agent_install.js): the server's image_uuid file names the new
// image afterwards, as update-agents' read-back and sysinfo see it. Servers without an agents
// tree (never set up in the simulation) get nothing.
void record_installed_agents(const Context& ctx, const Plan& plan, const State& state) {
  for (const PlannedChange& pc : plan.changes) {
    if (pc.procedure != Procedure::agent) continue;
    for (const std::size_t i : pc.instances) {
      const common::Json& in = state.instances()[i];
      const std::string root = server_root(ctx.root, {string_field(in, "server"), string_field(in, "hostname")});
      const std::string lib = root + "/opt/smartdc/agents/lib";
      if (!std::filesystem::is_directory(lib)) continue;
      const std::string dir = lib + "/node_modules/" + pc.service;
      std::filesystem::create_directories(dir);
      common::write_file_atomic(dir + "/image_uuid", pc.image.uuid() + "\n");
    }
  }
}

// Runs the plan: progress per instance; a matching fault fails before anything changes.
void execute(const Context& ctx, imgapi::Client& imgapi, const Plan& plan, UpdateCommand command, State& state) {
  const auto fault = active_fault(state);
  write_work_dir(ctx, plan, state);
  for (const PlannedChange& pc : plan.changes) {
    // execUpdatePlan counts the plan's changes, dropped ones too.
    if (plan.changes.size() + plan.dropped.size() > 1) ctx.out << "--- Updating " << pc.service << " ...\n";
    if (!is_vm_procedure(pc.procedure)) {
      execute_agent_change(ctx, imgapi, pc, fault, command, state);
      continue;
    }
    for (const std::size_t i : pc.instances) {
      const common::Json& in = state.instances()[i];
      const std::string zone = zone_of(in);
      ctx.out << "Reprovisioning VM " << zone << " on server " << in.at("server").get<std::string>() << "\n";
      fire_fault(fault, fault_name(command), pc.service,
                 "error reprovisioning VM " + zone + " (" + string_field(in, "alias") + ") of service \"" +
                     pc.service + "\" to image " + pc.image.uuid() +
                     ": simulated failure (fake-sdcadm fault knob)", state, ctx.root);
      ctx.out << "Waiting for " << pc.service << " instance " << zone << " to come up\n";
    }
  }
  apply_plan(plan, state);
  record_installed_agents(ctx, plan, state);
}

}  // namespace

void cmd_up(const Context& ctx, const UpOptions& o, const std::string& stdin_text) {
  const auto start = std::chrono::steady_clock::now();
  if (o.concurrency < 1) {
    throw Error(ExitCode::usage, "invalid concurrency " + std::to_string(o.concurrency) +
                                     ": -j/--concurrency must be a positive integer");
  }
  const std::vector<Change> changes = changes_from(o, stdin_text, State::load(ctx.root));
  const FileLock lock = take_sdcadm_lock(ctx);
  const StateLock state_lock(ctx.root);
  State state = State::load(ctx.root);
  // Only a change without image or version looks for candidates (lib/sdcadm.js:2124-2128).
  for (const Change& ch : changes) {
    if (ch.kind == Change::Kind::update_service && !ch.image && !ch.version) {
      ctx.out << "Finding candidate update images for the \"" << ch.service << "\" service.\n";
    }
  }
  imgapi::Client imgapi(dc_imgapi_url(ctx.root));
  PlanOptions options;
  options.same_image = o.force_same_image ? SameImage::force : SameImage::drop;
  options.force_rabbitmq = o.force_rabbitmq;
  options.force_data_path = o.force_data_path;
  options.servers = o.servers;
  Plan plan = gen_update_plan(changes, state, load_name_map(ctx.root),
                              [&](const std::string& uuid) { return imgapi.find_image(uuid); }, options);
  // getChannel (lib/sdcadm.js:2508-2522, getDefaultChannel 1310-1345): -C, else the sdc
  // application's update_channel; else the updates server is asked, which fails offline,
  // and nothing is printed.
  const std::string channel = o.channel.empty() ? state.update_channel() : o.channel;
  if (!channel.empty()) ctx.out << "Using channel " << channel << "\n";
  plan = coordinate_plan(std::move(plan), state, options);
  for (const std::string& note : plan.notes) ctx.out << note << "\n";
  // FAKE_SDCADM_NOOP (fault.hpp): every change dropped, as a procedure that takes none
  // drops it silently (lib/procedures/index.js:262-267, 313-334): "Up-to-date.", exit 0.
  if (!o.dry_run && !o.just_images && noop_requested(fault_name(o.command))) plan.changes.clear();
  if (plan.changes.empty() || o.just_images) {
    ctx.out << (o.just_images ? "Up-to-date (all images are imported).\n" : "Up-to-date.\n");
    if (!o.dry_run) {
      state.append_log(ctx.argv);
      state.save(ctx.root);
    }
    return;
  }
  print_plan(ctx, plan, state);
  if (!o.yes && !confirm("Would you like to continue?")) {
    ctx.out << "Aborting update\n";
    return;
  }
  if (o.dry_run) {
    ctx.out << "[dry-run] done\nUpdated successfully (elapsed 0s).\n";
    return;
  }
  check_reprov_lock(ctx);
  execute(ctx, imgapi, plan, o.command, state);
  state.append_log(ctx.argv);
  state.save(ctx.root);
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
  ctx.out << "Updated successfully (elapsed " << secs.count() << "s).\n";
}

}  // namespace fake_sdcadm
