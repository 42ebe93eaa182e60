#pragma once
// Seals the stage pass's temp files (flush and fsync: common::AtomicFile::seal) on a thread of
// its own, in the order they are handed over, so the pass goes on decompressing and hashing
// the next member while the disk takes the last one. Measured on the 2.15 GiB bench
// (bench/README.md): an fsync per member on the staging thread kept it waiting on the disk.
// The files are renamed only after finish(): the rename still follows the fsync.

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace installer {

class BackgroundSeal {
 public:
  // Turns a failed seal into the error the operator reads (a full disk says how far it got).
  using Explain = std::function<common::Error(const common::Error&)>;

  BackgroundSeal();
  // Joins the thread (after the seal in progress, if any); the files still held are
  // destroyed, which removes their temp files.
  ~BackgroundSeal();
  BackgroundSeal(const BackgroundSeal&) = delete;
  BackgroundSeal& operator=(const BackgroundSeal&) = delete;

  void add(std::unique_ptr<common::AtomicFile> file, Explain explain);
  // Waits until every file handed over is sealed and returns them in order; rethrows the
  // first failure (the files are then destroyed).
  std::vector<std::unique_ptr<common::AtomicFile>> finish();

 private:
  struct Item {
    std::unique_ptr<common::AtomicFile> file;
    Explain explain;
  };
  void run();

  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<Item> m_queue;
  std::vector<std::unique_ptr<common::AtomicFile>> m_sealed;
  std::exception_ptr m_error;
  bool m_busy = false;     // a seal in progress outside the lock
  bool m_closing = false;
  std::thread m_thread;    // last: started once the rest is ready
};

}  // namespace installer
