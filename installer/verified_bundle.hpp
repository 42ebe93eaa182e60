#pragma once
// A bundle whose index passed the DC's trust check, as a type (issue 12 item 8). Only the
// trust check can make one: the constructors are private and the two checks below are the
// only friends. Everything that writes to the headnode or to the DC IMGAPI from a bundle
// (stage, import, seed-agents, the installer's self-update) takes one of these, so no call
// site can stage or import from bytes nobody checked; tests/compile_fail/ proves that a
// hand-built index, a bundle path or an unchecked reader does not compile there.
// The model is RAUC's `signature_verified` flag checked before a bundle is mounted, made
// into something the compiler enforces instead of a flag a caller must remember.
//
// A VerifiedBundle holds the seekable reader the check used and the exact signed index
// bytes: a later pass over the file (stage's stream) is bound to those bytes
// (StreamReader::expect_index), so a bundle swapped between the check and the pass is
// refused (trust_mismatch). A VerifiedStream is the one-pass form for standard input: the
// reader has read the index and the signature slot, the check ran on them, and the same
// reader goes on with the payload, so nothing is read twice and nothing is written before
// the check.
//
// Bytes that have not been through the check carry "unverified" in their names
// (check_unverified_index, unverified_index_bytes).

#include <installer/paths.hpp>
#include <installer/trust_store.hpp>

#include <bundles/byte_source.hpp>
#include <bundles/seekable_reader.hpp>
#include <bundles/stream_reader.hpp>
#include <manifest/bundle_index.hpp>
#include <signing/policy.hpp>

#include <memory>
#include <string>

namespace installer {

class VerifiedBundle;
class VerifiedStream;

// Reads `bundle`'s index and signature slot through the seek table (a detached NAME.sdc.sig
// is used when the slot is unsigned; signing::choose_signatures) and runs the policy.
// Standard input ("-") cannot be checked before it is consumed: Error(usage) (use
// check_stream). Throws the reader's codes and the trust_* codes (docs/trust.md).
VerifiedBundle check_bundle(const Paths& paths, const std::string& bundle, const TrustOverrides& overrides);

// The one-pass form: reads the index and slot from `source` (named `name` in messages and
// for choose_signatures, "-" for standard input), runs the policy, and hands back the
// reader positioned before the payload. Throws as check_bundle.
VerifiedStream check_stream(const Paths& paths, std::unique_ptr<bundles::ByteSource> source,
                            const std::string& name, const TrustOverrides& overrides);

// The policy on an index nobody has checked yet (verify -, which only reports): returns the
// verdict, never a VerifiedBundle. Throws the trust_* codes.
signing::TrustVerdict check_unverified_index(const Paths& paths, const std::string& bundle,
                                             const std::string& unverified_index_bytes,
                                             const manifest::BundleIndex& unverified_index,
                                             const std::string& unverified_slot,
                                             const TrustOverrides& overrides);

class VerifiedBundle final {
 public:
  VerifiedBundle(VerifiedBundle&&) = default;
  VerifiedBundle& operator=(VerifiedBundle&&) = default;
  VerifiedBundle(const VerifiedBundle&) = delete;
  VerifiedBundle& operator=(const VerifiedBundle&) = delete;

  const std::string& path() const { return m_path; }
  const std::string& index_bytes() const { return m_reader->index_bytes(); }  // the signed bytes
  const manifest::BundleIndex& index() const { return m_reader->index(); }
  const signing::TrustVerdict& verdict() const { return m_verdict; }
  // The seekable reader the check used (members read through it are hash-checked against
  // this index).
  const bundles::SeekableReader& reader() const { return *m_reader; }

 private:
  VerifiedBundle(std::string path, std::unique_ptr<bundles::SeekableReader> reader,
                 signing::TrustVerdict verdict)
      : m_path(std::move(path)), m_reader(std::move(reader)), m_verdict(std::move(verdict)) {}
  friend VerifiedBundle check_bundle(const Paths&, const std::string&, const TrustOverrides&);

  std::string m_path;
  std::unique_ptr<bundles::SeekableReader> m_reader;
  signing::TrustVerdict m_verdict;
};

class VerifiedStream final {
 public:
  VerifiedStream(VerifiedStream&&) = default;
  VerifiedStream& operator=(VerifiedStream&&) = default;
  VerifiedStream(const VerifiedStream&) = delete;
  VerifiedStream& operator=(const VerifiedStream&) = delete;

  const std::string& name() const { return m_name; }
  const std::string& index_bytes() const { return m_reader->index_bytes(); }
  const manifest::BundleIndex& index() const { return m_reader->index(); }
  const signing::TrustVerdict& verdict() const { return m_verdict; }
  // The reader, index and slot read: read_members() goes on with the payload, each byte
  // checked against the signed index.
  bundles::StreamReader& reader() { return *m_reader; }

 private:
  VerifiedStream(std::string name, std::unique_ptr<bundles::StreamReader> reader,
                 signing::TrustVerdict verdict)
      : m_name(std::move(name)), m_reader(std::move(reader)), m_verdict(std::move(verdict)) {}
  friend VerifiedStream check_stream(const Paths&, std::unique_ptr<bundles::ByteSource>,
                                     const std::string&, const TrustOverrides&);

  std::string m_name;
  std::unique_ptr<bundles::StreamReader> m_reader;
  signing::TrustVerdict m_verdict;
};

}  // namespace installer
