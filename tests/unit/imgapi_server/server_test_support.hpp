#pragma once
// Helpers for the server's unit tests: a scratch directory removed at the end of the test,
// small file writers, and records built in code.

#include <imgapi/server/image_record.hpp>
#include <tests/unit/support/scratch_dir.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace server_test {

using TempDir = sdcb_test::ScratchDir;  // tests/unit/support/scratch_dir.hpp

inline void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  REQUIRE(out.good());
}

inline std::string read_file(const std::string& path) {
  std::string out;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  REQUIRE(f != nullptr);
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  std::fclose(f);
  return out;
}

// An active image record with the fields a core image has.
inline imgapi::server::ImageRecord record(const std::string& uuid, const std::string& name,
                                          const std::string& published_at) {
  imgapi::server::ImageRecord r;
  r.uuid = uuid;
  r.activated = true;
  r.fields = {{"v", 2},
              {"uuid", uuid},
              {"owner", "00000000-0000-0000-0000-000000000000"},
              {"name", name},
              {"version", "1.0.0"},
              {"public", false},
              {"published_at", published_at},
              {"type", "zone-dataset"},
              {"os", "smartos"}};
  imgapi::server::StoredFile f;
  f.sha1 = std::string(40, 'a');
  f.size = 10;
  f.compression = "gzip";
  r.file = f;
  return r;
}

inline imgapi::server::RecordPtr ptr(imgapi::server::ImageRecord r) {
  return std::make_shared<const imgapi::server::ImageRecord>(std::move(r));
}

// "00000000-0000-4000-8000-00000000000N"
inline std::string uuid_n(int n) {
  std::string s = std::to_string(n);
  return "00000000-0000-4000-8000-" + std::string(12 - s.size(), '0') + s;
}

}  // namespace server_test
