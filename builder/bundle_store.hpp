#pragma once
// BundleStore: the images of a .sdc bundle as a read-only IMGAPI source, so that
// `sdcadm-bundle serve BUNDLE` is an updates-server mirror (private mode, channels kept)
// that stock sdcadm's `updatesServerUrl` can point at.
//
// Opening reads only the index and the image manifests (each verified against the signed
// index), so a multi-GiB bundle serves at once. Files are streamed out of the bundle frame
// by frame (bundles::MemberPipe): every frame and chunk is checked while it is sent, and a
// bad chunk cuts the download. Content-MD5 is computed on the first download of each file
// (one pass that also checks the manifest's SHA-1) and cached, as for a catalog directory.
//
// Channels: every manifest keeps the channels the updates server gave it, plus the
// bundle's channel (the builder found each image there); the bundle's channel is the
// default, so clients that send no channel see what the bundle was built from.

#include <bundles/seekable_reader.hpp>
#include <imgapi/server/channels.hpp>
#include <imgapi/server/image_store.hpp>
#include <imgapi/server/md5_memo.hpp>

#include <map>
#include <memory>
#include <string>

namespace builder {

class BundleStore : public imgapi::server::ImageStore {
 public:
  // Opens the bundle (a file or split parts) and loads its image manifests. Throws
  // common::Error: the reader's codes for a bad bundle; bad_data for a manifest that is
  // not a valid updates-server manifest or disagrees with the index (uuid, file size).
  explicit BundleStore(const std::string& path);

  // The channels to serve (see above); shared so the server can hold them.
  std::shared_ptr<const imgapi::server::Channels> channels() const { return m_channels; }
  // "bundle NAME.sdc (bundle_id …)"
  std::string description() const;

  std::vector<imgapi::server::RecordPtr> all() const override;
  imgapi::server::RecordPtr find(const std::string& uuid) const override;
  std::unique_ptr<imgapi::server::FileReader> open_file(
      const imgapi::server::ImageRecord& record) override;
  std::string content_md5(const imgapi::server::ImageRecord& record) override;

 private:
  void load_artifact(const manifest::BundleArtifact& artifact);
  void make_channels();

  bundles::SeekableReader m_reader;
  std::map<std::string, imgapi::server::RecordPtr> m_images;
  std::map<std::string, std::string> m_file_member;  // uuid -> member holding its file
  std::shared_ptr<const imgapi::server::Channels> m_channels;
  imgapi::server::Md5Memo m_md5;
};

}  // namespace builder
