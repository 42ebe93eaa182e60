#pragma once
// Small file helpers the agent seeding shares (headnode /usbkey and install media).

#include <string>

namespace installer::agents {

// mkdir -p (mode 0755). Error(io).
void make_dirs(const std::string& dir);

// Writes `content` at `path` (temp + rename, then `mode`) unless the file already holds
// exactly these bytes: a re-run leaves the file and its mtime alone. True when it wrote.
// Error(io) / Error(no_space).
bool write_if_changed(const std::string& path, const std::string& content, unsigned mode);

}  // namespace installer::agents
