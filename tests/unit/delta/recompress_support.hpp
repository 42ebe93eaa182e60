#pragma once
// Shared by the recompression tests: deterministic image-like content, running the real
// compressors (Debian's pigz, gzip, bzip2; scripts/setup.sh installs them) and file
// helpers. Header-only.

#include <common/hash.hpp>

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace recompress_test {

// A few MiB that compress like a zfs send stream of a service image: tar-like 512-byte
// headers, log text, JSON, a repeated binary (as libraries appear in several datasets),
// zero runs and incompressible runs. xorshift64 makes it the same on every machine.
inline std::string image_like_content(std::size_t target = 3 << 20) {
  std::uint64_t state = 0x9e3779b97f4a7c15ull;
  const auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  std::string binary(8192, '\0');
  for (auto& c : binary) c = static_cast<char>(next() % 40);  // skewed bytes: compressible
  std::string out;
  out.reserve(target + 65536);
  for (int file = 0; out.size() < target; ++file) {
    std::string header = "opt/smartdc/service/file-" + std::to_string(file) + ".dat";
    header.resize(512, '\0');
    out += header;
    switch (next() % 5) {
      case 0:
        for (int i = 0, n = static_cast<int>(next() % 400); i < n; ++i) {
          out += "2026-12-07T03:" + std::to_string(next() % 60) + ":00.000Z INFO vmapi/" +
                 std::to_string(next() % 9) + " req_id=" + std::to_string(next() % 100000) +
                 " GET /vms?owner_uuid=930896af-bf8c-48d4-885c-6573a94b1853 200\n";
        }
        break;
      case 1:
        for (int i = 0, n = static_cast<int>(next() % 200); i < n; ++i) {
          out += "{\"uuid\":\"" + std::to_string(next()) + "\",\"name\":\"image-" +
                 std::to_string(next() % 50) + "\",\"state\":\"active\",\"size\":" +
                 std::to_string(next() % 1000000) + "},\n";
        }
        break;
      case 2: out += binary.substr(next() % 4096, 4096); break;
      case 3: out.append(static_cast<std::size_t>(next() % 20000), '\0'); break;
      case 4:
        for (int i = 0, n = static_cast<int>(next() % 2000); i < n; ++i) {
          const std::uint64_t v = next();
          out.append(reinterpret_cast<const char*>(&v), sizeof v);
        }
        break;
    }
    out.resize((out.size() + 511) / 512 * 512, '\0');
  }
  return out;
}

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("cannot write " + path);
}

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Runs argv with `in` as standard input and `out` as standard output. nullopt when the
// program is not installed; otherwise its exit status.
inline std::optional<int> run(const std::vector<std::string>& argv, const std::string& in,
                              const std::string& out) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc == ENOENT) return std::nullopt;
  if (rc != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  // posix_spawnp in glibc reports a missing program as exit status 127 of the child.
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) return std::nullopt;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline std::string sha256(const std::string& bytes) {
  return common::hex_digest(common::HashAlgorithm::sha256, bytes);
}

}  // namespace recompress_test
