#include <imgapi/client.hpp>

#include <catch2/catch.hpp>

using common::Json;

TEST_CASE("an API-form manifest loses what AdminImportImage refuses", "[imgapi][import]") {
  const Json m = Json::parse(R"({
    "v": 2, "uuid": "00000000-0000-4000-8000-000000000001", "owner": "x", "name": "n",
    "version": "1", "state": "active", "disabled": false, "public": false,
    "published_at": "2020-01-01T00:00:00Z", "type": "zone-dataset", "os": "smartos",
    "files": [{"sha1": "a", "size": 1, "compression": "gzip"}], "icon": true,
    "origin": "00000000-0000-4000-8000-000000000002", "image_size": 10, "tags": {"a": true},
    "channels": ["dev"], "activated": true, "error": {"message": "m"}, "mystery": 1
  })");
  std::vector<std::string> dropped;
  const Json body = imgapi::import_body(m, &dropped);
  CHECK(dropped == std::vector<std::string>{"state", "files", "icon", "image_size", "activated",
                                            "error", "mystery"});
  std::vector<std::string> kept;
  for (const auto& item : body.items()) kept.push_back(item.key());
  CHECK(kept == std::vector<std::string>{"v", "uuid", "owner", "name", "version", "disabled",
                                         "public", "published_at", "type", "os", "origin",
                                         "tags", "channels"});
  CHECK(body["published_at"] == "2020-01-01T00:00:00Z");
}

TEST_CASE("zvol images keep their zvol fields", "[imgapi][import]") {
  const Json m = {{"v", 2}, {"type", "zvol"}, {"nic_driver", "virtio"}, {"disk_driver", "virtio"},
                  {"cpu_type", "host"}, {"image_size", 10240}, {"icon", true}};
  std::vector<std::string> dropped;
  const Json body = imgapi::import_body(m, &dropped);
  CHECK(dropped == std::vector<std::string>{"icon"});
  CHECK(body.size() == 6);
}

TEST_CASE("a legacy manifest without v keeps its v1 keys for the server's upgrade", "[imgapi][import]") {
  const Json m = {{"uuid", "u"}, {"creator_uuid", "c"}, {"urn", "sdc:sdc:x:1"},
                  {"files", Json::array()}, {"icon", true}};
  const Json body = imgapi::import_body(m);
  CHECK(body == Json{{"uuid", "u"}, {"creator_uuid", "c"}, {"urn", "sdc:sdc:x:1"}});
}
