#pragma once
// A small valid state text for the fake_sdcadm unit tests.

#include <string>

namespace fake_sdcadm_test {

inline const char* k_old = "aaaaaaaa-0000-4000-8000-000000000001";
inline const char* k_new = "aaaaaaaa-0000-4000-8000-000000000002";
inline const char* k_other = "aaaaaaaa-0000-4000-8000-000000000003";

inline std::string state_text() {
  return R"({
  "sdcadm": {"version": "1.39.1", "buildstamp": "release-20250116-20250205T062404Z-g078205b",
             "image": "bbbbbbbb-0000-4000-8000-000000000001"},
  "services": [
    {"uuid": "cccccccc-0000-4000-8000-000000000001", "name": "imgapi", "type": "vm",
     "params": {"image_uuid": "aaaaaaaa-0000-4000-8000-000000000001"}},
    {"uuid": "cccccccc-0000-4000-8000-000000000002", "name": "binder", "type": "vm"},
    {"uuid": "cccccccc-0000-4000-8000-000000000003", "name": "vm-agent", "type": "agent"}
  ],
  "instances": [
    {"type": "vm", "service": "imgapi", "alias": "imgapi0", "instance": "dddddddd-0000-4000-8000-000000000001",
     "zonename": "dddddddd-0000-4000-8000-000000000001", "image": "aaaaaaaa-0000-4000-8000-000000000001",
     "version": "master-1", "state": "running", "server": "eeeeeeee-0000-4000-8000-000000000001",
     "hostname": "headnode", "server_ip": "10.0.0.1"},
    {"type": "vm", "service": "binder", "alias": "binder0", "instance": "dddddddd-0000-4000-8000-000000000002",
     "zonename": "dddddddd-0000-4000-8000-000000000002", "image": "aaaaaaaa-0000-4000-8000-000000000003",
     "version": "b-1", "state": "running", "server": "eeeeeeee-0000-4000-8000-000000000001",
     "hostname": "headnode", "server_ip": "10.0.0.1"},
    {"type": "agent", "service": "vm-agent", "instance": "dddddddd-0000-4000-8000-000000000003",
     "image": "aaaaaaaa-0000-4000-8000-000000000004", "version": "1.0.0",
     "server": "eeeeeeee-0000-4000-8000-000000000001", "hostname": "headnode", "server_ip": "10.0.0.1"}
  ]
})";
}

}  // namespace fake_sdcadm_test
