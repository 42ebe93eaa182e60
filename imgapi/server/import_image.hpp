#pragma once
// AdminImportImage / CreateImage body handling (reference/imgapi.md §3.7, §3.14), pure
// functions in the order IMGAPI's apiAdminImportImage and Image.create apply them. The
// store-dependent steps between them (409 for an existing uuid, 422 for a missing origin)
// are the caller's.

#include <imgapi/server/image_record.hpp>
#include <imgapi/server/list_query.hpp>

#include <common/json.hpp>

#include <optional>
#include <string>

namespace imgapi::server {

inline constexpr const char* k_unset_owner = "00000000-0000-0000-0000-000000000000";

struct ImportRequest {
  common::Json body;
  bool skip_owner_check = false;
};

// Step 1 of AdminImportImage: "account" -> 403 OperatorOnly; a missing or non-object body
// -> 422 ValidationFailed; body uuid != URL uuid -> 422 InvalidParameter; a bad
// skip_owner_check -> 422 InvalidParameter. Channels in the body are dropped.
ImportRequest check_import_request(const std::string& url_uuid,
                                   std::optional<common::Json> body, const Params& query);

// The origin the body names, when it is truthy (checked by the caller: 422 if absent).
std::optional<std::string> requested_origin(const common::Json& body);

enum class CreateKind { import, create };

struct BuildOptions {
  CreateKind kind = CreateKind::import;
  std::string admin_uuid;        // DC mode: replaces the unset (all-zero) owner on import
  bool skip_owner_check = false;
  std::string new_uuid;          // CreateImage: the uuid the server picked
};

// Owner handling (IMGAPI's handleOwner / checkOwnerExists): on import, the unset
// (all-zero) owner becomes the admin; any other owner, and every owner on CreateImage,
// must be a known user unless skip_owner_check (import only). This stand-in knows one
// user, the admin. A missing or malformed owner is left for validation. Throws RestError
// 422 OwnerDoesNotExist.
void apply_owner(common::Json& body, const BuildOptions& options);

// Image.create and validation (DC profile): returns the unactivated
// record, or throws RestError 422: OwnerDoesNotExist (the only owner this server knows
// is the admin), InvalidParameter (extra parameters, non-string published_at) or
// ValidationFailed (errors[] from manifest::validate; "icon" is refused, since this
// server stores no icons).
ImageRecord build_record(common::Json body, const BuildOptions& options);

// CreateImage's own checks before build_record: "state" in the body -> 422
// ValidationFailed; "v" defaults to 2; body channels dropped.
common::Json prepare_create_body(std::optional<common::Json> body);

}  // namespace imgapi::server
