#pragma once
// What the post-step checks read on this headnode (step_checks.hpp CheckEnv), from the
// installer's paths: /usbkey/os, /opt/smartdc/etc/gz-tools.image, the DC IMGAPI and the
// /ping addresses /usbkey/config gives (service_answers.hpp); and the images a bundle's
// import must leave in the DC IMGAPI (image_checks.hpp).

#include <installer/image_checks.hpp>
#include <installer/import_plan.hpp>
#include <installer/paths.hpp>
#include <installer/step_checks.hpp>

#include <string>
#include <vector>

namespace installer {

// `runner` is left unset. A /usbkey/config that cannot be read gives no /ping address but
// imgapi's (`imgapi_url`).
CheckEnv check_env(const Paths& paths, const std::string& imgapi_url);

// The signed files of `items` (their manifests' files[0]).
std::vector<ExpectedImage> expected_images(const std::vector<ImportItem>& items);

}  // namespace installer
