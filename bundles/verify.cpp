#include <bundles/verify.hpp>

#include <common/error.hpp>
#include <common/fork_join.hpp>

#include <algorithm>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

// Shared state of one verify run. Frames are taken in file order; after a failure at
// frame i, frames after i are skipped but frames before i still run, so the error kept
// is the one a serial pass would meet first (common::FirstError::in_order).
class Run {
 public:
  Run(const VerifyJob& job, const VerifyProgress& progress) : m_job(job), m_progress(progress) {
    for (std::size_t i = job.first; i < job.entries->size(); ++i) {
      m_total += (*job.entries)[i].compressed_size;
    }
  }

  VerifyReport run(unsigned threads) {
    // One frame reader per worker; each frame gets its own window on the file.
    struct Worker {
      std::unique_ptr<ByteSource> idle;
      std::unique_ptr<FrameReader> reader;
    };
    std::vector<Worker> workers(threads);
    const std::size_t frames = m_job.entries->size() - std::min(m_job.first, m_job.entries->size());
    common::ForkJoin(threads, common::FirstError::in_order)
        .run(frames, [&](std::size_t n, unsigned w) {
          const std::size_t i = m_job.first + n;
          Worker& worker = workers[w];
          if (!worker.reader) {
            worker.idle = memory_source("");
            worker.reader = std::make_unique<FrameReader>(*worker.idle, m_job.max_window);
          }
          const SeekEntry& entry = (*m_job.entries)[i];
          try {
            verify_frame(*worker.reader, *m_job.source, entry, i, (*m_job.targets)[i],
                         m_job.max_content);
          } catch (const Error&) {
            throw;
          } catch (const std::exception& e) {
            throw Error(ExitCode::internal, std::string("verifying frame ") + std::to_string(i) +
                                                ": " + e.what());
          }
          done(entry);
        });
    VerifyReport report;
    report.frames = m_job.entries->size() - m_job.first;
    report.compressed_bytes = m_total;
    report.content_bytes = m_content;
    report.threads = threads;
    return report;
  }

 private:
  void done(const SeekEntry& entry) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_done += entry.compressed_size;
    m_content += entry.decompressed_size;
    if (m_progress) m_progress(m_done, m_total);
  }

  const VerifyJob& m_job;
  const VerifyProgress& m_progress;
  std::mutex m_mutex;
  std::uint64_t m_total = 0;
  std::uint64_t m_done = 0;
  std::uint64_t m_content = 0;
};

Error extent_error(const ByteSource& source, const SeekEntry& entry, std::size_t number,
                   const std::string& detail) {
  return Error(ExitCode::bundle_corrupt,
               source.name() + ": frame " + std::to_string(number) + " (bytes " +
                   std::to_string(entry.offset) + ".." +
                   std::to_string(entry.offset + entry.compressed_size) +
                   " by the seek table) " + detail +
                   "; the seek table or the frame is damaged: get a good copy");
}

}  // namespace

void verify_frame(FrameReader& reader, const ByteSource& source, const SeekEntry& entry,
                  std::size_t number, const FrameTarget& target, std::uint64_t max_content,
                  const ByteSink& sink) {
  const auto range = range_source(source, entry.offset, entry.compressed_size);
  reader.reset(*range, entry.offset, number);
  try {
    const auto header = reader.next(max_content, frame_label(target));
    if (!header || header->kind != FrameHeader::Kind::zstd) {
      throw extent_error(source, entry, number, "is not a zstd data frame");
    }
    if (check_frame(reader, target, sink) == FrameEnd::archive_not_ended) {
      throw extent_error(source, entry, number,
                         "lacks the end of the archive after the last member");
    }
    if (!reader.at_end()) {
      throw extent_error(source, entry, number, "is followed by stray bytes before the next one");
    }
  } catch (const Error& err) {
    // Inside a window of a complete file, running out of bytes means the frame is longer
    // than its table entry, not that the copy is short (that loses the footer first).
    if (err.code() != ExitCode::bundle_truncated) throw;
    throw extent_error(source, entry, number, "runs past the end the seek table gives it");
  }
}

VerifyReport verify_frames(const VerifyJob& job, unsigned threads, const VerifyProgress& progress) {
  if (!job.source || !job.entries || !job.targets || job.targets->size() != job.entries->size()) {
    throw Error(ExitCode::internal, "verify_frames: inconsistent job");
  }
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t frames = job.entries->size() - std::min(job.first, job.entries->size());
  threads = static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(threads, frames)));
  return Run(job, progress).run(threads);
}

}  // namespace bundles
