#pragma once
// Accept-Version handling (reference/imgapi.md §2.1). IMGAPI (restify 4) serves API
// versions 1.0.0 and 2.0.0 and picks by the request's Accept-Version header, a node-semver
// range. No header (or an empty one) counts as "~1". The only difference between the two
// versions is that v2 serializes the manifest's "channels". A range no server version
// satisfies (e.g. "~99", or text that is not a range) is 400 InvalidVersion.

#include <optional>
#include <string>

namespace imgapi::server {

enum class ApiVersion { v1, v2 };

// The API version for an Accept-Version header (nullptr = no header); nullopt when no
// version the server offers satisfies it.
std::optional<ApiVersion> resolve_accept_version(const std::string* header);

// node-semver satisfies(version, range) for a plain X.Y.Z version. Supports *, x, X,
// partial versions, = < <= > >=, ~, ^, hyphen ranges "A - B", "||" and whitespace
// (AND). Returns nullopt when the range does not parse.
std::optional<bool> semver_satisfies(int major, int minor, int patch, const std::string& range);

}  // namespace imgapi::server
