#include <bundles/layout.hpp>

#include <bundles/format.hpp>
#include <common/error.hpp>
#include <manifest/bundle_index.hpp>

#include <algorithm>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

static_assert(format::k_min_chunk_size == manifest::k_min_chunk_size &&
                  format::k_max_chunk_size == manifest::k_max_chunk_size,
              "the format's chunk size limits and the index model's must agree");
static_assert(format::k_max_index_size == manifest::k_bundle_index_max_bytes);

Error corrupt(const std::string& detail) {
  return Error(ExitCode::bundle_corrupt, "bundle layout: " + detail);
}

// A member that fits one frame: header, content, padding.
FramePlan whole_member(std::uint32_t member, std::uint64_t size) {
  FramePlan f;
  f.member = member;
  f.header = true;
  f.data_size = size;
  f.padding = format::tar_padding(size);
  return f;
}

void add_member(std::vector<FramePlan>& plan, std::uint32_t member, std::uint64_t size,
                std::uint64_t chunk_size) {
  const std::uint64_t chunks = chunks_of(size, chunk_size);
  if (plan.size() + std::max<std::uint64_t>(chunks, 1) > format::k_max_seek_entries) {
    throw corrupt("more than " + std::to_string(format::k_max_seek_entries) + " frames");
  }
  if (chunks <= 1) {
    plan.push_back(whole_member(member, size));
    return;
  }
  for (std::uint64_t c = 0; c < chunks; ++c) {
    FramePlan f;
    f.member = member;
    f.chunk = static_cast<std::uint32_t>(c);
    f.header = c == 0;
    f.data_offset = c * chunk_size;
    f.data_size = c + 1 < chunks ? chunk_size : size - f.data_offset;
    f.padding = c + 1 < chunks ? 0 : format::tar_padding(size);
    plan.push_back(f);
  }
}

}  // namespace

std::uint64_t FramePlan::content_size() const {
  return (header ? format::k_tar_block : 0) + data_size + padding +
         (archive_end ? format::k_tar_end_size : 0);
}

std::uint64_t chunks_of(std::uint64_t size, std::uint64_t chunk_size) {
  return size == 0 ? 0 : (size - 1) / chunk_size + 1;
}

std::vector<FramePlan> plan_frames(std::uint64_t index_size,
                                   const std::vector<std::uint64_t>& member_sizes,
                                   std::uint64_t chunk_size) {
  if (chunk_size < format::k_min_chunk_size || chunk_size > format::k_max_chunk_size) {
    throw corrupt("chunk_size " + std::to_string(chunk_size) + " is outside [" +
                  std::to_string(format::k_min_chunk_size) + ", " +
                  std::to_string(format::k_max_chunk_size) + "]");
  }
  if (index_size > format::k_max_index_size) {
    throw corrupt("the index is " + std::to_string(index_size) + " bytes, more than " +
                  std::to_string(format::k_max_index_size));
  }
  if (member_sizes.empty()) {
    throw corrupt("the index lists no members; a bundle carries at least changelog.json");
  }
  if (member_sizes.size() > format::k_max_seek_entries) {
    throw corrupt("more than " + std::to_string(format::k_max_seek_entries) + " members");
  }
  std::vector<FramePlan> plan;
  plan.push_back(whole_member(format::k_member_index_json, index_size));
  plan.push_back(whole_member(format::k_member_index_sig, format::k_signature_slot_size));
  for (std::size_t k = 0; k < member_sizes.size(); ++k) {
    add_member(plan, static_cast<std::uint32_t>(k + format::k_first_listed_member),
               member_sizes[k], chunk_size);
  }
  plan.back().archive_end = true;
  return plan;
}

std::vector<SeekEntry> expected_entries(const std::vector<FramePlan>& plan) {
  std::vector<SeekEntry> out;
  out.reserve(plan.size());
  for (const auto& f : plan) {
    SeekEntry e;
    e.member = f.member;
    e.chunk = f.chunk;
    e.decompressed_size = f.content_size();
    out.push_back(e);
  }
  return out;
}

}  // namespace bundles
