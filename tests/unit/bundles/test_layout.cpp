#include <bundles/layout.hpp>

#include <bundles/format.hpp>

#include "writer_support.hpp"

using bundles::FramePlan;
using common::ExitCode;
using namespace writer_test;

TEST_CASE("plan_frames: index, slot, one frame per chunk, header first, padding last",
          "[layout]") {
  const std::uint64_t chunk = k_mib;
  // empty, one byte, exactly one chunk, a chunk and a byte, three chunks minus one byte
  const std::vector<std::uint64_t> sizes{0, 1, chunk, chunk + 1, 3 * chunk - 1};
  const auto plan = bundles::plan_frames(1000, sizes, chunk);
  REQUIRE(plan.size() == 2 + 1 + 1 + 1 + 2 + 3);

  CHECK(plan[0].member == 0);
  CHECK(plan[0].content_size() == 512 + 1000 + 24);
  CHECK(plan[1].member == 1);
  CHECK(plan[1].content_size() == bundles::format::k_signature_frame_content);

  CHECK(plan[2].member == 2);  // empty member: a header and nothing else
  CHECK(plan[2].header);
  CHECK(plan[2].content_size() == 512);
  CHECK(plan[3].content_size() == 512 + 1 + 511);
  CHECK(plan[4].content_size() == 512 + chunk);  // a whole number of blocks: no padding

  // chunk + 1 bytes: two frames, the header in the first, the padding in the second
  CHECK((plan[5].member == 5 && plan[5].chunk == 0 && plan[5].header));
  CHECK(plan[5].content_size() == 512 + chunk);
  CHECK((plan[6].member == 5 && plan[6].chunk == 1 && !plan[6].header));
  CHECK(plan[6].data_offset == chunk);
  CHECK(plan[6].content_size() == 1 + 511);

  // the last member's last frame also ends the archive
  CHECK(plan[9].chunk == 2);
  CHECK(plan[9].data_offset == 2 * chunk);
  CHECK(plan[9].data_size == chunk - 1);
  CHECK(plan[9].padding == 1);
  CHECK(plan[9].archive_end);
  CHECK(plan[9].content_size() == chunk - 1 + 1 + 1024);
  for (std::size_t i = 0; i + 1 < plan.size(); ++i) CHECK_FALSE(plan[i].archive_end);

  // the tar stream is whole blocks
  std::uint64_t total = 0;
  for (const auto& f : plan) total += f.content_size();
  CHECK(total % 512 == 0);

  const auto entries = bundles::expected_entries(plan);
  REQUIRE(entries.size() == plan.size());
  CHECK(entries[6].decompressed_size == plan[6].content_size());
  CHECK(entries[6].member == 5);
  CHECK(entries[6].chunk == 1);
}

TEST_CASE("plan_frames refusals", "[layout]") {
  CHECK(code_of([] { bundles::plan_frames(10, {}, k_mib); }) == ExitCode::bundle_corrupt);
  CHECK(code_of([] { bundles::plan_frames(10, {1}, k_mib - 1); }) == ExitCode::bundle_corrupt);
  CHECK(code_of([] { bundles::plan_frames(10, {1}, 0); }) == ExitCode::bundle_corrupt);
  CHECK(code_of([] { bundles::plan_frames(10, {1}, (1ull << 30) + 1); }) ==
        ExitCode::bundle_corrupt);
  CHECK(code_of([] { bundles::plan_frames((16u << 20) + 1, {1}, k_mib); }) ==
        ExitCode::bundle_corrupt);
  // 64 GiB members of 1 MiB chunks: 17 of them pass the frame limit.
  const std::vector<std::uint64_t> huge(17, 64ull << 30);
  CHECK(code_of([&] { bundles::plan_frames(10, huge, k_mib); }) == ExitCode::bundle_corrupt);
}

TEST_CASE("chunks_of", "[layout]") {
  CHECK(bundles::chunks_of(0, 10) == 0);
  CHECK(bundles::chunks_of(1, 10) == 1);
  CHECK(bundles::chunks_of(10, 10) == 1);
  CHECK(bundles::chunks_of(11, 10) == 2);
  CHECK(bundles::chunks_of(64ull << 30, 1u << 20) == 65536);
}
