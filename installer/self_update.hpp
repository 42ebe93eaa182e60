#pragma once
// The installer's self-update (issue 5 item 3; bundle-format.md §2 member
// installer/sdcadm-install, §8): a bundle may carry a newer sdcadm-install. apply's first
// step installs it over the running binary (the previous one kept as <path>.prev) and
// re-executes it with the same arguments; the journal tells the new binary that the step is
// done, so it goes on with stage, import and the rest.
//
// Loop guard: the re-executed process has SDCB_INSTALLER_REEXEC=<bundle_id> in its
// environment and never self-updates again for that bundle, whatever versions it sees.

#include <installer/verified_bundle.hpp>

#include <manifest/bundle_index.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace installer {

inline constexpr const char* k_reexec_env = "SDCB_INSTALLER_REEXEC";

// The process's arguments, kept by the front end (cli.cpp run) for the re-exec.
void remember_invocation(int argc, char** argv);
const std::vector<std::string>& invocation();

// True when this process was re-executed by a self-update for `bundle_id`.
bool reexecuted_for(const std::string& bundle_id);

// The bundle's installer when it is newer (semver) than `running` and this process was not
// re-executed for this bundle already; nullptr otherwise. Throws Error(bundle_corrupt) when
// the carried installer's version is not semver.
const manifest::BundleArtifact* installer_to_install(const manifest::BundleIndex& index,
                                                     std::string_view running);

// The path of the running executable (absolute, symlinks resolved): /proc/self/exe (Linux),
// /proc/self/path/a.out (illumos), else argv[0] (made absolute, or searched in $PATH).
// Throws Error(io) when it cannot be found.
std::string running_binary_path();

// Extracts the carried installer verified (frame and chunk hashes) into a temp file beside
// `target`, checks that it runs here and says the artifact's version (check_runs), keeps
// the current `target` as `<target>.prev` (replaced atomically), then renames the new
// binary over `target` (mode 0755). A failure before the rename leaves `target` untouched
// and no temp file. Throws the reader's errors, check_runs' Error(installer_unusable),
// Error(io) or Error(no_space).
// Only from a checked bundle (verified_bundle.hpp): the binary about to run as root.
void install_installer(const VerifiedBundle& bundle, const manifest::BundleArtifact& artifact,
                       const std::string& target);

// Runs `path --version` (common/version_probe.hpp) and requires the version `expected`: a
// binary built for another system, or one whose signed index entry names another version,
// is Error(installer_unusable) saying what it printed and that nothing was installed.
// A binary that hangs is killed after `timeout`.
void check_runs(const std::string& path, const std::string& expected,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

// How keep_previous makes <target>.prev: a hard link (no copy, no moment without a
// binary), falling back to a streamed copy where the file system has no links (FAT,
// some NFS); copy_only forces the copy (tests).
enum class PrevBy { link_or_copy, copy_only };

// <target>.prev := the current `target`, replaced in one rename. Error(io) on failure.
void keep_previous(const std::string& target, PrevBy how = PrevBy::link_or_copy);

// Replaces this process with `path` run with `argv` (argv[0] kept) and
// SDCB_INSTALLER_REEXEC=<bundle_id>. The caller keeps its locks across the exec first
// (FileLock::keep_across_exec). Returns only by throwing Error(io) when exec fails.
[[noreturn]] void reexec(const std::string& path, const std::vector<std::string>& argv,
                         const std::string& bundle_id);

}  // namespace installer
