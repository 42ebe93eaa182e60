#pragma once
// ImageStore: where the server's images come from. The read side every mode needs; the
// private-mode catalog directory (catalog_store.hpp) and the DC-mode data directory
// (dc_store.hpp) implement it, and a bundle-backed source can implement it later (its
// files would be read from inside the .sdc instead of from plain files).

#include <imgapi/server/image_record.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace imgapi::server {

// Reads one image file front to back, in chunks, without holding it in memory.
class FileReader {
 public:
  virtual ~FileReader() = default;
  // Fills up to max bytes; returns the count, 0 at the end. Throws RestError (500) when
  // the file cannot be read.
  virtual std::size_t read(char* buf, std::size_t max) = 0;
};

class ImageStore {
 public:
  virtual ~ImageStore() = default;

  // Every image, in no particular order (a consistent snapshot).
  virtual std::vector<RecordPtr> all() const = 0;

  // The image with this uuid, or nullptr.
  virtual RecordPtr find(const std::string& uuid) const = 0;

  // Opens the record's file for streaming. Throws RestError (500) when it is missing or
  // no longer matches the record's size.
  virtual std::unique_ptr<FileReader> open_file(const ImageRecord& record) = 0;

  // Base64 MD5 of the record's file (the Content-MD5 header). A store may compute it on
  // first use (one streaming pass) and cache it. Throws RestError (500) on failure.
  virtual std::string content_md5(const ImageRecord& record) = 0;
};

// A FileReader over a plain file. Throws RestError (500) naming the image when the file
// cannot be opened or its size differs from expected_size.
std::unique_ptr<FileReader> open_plain_file(const std::string& path, std::uint64_t expected_size,
                                            const std::string& uuid);

}  // namespace imgapi::server
