// `build -n`'s plan table (builder/cli/build_report.cpp): every column starts where its heading
// does, however long names and versions are.
#include "cache_support.hpp"
#include "artifact_support.hpp"

#include <builder/cli/build_report.hpp>

#include <sstream>

using cache_test::payload;
using cache_test::file_of;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The table: the heading line and the rows under it, up to the first empty line.
std::vector<std::string> table_of(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& line : lines_of(text)) {
    if (out.empty() && line.rfind("ROLE ", 0) != 0) continue;
    if (!out.empty() && line.empty()) break;
    out.push_back(line);
  }
  return out;
}

}  // namespace

TEST_CASE("build -n: plan columns size to their content", "[builder][report]") {
  const std::string long_version = "release-20250101-20250101T000000Z-g1a2b3c4";
  const std::string longer_version = long_version + "-with-a-much-longer-build-suffix";
  const std::vector<std::vector<std::string>> cells = {
      {"service-image", "imgapi", "master-20250101T000000Z-g1a2b3c4",
       "10000000-0000-4000-8000-000000000001"},
      {"service-image", "manta-buckets-mdapi-long-name", long_version,
       "10000000-0000-4000-8000-000000000002"},
      {"platform", "platform", longer_version, "10000000-0000-4000-8000-000000000003"},
  };
  std::vector<builder::ResolvedArtifact> artifacts;
  std::vector<builder::FetchPlanEntry> files;
  unsigned seed = 0;
  for (const auto& c : cells) {
    ++seed;
    const manifest::ImageFile file = file_of(payload(1000 * seed, seed));
    artifacts.push_back(artifact_test::artifact(c[3], c[1], c[2], file, c[0]));
    files.push_back({{c[3], c[1], file}, seed == 2 ? builder::CacheState::hit
                                                   : builder::CacheState::miss});
  }
  artifacts.back().pinned = true;
  const builder::Resolution resolution = artifact_test::resolution(artifacts);
  const builder::BuildPlanReport report{&resolution, files, "out.sdc", "/cache", 12345, 0, ""};

  const std::vector<std::string> table = table_of(builder::plan_text(report));
  REQUIRE(table.size() == 1 + cells.size());
  const std::string& heading = table[0];
  const std::vector<std::string> titles = {"ROLE", "NAME", "VERSION", "UUID", "SIZE", "FILE"};
  std::vector<std::size_t> at;
  for (const auto& title : titles) {
    at.push_back(heading.find(title == "ROLE" ? title : "  " + title));
    REQUIRE(at.back() != std::string::npos);
    if (title != "ROLE") at.back() += 2;
  }
  for (std::size_t row = 0; row < cells.size(); ++row) {
    const std::string& line = table[row + 1];
    INFO("heading: " << heading << "\nrow:     " << line);
    for (std::size_t col = 0; col < cells[row].size(); ++col) {
      CHECK(line.compare(at[col], cells[row][col].size(), cells[row][col]) == 0);
      // At least two blanks between a cell and the next column.
      const std::size_t end = at[col] + cells[row][col].size();
      CHECK(line.find_first_not_of(' ', end) == at[col + 1]);
      CHECK(at[col + 1] >= end + 2);
    }
    CHECK(line.find(row == 1 ? "cached" : "download", at[5]) == at[5]);
    CHECK(line.back() != ' ');
  }
  CHECK(table[3].find("download (pinned)", at[5]) == at[5]);
  // No column is wider than its longest cell needs: VERSION ends two blanks after the
  // longest version.
  CHECK(at[3] == at[2] + longer_version.size() + 2);
}
