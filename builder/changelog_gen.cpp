#include <builder/changelog_gen.hpp>

#include <builder/resolve_pick.hpp>

#include <common/error.hpp>
#include <manifest/version_order.hpp>

#include <algorithm>
#include <regex>

namespace builder {

namespace {

bool is_day(std::string_view text) {
  static const std::regex day("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  return std::regex_match(text.begin(), text.end(), day);
}

Baseline date_baseline(const std::string& date,
                       const std::vector<manifest::ImageManifest>& candidates) {
  Baseline b;
  b.published_at = date;
  b.label = "since " + date;
  // The image the DC would have had at that date: the newest published by then.
  const manifest::ImageManifest* at = nullptr;
  for (const manifest::ImageManifest& c : candidates) {
    if (manifest::compare_published_at(c.published_at(), date) > 0) continue;
    if (at == nullptr) {
      at = &c;
      continue;
    }
    const int order = manifest::compare_published_at(c.published_at(), at->published_at());
    if (order > 0 || (order == 0 && c.uuid() > at->uuid())) at = &c;
  }
  if (at != nullptr) b.ref = manifest::ChangelogRef{at->uuid(), at->version()};
  return b;
}

std::optional<Baseline> version_baseline(const std::string& version, ArtifactKind kind,
                                         const std::vector<manifest::ImageManifest>& candidates) {
  const manifest::ImageManifest* match = nullptr;
  for (const manifest::ImageManifest& c : candidates) {
    if (c.version() != version) continue;
    if (match == nullptr || compare_newness(kind, c, *match) > 0) match = &c;
  }
  if (match == nullptr) return std::nullopt;
  Baseline b;
  if (kind == ArtifactKind::sdcadm) {
    b.order = Baseline::Order::sdcadm;
    b.sdcadm = {match->version(), match->tag_string("buildstamp")};
  } else {
    b.published_at = match->published_at();
  }
  b.ref = manifest::ChangelogRef{match->uuid(), match->version()};
  b.label = match->version();
  return b;
}

}  // namespace

Since parse_since(std::string_view text) {
  if (text.empty()) {
    throw common::Error(common::ExitCode::usage,
                        "--since needs a value: a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ) or "
                        "an image version");
  }
  Since since;
  if (is_day(text)) {
    std::string date = std::string(text) + "T00:00:00Z";
    if (!manifest::parse_published_at(date)) {
      throw common::Error(common::ExitCode::usage,
                          "--since " + std::string(text) + ": not a valid calendar date");
    }
    since.date = std::move(date);
  } else if (manifest::parse_published_at(text)) {
    since.date = std::string(text);
  } else if (is_imgapi_version(text)) {
    since.version = std::string(text);
  } else {
    throw common::Error(common::ExitCode::usage,
                        "--since \"" + std::string(text) +
                            "\" is neither a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ) nor an "
                            "image version (letters, digits and . _ / + - only)");
  }
  return since;
}

std::optional<Baseline> since_baseline(const Since& since, ArtifactKind kind,
                                       const std::vector<manifest::ImageManifest>& candidates) {
  if (since.date) return date_baseline(*since.date, candidates);
  if (since.version) return version_baseline(*since.version, kind, candidates);
  return std::nullopt;
}

manifest::ChangelogArtifact changelog_for(ArtifactKind kind, const manifest::ImageManifest& target,
                                          const std::vector<manifest::ImageManifest>& candidates,
                                          const std::optional<Baseline>& baseline) {
  manifest::ChangelogArtifact out;
  out.name = target.name();
  out.to = manifest::ChangelogRef{target.uuid(), target.version()};
  if (!baseline) {
    out.entries.push_back(manifest::changelog_entry_from(target));
    return out;
  }
  out.from = baseline->ref;
  std::vector<const manifest::ImageManifest*> window;
  const auto add = [&](const manifest::ImageManifest& image) {
    const auto same = [&](const manifest::ImageManifest* w) { return w->uuid() == image.uuid(); };
    if (std::none_of(window.begin(), window.end(), same)) window.push_back(&image);
  };
  for (const manifest::ImageManifest& c : candidates) {
    if (baseline->is_before(c) && compare_newness(kind, c, target) <= 0) add(c);
  }
  if (baseline->is_before(target)) add(target);
  std::sort(window.begin(), window.end(),
            [&](const manifest::ImageManifest* a, const manifest::ImageManifest* b) {
              const int order = compare_newness(kind, *a, *b);
              return order != 0 ? order < 0 : a->uuid() < b->uuid();
            });
  for (const manifest::ImageManifest* image : window) {
    out.entries.push_back(manifest::changelog_entry_from(*image));
  }
  return out;
}

}  // namespace builder
