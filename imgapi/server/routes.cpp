#include <imgapi/server/routes.hpp>

#include <imgapi/server/http_context.hpp>

namespace imgapi::server {
namespace {

std::optional<std::vector<std::string>> split_path(const std::string& raw_path) {
  if (raw_path.empty() || raw_path[0] != '/') return std::nullopt;
  std::string body = raw_path.substr(1);
  if (!body.empty() && body.back() == '/') body.pop_back();  // one trailing slash is fine
  std::vector<std::string> segments;
  if (body.empty()) return segments;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = body.find('/', start);
    std::string raw = body.substr(start, slash == std::string::npos ? std::string::npos
                                                                    : slash - start);
    std::optional<std::string> decoded = decode_segment(raw);
    if (raw.empty() || !decoded || decoded->empty()) return std::nullopt;
    segments.push_back(*decoded);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return segments;
}

Route make(Endpoint endpoint, std::vector<std::string> methods, std::string name) {
  Route r;
  r.endpoint = endpoint;
  r.methods = std::move(methods);
  r.name = std::move(name);
  return r;
}

std::optional<Route> image_subroute(const std::vector<std::string>& s, Mode mode) {
  const std::string& sub = s[2];
  if (s.size() == 3 && sub == "file") return make(Endpoint::image_file, {"GET", "PUT"}, "ImageFile");
  if (s.size() == 3 && sub == "icon") {
    return make(Endpoint::image_icon, {"GET", "PUT", "DELETE"}, "ImageIcon");
  }
  if (s.size() == 4 && sub == "file" && s[3] == "from-url") {
    return make(Endpoint::unsupported, {"POST"}, "AddImageFileFromUrl");
  }
  if (s.size() == 3 && sub == "acl") return make(Endpoint::unsupported, {"POST"}, "AddImageAcl");
  if (s.size() == 3 && sub == "jobs") return make(Endpoint::unsupported, {"GET"}, "ListImageJobs");
  if (s.size() == 3 && sub == "push") {
    return make(Endpoint::unsupported, {"POST"}, "AdminPushDockerImage");
  }
  if (s.size() == 3 && sub == "clone" && mode == Mode::dc) {
    return make(Endpoint::unsupported, {"POST"}, "CloneImage");
  }
  return std::nullopt;
}

}  // namespace

std::optional<Route> match_route(const std::string& raw_path, Mode mode) {
  std::optional<std::vector<std::string>> segments = split_path(raw_path);
  if (!segments || segments->empty()) return std::nullopt;
  const std::vector<std::string>& s = *segments;
  if (s.size() == 1 && s[0] == "ping") return make(Endpoint::ping, {"GET"}, "Ping");
  if (s.size() == 1 && s[0] == "channels" && mode == Mode::private_) {
    return make(Endpoint::list_channels, {"GET"}, "ListChannels");
  }
  if (s[0] != "images") return std::nullopt;
  if (s.size() == 1) return make(Endpoint::images, {"GET", "POST"}, "Images");
  std::optional<Route> route;
  if (s.size() == 2) route = make(Endpoint::image, {"GET", "POST", "DELETE"}, "Image");
  else route = image_subroute(s, mode);
  if (route) {
    route->uuid = s[1];
    route->has_uuid = true;
  }
  return route;
}

}  // namespace imgapi::server
