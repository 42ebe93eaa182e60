#pragma once
// Md5Memo: the Content-MD5 of each image file of a read-only store, computed on first use
// (one streaming pass through MD5 and SHA-1, the SHA-1 checked against the record) and
// kept; concurrent first uses of one image wait for that single pass. Shared by the
// catalog-directory store and the bundle store, so startup never reads the files.

#include <imgapi/server/image_store.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace imgapi::server {

class Md5Memo {
 public:
  // The base64 MD5 of `record`'s file, read through `open` the first time. A SHA-1 that
  // differs from the record's is logged naming `where` ("catalog file PATH", "bundle X")
  // and thrown as RestError 500 (the store is damaged; nothing is cached).
  std::string get(const ImageRecord& record,
                  const std::function<std::unique_ptr<FileReader>()>& open,
                  const std::string& where);

 private:
  struct Slot {
    std::mutex mutex;
    std::string value;
  };
  std::mutex m_mutex;
  std::map<std::string, std::shared_ptr<Slot>> m_slots;
};

}  // namespace imgapi::server
