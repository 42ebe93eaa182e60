#include <tools/sample_catalog/writer.hpp>

#include <tools/sample_catalog/catalog_json.hpp>
#include <tools/sample_catalog/image_files.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <system_error>
#include <unistd.h>

namespace sample_catalog {

namespace {

namespace fs = std::filesystem;

common::Error fs_error(const std::string& doing, const std::error_code& ec) {
  return common::Error(common::ExitCode::io, doing + ": " + ec.message());
}

std::string without_trailing_slashes(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

enum class Target { missing, empty_dir, full_dir };

Target inspect_target(const std::string& dir) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) throw fs_error("checking " + dir, ec);
  if (!fs::exists(st)) return Target::missing;
  if (!fs::is_directory(st)) {
    throw common::Error(common::ExitCode::conflict,
                        "output " + dir + " exists and is not a directory; choose another -o");
  }
  const bool empty = fs::is_empty(dir, ec);
  if (ec) throw fs_error("reading " + dir, ec);
  return empty ? Target::empty_dir : Target::full_dir;
}

void write_json_file(const std::string& path, const common::Json& j) {
  const std::string text = common::dump_json(j) + "\n";
  FileSink file(path);
  file.write(text.data(), text.size());
  file.commit();
}

// Each image's place among the images of its name, by build time (the order in which a
// realistic payload evolves).
std::map<std::string, ImageHistory> histories(const CatalogPlan& plan) {
  std::map<std::string, std::vector<const PlannedImage*>> by_name;
  for (const PlannedImage& image : plan.images) by_name[image.name].push_back(&image);
  std::map<std::string, ImageHistory> out;
  for (auto& [name, images] : by_name) {
    std::sort(images.begin(), images.end(), [](const PlannedImage* a, const PlannedImage* b) {
      return a->build_time != b->build_time ? a->build_time < b->build_time
                                            : a->version < b->version;
    });
    ImageHistory history;
    for (const PlannedImage* image : images) history.build_times.push_back(image->build_time);
    for (std::size_t i = 0; i < images.size(); ++i) {
      history.version = static_cast<int>(i);
      out[images[i]->uuid] = history;
    }
  }
  return out;
}

void write_image(const PlannedImage& image, std::uint64_t seed, const std::string& dir,
                 PayloadMode mode, const ImageHistory& history, FileDigest& digest) {
  const std::string base = dir + "/" + image.uuid;
  try {
    digest = write_image_file(image, seed, base + ".imgfile", mode, history);
    write_json_file(base + ".imgmanifest", image_manifest(image, digest));
  } catch (const common::Error& e) {
    throw e.with_context("writing image " + image.name + "@" + image.version);
  }
}

// Images are independent of each other, so two threads write them: realistic payloads
// spend their time in deflate, and a 2 GiB catalog takes half as long on two idle cores.
// Each file's bytes do not depend on which thread wrote it or when. After a failure no
// new image is started; the first failure is the one reported.
std::vector<FileDigest> write_images(const CatalogPlan& plan, const std::string& dir,
                                     PayloadMode mode) {
  const std::map<std::string, ImageHistory> history = histories(plan);
  std::vector<FileDigest> files(plan.images.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::exception_ptr first_error;
  const auto work = [&]() {
    while (!failed) {
      const std::size_t i = next++;
      if (i >= plan.images.size()) return;
      const PlannedImage& image = plan.images[i];
      try {
        write_image(image, plan.seed, dir, mode, history.at(image.uuid), files[i]);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
      }
    }
  };
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 2u);
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
  if (first_error) std::rethrow_exception(first_error);
  return files;
}

WriteSummary write_contents(const CatalogPlan& plan, const std::string& dir, PayloadMode mode) {
  const std::vector<FileDigest> files = write_images(plan, dir, mode);
  WriteSummary summary;
  for (const FileDigest& f : files) summary.total_bytes += f.size;
  summary.images = files.size();
  write_json_file(dir + "/channels.json", channels_json());
  write_json_file(dir + "/catalog.json", catalog_summary(plan, files));
  return summary;
}

// Swaps the finished temp directory in: the old catalog (if any) is moved aside first
// and only removed once the new one is in place.
void move_into_place(const std::string& temp, const std::string& dir, Target target) {
  std::error_code ec;
  if (target == Target::empty_dir) {
    fs::remove(dir, ec);
    if (ec) throw fs_error("replacing empty directory " + dir, ec);
  }
  const std::string old = dir + ".old." + std::to_string(::getpid());
  if (target == Target::full_dir) {
    fs::rename(dir, old, ec);
    if (ec) throw fs_error("moving the old catalog " + dir + " aside", ec);
  }
  fs::rename(temp, dir, ec);
  if (ec) {
    std::error_code ignored;
    if (target == Target::full_dir) fs::rename(old, dir, ignored);
    throw fs_error("renaming " + temp + " to " + dir, ec);
  }
  if (target == Target::full_dir) {
    fs::remove_all(old, ec);
    if (ec) throw fs_error("removing the old catalog " + old, ec);
  }
}

}  // namespace

WriteSummary write_catalog(const CatalogPlan& plan, const std::string& dir_arg,
                           ExistingDir existing, PayloadMode mode) {
  const std::string dir = without_trailing_slashes(dir_arg);
  const Target target = inspect_target(dir);
  if (target == Target::full_dir && existing == ExistingDir::refuse) {
    throw common::Error(common::ExitCode::conflict,
                        "output directory " + dir +
                            " exists and is not empty; pass --force to replace it");
  }
  const std::string temp = dir + ".tmp." + std::to_string(::getpid());
  std::error_code ec;
  fs::remove_all(temp, ec);
  const fs::path parent = fs::path(dir).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) throw fs_error("creating " + parent.string(), ec);
  fs::create_directory(temp, ec);
  if (ec) throw fs_error("creating " + temp, ec);
  try {
    const WriteSummary summary = write_contents(plan, temp, mode);
    move_into_place(temp, dir, target);
    return summary;
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(temp, ignored);
    throw;
  }
}

}  // namespace sample_catalog
