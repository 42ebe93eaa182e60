#include <installer/image_checks.hpp>

#include <imgapi/client.hpp>

namespace installer {

common::Json verify_images(const std::string& imgapi_url, const std::vector<ExpectedImage>& images) {
  common::Json rows = common::Json::array();
  std::vector<std::string> bad;
  imgapi::Client client(imgapi_url);
  for (const ExpectedImage& e : images) {
    common::Json row = {{"uuid", e.uuid}, {"name", e.name}, {"version", e.version}, {"sha1", e.sha1}, {"size", e.size}};
    const std::string what = e.name + " " + e.version + " (" + e.uuid + ")";
    const auto m = client.find_image(e.uuid);
    if (!m) {
      row["state"] = nullptr;
      bad.push_back(what + " is not in the DC IMGAPI");
      rows.push_back(row);
      continue;
    }
    row["state"] = m->state();
    const auto file = m->file();
    row["seen_sha1"] = file ? common::Json(file->sha1) : common::Json(nullptr);
    row["seen_size"] = file ? common::Json(file->size) : common::Json(nullptr);
    if (m->state() != "active") bad.push_back(what + " is " + m->state() + ", not active");
    if (!file) {
      bad.push_back(what + " has no file");
    } else if (file->sha1 != e.sha1 || file->size != e.size) {
      bad.push_back(what + " has file sha1 " + file->sha1 + ", " + std::to_string(file->size) +
                    " bytes; the bundle's is " + e.sha1 + ", " + std::to_string(e.size) + " bytes");
    }
    rows.push_back(row);
  }
  common::Json evidence = {{"check", "images"}, {"source", "DC IMGAPI GET /images/:uuid"}, {"url", imgapi_url},
                           {"images", rows}};
  if (bad.empty()) return evidence;
  std::string list;
  for (const auto& b : bad) list += (list.empty() ? "" : "; ") + b;
  throw Unverified("import: post-step check \"images\" failed: " + list, evidence);
}

}  // namespace installer
