#include <installer/service_answers.hpp>

#include <common/error.hpp>
#include <common/http_client.hpp>

#include <algorithm>
#include <set>

namespace installer {
namespace {

const char* const k_plain_ping[] = {"amon", "cnapi", "fwapi", "imgapi", "napi", "papi",
                                    "sapi", "vmapi", "volapi", "workflow"};

std::string name_of(const AnswerTarget& t) { return t.alias.empty() ? t.service + " " + t.uuid : t.alias; }

common::Json health_part(const CheckEnv& env, const std::vector<AnswerTarget>& targets,
                         std::vector<std::string>& problems) {
  const HealthReport report = env.runner->check_health();
  common::Json healthy = common::Json::array(), no_row = common::Json::array();
  for (const AnswerTarget& t : targets) {
    const auto row = std::find_if(report.rows.begin(), report.rows.end(),
                                  [&](const HealthRow& r) { return r.instance == t.uuid; });
    if (row == report.rows.end()) {
      no_row.push_back(name_of(t));
    } else if (!row->healthy || !row->errors.empty()) {
      problems.push_back(name_of(t) + " is unhealthy in sdcadm check-health" +
                         (row->errors.empty() ? std::string() : " (" + row->errors.front() + ")"));
    } else {
      healthy.push_back(name_of(t));
    }
  }
  return {{"source", "sdcadm check-health -j"}, {"healthy", healthy}, {"no_row", no_row}};
}

// GET URL/ping: the HTTP status, or 0 when nothing answered (`why` says what happened).
long ping(const std::string& url, std::string& why) {
  common::HttpOptions o;
  o.connect_timeout_ms = 5000;
  o.read_timeout_s = 10;
  o.max_attempts = 2;
  o.max_memory_body = 64u << 10;
  try {
    common::HttpClient client(o);
    common::HttpRequest request;
    request.url = url + "/ping";
    return client.send(request).status;
  } catch (const common::Error& e) {
    why = e.what();
    return 0;
  }
}

// A host name, IPv4 or [IPv6] with an optional :port, nothing else (no path, no user).
bool host_like(const std::string& s) {
  return !s.empty() && s.size() <= 253 &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") == std::string::npos;
}

}  // namespace

bool has_plain_ping(const std::string& service) {
  return std::any_of(std::begin(k_plain_ping), std::end(k_plain_ping), [&](const char* s) { return service == s; });
}

std::map<std::string, std::string> ping_urls(const UsbkeyConfig& config, const std::string& imgapi_url) {
  std::map<std::string, std::string> urls;
  for (const char* s : k_plain_ping) {
    const std::string service = s;
    if (service == "imgapi") {
      if (!imgapi_url.empty()) urls[service] = imgapi_url;
      continue;
    }
    const auto domain = config.get(service + "_domain");
    // A host name or address only: the value is hostile input like the rest of the file.
    if (domain && host_like(*domain)) urls[service] = "http://" + *domain;
  }
  return urls;
}

std::map<std::string, std::string> sapi_ping_urls(const common::Json& svcs) {
  std::map<std::string, std::string> urls;
  if (!svcs.is_array()) return urls;
  for (const common::Json& row : svcs) {
    if (!row.is_object() || !row.contains("name") || !row["name"].is_string()) continue;
    const std::string name = row["name"].get<std::string>();
    if (!has_plain_ping(name) || !row.contains("metadata") || !row["metadata"].is_object()) continue;
    const common::Json& md = row["metadata"];
    if (!md.contains("SERVICE_DOMAIN") || !md["SERVICE_DOMAIN"].is_string()) continue;
    const std::string domain = md["SERVICE_DOMAIN"].get<std::string>();
    if (host_like(domain)) urls[name] = "http://" + domain;
  }
  return urls;
}

common::Json service_answers(const CheckEnv& env, const std::vector<AnswerTarget>& targets,
                             std::vector<std::string>& problems, const std::map<std::string, std::string>& sapi_urls) {
  common::Json out = {{"health", health_part(env, targets, problems)}};
  std::set<std::string> services;
  for (const AnswerTarget& t : targets) services.insert(t.service);
  common::Json pinged = common::Json::array(), no_address = common::Json::array();
  for (const std::string& service : services) {
    if (!has_plain_ping(service)) continue;
    auto url = env.service_urls.find(service);
    const bool from_config = url != env.service_urls.end();
    if (!from_config) url = sapi_urls.find(service);
    if (!from_config && url == sapi_urls.end()) {
      no_address.push_back(service);
      continue;
    }
    std::string why;
    const long status = ping(url->second, why);
    pinged.push_back({{"service", service}, {"url", url->second + "/ping"}, {"status", status},
                      {"address_from", from_config ? (service == "imgapi" ? "the installer's IMGAPI URL"
                                                                          : "/usbkey/config " + service + "_domain")
                                                   : "SAPI metadata.SERVICE_DOMAIN"}});
    if (status != 200) {
      problems.push_back(service + " did not answer GET " + url->second + "/ping (" +
                         (status == 0 ? why : "HTTP " + std::to_string(status)) + ")");
    }
  }
  out["ping"] = pinged;
  out["no_address"] = no_address;
  return out;
}

}  // namespace installer
