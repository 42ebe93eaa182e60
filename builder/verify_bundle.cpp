#include <builder/verify_bundle.hpp>

#include <builder/bundle_signatures.hpp>

#include <bundles/part_source.hpp>
#include <bundles/seekable_reader.hpp>
#include <bundles/stream_reader.hpp>
#include <common/error.hpp>

#include <unistd.h>

namespace builder {
namespace {

using common::Error;

// The signature check, before any payload byte is read.
std::optional<signing::TrustVerdict> check_signatures(const VerifyBundleOptions& options,
                                                      const std::string& path,
                                                      const std::string& index_bytes,
                                                      const manifest::BundleIndex& index,
                                                      const std::string& slot) {
  if (options.trust.empty()) return std::nullopt;
  return check_trust(options.trust, index_bytes, index, choose_signatures(path, slot, options.sig),
                     options.allow_expired);
}

// Streaming: every member is hashed as it passes and thrown away.
class Discard : public bundles::MemberHandler {
 public:
  bundles::ByteSink begin(const manifest::BundleMember&) override { return {}; }
  void commit(const manifest::BundleMember&) override {}
  void abort(const manifest::BundleMember&) noexcept override {}
};

void started(const VerifyBundleOptions& options, const std::string& label, std::uint64_t total) {
  if (options.pass_started) options.pass_started(label, total);
}

void progressed(const VerifyBundleOptions& options, std::uint64_t done) {
  if (options.pass_progress) options.pass_progress(done);
}

void finished(const VerifyBundleOptions& options) {
  if (options.pass_finished) options.pass_finished();
}

BundleVerification verify_stream(const VerifyBundleOptions& options) {
  if (::isatty(STDIN_FILENO)) {
    throw Error(common::ExitCode::usage, "verify -: standard input is a terminal; pipe a bundle "
                                         "in (curl ... | sdcadm-bundle verify -) or name a file");
  }
  bundles::StreamReader reader(bundles::open_stdin_source());
  started(options, "verify standard input", 0);
  reader.on_progress([&options](std::uint64_t done) { progressed(options, done); });
  const manifest::BundleIndex index = reader.index();
  BundleVerification out;
  out.verdict = check_signatures(options, "-", reader.index_bytes(), index, reader.signature_slot());
  Discard discard;
  reader.read_members(discard);
  finished(options);
  out.bundle_id = index.bundle_id;
  out.members = index.members.size();
  out.payload = index.payload_size();
  out.report.compressed_bytes = reader.bytes_read();
  out.report.content_bytes = index.payload_size();
  out.report.threads = 1;
  out.streamed = true;
  return out;
}

BundleVerification verify_seekable(const VerifyBundleOptions& options) {
  const std::string path = bundles::bundle_path_argument(options.bundle);
  const auto reader = bundles::SeekableReader::open(path, bundles::PartCheck::hashes);
  BundleVerification out;
  out.verdict = check_signatures(options, path, reader.index_bytes(), reader.index(), reader.signature_slot());
  started(options, "verify " + options.bundle, reader.file_size());
  out.report = reader.verify(options.threads, [&options](std::uint64_t done, std::uint64_t) {
    progressed(options, done);
  });
  finished(options);
  out.bundle_id = reader.index().bundle_id;
  out.members = reader.index().members.size();
  out.payload = reader.index().payload_size();
  // The installer beside the bundle is checked after the payload (its hashes come from the
  // now verified index) and only with a trust root (its signatures are counted against it).
  if (out.verdict) out.beside = check_beside(path, reader.index(), out.verdict->root);
  return out;
}

}  // namespace

BundleVerification verify_bundle(const VerifyBundleOptions& options) {
  return options.bundle == "-" ? verify_stream(options) : verify_seekable(options);
}

}  // namespace builder
