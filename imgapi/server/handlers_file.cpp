// File endpoints: GetImageFile (streamed out) and AddImageFile (streamed in). Neither
// holds a file in memory: 256 KiB buffers, whatever the file size.

#include <imgapi/server/handlers.hpp>
#include <imgapi/server/rest_error.hpp>
#include <imgapi/server/upload_space.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>
#include <common/log.hpp>

#include <array>
#include <cmath>
#include <exception>

namespace imgapi::server {
namespace {

constexpr std::size_t k_chunk = 256u << 10;
const char* const k_max_size_text = "20 GiB";
const std::array<const char*, 4> k_compressions = {"gzip", "bzip2", "xz", "none"};
const std::array<const char*, 2> k_storages = {"local", "manta"};

// One download in flight; shared by the content provider's calls.
struct Download {
  std::unique_ptr<FileReader> reader;
  std::vector<char> buffer = std::vector<char>(k_chunk);
  std::optional<std::uint64_t> cut_after;
  std::optional<std::uint64_t> corrupt_offset;
  std::uint64_t* bytes_sent = nullptr;
  std::string uuid;
};

// Content provider step: next chunk of the file, with the test-only faults applied.
bool provide(Download& d, std::size_t offset, std::size_t length, httplib::DataSink& sink) {
  std::size_t want = std::min(length, d.buffer.size());
  if (d.cut_after) {
    if (offset >= *d.cut_after) return false;  // closes the connection mid-body
    want = static_cast<std::size_t>(std::min<std::uint64_t>(want, *d.cut_after - offset));
  }
  std::size_t n = 0;
  try {
    n = d.reader->read(d.buffer.data(), want);
  } catch (const std::exception& e) {
    common::log::error("streaming image " + d.uuid + ": " + e.what());
    return false;
  }
  if (n == 0) {
    common::log::error("the file of image " + d.uuid + " ended before its manifest size");
    return false;
  }
  if (d.corrupt_offset && *d.corrupt_offset >= offset && *d.corrupt_offset < offset + n) {
    d.buffer[*d.corrupt_offset - offset] ^= static_cast<char>(0xff);
  }
  if (!sink.write(d.buffer.data(), n)) return false;
  if (d.bytes_sent != nullptr) *d.bytes_sent += n;
  return true;
}

void check_compression(const RequestContext& ctx) {
  const std::string* compression = ctx.query_param("compression");
  if (compression == nullptr || compression->empty()) {
    throw invalid_parameter("missing \"compression\"", field_errors("compression", "Missing"));
  }
  for (const char* c : k_compressions) {
    if (*compression == c) return;
  }
  throw invalid_parameter("invalid compression \"" + *compression +
                              "\" (must be one of gzip, bzip2, xz, none)",
                          field_errors("compression", "Invalid"));
}

void check_storage(const RequestContext& ctx) {
  const std::string* storage = ctx.query_param("storage");
  if (storage == nullptr || storage->empty()) return;
  const std::string* account = ctx.query_param("account");
  if (account != nullptr && !account->empty()) {
    throw invalid_parameter("invalid storage \"" + *storage + "\"",
                            field_errors("storage", "NotAllowed",
                                         "Parameter cannot be specified by non-operators"));
  }
  for (const char* s : k_storages) {
    if (*storage == s) return;
  }
  throw invalid_parameter("invalid storage \"" + *storage + "\" (must be one of local, manta)",
                          field_errors("storage", "Invalid"));
}

// Content-Length as IMGAPI reads it: Number(header), ignored when not a number.
std::optional<std::uint64_t> announced_length(const RequestContext& ctx) {
  const std::string* header = ctx.header("Content-Length");
  if (header == nullptr || header->empty()) return std::nullopt;
  double n = js_number(*header);
  if (std::isnan(n) || n < 0) return std::nullopt;
  return static_cast<std::uint64_t>(n);
}

struct UploadResult {
  std::uint64_t size = 0;
  bool complete = false;
  bool too_large = false;
  bool cut = false;
  std::exception_ptr write_error;  // a write failure or the free-space refusal
};

UploadResult receive_body(RequestContext& ctx, DcStore::Upload& upload, UploadSpace& space,
                          common::Hasher& sha1, common::Hasher& md5) {
  UploadResult r;
  r.complete = ctx.stream_body([&](const char* data, std::size_t n) {
    if (ctx.faults.cut_after && r.size + n > *ctx.faults.cut_after) {
      r.cut = true;  // test-only fault: stop reading, drop the connection
      return false;
    }
    r.size += n;
    if (r.size > k_max_image_size) {
      r.too_large = true;
      return false;
    }
    try {
      space.reserve(r.size - n, n);
      sha1.update(data, n);
      md5.update(data, n);
      upload.write(data, n);
    } catch (...) {
      r.write_error = std::current_exception();
      return false;
    }
    return true;
  });
  return r;
}

// AddImageFile's checks once the body is in, in IMGAPI's order; the file's description.
StoredFile checked_upload(const RequestContext& ctx, const UploadResult& r,
                          const std::optional<std::uint64_t>& length, common::Hasher& sha1,
                          common::Hasher& md5) {
  if (r.write_error) std::rethrow_exception(r.write_error);
  if (r.too_large) {
    throw upload_error(std::string("image file size exceeds the maximum allowed size, ") +
                       k_max_size_text);
  }
  if (!r.complete) {
    throw download_error(length ? "\"Content-Length\" header, " + std::to_string(*length) +
                                      ", does not match uploaded size, " + std::to_string(r.size)
                                : "the upload ended early (connection closed after " +
                                      std::to_string(r.size) + " bytes)");
  }
  if (r.size == 0) throw download_error("image file size is 0 bytes, empty files are not allowed");
  if (length && r.size != *length) {
    throw download_error("\"Content-Length\" header, " + std::to_string(*length) +
                         ", does not match uploaded size, " + std::to_string(r.size));
  }
  StoredFile file;
  file.sha1 = sha1.finish_hex();
  const std::string* wanted = ctx.query_param("sha1");
  if (wanted != nullptr && !wanted->empty() && *wanted != file.sha1) {
    throw download_error("\"sha1\" hash, " + *wanted +
                         ", does not match the uploaded file sha1 hash, " + file.sha1);
  }
  file.size = r.size;
  file.compression = *ctx.query_param("compression");
  if (const std::string* guid = ctx.query_param("dataset_guid")) file.dataset_guid = *guid;
  file.content_md5 = md5.finish_base64();
  return file;
}

}  // namespace

void handle_get_file(ServerState& state, RequestContext& ctx, const std::string& uuid) {
  std::optional<std::string> channel = request_channel(state, ctx, /*allow_star=*/true);
  RecordPtr image = get_image(state, ctx, uuid, channel);
  const std::string* index = ctx.query_param("index");
  if (index != nullptr && !index->empty() && js_number(*index) != 0) {
    throw resource_not_found("image \"" + uuid + "\" has no file at index " + *index);
  }
  if (!image->file) throw resource_not_found("image \"" + uuid + "\" has no file");
  const StoredFile& file = *image->file;
  std::optional<std::int64_t> mtime = parse_iso_ms(file.mtime);
  ctx.res.set_header("Etag", file.sha1);
  ctx.res.set_header("Last-Modified", http_date(mtime.value_or(0)));
  if (answer_conditional(ctx, file.sha1, mtime)) return;
  ctx.res.set_header("Content-MD5", state.store->content_md5(*image));
  auto download = std::make_shared<Download>();
  download->reader = state.store->open_file(*image);
  download->cut_after = ctx.faults.cut_after;
  download->corrupt_offset = ctx.faults.corrupt_offset;
  download->bytes_sent = ctx.bytes_sent;
  download->uuid = uuid;
  ctx.res.status = 200;
  ctx.res.set_content_provider(
      static_cast<std::size_t>(file.size), "application/octet-stream",
      [download](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        return provide(*download, offset, length, sink);
      });
}

void handle_add_file(ServerState& state, RequestContext& ctx, const std::string& uuid) {
  std::optional<std::string> channel = request_channel(state, ctx, /*allow_star=*/false);
  RecordPtr image = get_image(state, ctx, uuid, channel);
  require_account_owner(ctx, *image);
  if (image->activated) throw files_immutable(uuid);
  check_compression(ctx);
  check_storage(ctx);
  std::optional<std::uint64_t> length = announced_length(ctx);
  if (length && *length > k_max_image_size) {
    throw upload_error("image file size " + std::to_string(*length) +
                       " (from Content-Length) exceeds the maximum allowed size, " +
                       k_max_size_text);
  }
  UploadSpace space(state.dc->dir(), length.value_or(0));
  std::unique_ptr<DcStore::Upload> upload = state.dc->begin_upload(uuid);
  common::Hasher sha1(common::HashAlgorithm::sha1);
  common::Hasher md5(common::HashAlgorithm::md5);
  UploadResult r = receive_body(ctx, *upload, space, sha1, md5);
  if (r.cut) {
    common::log::info("fault: cut the upload of image " + uuid + " after " +
                      std::to_string(r.size) + " bytes");
    send_cut(ctx);
    return;
  }
  StoredFile file = checked_upload(ctx, r, length, sha1, md5);
  RecordPtr updated = state.dc->finish_upload(*upload, std::move(file));
  send_object(ctx, serialize(*updated, serialize_options(ctx)));
}

void send_cut(RequestContext& ctx) {
  // httplib writes the status line and headers, then asks for the body; failing at once
  // makes it close the connection, which the client sees as a cut mid-response.
  ctx.res.status = 500;
  ctx.res.set_content_provider(64, "application/json",
                               [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
}

}  // namespace imgapi::server
