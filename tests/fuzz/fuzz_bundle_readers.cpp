// libFuzzer target: arbitrary bytes through both bundle readers.
//
// Invariants checked on every input:
//   - a reader either accepts or throws common::Error with a bundle_* exit code (20..26);
//     anything else (a crash, a sanitizer report, another exception, an internal error)
//     is a bug;
//   - the streaming reader and the seekable reader agree: one accepts exactly when the
//     other does, and then with the same index bytes and signature slot.

#include <bundles/byte_source.hpp>
#include <bundles/seekable_reader.hpp>
#include <bundles/stream_reader.hpp>
#include <common/error.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace {

class Discard : public bundles::MemberHandler {
 public:
  bundles::ByteSink begin(const manifest::BundleMember&) override { return {}; }
  void commit(const manifest::BundleMember&) override {}
  void abort(const manifest::BundleMember&) noexcept override {}
};

struct Outcome {
  bool accepted = false;
  std::string index, slot;
};

void require_bundle_code(const common::Error& e) {
  const int code = common::to_int(e.code());
  if (code < 20 || code > 26) {
    std::fprintf(stderr, "unexpected error (exit code %d): %s\n", code, e.what());
    std::abort();
  }
}

Outcome stream(const std::string& bytes) {
  Outcome out;
  try {
    bundles::StreamReader reader(bundles::memory_source(bytes));
    Discard discard;
    reader.read_members(discard);
    out = {true, reader.index_bytes(), reader.signature_slot()};
  } catch (const common::Error& e) {
    require_bundle_code(e);
  }
  return out;
}

Outcome seekable(const std::string& bytes) {
  Outcome out;
  try {
    const auto reader = bundles::SeekableReader::open(bundles::memory_source(bytes));
    reader.verify(2);
    out = {true, reader.index_bytes(), reader.signature_slot()};
  } catch (const common::Error& e) {
    require_bundle_code(e);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const Outcome a = stream(bytes);
  const Outcome b = seekable(bytes);
  if (a.accepted != b.accepted || a.index != b.index || a.slot != b.slot) {
    std::fprintf(stderr, "readers disagree: stream %s, seekable %s\n",
                 a.accepted ? "accepted" : "refused", b.accepted ? "accepted" : "refused");
    std::abort();
  }
  return 0;
}
