#include <installer/check_env.hpp>

#include <installer/service_answers.hpp>
#include <installer/usbkey_config.hpp>

#include <common/error.hpp>

namespace installer {

CheckEnv check_env(const Paths& paths, const std::string& imgapi_url) {
  CheckEnv env;
  env.imgapi_url = imgapi_url;
  env.usbkey_os = paths.usbkey_os;
  env.gz_tools_image_file = paths.local("/opt/smartdc/etc/gz-tools.image");
  env.sdc_amonadm = paths.local("/opt/smartdc/bin/sdc-amonadm");  // --sdc-amonadm overrides it
  try {
    env.service_urls = ping_urls(UsbkeyConfig::load(paths.usbkey_config), imgapi_url);
  } catch (const common::Error&) {
    env.service_urls = ping_urls(UsbkeyConfig::parse("", paths.usbkey_config), imgapi_url);
  }
  return env;
}

std::vector<ExpectedImage> expected_images(const std::vector<ImportItem>& items) {
  std::vector<ExpectedImage> out;
  for (const ImportItem& i : items) {
    out.push_back({i.manifest.uuid(), i.manifest.name(), i.manifest.version(), i.file.sha1, i.file.size});
  }
  return out;
}

}  // namespace installer
