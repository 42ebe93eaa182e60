#pragma once
// Splitting a path into its directory and its last name, the one way the whole project
// does it (string work only: nothing is looked up on disk).

#include <string>

namespace common {

// The directory holding `path`: "." for a bare name ("b.sdc"), "/" for a name in the root
// ("/b.sdc"), else everything before the last '/' ("out/b.sdc" -> "out").
std::string dir_of(const std::string& path);

// The last name in `path`: everything after the last '/' ("out/b.sdc" -> "b.sdc"), the
// whole path when it has no '/'.
std::string base_name(const std::string& path);

}  // namespace common
