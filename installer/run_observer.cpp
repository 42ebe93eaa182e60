#include <installer/run_observer.hpp>

namespace installer {

namespace {

class NoProgress final : public PhaseProgress {
 public:
  void update(std::uint64_t) override {}
  void finish() override {}
};

}  // namespace

std::unique_ptr<PhaseProgress> RunObserver::phase(const std::string&, std::uint64_t) {
  return std::make_unique<NoProgress>();
}

TrustReport trust_report_to(RunObserver& observer) {
  return [&observer](const manifest::BundleIndex& index, const signing::TrustVerdict& verdict) {
    observer.trusted(index, verdict);
  };
}

}  // namespace installer
