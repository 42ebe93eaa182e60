#pragma once
// ListImages (GET /images) query parsing and matching, as IMGAPI's apiListImages and its
// databases do it (reference/imgapi.md §3.3). Pure functions over ImageRecords, so the
// filter rules are unit-tested without a server.

#include <imgapi/server/image_record.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace imgapi::server {

// Query parameters in request order; repeated keys keep every value.
using Params = std::multimap<std::string, std::string>;

// The first value of a parameter, nullptr when absent.
const std::string* param(const Params& params, const std::string& key);

struct ListQuery {
  bool empty_result = false;            // anonymous caller asked for a hidden state
  std::optional<bool> activated;        // from state=
  std::optional<bool> disabled;         // from state=
  std::optional<std::string> state;     // state=creating|failed (never stored here)
  std::optional<bool> is_public;
  std::optional<std::string> name, version, owner, os, type, account;
  std::vector<std::string> tags;          // "k=v" from tag.k=v
  std::vector<std::string> billing_tags;  // repeated billing_tag=
  std::optional<std::string> channel;     // set by the caller (channel servers)
  std::optional<double> limit;            // JS Number(limit), only when truthy
  std::optional<std::string> marker_uuid; // marker given as a UUID (caller resolves it)
  std::optional<std::int64_t> marker_ms;  // marker as a time (date string or resolved)
  bool descending = false;
};

// Parses the query. limit_to_active: IMGAPI's rule for anonymous callers outside DC mode
// (hidden states give [], state=all gives active only). Throws RestError (422) with
// IMGAPI's messages, in IMGAPI's order: limit, state, public, sort, marker.
ListQuery parse_list_query(const Params& params, bool limit_to_active);

// Whether the record passes every filter of the query (not limit/sort; marker included).
// tag_key_presence: "tag.k=" matches any image having tag k (Moray, DC mode) instead of
// only "k=" search strings (local database, private mode).
bool matches(const ListQuery& query, const ImageRecord& record, bool tag_key_presence);

enum class Scan {
  // The updates server's local database: scan in ascending published_at order, stop
  // after `limit` hits, then sort as requested and cut to `limit`. So
  // sort=published_at.desc&limit=1 gives the *oldest* match (IMGAPI quirk, kept).
  local_database,
  // Moray (DC mode): sort all matches as requested, then cut to `limit`.
  sorted_then_limited,
};

// The images to return, in order. default_limit applies when the query has none.
std::vector<RecordPtr> select_images(std::vector<RecordPtr> records, const ListQuery& query,
                                     Scan scan, std::optional<double> default_limit,
                                     bool tag_key_presence);

// JavaScript Number(text): NaN for non-numbers, 0 for blank text.
double js_number(const std::string& text);

}  // namespace imgapi::server
