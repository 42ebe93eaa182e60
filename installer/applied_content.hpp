#pragma once
// "Same content" detection (issue 12 item 4, docs/bundle-format.md §9): a bundle's id names
// one build, its content id names what it carries. A rebuild of a bundle this DC already
// applied (newer sequence, new `created`, new signatures, the same members) is a new bundle
// to the journal, the history and anti-rollback, but the operator is told it carries
// nothing new, and apply ends at once when the DC still runs it.
//
// The journals under the journal directory are the record: each says its bundle's content
// id (journals written before content ids existed have none; their bundle_id was the
// content id, so that is what they are matched by).

#include <optional>
#include <string>

namespace installer {

struct AppliedBuild {
  std::string bundle_id;    // the build that was applied
  std::string finished_at;  // when its journal was finished
};

// The most recently finished journal under `journal_dir` of a bundle other than
// `bundle_id` whose content id is `content_id`, or nullopt. Journals that do not parse
// are skipped here (opening one for its own bundle reports them).
std::optional<AppliedBuild> find_applied_content(const std::string& journal_dir, const std::string& content_id,
                                                 const std::string& bundle_id);

// Bundles built before content_id had content-derived ids, so two builds of the same
// content share one id and one journal path (<journal_dir>/<bundle_id>.json). The digest
// (SHA-256 of bundle.json) the journal there records, when it is another than
// `bundle_digest`; nullopt when there is no journal, or it is this build's, or it does not
// parse (Journal::open reports that). Reads only: `plan` uses it.
std::optional<std::string> other_build_journal(const std::string& journal_dir, const std::string& bundle_id,
                                               const std::string& bundle_digest);

// When other_build_journal finds one, moves it to <bundle_id>.<its digest's first 12 hex>.json
// (kept for the record; found by find_applied_content as before) so this build starts its
// own journal; safe because every step is idempotent (journal.hpp). Returns the new path,
// "" when nothing was moved. Error(io) when the rename fails.
std::string retire_other_build(const std::string& journal_dir, const std::string& bundle_id,
                               const std::string& bundle_digest);

}  // namespace installer
