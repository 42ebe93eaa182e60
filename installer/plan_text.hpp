#pragma once
// The plan as the operator reads it (`sdcadm-install plan`, and before the confirmation of
// `apply`) and as scripts read it (-j). The text follows DESIGN.md's break-out, in the order
// apply runs the steps; tests compare it byte for byte, so changes here are format changes.
//
//   import 1 image (1.5 KiB) from bundle:
//       image 6261c204-e75d-11e3-91fa-a311fd4ab601 (ca@master-20140529T180636Z-gf4e65ef)
//   update "vm-agent" service (300 instances) to image 6261c204-... (vm-agent@1.2.3):
//       289 instances will be updated from image <old-uuid-1>
//       10 instances already at image 6261c204-...
//       2 instances forced downgrade from image <old-uuid>

#include <installer/plan.hpp>

#include <common/json.hpp>

#include <string>

namespace installer {

// The full text, newline-terminated.
std::string plan_text(const Plan& plan);

// The JSON form: {"bundle_id", "force", "changes": bool, "imports": [...], "sdcadm",
// "agentsshar", "gz_tools", "platform": {...}|null, "services": [{"service", "type",
// "target": {uuid,name,version,published_at}, "instances", "groups": [{"kind", "from_image",
// "from_version", "count", "instances"}], "dropped": [...], "params_only"}], "not_deployed",
// "not_selected", "notes"}.
common::Json plan_json(const Plan& plan);

// "update" | "already" | "forced_same_image" | "forced_downgrade".
const char* to_string(GroupKind kind);

}  // namespace installer
