#pragma once
// Where sdcadm-bundle keeps its log (docs/logs.md): bunyan JSON lines of what each run
// resolved, fetched and packed and of every failure with its exit code, so "report it with
// the log" names a file that exists. The default follows the XDG Base Directory spec, which
// puts logs under $XDG_STATE_HOME ("actions history (logs, history, ...)"), not the cache:
// the download cache (~/.cache/sdcadm-bundle) may be wiped to free space without losing
// the record of the builds that used it.

#include <string>

namespace builder {

// $XDG_STATE_HOME/sdcadm-bundle/sdcadm-bundle.log, else
// $HOME/.local/state/sdcadm-bundle/sdcadm-bundle.log; "" when neither is an absolute path.
std::string default_log_file();

// Opens `file` (default_log_file() when "") as the process log, creating its directory.
// Never throws: a log that cannot be written is one warning on stderr, and the run goes on.
// `verbose` (-v) also shows the debug lines on stderr; otherwise warnings and errors only.
void open_log(const std::string& file, bool verbose = false);

}  // namespace builder
