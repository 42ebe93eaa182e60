// sample-catalog -o DIR [--scale BYTES] [--seed N] [--force]: writes a catalog directory
// that looks like Triton's updates server (see writer.hpp and catalog_plan.cpp).

#include <tools/sample_catalog/catalog_plan.hpp>
#include <tools/sample_catalog/options.hpp>
#include <tools/sample_catalog/writer.hpp>

#include <common/error.hpp>

#include <chrono>
#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  using namespace sample_catalog;
  Options options;
  int exit_code = 0;
  if (!parse_options(argc, argv, options, exit_code)) return exit_code;
  try {
    const auto start = std::chrono::steady_clock::now();
    const CatalogPlan plan = plan_catalog(options.seed, options.scale);
    const WriteSummary summary = write_catalog(
        plan, options.out_dir, options.force ? ExistingDir::replace : ExistingDir::refuse,
        options.payload);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (!options.quiet) {
      std::fprintf(stderr, "sample-catalog: %zu images, %llu bytes in %s (%.2f s)\n",
                   summary.images, static_cast<unsigned long long>(summary.total_bytes),
                   options.out_dir.c_str(), took.count());
    }
    return 0;
  } catch (const common::Error& e) {
    std::fprintf(stderr, "sample-catalog: error: %s\n", e.what());
    return common::to_int(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sample-catalog: internal error: %s\n", e.what());
    return common::to_int(common::ExitCode::internal);
  }
}
