#pragma once
// The part of node's legacy url.parse() that node-imgmanifest's homepage/eula checks
// depend on: the protocol it finds, and whether it would throw on the host. For
// manifest/validate*.cpp only.

#include <string_view>

namespace manifest::js {

enum class UrlVerdict {
  http,          // protocol "http:" or "https:" (any case), host acceptable
  bad_protocol,  // no protocol, or another one
  throws,        // node's url.parse would throw ERR_INVALID_URL / URIError
  needs_idna,    // host needs IDNA processing (non-ASCII or "xn--" label): refused here
};

// Classifies `url` (UTF-8) the way url.parse(url).protocol is used by imgmanifest.
UrlVerdict classify_url(std::string_view url);

}  // namespace manifest::js
