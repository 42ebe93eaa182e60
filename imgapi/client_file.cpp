// Image file transfers. GetImageFile has no Range support, so a download that fails in
// any way (cut connection, wrong size, wrong SHA-1 or Content-MD5) starts again from byte
// 0, with the sink told to discard what it had. Uploads stream from a source with a known
// Content-Length; the SHA-1 of what was actually sent is compared with the server's.
#include <imgapi/client.hpp>

#include <imgapi/api_error.hpp>
#include <imgapi/client_detail.hpp>
#include <imgapi/query.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>
#include <common/log.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

namespace imgapi {

using common::Error;
using common::ExitCode;
using common::HashAlgorithm;
using common::Hasher;
using manifest::ImageFile;
using manifest::ImageManifest;

namespace {

bool is_sha1_hex(const std::string& s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string retry_hint(ExitCode code) {
  return code == ExitCode::integrity
             ? "; the server is sending bad data: retry later or report it"
             : "; check the network and the server, then retry";
}

// The checks after one complete transfer, in the order that names the cause best.
void verify_download(const std::string& what, const ImageFile& expected,
                     const common::HttpResponse& response, std::uint64_t bytes,
                     const std::string& sha1, const std::optional<std::string>& md5) {
  const auto length = response.header("content-length");
  if (length && *length != std::to_string(expected.size)) {
    throw Error(ExitCode::integrity, what + ": Content-Length is " + *length +
                                         " but the manifest says " + std::to_string(expected.size));
  }
  if (bytes != expected.size) {
    throw Error(ExitCode::integrity, what + ": got " + std::to_string(bytes) +
                                         " bytes, expected " + std::to_string(expected.size));
  }
  if (sha1 != expected.sha1) {
    throw Error(ExitCode::integrity, what + ": SHA-1 mismatch: got " + sha1 + ", expected " +
                                         expected.sha1);
  }
  const auto content_md5 = response.header("content-md5");
  if (md5 && content_md5 && *content_md5 != *md5) {
    throw Error(ExitCode::integrity, what + ": Content-MD5 mismatch: got " + *md5 +
                                         ", server sent " + *content_md5);
  }
}

}  // namespace

void Client::download_once(const std::string& path, const ImageFile& expected,
                           const FileSink& sink, const DownloadOptions& options) {
  const std::string what = "IMGAPI GET " + path;
  Hasher sha1(HashAlgorithm::sha1);
  Hasher md5(HashAlgorithm::md5);
  std::uint64_t bytes = 0;
  // Stops a server that sends more than the manifest's size before it fills the disk.
  const common::Sink counted = [&](const char* data, std::size_t size) {
    if (bytes + size > expected.size) {
      throw Error(ExitCode::integrity, what + ": server sent more than the expected " +
                                           std::to_string(expected.size) + " bytes");
    }
    sha1.update(data, size);
    if (options.check_content_md5) md5.update(data, size);
    bytes += size;
    sink.write(data, size);
  };
  common::HttpRequest request = make_request("GET", path);
  request.progress = options.progress;
  const common::HttpResponse response = m_http.download(request, counted);
  if (!detail::is_success(response.status)) {
    throw api_error_to_exception(ApiError::parse(response.status, response.body), "GET", path);
  }
  verify_download(what, expected, response, bytes, sha1.finish_hex(),
                  options.check_content_md5 ? std::optional<std::string>(md5.finish_base64()) : std::nullopt);
}

void Client::get_image_file(const std::string& uuid, const ImageFile& expected,
                            const FileSink& sink, const DownloadOptions& options) {
  detail::require_uuid(uuid);
  if (!sink.write || !sink.restart) {
    throw Error(ExitCode::internal, "get_image_file: the sink needs write() and restart()");
  }
  if (!is_sha1_hex(expected.sha1)) {
    throw Error(ExitCode::bad_data, "image " + uuid + ": files[0].sha1 \"" + expected.sha1 +
                                        "\" is not 40 lower-case hex digits");
  }
  const std::string path =
      "/images/" + uuid + "/file" + Query().add_if("channel", read_channel(options.channel)).str();
  const int attempts = std::max(1, m_options.file_attempts);
  long delay_ms = std::max(1L, m_options.file_backoff_ms);
  for (int attempt = 1;; ++attempt) {
    if (attempt > 1) sink.restart();
    try {
      download_once(path, expected, sink, options);
      return;
    } catch (const Error& e) {
      // Only transfer and verification failures are worth a new try; an error reply
      // (404, 422 ...) or a local write error would fail the same way again.
      if (e.code() != ExitCode::network && e.code() != ExitCode::integrity) throw;
      if (attempt >= attempts) {
        throw Error(e.code(), std::string(e.what()) + " (after " + std::to_string(attempt) +
                                  (attempt == 1 ? " attempt)" : " attempts)") +
                                  retry_hint(e.code()));
      }
      common::log::warn(std::string(e.what()) + "; downloading again from the start in " +
                            std::to_string(delay_ms) + " ms (attempt " +
                            std::to_string(attempt + 1) + " of " + std::to_string(attempts) + ")",
                        {{"uuid", uuid}, {"attempt", attempt + 1}});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    delay_ms = std::min(delay_ms * 2, 30'000L);
  }
}

void Client::get_image_file_to_path(const std::string& uuid, const ImageFile& expected,
                                    const std::string& path, const DownloadOptions& options) {
  std::optional<common::AtomicFile> file;
  file.emplace(path);
  FileSink sink;
  // A restart throws the partial temp file away and opens a fresh one.
  sink.restart = [&] {
    file.reset();
    file.emplace(path);
  };
  sink.write = [&](const char* data, std::size_t size) { file->write(data, size); };
  get_image_file(uuid, expected, sink, options);
  file->commit();
}

ImageManifest Client::add_image_file(const std::string& uuid, const UploadSource& source,
                                     const UploadOptions& options) {
  detail::require_uuid(uuid);
  static const char* const k_compressions[] = {"gzip", "bzip2", "xz", "none"};
  if (std::find(std::begin(k_compressions), std::end(k_compressions), options.compression) ==
      std::end(k_compressions)) {
    throw Error(ExitCode::usage, "compression \"" + options.compression +
                                     "\" is not one of gzip, bzip2, xz, none");
  }
  if (!options.sha1.empty() && !is_sha1_hex(options.sha1)) {
    throw Error(ExitCode::usage, "\"" + options.sha1 + "\" is not a SHA-1 (40 lower-case hex digits)");
  }
  if (!options.hash_sent && options.sha1.empty()) {
    throw Error(ExitCode::usage, "an upload whose bytes are not hashed needs the expected SHA-1");
  }
  Query query;
  query.add_if("channel", write_channel()).add("compression", options.compression);
  if (!options.sha1.empty()) query.add("sha1", options.sha1);
  query.add_if("dataset_guid", options.dataset_guid);
  const std::string path = "/images/" + uuid + "/file" + query.str();
  const std::string what = "IMGAPI PUT " + path;

  Hasher sha1(HashAlgorithm::sha1);
  common::HttpRequest request = make_request("PUT", path);
  request.headers.emplace_back("Content-Type", "application/octet-stream");
  request.headers.emplace_back("Accept", "application/json");
  request.upload = [&](char* buf, std::size_t max) {
    const std::size_t n = source.read(buf, max);
    if (options.hash_sent) sha1.update(buf, n);
    return n;
  };
  if (source.rewind) {
    request.rewind = [&] {
      source.rewind();
      sha1 = Hasher(HashAlgorithm::sha1);
    };
  }
  request.upload_size = source.size;
  request.progress = options.progress;
  const ImageManifest image = image_reply(parse_reply(m_http.send(request), "PUT", path), uuid, what);

  const std::string sent_sha1 = options.hash_sent ? sha1.finish_hex() : options.sha1;
  if (!options.sha1.empty() && sent_sha1 != options.sha1) {
    throw Error(ExitCode::integrity, what + ": the bytes sent have SHA-1 " + sent_sha1 +
                                         ", expected " + options.sha1 +
                                         "; the local file changed or is damaged");
  }
  const auto file = image.file();
  if (!file) throw Error(ExitCode::bad_data, what + ": reply has no files[0]");
  if (file->sha1 != sent_sha1 || file->size != source.size) {
    throw Error(ExitCode::integrity, what + ": server stored " + std::to_string(file->size) +
                                         " bytes with SHA-1 " + file->sha1 + ", but " +
                                         std::to_string(source.size) + " bytes with SHA-1 " +
                                         sent_sha1 + " were sent");
  }
  return image;
}

}  // namespace imgapi
