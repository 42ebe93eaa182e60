#pragma once
// imgapi::Client: a client for Triton's IMGAPI (the updates server and a DC's IMGAPI),
// on common::HttpClient (libcurl). Every request carries "Accept-Version: ~2" (so
// manifests include "channels") and the channel from the options, if any.
//
// Errors: an error reply becomes common::Error with the exit code from imgapi/api_error.hpp
// (404 not_found, 409 conflict, 400 Upload/Download integrity, else remote_error) and a
// message like "IMGAPI GET /images/U: 404 ResourceNotFound: image U not found". Replies
// that are not what IMGAPI sends (not JSON, wrong JSON type, a manifest for another uuid,
// no files[0] after an upload) throw Error(bad_data); file bytes that fail size, SHA-1 or
// Content-MD5 checks throw Error(integrity); transport failures Error(network).
//
// Thread safety: a Client owns one HttpClient (one libcurl handle, kept alive between
// requests) and must not be used from two threads at once; use one Client per thread.

#include <imgapi/types.hpp>

#include <common/http_client.hpp>
#include <common/json.hpp>
#include <manifest/image_manifest.hpp>

#include <optional>
#include <string>
#include <vector>

namespace imgapi {

class Client {
 public:
  // base_url: "http://imgapi.dc.example.com" (a "/prefix" and "?channel=NAME" are allowed;
  // an explicit options.channel wins). Throws Error(usage) for a malformed URL.
  explicit Client(const std::string& base_url, ClientOptions options = {});

  const std::string& base_url() const { return m_root; }
  const std::optional<std::string>& channel() const { return m_options.channel; }

  // GET /ping; returns the reply object after checking it says "pong".
  common::Json ping();

  // GET /channels. nullopt when the server has no channels (a DC IMGAPI answers 404).
  std::optional<std::vector<Channel>> list_channels();
  // The channel marked default, or nullopt (no channels, or none marked).
  std::optional<std::string> get_default_channel();

  // GET /images with every page, each image once (by uuid), sorted by published_at
  // (ascending, stable). Without filter.limit it pages like sdc-clients: first request
  // without limit, then marker=<last uuid>&limit=list_page_size until a short or empty
  // page; a full page with no new image (ties on published_at) is asked again with a
  // doubled limit. name/version filters are applied again locally (TOOLS-745). The
  // server's sort+limit is never relied on: use latest_image() to pick the newest.
  std::vector<manifest::ImageManifest> list_images(const ListFilter& filter = {});

  // GET /images/UUID (channel overrides the client's). Throws Error(not_found) on 404 and
  // Error(bad_data) if the reply is a manifest for another uuid.
  manifest::ImageManifest get_image(const std::string& uuid,
                                    const std::optional<std::string>& channel = std::nullopt);
  // As get_image, but a 404 gives nullopt.
  std::optional<manifest::ImageManifest> find_image(
      const std::string& uuid, const std::optional<std::string>& channel = std::nullopt);

  // GET /images/UUID/file streamed into `sink`. After each attempt the byte count must
  // equal Content-Length and expected.size, the SHA-1 must equal expected.sha1 and the
  // MD5 the Content-MD5 header (when sent). Any failure of the transfer or of a check
  // restarts from byte 0 (sink.restart()) up to options.file_attempts times, then throws
  // Error(integrity) or Error(network) naming what failed. Error replies (404 ...) and
  // errors thrown by the sink are not retried.
  void get_image_file(const std::string& uuid, const manifest::ImageFile& expected,
                      const FileSink& sink, const DownloadOptions& options = {});
  // The same into `path`, through common::AtomicFile: the file appears only once verified.
  void get_image_file_to_path(const std::string& uuid, const manifest::ImageFile& expected,
                              const std::string& path, const DownloadOptions& options = {});

  // POST /images/UUID?action=import. Removes first what IMGAPI would refuse or drop (see
  // import_body()). 409 ImageUuidAlreadyExists gives Outcome::already_exists; other error
  // replies throw. The imported image is checked to have the manifest's uuid.
  ImportResult import_image(const manifest::ImageManifest& image, OwnerCheck owner_check);

  // PUT /images/UUID/file?compression=C[&sha1=S][&dataset_guid=G] with Content-Length.
  // The SHA-1 of the bytes actually sent is computed on the way; it must equal
  // options.sha1 (if given) and the reply's files[0].sha1, and files[0].size must equal
  // source.size, else Error(integrity). Returns the (still unactivated) image.
  manifest::ImageManifest add_image_file(const std::string& uuid, const UploadSource& source,
                                         const UploadOptions& options);
  // The same from a local file (its size from fstat; rewound with lseek for retries).
  manifest::ImageManifest add_image_file_from_path(const std::string& uuid,
                                                   const std::string& path,
                                                   const UploadOptions& options);

  // POST /images/UUID?action=activate; returns the activated image.
  manifest::ImageManifest activate_image(const std::string& uuid);
  // DELETE /images/UUID (expects 204). Throws Error(not_found) if there is no such image.
  void delete_image(const std::string& uuid, AllChannels all_channels = AllChannels::no);

 private:
  common::HttpRequest make_request(const std::string& method, const std::string& path) const;
  // Sends a small request (JSON body if any) and returns the reply, whatever its status.
  common::HttpResponse send(const std::string& method, const std::string& path,
                            const std::string& body = {});
  // Error(config) for a reply below 500 with a body that is not JSON (an HTML page): the
  // URL does not point at an IMGAPI.
  void refuse_foreign_reply(const common::HttpResponse& response, const std::string& method,
                            const std::string& path) const;
  // Throws for an error status, else parses the body as (bounded) JSON.
  common::Json parse_reply(const common::HttpResponse& response, const std::string& method,
                           const std::string& path) const;
  common::Json request_json(const std::string& method, const std::string& path,
                            const std::string& body = {});
  // Checks that the reply is a manifest object for `uuid`.
  manifest::ImageManifest image_reply(const common::Json& json, const std::string& uuid,
                                      const std::string& what) const;
  std::optional<std::string> read_channel(const std::optional<std::string>& override_channel) const;
  std::optional<std::string> write_channel() const;
  void download_once(const std::string& path, const manifest::ImageFile& expected,
                     const FileSink& sink, const DownloadOptions& options);
  std::vector<common::Json> list_page(const std::string& path);

  std::string m_root;
  ClientOptions m_options;
  common::HttpClient m_http;
};

// The manifest's JSON as AdminImportImage accepts it. Always removed: "icon" (IMGAPI
// refuses icon:true), "state" and "files" (dropped by the server anyway), "activated",
// "error", raw-form "tagsObj"/"expires_at"; nic_driver/disk_driver/cpu_type/image_size
// unless type is "zvol". For a v2 manifest (with "v") every key IMGAPI does not accept
// on import is removed too (it would be a 422 "invalid extra parameters"); a legacy
// manifest without "v" keeps its v1 keys, which the server upgrades. Key order is kept.
// The removed keys are appended to `dropped` when given.
common::Json import_body(const common::Json& manifest, std::vector<std::string>* dropped = nullptr);

// The image with the latest published_at (ties: the later one in the list); nullopt for
// an empty list. Images without published_at sort first.
std::optional<manifest::ImageManifest> latest_image(
    const std::vector<manifest::ImageManifest>& images);

}  // namespace imgapi
