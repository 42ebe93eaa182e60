#include <tools/sample_catalog/content_model.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

using namespace sample_catalog;

namespace {

std::string bytes_of(const ModelFile& f) {
  std::string out(static_cast<std::size_t>(f.size()), '\0');
  content_bytes(f, 0, out.data(), out.size());
  return out;
}

std::uint64_t total(const std::vector<ModelFile>& files) {
  std::uint64_t n = 0;
  for (const ModelFile& f : files) n += f.size();
  return n;
}

// Bytes of `next` in files whose path and content are both in `prev`.
std::uint64_t unchanged_bytes(const std::vector<ModelFile>& prev, const std::vector<ModelFile>& next) {
  std::map<std::string, std::string> old;
  for (const ModelFile& f : prev) old[f.path] = bytes_of(f);
  std::uint64_t n = 0;
  for (const ModelFile& f : next) {
    const auto it = old.find(f.path);
    if (it != old.end() && it->second == bytes_of(f)) n += f.size();
  }
  return n;
}

}  // namespace

TEST_CASE("describe_version: same arguments, same files and bytes", "[sample_catalog]") {
  const auto a = describe_version(42, 2 << 20, 3, "root/opt/smartdc/x/");
  const auto b = describe_version(42, 2 << 20, 3, "root/opt/smartdc/x/");
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].path == b[i].path);
    CHECK(bytes_of(a[i]) == bytes_of(b[i]));
  }
  const auto other = describe_version(43, 2 << 20, 3, "root/opt/smartdc/x/");
  CHECK(bytes_of(other[0]) != bytes_of(a[0]));
}

TEST_CASE("describe_version: the first version has the target size, many files, both kinds",
          "[sample_catalog]") {
  const auto files = describe_version(7, 4 << 20, 0, "p/");
  CHECK(total(files) >= 4u << 20);
  CHECK(total(files) < (4u << 20) + (1u << 20));
  CHECK(files.size() > 200);
  std::uint64_t text = 0;
  for (const ModelFile& f : files) {
    CHECK(f.path.rfind("p/", 0) == 0);
    CHECK(f.path.size() < 100);
    CHECK(f.changed_in == 0);
    if (f.text) text += f.size();
  }
  CHECK(text * 100 > total(files) * 50);  // mostly text, a real share of binary
  CHECK(text * 100 < total(files) * 80);
  for (const ModelFile& f : files) {
    if (!f.text) continue;
    const std::string s = bytes_of(f);
    CHECK(s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                              "0123456789 \n.'\"(){}[];:,=!+*/_") == std::string::npos);
    break;
  }
}

TEST_CASE("describe_version: a release changes a few percent, keeps the rest", "[sample_catalog]") {
  const auto v0 = describe_version(11, 8 << 20, 0, "p/");
  const auto v1 = describe_version(11, 8 << 20, 1, "p/");
  const auto v3 = describe_version(11, 8 << 20, 3, "p/");
  const std::uint64_t kept = unchanged_bytes(v0, v1);
  CHECK(kept * 100 > total(v1) * 80);  // most bytes are untouched
  CHECK(kept * 100 < total(v1) * 99);  // but the release did change something
  int changed = 0;
  for (const ModelFile& f : v1) changed += f.changed_in == 1 ? 1 : 0;
  CHECK(changed > 0);
  CHECK(unchanged_bytes(v0, v3) < kept);  // changes accumulate over releases
  CHECK(total(v3) * 10 > total(v0) * 8);  // sizes stay about the same
  CHECK(total(v3) * 10 < total(v0) * 12);
}

TEST_CASE("content_bytes: any slice equals the same slice of the whole", "[sample_catalog]") {
  const auto files = describe_version(5, 1 << 20, 4, "p/");
  for (const ModelFile& f : files) {
    if (f.pieces.size() < 2) continue;  // an edited file: pieces from several streams
    const std::string whole = bytes_of(f);
    for (const std::uint64_t at : {std::uint64_t{0}, std::uint64_t{1}, f.size() / 3, f.size() - 1}) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(1500, f.size() - at));
      std::string part(n, '\0');
      content_bytes(f, at, part.data(), n);
      CHECK(part == whole.substr(static_cast<std::size_t>(at), n));
    }
  }
}
