#pragma once
// A valid gzip stream that no delta::Recipe reproduces, standing in for GNU gzip (the
// platform tarball is `gtar -zcf`: GNU gzip's own deflate, which find_recipe cannot
// re-create, so the delta builder ships the platform whole). zlib level 6 with a full flush
// (dictionary reset) at seeded, irregular points of the input: neither one zlib stream
// nor pigz's evenly spaced blocks match it, whatever the level.

#include <tools/sample_catalog/payload.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>

namespace sample_catalog {

// Pulls the input from `source` (returns 0 at the end) and writes the gzip file to `sink`.
// Header: no name, MTIME 0, OS 3 (as GNU gzip writes reading a pipe). Throws
// common::Error(internal) if zlib fails.
void write_unreproducible_gzip(const std::function<std::size_t(char*, std::size_t)>& source,
                               ByteSink& sink, std::uint64_t seed);

}  // namespace sample_catalog
