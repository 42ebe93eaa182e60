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
    if (!domain || domain->empty() || domain->size() > 253 ||
        domain->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
            std::string::npos) {
      continue;
    }
    urls[service] = "http://" + *domain;
  }
  return urls;
}

common::Json service_answers(const CheckEnv& env, const std::vector<AnswerTarget>& targets,
                             std::vector<std::string>& problems) {
  common::Json out = {{"health", health_part(env, targets, problems)}};
  std::set<std::string> services;
  for (const AnswerTarget& t : targets) services.insert(t.service);
  common::Json pinged = common::Json::array(), no_address = common::Json::array();
  for (const std::string& service : services) {
    if (!has_plain_ping(service)) continue;
    const auto url = env.service_urls.find(service);
    if (url == env.service_urls.end()) {
      no_address.push_back(service);
      continue;
    }
    std::string why;
    const long status = ping(url->second, why);
    pinged.push_back({{"service", service}, {"url", url->second + "/ping"}, {"status", status}});
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
