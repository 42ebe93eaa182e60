#include <installer/verified_bundle.hpp>

#include <common/error.hpp>

#include <ctime>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

signing::TrustVerdict run_policy(const Paths& paths, const std::string& bundle, const std::string& index_bytes,
                                 const manifest::BundleIndex& index, const std::string& slot,
                                 const TrustOverrides& overrides) {
  const signing::ChosenSignatures signatures = signing::choose_signatures(bundle, slot);
  return TrustStore(paths).check(index_bytes, index, signatures, overrides,
                                 static_cast<std::int64_t>(std::time(nullptr)));
}

}  // namespace

VerifiedBundle check_bundle(const Paths& paths, const std::string& bundle, const TrustOverrides& overrides) {
  if (bundle == "-") {
    throw Error(ExitCode::usage,
                "a bundle on standard input cannot be checked against the trust root before it "
                "is read; give the bundle's file name");
  }
  auto reader = std::make_unique<bundles::SeekableReader>(bundles::SeekableReader::open(bundle));
  signing::TrustVerdict verdict =
      run_policy(paths, bundle, reader->index_bytes(), reader->index(), reader->signature_slot(), overrides);
  return VerifiedBundle(bundle, std::move(reader), std::move(verdict));
}

VerifiedStream check_stream(const Paths& paths, std::unique_ptr<bundles::ByteSource> source,
                            const std::string& name, const TrustOverrides& overrides) {
  auto reader = std::make_unique<bundles::StreamReader>(std::move(source));
  signing::TrustVerdict verdict =
      run_policy(paths, name, reader->index_bytes(), reader->index(), reader->signature_slot(), overrides);
  return VerifiedStream(name, std::move(reader), std::move(verdict));
}

signing::TrustVerdict check_unverified_index(const Paths& paths, const std::string& bundle,
                                             const std::string& unverified_index_bytes,
                                             const manifest::BundleIndex& unverified_index,
                                             const std::string& unverified_slot,
                                             const TrustOverrides& overrides) {
  return run_policy(paths, bundle, unverified_index_bytes, unverified_index, unverified_slot, overrides);
}

}  // namespace installer
