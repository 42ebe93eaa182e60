#pragma once
// The IMGAPI route table: which raw request path is which endpoint, which methods it has.
// Matching works on the path as sent: it is split at '/' first and each segment is
// percent-decoded afterwards (as restify does with route parameters), so an encoded "/"
// ("%2F") stays inside its segment and can never reach another route or a file name.

#include <imgapi/server/server.hpp>

#include <optional>
#include <string>
#include <vector>

namespace imgapi::server {

enum class Endpoint {
  ping,
  list_channels,
  images,       // GET ListImages, POST CreateImage
  image,        // GET GetImage, POST actions, DELETE DeleteImage
  image_file,   // GET GetImageFile, PUT AddImageFile
  image_icon,   // GET GetImageIcon (PUT/DELETE unsupported)
  unsupported,  // real IMGAPI routes this server does not implement (501)
};

struct Route {
  Endpoint endpoint = Endpoint::ping;
  std::vector<std::string> methods;  // allowed, e.g. {"GET", "POST"}
  std::string uuid;                  // decoded :uuid segment (not validated here)
  bool has_uuid = false;
  std::string name;                  // IMGAPI endpoint name, for messages and logs
};

// The route for a raw path (no query string), nullopt when none (404). One trailing '/'
// is allowed; /channels exists only in private mode.
std::optional<Route> match_route(const std::string& raw_path, Mode mode);

}  // namespace imgapi::server
