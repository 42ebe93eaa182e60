#pragma once
// The JSON documents of a catalog directory (formats documented in writer.hpp).

#include <tools/sample_catalog/catalog_plan.hpp>
#include <tools/sample_catalog/payload.hpp>

#include <common/json.hpp>

#include <vector>

namespace sample_catalog {

// The API-form manifest of `image` (as GetImage with Accept-Version ~2 on a channel
// server returns it), keys in IMGAPI order.
common::Json image_manifest(const PlannedImage& image, const FileDigest& file);

// channels.json: the standard channels (experimental, dev (default), staging, release,
// support) with the descriptions of sdc-imgapi etc/standalone/standard-channels.json.
common::Json channels_json();

// catalog.json; `files[i]` is the digest of plan.images[i].
common::Json catalog_summary(const CatalogPlan& plan, const std::vector<FileDigest>& files);

}  // namespace sample_catalog
