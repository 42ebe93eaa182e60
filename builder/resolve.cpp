#include <builder/resolve.hpp>

#include <builder/changelog_gen.hpp>
#include <builder/origin_closure.hpp>
#include <builder/resolve_pick.hpp>
#include <builder/service_map.hpp>
#include <builder/trim.hpp>

#include <common/error.hpp>
#include <common/log.hpp>

#include <algorithm>
#include <set>

namespace builder {

namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

std::string channel_names(const std::vector<imgapi::Channel>& channels) {
  std::vector<std::string> names;
  for (const imgapi::Channel& c : channels) names.push_back(c.name);
  return join(names, ", ");
}

// The channel to resolve in: -C if the server has it, else the server's default. A bundle
// is for exactly one channel, so "*" is refused.
std::string resolve_channel(imgapi::Client& updates, const std::optional<std::string>& wanted) {
  const std::string server = updates.base_url();
  if (wanted && (wanted->empty() || *wanted == "*")) {
    throw common::Error(common::ExitCode::usage,
                        "-C needs one channel name (\"*\" means every channel, and a bundle is "
                        "built for one)");
  }
  const auto channels = updates.list_channels();
  if (!channels) {
    if (wanted) {
      common::log::warn(server + " has no channels (a DC IMGAPI?); channel \"" + *wanted +
                        "\" is recorded in the bundle but the server cannot enforce it");
      return *wanted;
    }
    throw common::Error(common::ExitCode::unknown_channel,
                        server + " has no channels (GET /channels: 404; is it a DC IMGAPI?); "
                                 "point -S at an updates server, or name the channel with -C");
  }
  if (wanted) {
    for (const imgapi::Channel& c : *channels) {
      if (c.name == *wanted) return *wanted;
    }
    throw common::Error(common::ExitCode::unknown_channel,
                        "channel " + *wanted + " does not exist on " + server +
                            "; it has: " + channel_names(*channels));
  }
  for (const imgapi::Channel& c : *channels) {
    if (c.is_default) return c.name;
  }
  throw common::Error(common::ExitCode::unknown_channel,
                      server + " marks no channel as default; choose one with -C (it has: " +
                          channel_names(*channels) + ")");
}

struct Target {
  const ServiceMapEntry* entry = nullptr;
  std::optional<Selection> selection;
  Named named = Named::no;
};

// What to resolve: the selections, or with --all every entry (the selections then pin or
// re-include single entries). Sorted by kind, then name: the bundle's target order.
std::vector<Target> plan_targets(const ResolveRequest& request) {
  std::vector<Target> targets;
  std::set<std::string> named;
  for (const Selection& s : request.selections) {
    (void)parse_selection(s.service);  // refuses an unknown service with the usual message
    const ServiceMapEntry* entry = find_service(s.service);
    if (entry == nullptr) {
      throw common::Error(common::ExitCode::usage, "unknown service \"" + s.service + "\"");
    }
    if (!named.insert(s.service).second) {
      throw common::Error(common::ExitCode::usage,
                          "service " + s.service + " is named more than once; name it once");
    }
    targets.push_back(Target{entry, s, Named::yes});
  }
  if (request.all) {
    for (const ServiceMapEntry& entry : service_map()) {
      if (named.count(entry.name) != 0) continue;
      if (entry.kind == ArtifactKind::agent && !request.include_agent_images) continue;
      if (entry.kind == ArtifactKind::agentsshar && !request.include_agentsshar) continue;
      targets.push_back(Target{&entry, std::nullopt, Named::no});
    }
  }
  if (targets.empty()) {
    throw common::Error(common::ExitCode::usage,
                        "nothing to build: name services (e.g. imgapi cnapi@UUID) or use --all");
  }
  std::sort(targets.begin(), targets.end(), [](const Target& a, const Target& b) {
    if (a.entry->kind != b.entry->kind) return a.entry->kind < b.entry->kind;
    return a.entry->name < b.entry->name;
  });
  return targets;
}

// A target that survived the trim, with what its changelog needs.
struct Chosen {
  const ServiceMapEntry* entry = nullptr;
  manifest::ImageManifest image;
  bool pinned = false;
  std::vector<manifest::ImageManifest> candidates;
  std::optional<Baseline> dc;
};

class Resolver {
 public:
  Resolver(imgapi::Client& updates, const ResolveRequest& request)
      : m_updates(updates), m_request(request), m_cache(updates) {
    if (request.since) m_since = parse_since(*request.since);
  }

  Resolution run() {
    m_out.source_url = m_updates.base_url();
    // The selections are checked before the first request: a typo costs no round trip.
    const std::vector<Target> targets = plan_targets(m_request);
    m_out.channel = resolve_channel(m_updates, m_request.channel);
    for (const Target& target : targets) {
      try {
        choose(target);
      } catch (const common::Error& e) {
        throw e.with_context(entry_label(*target.entry));
      }
    }
    emit_artifacts();
    write_changelog();
    if (m_since && m_since->version && !m_chosen.empty() && !m_since_matched) {
      throw common::Error(common::ExitCode::usage,
                          "--since " + *m_since->version + ": no image of the selected services "
                          "has that version on channel " + m_out.channel);
    }
    return std::move(m_out);
  }

 private:
  void choose(const Target& target) {
    const ServiceMapEntry& entry = *target.entry;
    Candidates found = list_candidates(m_updates, entry, m_out.channel);
    for (TrimNote& note : found.unusable) m_out.skipped.push_back(std::move(note));
    for (const manifest::ImageManifest& c : found.usable) m_cache.remember(c);
    std::optional<manifest::ImageManifest> image =
        pick_image(m_updates, entry, found.usable, target.selection, m_out.channel);
    if (!image) {
      if (target.named == Named::yes) throw no_image_error(m_updates, entry, m_out.channel);
      m_out.skipped.push_back({entry_label(entry), "no image named " +
                                                       join(entry.image_names, " or ") +
                                                       " on channel " + m_out.channel});
      return;
    }
    const bool pinned = target.selection && (target.selection->uuid || target.selection->version);
    std::optional<Baseline> dc;
    if (m_request.inventory != nullptr) {
      dc = dc_baseline(*m_request.inventory, entry, found.usable, m_cache);
      auto note = trim_target(*m_request.inventory, entry, *image, target.named,
                              pinned ? Pinned::yes : Pinned::no, dc);
      if (note) {
        common::log::debug("trimmed " + note->what + ": " + note->reason);
        m_out.trimmed.push_back(std::move(*note));
        return;
      }
    }
    common::log::debug(entry_label(entry) + ": " + image->uuid() + " (" + image->name() + "@" +
                       image->version() + ")");
    m_chosen.push_back(Chosen{&entry, std::move(*image), pinned, std::move(found.usable), dc});
  }

  // Targets in order, each preceded by the origins it needs that are not out yet.
  void emit_artifacts() {
    const DcHasImage dc_has = [this](const std::string& uuid) { return dc_has_origin(uuid); };
    for (const Chosen& chosen : m_chosen) {
      for (const manifest::ImageManifest& origin : missing_origins(chosen.image, m_cache, dc_has)) {
        const auto target = std::find_if(m_chosen.begin(), m_chosen.end(), [&](const Chosen& c) {
          return c.image.uuid() == origin.uuid();
        });
        if (target != m_chosen.end()) {
          emit(*target);
        } else {
          ResolvedArtifact artifact{"origin", {}, origin, false, ""};
          if (m_request.inventory != nullptr) artifact.no_delta_base = "an origin the DC does not have";
          emit(std::move(artifact));
        }
      }
      emit(chosen);
    }
    for (std::size_t i = 0; i < m_out.artifacts.size(); ++i) {
      m_out.artifacts[i].same_file_as = earlier_twin(i);
    }
  }

  bool dc_has_origin(const std::string& uuid) {
    const manifest::Inventory* inventory = m_request.inventory;
    if (inventory == nullptr || !inventory->has_active_image(uuid)) return false;
    if (m_noted_origins.insert(uuid).second) {
      const manifest::InventoryImage* image = inventory->find_image(uuid);
      m_out.trimmed.push_back({"origin " + uuid + " (" + image->name + "@" + image->version + ")",
                               "already active in the DC's IMGAPI"});
    }
    return true;
  }

  void emit(const Chosen& chosen) {
    std::vector<std::string> services;
    if (chosen.entry->kind == ArtifactKind::service) services.push_back(chosen.entry->name);
    ResolvedArtifact artifact{std::string(role_of(chosen.entry->kind)), services, chosen.image,
                              chosen.pinned, ""};
    if (m_request.inventory != nullptr) find_delta_base(chosen, artifact);
    emit(std::move(artifact));
  }

  // The image a delta of `chosen` would be made against: what the DC runs now (the trim's
  // baseline), if the updates server has it under the same name.
  void find_delta_base(const Chosen& chosen, ResolvedArtifact& artifact) {
    if (!chosen.dc) {
      artifact.no_delta_base = "the DC runs no image of it";
      return;
    }
    if (!chosen.dc->ref) {
      artifact.no_delta_base = "the DC's " + chosen.dc->label + " is not on the updates server";
      return;
    }
    const manifest::ImageManifest* base = m_cache.find(chosen.dc->ref->uuid);
    if (base == nullptr) {
      artifact.no_delta_base = "the DC's image " + chosen.dc->ref->uuid + " (" +
                               chosen.dc->ref->version + ") is not on the updates server";
    } else if (base->name() != chosen.image.name()) {
      artifact.no_delta_base = "the DC runs " + base->name() + ", not " + chosen.image.name();
    } else if (!base->file()) {
      artifact.no_delta_base = "the DC's image " + base->uuid() + " has no file on the updates server";
    } else if (base->uuid() == chosen.image.uuid()) {
      artifact.no_delta_base = "the DC runs this image already";
    } else {
      artifact.delta_base = *base;
    }
  }

  void emit(ResolvedArtifact artifact) {
    if (!m_emitted.insert(artifact.image.uuid()).second) return;
    m_out.artifacts.push_back(std::move(artifact));
  }

  // Identical files (same SHA-1 and size) are stored once: name the first holder.
  std::string earlier_twin(std::size_t index) const {
    const auto file = m_out.artifacts[index].image.file();
    for (std::size_t i = 0; i < index && file; ++i) {
      const auto other = m_out.artifacts[i].image.file();
      if (other && other->sha1 == file->sha1 && other->size == file->size) {
        return m_out.artifacts[i].image.uuid();
      }
    }
    return "";
  }

  void write_changelog() {
    for (const Chosen& chosen : m_chosen) {
      std::optional<Baseline> from = chosen.dc;
      if (m_since) {
        from = since_baseline(*m_since, chosen.entry->kind, chosen.candidates);
        if (from && m_since->version) m_since_matched = true;
      }
      m_out.changelog.artifacts.push_back(
          changelog_for(chosen.entry->kind, chosen.image, chosen.candidates, from));
    }
  }

  imgapi::Client& m_updates;
  const ResolveRequest& m_request;
  ManifestCache m_cache;
  std::optional<Since> m_since;
  bool m_since_matched = false;
  std::vector<Chosen> m_chosen;
  std::set<std::string> m_emitted;
  std::set<std::string> m_noted_origins;
  Resolution m_out;
};

}  // namespace

std::string Selection::text() const {
  if (uuid) return service + "@" + *uuid;
  if (version) return service + "@" + *version;
  return service;
}

Resolution resolve(imgapi::Client& updates, const ResolveRequest& request) {
  return Resolver(updates, request).run();
}

}  // namespace builder
