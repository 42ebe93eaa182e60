#include <signing/rollback_state.hpp>

#include <common/error.hpp>
#include <signing/strict_json.hpp>

namespace signing {

RollbackState RollbackState::parse(std::string_view text, const std::string& what) {
  const StrictReader reader(what);
  const common::Json j = reader.parse_object(text, 1u << 20, 8);
  reader.only_keys(j, "", {"format", "format_version", "channels"});
  if (reader.string(j, "format", "") != k_rollback_format) {
    reader.fail("format", std::string("expected \"") + k_rollback_format + "\"");
  }
  if (reader.integer(j, "format_version", "") != 1) reader.fail("format_version", "expected 1");
  RollbackState state;
  const common::Json& channels = reader.object(j, "channels", "");
  for (auto it = channels.begin(); it != channels.end(); ++it) {
    const std::string at = field_path("channels", it.key());
    reader.only_keys(it.value(), at, {"sequence", "bundle_id"});
    RollbackEntry e;
    e.sequence = reader.integer(it.value(), "sequence", at);
    e.bundle_id = reader.string(it.value(), "bundle_id", at);
    state.channels[it.key()] = e;
  }
  return state;
}

std::string RollbackState::serialize() const {
  common::Json channel_list = common::Json::object();
  for (const auto& [name, e] : channels) {
    channel_list[name] = {{"sequence", e.sequence}, {"bundle_id", e.bundle_id}};
  }
  const common::Json j = {{"format", k_rollback_format}, {"format_version", 1}, {"channels", channel_list}};
  return common::dump_json(j, 2) + "\n";
}

const RollbackEntry* RollbackState::find(const std::string& channel) const {
  const auto it = channels.find(channel);
  return it == channels.end() ? nullptr : &it->second;
}

void RollbackState::record(const manifest::BundleIndex& index) {
  const RollbackEntry* old = find(index.channel);
  if (old && old->sequence > index.sequence) return;
  channels[index.channel] = {index.sequence, index.bundle_id};
}

}  // namespace signing
