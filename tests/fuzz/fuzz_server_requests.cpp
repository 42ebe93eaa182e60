// libFuzzer target: what `sdcadm-bundle serve` does with a request before it touches its
// store. The input is
//   line 1: the query string (raw, percent-encoded or not),
//   line 2: an Accept-Version header,
//   rest:   a JSON body (AdminImportImage / CreateImage),
// and the whole input is also a raw request head for the connection gate's header scanner.
// Handlers may refuse with RestError, but only with a 4xx: a 5xx for client input is a bug.

#include "fuzz_expect.hpp"

#include <imgapi/server/accept_version.hpp>
#include <imgapi/server/connection_gate.hpp>
#include <imgapi/server/header_block.hpp>
#include <imgapi/server/http_context.hpp>
#include <imgapi/server/import_image.hpp>
#include <imgapi/server/list_query.hpp>
#include <imgapi/server/rest_error.hpp>

#include <common/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace {

using imgapi::server::RestError;

const char* const k_uuid = "eeeeeeee-0000-4000-8000-000000000001";

template <typename F>
void handler(const char* what, F&& f) {
  fuzz::accepts(what, [&] {
    try {
      f();
    } catch (const RestError& e) {
      if (e.status() >= 500) fuzz::bug(std::string(what) + ": " + std::to_string(e.status()) + " " + e.what());
      // Every refusal must print (it goes out as the reply body), whatever bytes it quotes.
      (void)e.body().dump(2, ' ', false, common::Json::error_handler_t::replace);
    }
  });
}

std::string_view take_line(std::string_view& rest) {
  const std::size_t nl = rest.find('\n');
  const std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

// The gate scans what has arrived so far, in pieces: any split must give the answer of a
// whole-buffer scan.
void scan_head(std::string_view input) {
  imgapi::server::HeaderLimits limits;
  limits.max_bytes = 2048;  // small, so that the fuzzer reaches the limits
  limits.max_lines = 16;
  imgapi::server::HeaderScanner whole(limits);
  const auto a = whole.scan(input);
  imgapi::server::HeaderScanner pieces(limits);
  imgapi::server::HeaderScan b;
  for (std::size_t end = 0; end < input.size();) {
    end = std::min(input.size(), end + 1 + input.size() / 7);
    b = pieces.scan(input.substr(0, end));
    if (b.state != imgapi::server::HeaderScan::State::incomplete) break;
  }
  if (!input.empty() && (a.state != b.state || a.block_bytes != b.block_bytes)) {
    fuzz::bug("header scan differs between one buffer and pieces");
  }
  if (a.state == imgapi::server::HeaderScan::State::complete &&
      (a.block_bytes > input.size() || a.block_bytes > limits.max_bytes)) {
    fuzz::bug("header block past the input or the limit");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  scan_head(input);
  std::string_view rest = input;
  const std::string raw_query(take_line(rest));
  const std::string accept(take_line(rest));
  const std::string_view body_text = rest;

  const imgapi::server::Params params = imgapi::server::parse_query(raw_query);
  (void)imgapi::server::decode_segment(raw_query);
  (void)imgapi::server::resolve_accept_version(&accept);
  handler("ListImages query", [&] { (void)imgapi::server::parse_list_query(params, true); });
  handler("ListImages query (dc)", [&] { (void)imgapi::server::parse_list_query(params, false); });
  (void)imgapi::server::gate_reply(431, raw_query);

  std::optional<common::Json> body;
  if (!fuzz::accepts("request body", [&] {
        body = common::parse_json(body_text, "request body", 64, 1u << 20);
      })) {
    return 0;
  }
  handler("AdminImportImage", [&] {
    const auto request = imgapi::server::check_import_request(k_uuid, body, params);
    imgapi::server::BuildOptions options;
    options.admin_uuid = "930896af-bf8c-48d4-885c-6573a94b1853";
    options.skip_owner_check = request.skip_owner_check;
    common::Json b = request.body;
    imgapi::server::apply_owner(b, options);
    (void)imgapi::server::requested_origin(b);
    (void)imgapi::server::build_record(std::move(b), options);
  });
  handler("CreateImage", [&] {
    imgapi::server::BuildOptions options;
    options.kind = imgapi::server::CreateKind::create;
    options.admin_uuid = "930896af-bf8c-48d4-885c-6573a94b1853";
    options.new_uuid = k_uuid;
    (void)imgapi::server::build_record(imgapi::server::prepare_create_body(body), options);
  });
  return 0;
}
