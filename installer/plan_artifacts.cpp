// The non-service steps of a plan: sdcadm self-update and the file artifacts (gz-tools,
// platform, agentsshar), each decided as sdcadm would (sdcadm.md §5, §6.5-§6.7).

#include <installer/plan_detail.hpp>

#include <common/error.hpp>

#include <algorithm>

namespace installer::plan_detail {

using common::Error;
using common::ExitCode;

Target target_of(const manifest::BundleIndex& index, const manifest::BundleArtifact& a) {
  // A delta's file is rebuilt on the headnode: its size is the rebuilt file's (the plan's
  // notes name the base and the patch size, delta_bases.hpp).
  if (a.delta) return Target{a.uuid, a.name, a.version, a.published_at, a.delta->file_size};
  const manifest::BundleMember* m = a.file_member.empty() ? nullptr : index.find_member(a.file_member);
  return Target{a.uuid, a.name, a.version, a.published_at, m ? m->size : 0};
}

const manifest::BundleArtifact* find_role(const manifest::BundleIndex& index, const std::string& role) {
  const manifest::BundleArtifact* best = nullptr;
  for (const auto& a : index.artifacts) {
    if (a.role != role) continue;
    if (!best || manifest::compare_published_at(a.published_at, best->published_at) > 0) best = &a;
  }
  return best;
}

ArtifactPlan plan_sdcadm(const manifest::BundleIndex& index, const manifest::BundleArtifact& a,
                         const PlanInputs& in, Force force) {
  ArtifactPlan p{a.role, target_of(index, a), a.stage_as, "", false, ""};
  if (!in.dc.sdcadm) {
    p.run = true;
    p.note = "the running sdcadm's version is unknown";
    return p;
  }
  p.current = in.dc.sdcadm->version + " (" + in.dc.sdcadm->buildstamp + ")";
  if (in.sdcadm_buildstamp.empty()) {
    throw Error(ExitCode::bad_data, "the bundle's sdcadm image " + a.uuid + " has no tags.buildstamp");
  }
  const int cmp = manifest::compare_sdcadm({a.version, in.sdcadm_buildstamp}, *in.dc.sdcadm);
  if (cmp > 0) {
    p.run = true;
  } else if (force == Force::yes && cmp < 0) {
    p.run = true;
    p.note = "forced downgrade";
  } else {
    p.note = cmp == 0 ? "already running it" : "the running sdcadm is newer";
  }
  return p;
}

ArtifactPlan plan_file_artifact(const manifest::BundleIndex& index, const manifest::BundleArtifact& a,
                                const PlanInputs& in, Force force) {
  ArtifactPlan p{a.role, target_of(index, a), a.stage_as, "", true, ""};
  if (a.role == "gz-tools") {
    p.current = in.dc.gz_tools_image;
    const auto current = p.current.empty() || !in.lookup ? std::nullopt : in.lookup(p.current);
    // As for services: a gz-tools published after the bundle's is not replaced by it.
    const bool newer = current && p.current != a.uuid && !current->published_at.empty() &&
                       manifest::compare_published_at(current->published_at, a.published_at) > 0;
    if (p.current == a.uuid && force == Force::no) {
      p.run = false;
      p.note = "already installed";
    } else if (newer) {
      p.run = force == Force::yes;
      p.note = force == Force::yes ? "forced downgrade"
                                   : "the DC runs a newer gz-tools (" + current->version + "); --force to install the bundle's";
    }
  } else if (a.role == "platform") {
    const std::string stamp = manifest::buildstamp_time(a.version).value_or("");
    p.current = in.dc.platforms.empty() ? "" : in.dc.platforms.back();
    if (!stamp.empty() &&
        std::find(in.dc.platforms.begin(), in.dc.platforms.end(), stamp) != in.dc.platforms.end() &&
        force == Force::no) {
      p.run = false;
      p.note = "platform " + stamp + " already installed";
    } else if (!stamp.empty() && !p.current.empty() && p.current > stamp) {
      // As for services and gz-tools: an older platform is not installed over a newer one
      // unless forced (issue 12 item 11: an old bundle's platform became the default boot
      // platform). Stamps are YYYYMMDDTHHMMSSZ, so text order is time order.
      p.run = force == Force::yes;
      p.note = force == Force::yes ? "forced downgrade"
                                   : "the DC has a newer platform (" + p.current + "); --force to install the bundle's";
    }
  }
  return p;
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

}  // namespace installer::plan_detail
