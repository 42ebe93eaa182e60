// Plan of the non-zone artifacts (headnode.md §3.1, §3.4, §4; sdcadm.md §5):
//  - agents (every agent entry of imgNamesFromSvcName): 3-5 builds each over the slot
//    timeline, version "<pkg ver>-<branch>-<stamp>-g<sha>", tags.buildstamp, gzip .tgz.
//  - agentsshar: 5 builds, version "1.0.0-<branch>-<stamp>-g<sha>" (TRITON-2344 form).
//  - gz-tools: 4 builds, version "2.1.0-<branch>-<stamp>-g<sha>".
//  - platform: 5 builds, version "<branch>-<stamp>", tags.buildstamp = the stamp; release
//    branch builds give versions like "release-20250102-20250104T...Z".
//  - sdcadm: semver versions with tags.buildstamp, laid out so the three orders sdcadm
//    could use disagree (self-update: semver, then buildstamp time; never published_at):
//      1.38.0  slot 1  dev, release
//      1.39.0  slot 3  dev, release
//      1.40.0  slot 5  dev, release
//      1.40.0  slot 10 dev                 same semver, later buildstamp
//      1.39.1  slot 8  staging, release    hotfix: lower semver, published last
//      2.0.0   slot 9  experimental        major bump (--allow-major-update)
//    In "release" the newest published image is 1.39.1, the newest by semver 1.40.0; in
//    "dev" the two 1.40.0 images differ only in buildstamp.

#include <tools/sample_catalog/plan_internal.hpp>
#include <tools/sample_catalog/service_table.hpp>

namespace sample_catalog::detail {

namespace {

// A per-artifact spread over the day, distinct from the zone images' jitter.
int artifact_jitter(std::size_t index) { return static_cast<int>(101 + index * 37); }

const std::vector<std::vector<int>> k_agent_patterns = {{1, 2, 5, 6}, {2, 3, 4, 7}, {1, 4, 5}};

void plan_agent(std::uint64_t seed, const ServiceEntry& entry, std::size_t index,
                std::vector<PlannedImage>& out) {
  const std::vector<int> slots =
      entry.service == "cn-agent" ? std::vector<int>{2, 4, 5, 6, 7}
                                  : k_agent_patterns[index % k_agent_patterns.size()];
  const std::string& name = entry.names.front();
  const std::string major_minor =
      std::to_string(1 + index % 3) + "." + std::to_string(2 + index * 7 % 17) + ".";
  int patch = 0;
  for (const int id : slots) {
    const Build b = make_build(slot(id), name, artifact_jitter(index));
    const std::string pkg_version = major_minor + std::to_string(patch++);
    PlannedImage img =
        new_image(seed, ArtifactKind::agent, name, pkg_version + "-" + b.eng_stamp(), b);
    img.buildstamp_tag = b.eng_stamp();
    img.description = "Triton " + name + " agent (sample catalog)";
    img.file_name = name + "-" + b.eng_stamp() + ".tgz";
    img.services = {entry.service};
    out.push_back(std::move(img));
  }
}

// agentsshar and gz-tools: "<pkg ver>-<eng stamp>" versions, buildstamp tag.
void plan_stamped_tool(std::uint64_t seed, ArtifactKind kind, const std::string& name,
                       const std::string& pkg_version, const std::vector<int>& slots,
                       std::vector<PlannedImage>& out) {
  for (const int id : slots) {
    const int jitter = artifact_jitter(kind == ArtifactKind::agentsshar ? 200 : 201);
    const Build b = make_build(slot(id), name, jitter);
    PlannedImage img = new_image(seed, kind, name, pkg_version + "-" + b.eng_stamp(), b);
    img.buildstamp_tag = b.eng_stamp();
    if (kind == ArtifactKind::agentsshar) {
      img.description = "Agent self-extracting installer";
      img.file_name = "agents-" + b.eng_stamp() + ".sh";
    } else {
      img.description = "SDC Global Zone Tools";
      img.file_name = "gz-tools-" + b.eng_stamp() + ".tgz";
    }
    out.push_back(std::move(img));
  }
}

void plan_platforms(std::uint64_t seed, std::vector<PlannedImage>& out) {
  for (const int id : {1, 2, 4, 5, 7}) {
    const Build b = make_build(slot(id), "platform", artifact_jitter(300));
    PlannedImage img =
        new_image(seed, ArtifactKind::platform, "platform", b.branch + "-" + b.stamp, b);
    img.buildstamp_tag = b.stamp;
    img.description = "SmartDataCenter platform image";
    img.file_name = "platform-" + img.version + ".tgz";
    out.push_back(std::move(img));
  }
}

struct SdcadmRelease {
  const char* version;
  int slot;
  std::vector<std::string> channels;
};

void plan_sdcadm(std::uint64_t seed, std::vector<PlannedImage>& out) {
  const std::vector<SdcadmRelease> releases = {
      {"1.38.0", 1, {"dev", "release"}},  {"1.39.0", 3, {"dev", "release"}},
      {"1.40.0", 5, {"dev", "release"}},  {"1.40.0", 10, {"dev"}},
      {"1.39.1", 8, {"staging", "release"}}, {"2.0.0", 9, {"experimental"}},
  };
  for (const SdcadmRelease& r : releases) {
    Build b = make_build(slot(r.slot), "sdcadm", artifact_jitter(400));
    b.channels = r.channels;
    PlannedImage img = new_image(seed, ArtifactKind::sdcadm, "sdcadm", r.version, b);
    // Two images share "1.40.0": the buildstamp keeps their uuids apart.
    img.uuid = derive_uuid(seed, "sdcadm", img.version + "/" + b.eng_stamp());
    img.buildstamp_tag = b.eng_stamp();
    img.description = "Administer SmartDataCenter standups";
    img.file_name = "sdcadm-" + b.eng_stamp() + ".sh";
    out.push_back(std::move(img));
  }
}

}  // namespace

void plan_artifacts(std::uint64_t seed, std::vector<PlannedImage>& out) {
  std::size_t agent_index = 0;
  for (const ServiceEntry& entry : service_table()) {
    if (entry.kind == ServiceKind::agent) plan_agent(seed, entry, agent_index++, out);
  }
  plan_stamped_tool(seed, ArtifactKind::agentsshar, "agentsshar", "1.0.0", {1, 2, 4, 5, 7}, out);
  plan_stamped_tool(seed, ArtifactKind::gz_tools, "gz-tools", "2.1.0", {1, 2, 4, 7}, out);
  plan_platforms(seed, out);
  plan_sdcadm(seed, out);
}

}  // namespace sample_catalog::detail
