// Issue 12 item 8, "show it by the types, not by review": each CASE below is one way a call
// site could stage, import, seed agents or self-update from a bundle nobody checked. The
// test (check.sh) compiles every case with the project's headers and requires CASE 0 (the
// legitimate path, through the trust check) to compile and every other case to fail with
// the diagnostic that names the reason. A case that compiles means the type no longer
// guards the path.
#include <installer/agents/seed.hpp>
#include <installer/import_plan.hpp>
#include <installer/self_update.hpp>
#include <installer/stage.hpp>
#include <installer/verified_bundle.hpp>

#include <bundles/seekable_reader.hpp>
#include <bundles/stream_reader.hpp>

#include <memory>
#include <string>
#include <utility>

using namespace installer;

// Any verdict (its value is beside the point: the cases below must not compile at all).
const signing::TrustVerdict& any_verdict();

void use(const Paths& paths) {
#if CASE == 0
  // The legitimate path: the trust check makes the bundle, stage and import take it.
  const VerifiedBundle bundle = check_bundle(paths, "b.sdc", TrustOverrides{});
  stage_bundle(bundle, paths, StageOptions{});
  plan_import(bundle, paths);
  agents::agent_set_of(bundle, paths, "imgapi.example.com");
  install_installer(bundle, bundle.index().artifacts.front(), "/opt/smartdc/bin/sdcadm-install");
  stage_bundle(check_stream(paths, bundles::open_bundle_source("-"), "-", TrustOverrides{}), paths, StageOptions{});
#elif CASE == 1
  // A bundle path straight into stage (what `stage_bundle(path, paths, {})` used to do).
  stage_bundle(std::string("b.sdc"), paths, StageOptions{});
#elif CASE == 2
  // A hand-built VerifiedBundle: an index and a verdict made up by the caller.
  VerifiedBundle forged(std::string("b.sdc"),
                        std::make_unique<bundles::SeekableReader>(bundles::SeekableReader::open("b.sdc")),
                        any_verdict());
  stage_bundle(forged, paths, StageOptions{});
#elif CASE == 3
  // A raw stream reader, never checked, into stage.
  bundles::StreamReader reader(bundles::open_bundle_source("-"));
  stage_bundle(std::move(reader), paths, StageOptions{});
#elif CASE == 4
  // A hand-built VerifiedStream.
  VerifiedStream forged("-", std::make_unique<bundles::StreamReader>(bundles::open_bundle_source("-")),
                        any_verdict());
  stage_bundle(std::move(forged), paths, StageOptions{});
#elif CASE == 5
  // Import from a stage plan built over an unchecked index (what import used to take).
  const bundles::SeekableReader reader = bundles::SeekableReader::open("b.sdc");
  plan_import(plan_stage(reader.index(), paths));
#elif CASE == 6
  // Import with an unchecked index in place of the bundle.
  const bundles::SeekableReader reader = bundles::SeekableReader::open("b.sdc");
  plan_import(reader.index(), paths);
#elif CASE == 7
  // The self-update from an unchecked reader.
  const bundles::SeekableReader reader = bundles::SeekableReader::open("b.sdc");
  install_installer(reader, reader.index().artifacts.front(), "/opt/smartdc/bin/sdcadm-install");
#elif CASE == 8
  // seed-agents from an unchecked index.
  const bundles::SeekableReader reader = bundles::SeekableReader::open("b.sdc");
  agents::agent_set_of(reader.index(), paths, "imgapi.example.com");
#elif CASE == 9
  // A subclass that would construct its base from made-up parts.
  struct Forged : VerifiedBundle {
    Forged() : VerifiedBundle(std::string("b.sdc"), nullptr, any_verdict()) {}
  };
  Forged forged;
  stage_bundle(forged, paths, StageOptions{});
#elif CASE == 10
  // Aggregate or default construction.
  VerifiedBundle forged{};
  stage_bundle(forged, paths, StageOptions{});
#endif
}
