// Hidden benchmark (not run by default; `unit_delta "[bench]"`): find_recipe and
// compress_with speed per MiB and their peak memory on a file 32 times the tests' size,
// each measured in a child process so its peak RSS (getrusage) is its own. The numbers in
// the lead's report and in recompress.hpp come from here.

#include <delta/find_recipe.hpp>
#include <delta/image_decoder.hpp>
#include <delta/recompress.hpp>

#include "recompress_support.hpp"

#include <tests/unit/support/scratch_dir.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <functional>

#include <sys/resource.h>
#include <unistd.h>

using namespace recompress_test;

namespace {

// Runs `work` in a child; prints seconds, MiB/s over `mib` and the child's peak RSS.
void measure(const std::string& what, double mib, const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    try {
      work();
      ::_exit(0);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: %s\n", what.c_str(), e.what());
      ::_exit(1);
    }
  }
  int status = 0;
  struct rusage usage {};
  REQUIRE(::wait4(pid, &status, 0, &usage) == pid);
  REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%-44s %7.2f s  %7.1f MiB/s  peak RSS %6.1f MiB\n", what.c_str(), s, mib / s,
              usage.ru_maxrss / 1024.0);
}

}  // namespace

TEST_CASE("recompression speed and memory", "[.][bench]") {
  sdcb_test::ScratchDir dir;
  const std::string plain = dir.file("content.tar");
  {
    // 32 copies of the tests' 3 MiB (deflate's 32 KiB window and bzip2's 900 kB blocks do
    // not see the repetition).
    const std::string part = image_like_content();
    std::string all;
    for (int i = 0; i < 32; ++i) all += part;
    write_file(plain, all);
  }
  const double mib = static_cast<double>(read_file(plain).size()) / (1 << 20);
  std::printf("content: %.1f MiB; RSS of this process at fork time counts in the child's peak\n",
              mib);
  measure("(baseline: a child that does nothing)", mib, [] {});
  struct Case {
    std::vector<std::string> argv;
    delta::Compression compression;
  };
  for (const Case& c : {Case{{"pigz", "-cfq"}, delta::Compression::gzip},
                        Case{{"gzip", "-cfq"}, delta::Compression::gzip},
                        Case{{"bzip2", "-cfq"}, delta::Compression::bzip2}}) {
    const std::string out = dir.file(c.argv[0] + ".out");
    const auto status = run(c.argv, plain, out);
    if (!status) continue;
    REQUIRE(*status == 0);
    std::printf("%s: %.1f MiB -> %.1f MiB\n", c.argv[0].c_str(), mib,
                static_cast<double>(read_file(out).size()) / (1 << 20));
    std::optional<delta::Recipe> recipe;
    measure("find_recipe " + c.argv[0], mib, [&] {
      const delta::RecipeSearch s = delta::find_recipe(out, c.compression);
      std::printf("  %s\n", s.recipe ? delta::describe(*s.recipe).c_str() : s.why_not().c_str());
    });
    measure("decode only (find_recipe's first pass) " + c.argv[0], mib, [&] {
      delta::ImageDecoder d(out, c.compression, delta::k_default_max_uncompressed);
      std::vector<char> buf(65536);
      while (d.read(buf.data(), buf.size()) > 0) {
      }
    });
    const delta::RecipeSearch s = delta::find_recipe(out, c.compression);
    if (!s.recipe) continue;
    measure("compress_with " + delta::describe(*s.recipe), mib, [&] {
      FILE* in = std::fopen(plain.c_str(), "rb");
      delta::compress_with(
          *s.recipe, [&](char* buf, std::size_t size) { return std::fread(buf, 1, size, in); },
          [](const char*, std::size_t) { return true; });
      std::fclose(in);
    });
  }
}

TEST_CASE("every pigz level and several block sizes are reproduced", "[.][matrix]") {
  // Too slow for every CI run (18 real compressions of 3 MiB, ~5 s); run it after touching
  // compress_with's pigz path: `unit_delta "[matrix]"`.
  sdcb_test::ScratchDir dir;
  const std::string content = image_like_content();
  write_file(dir.file("c"), content);
  for (const std::string block : {"32", "64", "128", "1024"}) {
    for (int level = 1; level <= 9; ++level) {
      if (block != "128" && level != 1 && level != 6 && level != 9) continue;
      const std::vector<std::string> argv{"pigz", "-" + std::to_string(level), "-b", block, "-p",
                                          "3", "-cfq"};
      const auto status = run(argv, dir.file("c"), dir.file("c.gz"));
      if (!status) return;
      REQUIRE(*status == 0);
      const delta::RecipeSearch s = delta::find_recipe(dir.file("c.gz"), delta::Compression::gzip);
      INFO("pigz -" << level << " -b " << block << ": " << s.why_not());
      REQUIRE(s.recipe);
      std::printf("pigz -%d -b %s: %s, %zu candidates rejected first\n", level, block.c_str(),
                  delta::describe(*s.recipe).c_str(), s.rejected.size());
      CHECK(s.recipe->level == level);
      CHECK(s.recipe->block_kib == std::stoi(block));
    }
  }
}
