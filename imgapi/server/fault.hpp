#pragma once
// Test-only fault injection for the IMGAPI server (`serve --fault SPEC`, repeatable).
// Off unless asked for; lets client tests exercise retries and verification.
//
// SPEC is a comma-separated list of key=value, exactly one action and any filters:
//   actions   status=NNN    answer NNN (400..599) with a restify-style error body
//             latency=MS    wait MS milliseconds before handling the request
//             cut=BYTES     file download: close the connection after BYTES body bytes;
//                           file upload: stop reading after BYTES bytes and close
//             corrupt=OFF   file download: flip (xor 0xff) the body byte at offset OFF
//   filters   method=M      only requests with this method (GET, PUT, ...)
//             path=GLOB     only request paths matching GLOB ('*' = any run of
//                           characters except '/'; the query string is not part of it)
//             nth=N         start firing on the Nth matching request (1-based)
//             count=K       fire on K matching requests in a row
// Defaults: nth=1; count=1 when nth is given, otherwise unlimited (every match).
// Each spec counts its own matching requests.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace imgapi::server {

enum class FaultAction { status, latency, cut, corrupt };

struct FaultSpec {
  FaultAction action = FaultAction::status;
  std::uint64_t value = 0;  // status code, milliseconds, byte count or byte offset
  std::string method;       // empty = any method
  std::string path_glob;    // empty = any path
  std::uint64_t nth = 1;
  std::uint64_t count = 0;  // 0 = unlimited
  std::string text;         // the spec as given, for logs and error bodies
};

// Parses one SPEC; throws common::Error(usage) naming the bad key or value.
FaultSpec parse_fault_spec(const std::string& text);

// True if path matches glob ('*' matches any run of characters other than '/').
bool glob_matches(const std::string& glob, const std::string& path);

// What the faults decided for one request. Empty optionals = that fault did not fire.
struct FaultDecision {
  std::uint64_t latency_ms = 0;
  int status = 0;                        // 0 = no injected status
  std::string status_spec;               // the spec that injected it
  std::optional<std::uint64_t> cut_after;
  std::optional<std::uint64_t> corrupt_offset;
};

// Holds the specs and their counters. Thread-safe.
class FaultInjector {
 public:
  FaultInjector() = default;
  explicit FaultInjector(std::vector<FaultSpec> specs);

  bool empty() const { return m_specs.empty(); }

  // Counts the request against every matching spec and returns the faults that fire.
  FaultDecision on_request(const std::string& method, const std::string& path);

 private:
  std::mutex m_mutex;
  std::vector<FaultSpec> m_specs;
  std::vector<std::uint64_t> m_matched;  // matching requests seen, per spec
  std::vector<std::uint64_t> m_fired;    // times fired, per spec
};

}  // namespace imgapi::server
