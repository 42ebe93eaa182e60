#pragma once
// `sdcadm-bundle build -o OUT.sdc`: can the bundle be written there? Checked before the
// first request to the updates server, so a mistyped -o fails at once instead of after
// every image is downloaded (issue 14 item 3: `-o DIR` used to download everything, then
// fail renaming the bundle onto the directory).

#include <string>

namespace builder {

// Throws common::Error unless `output` can be created: it names a directory (usage), its
// directory does not exist (not_found) or is no directory (usage), or that directory is not
// writable (io). "" is the default name, in the current directory.
void check_output_path(const std::string& output);

}  // namespace builder
