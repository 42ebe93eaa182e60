#pragma once
// A DC IMGAPI for installer unit tests: the simulator's own server (imgapi/server, dc mode)
// in this process, on a free port, for as long as the object lives.

#include "installer_support.hpp"

#include <imgapi/client.hpp>
#include <imgapi/server/server.hpp>

#include <map>
#include <string>
#include <thread>

namespace installer_test {

// A DC IMGAPI (the simulator's server, dc mode) on a free port, for as long as it lives.
struct DcImgapi {
  TempDir data;
  imgapi::server::Server server;
  int port = 0;
  std::thread thread;
  DcImgapi() : server(options(data)) {
    port = server.bind("127.0.0.1", 0);
    thread = std::thread([this] { server.run(); });
  }
  ~DcImgapi() {
    server.stop();
    thread.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
  static imgapi::server::Options options(const TempDir& data) {
    imgapi::server::Options o;
    o.mode = imgapi::server::Mode::dc;
    o.data_dir = data.file("imgapi");
    return o;
  }
  // Imports `image` with its file, as the DC got it at setup or from an earlier update.
  void add(const TestImage& image, const TempDir& scratch) {
    imgapi::Client client(url());
    client.import_image(manifest::ImageManifest::parse(manifest_json(image), "test manifest"),
                        imgapi::OwnerCheck::skip);
    const std::string file = scratch.file(image.uuid + ".upload");
    common::write_file_atomic(file, image.file);
    imgapi::UploadOptions upload;
    upload.compression = "gzip";
    client.add_image_file_from_path(image.uuid, file, upload);
    client.activate_image(image.uuid);
  }
  // Every image the DC IMGAPI holds, whatever its state: uuid -> state.
  std::map<std::string, std::string> states() const {
    imgapi::Client client(url());
    imgapi::ListFilter all;
    all.state = "all";
    std::map<std::string, std::string> out;
    for (const auto& image : client.list_images(all)) out[image.uuid()] = image.state();
    return out;
  }
};


}  // namespace installer_test
