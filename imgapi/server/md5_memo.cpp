#include <imgapi/server/md5_memo.hpp>

#include <imgapi/server/catalog_store.hpp>
#include <imgapi/server/rest_error.hpp>

#include <common/log.hpp>

namespace imgapi::server {

std::string Md5Memo::get(const ImageRecord& record,
                         const std::function<std::unique_ptr<FileReader>()>& open,
                         const std::string& where) {
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::shared_ptr<Slot>& s = m_slots[record.uuid];
    if (!s) s = std::make_shared<Slot>();
    slot = s;
  }
  std::lock_guard<std::mutex> lock(slot->mutex);
  if (!slot->value.empty()) return slot->value;
  std::unique_ptr<FileReader> reader = open();
  auto [md5, sha1] = hash_file(*reader);
  if (sha1 != record.file->sha1) {
    common::log::error(where + ": the file of image " + record.uuid + " has SHA-1 " + sha1 +
                       ", but its manifest says " + record.file->sha1);
    throw internal_error("the file of image " + record.uuid +
                         " does not match its manifest's sha1 on this server (" + where +
                         " is damaged)");
  }
  slot->value = md5;
  return md5;
}

}  // namespace imgapi::server
