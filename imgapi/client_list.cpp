// ListImages with paging. A DC IMGAPI (Moray) answers at most 1000 images per request;
// the updates server (local DB) answers everything. Paging follows sdc-clients'
// listImages: the first request has no limit, later ones marker=<last uuid>&limit=1000,
// stopping at a short or empty page. The marker is inclusive (published_at >= marker's)
// and images sharing a published_at come again, so images are de-duplicated by uuid; a
// full page with nothing new (ties filling a page, or a server ignoring marker) is asked
// again with a doubled limit. The server's sort+limit is never trusted for "latest"
// (with the local DB, sort=published_at.desc&limit=1 gives the *oldest*).
#include <imgapi/client.hpp>

#include <imgapi/query.hpp>

#include <common/error.hpp>
#include <common/log.hpp>

#include <algorithm>
#include <unordered_set>
#include <utility>

namespace imgapi {

using common::Error;
using common::ExitCode;
using common::Json;
using manifest::ImageManifest;

namespace {

// How far a page may grow to get past images sharing one published_at.
constexpr std::size_t k_max_limit_growth = 64;

Query list_query(const ListFilter& filter, const std::optional<std::string>& channel) {
  Query query;
  query.add_if("name", filter.name).add_if("version", filter.version).add_if("owner", filter.owner);
  query.add_if("os", filter.os).add_if("type", filter.type).add_if("state", filter.state);
  if (filter.is_public) query.add("public", *filter.is_public ? "true" : "false");
  for (const auto& [key, value] : filter.tags) query.add("tag." + key, value);
  for (const auto& tag : filter.billing_tags) query.add("billing_tag", tag);
  query.add_if("account", filter.account).add_if("channel", channel);
  if (filter.incl_admin_fields) query.add("inclAdminFields", "true");
  return query;
}

// IMGAPI's name/version filter: exact, or "~substr" for a substring. Some servers have
// ignored the filter (TOOLS-745), so the result is checked again here.
bool matches(const std::optional<std::string>& filter, const std::string& value) {
  if (!filter) return true;
  if (!filter->empty() && (*filter)[0] == '~') return value.find(filter->substr(1)) != std::string::npos;
  return value == *filter;
}

// published_at as a sortable key: "...:45Z" and "...:45.805Z" both occur, and a plain
// string compare would put the first after the second ('Z' > '.').
std::string published_key(const ImageManifest& image) {
  std::string key = image.published_at();
  if (!key.empty() && key.back() == 'Z' && key.find('.') == std::string::npos) {
    key.insert(key.size() - 1, ".000");
  }
  return key;
}

void sort_by_published(std::vector<ImageManifest>& images) {
  std::vector<std::pair<std::string, std::size_t>> keys;
  keys.reserve(images.size());
  for (std::size_t i = 0; i < images.size(); ++i) keys.emplace_back(published_key(images[i]), i);
  std::stable_sort(keys.begin(), keys.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<ImageManifest> sorted;
  sorted.reserve(images.size());
  for (const auto& key : keys) sorted.push_back(std::move(images[key.second]));
  images = std::move(sorted);
}

}  // namespace

std::vector<Json> Client::list_page(const std::string& path) {
  Json reply = request_json("GET", path);
  if (!reply.is_array()) {
    throw Error(ExitCode::bad_data, "IMGAPI GET " + path + ": expected an array of images, got " +
                                        std::string(reply.type_name()));
  }
  return std::move(reply.get_ref<Json::array_t&>());
}

std::vector<ImageManifest> Client::list_images(const ListFilter& filter) {
  const Query base = list_query(filter, read_channel(filter.channel));
  std::optional<std::string> marker = filter.marker;
  std::optional<std::size_t> limit = filter.limit;
  std::unordered_set<std::string> seen;
  std::vector<ImageManifest> images;

  for (;;) {
    Query query = base;
    query.add_if("marker", marker);
    if (limit) query.add("limit", std::to_string(*limit));
    const std::string path = "/images" + query.str();
    std::vector<Json> page = list_page(path);
    const std::size_t page_size = page.size();
    std::size_t fresh = 0;
    std::string last_uuid;
    for (std::size_t i = 0; i < page.size(); ++i) {
      const std::string what = "IMGAPI GET " + path + ": image #" + std::to_string(i);
      if (!page[i].is_object()) {
        throw Error(ExitCode::bad_data, what + " is " + std::string(page[i].type_name()) +
                                            ", not an object");
      }
      ImageManifest image = ImageManifest::from_json(std::move(page[i]), what);
      last_uuid = image.uuid();
      if (!seen.insert(last_uuid).second) continue;
      ++fresh;
      if (matches(filter.name, image.name()) && matches(filter.version, image.version())) {
        images.push_back(std::move(image));
      }
    }
    if (seen.size() > m_options.max_list_images) {
      throw Error(ExitCode::bad_data, "IMGAPI GET /images: more than " +
                                          std::to_string(m_options.max_list_images) +
                                          " images; refusing to list further");
    }
    if (filter.limit) break;  // the caller asked for one page
    const std::size_t page_limit = limit ? *limit : m_options.list_page_size;
    if (page_size < page_limit || page_size == 0) break;
    if (fresh == 0) {
      // A full page of images already seen: more than page_limit images share the
      // marker's published_at (the marker has no tie-breaker), or the server ignores
      // marker. A larger page gets past the ties; a server ignoring limit too answers a
      // short page and the loop ends.
      if (page_limit >= m_options.list_page_size * k_max_limit_growth) {
        common::log::warn("IMGAPI GET " + path + ": paging makes no progress; the image list "
                          "may be incomplete");
        break;
      }
      limit = page_limit * 2;
      continue;
    }
    marker = last_uuid;
    limit = m_options.list_page_size;
  }
  sort_by_published(images);
  return images;
}

std::optional<ImageManifest> latest_image(const std::vector<ImageManifest>& images) {
  std::optional<std::size_t> best;
  std::string best_key;
  for (std::size_t i = 0; i < images.size(); ++i) {
    std::string key = published_key(images[i]);
    if (!best || key >= best_key) {
      best = i;
      best_key = std::move(key);
    }
  }
  if (!best) return std::nullopt;
  return images[*best];
}

}  // namespace imgapi
