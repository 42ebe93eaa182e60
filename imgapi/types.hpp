#pragma once
// Plain data for imgapi::Client calls: options, ListImages filters, download sinks,
// upload sources, and results. See imgapi/client.hpp for the calls themselves.

#include <common/http_client.hpp>
#include <manifest/image_manifest.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace imgapi {

struct ClientOptions {
  // Sent as ?channel= on every request unless a call overrides it. "*" (all channels) is
  // accepted by read endpoints only; write calls refuse it. Unset = the server's default.
  std::optional<std::string> channel;
  std::string accept_version = "~2";  // "~2" makes IMGAPI include "channels" in manifests
  common::HttpOptions http;           // timeouts, per-request retries, user agent
  int file_attempts = 3;              // whole-file download attempts (restarts from byte 0)
  long file_backoff_ms = 1000;        // pause before a restart, doubled each time
  std::size_t list_page_size = 1000;  // ListImages "limit" after the first page (Moray's page)
  std::size_t max_list_images = 1'000'000;  // a server sending more is refused (bad_data)
};

// ListImages filters (sdc-imgapi docs, §3.3 of the reference). Unset fields are not sent.
struct ListFilter {
  std::optional<std::string> name;     // exact, or "~substr"; re-checked client-side
  std::optional<std::string> version;  // exact, or "~substr"; re-checked client-side
  std::optional<std::string> owner;
  std::optional<std::string> os;
  std::optional<std::string> type;     // exact, or "!type" to exclude
  std::optional<std::string> state;    // active (server default), disabled, unactivated, all ...
  std::optional<bool> is_public;       // the "public" filter
  std::map<std::string, std::string> tags;  // tag.KEY=VALUE, all must match
  std::vector<std::string> billing_tags;    // billing_tag=..., all must match
  std::optional<std::string> account;
  std::optional<std::string> channel;  // overrides the client's channel; "*" = every channel
  // With a limit: exactly one request with this limit (and marker), as sdc-clients does.
  // Without: every page is fetched (see Client::list_images).
  std::optional<std::size_t> limit;
  std::optional<std::string> marker;   // image UUID or date; inclusive on the server
  bool incl_admin_fields = false;
};

// Where a downloaded image file goes. Before every attempt after the first, restart()
// is called and must discard everything written so far (IMGAPI has no Range support, so a
// retry starts again at byte 0). write() gets the body in order.
struct FileSink {
  std::function<void()> restart;
  common::Sink write;
};

struct DownloadOptions {
  std::optional<std::string> channel;  // overrides the client's channel ("*" allowed)
  common::ProgressFn progress;         // bytes done/total; restarts from 0 on a retry
  // Also hash the bytes with MD5 and compare with the Content-MD5 header. The SHA-1 checked
  // against the manifest's files[0].sha1 catches whatever MD5 would; off saves the MD5 pass
  // (the slowest hash here: about a fifth of a build's CPU, bench/README.md).
  bool check_content_md5 = true;
};

// The body of an AddImageFile upload. read() works like common::Source; rewind() must
// restart it at byte 0 (it enables retries while the server has not answered yet).
struct UploadSource {
  common::Source read;
  std::function<void()> rewind;
  std::uint64_t size = 0;  // sent as Content-Length
};

struct UploadOptions {
  std::string compression;                  // required by IMGAPI: gzip, bzip2, xz or none
  std::string sha1;                         // expected SHA-1 (hex); "" = not checked up front
  std::optional<std::string> dataset_guid;  // stored in files[0].dataset_guid
  common::ProgressFn progress;
  // Hash the bytes as they are sent and require that SHA-1 (catches a file that changes
  // while it is read). Off only when the caller hashed these very bytes a moment ago; the
  // server's files[0] must then equal `sha1` (required) and the size.
  bool hash_sent = true;
};

enum class OwnerCheck { perform, skip };
enum class AllChannels { no, yes };  // DeleteImage force_all_channels

struct ImportResult {
  enum class Outcome { imported, already_exists };
  Outcome outcome = Outcome::imported;
  // imported: the unactivated image as the server returned it. already_exists: nullopt
  // (the caller decides whether to GET, skip or delete it).
  std::optional<manifest::ImageManifest> image;
  std::vector<std::string> dropped_fields;  // keys removed before sending (icon, state, ...)
  std::string server_message;               // the 409 message when already_exists
};

struct Channel {
  std::string name;
  std::string description;
  bool is_default = false;
};

}  // namespace imgapi
