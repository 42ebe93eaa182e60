#pragma once
// imgapi::server::Server: an IMGAPI (Triton's image API) over cpp-httplib, in one of two
// modes (docs/imgapi-server.md has the details and the divergences from the real one):
//  - private: a read-only mirror of a catalog directory (<uuid>.imgmanifest +
//    <uuid>.imgfile pairs, optional channels.json), with channels, like the updates
//    server read anonymously;
//  - dc: a writable, persistent stand-in for a datacenter's IMGAPI (no channels, no
//    auth): import, add file, activate, enable/disable, update, delete.
// Construction loads and validates everything and throws common::Error when the catalog
// or data directory is unusable; afterwards no request can stop the server.

#include <imgapi/server/channels.hpp>
#include <imgapi/server/fault.hpp>
#include <imgapi/server/image_store.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace imgapi::server {

enum class Mode { private_, dc };

// The admin uuid that replaces the all-zero owner on import in DC mode, unless
// --admin-uuid gives another (a real DC uses its UFDS admin user's uuid).
inline constexpr const char* k_default_admin_uuid = "930896af-bf8c-48d4-885c-6573a94b1853";

// A read-only image source for private mode other than a catalog directory (e.g. a
// bundle, builder/bundle_store.hpp), with its channels and a few words for summary().
struct PrivateSource {
  std::shared_ptr<ImageStore> store;
  std::shared_ptr<const Channels> channels;
  std::string description;  // "bundle NAME.sdc"
};

struct Options {
  Mode mode = Mode::private_;
  std::string catalog_dir;  // private mode: the catalog directory
  std::optional<PrivateSource> source;  // private mode: served instead of catalog_dir
  std::string data_dir;     // dc mode: the data directory (created if missing)
  std::string admin_uuid = k_default_admin_uuid;
  std::vector<FaultSpec> faults;  // test-only
};

class Server {
 public:
  // Loads the catalog (private) or the data directory (dc). Throws common::Error:
  // bad_data for an invalid manifest or channels.json (naming the file), config for a
  // missing directory or file, io for unreadable files.
  explicit Server(Options options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (port 0 = any free port) and returns the bound port.
  // Throws common::Error(config) when the address cannot be bound.
  int bind(const std::string& host, int port);

  // Serves until stop() is called. Call bind() first.
  void run();

  // Makes run() return; safe to call from another thread, more than once.
  void stop();

  // "mode private, 12 images, channels experimental dev(default) staging release support"
  std::string summary() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Splits "HOST:PORT" (HOST may be "[v6]"); throws common::Error(usage) when malformed.
void parse_listen(const std::string& listen, std::string& host, int& port);

}  // namespace imgapi::server
