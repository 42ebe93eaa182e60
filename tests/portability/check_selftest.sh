#!/usr/bin/env bash
# Self-test of scripts/check_portability.sh (issue 15 item 3): on a planted tree it must list
# exactly the unguarded Linux-only calls, file:line and call, exit 1, and pass (exit 0) once
# they are guarded; so the CI check (ctest portability.linux_only_calls) can fail.
set -euo pipefail
SDCB_SOURCE=${SDCB_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
check="$SDCB_SOURCE/scripts/check_portability.sh"
tree=$(mktemp -d "${TMPDIR:-/tmp}/sdcb-portcheck.XXXXXX")
trap 'rm -rf "$tree"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$tree/lib" "$tree/build" "$tree/node_modules/x"
# Violations (the expected list below names each line).
cat >"$tree/lib/bad.cpp" <<'SRC'
#include <sys/epoll.h>
int a() { return epoll_create1(0); }
int b() { return ::sendfile(1, 2, nullptr, 3); }
const char* c = "/proc/self/status";
#if defined(__linux__)
int d() { return 0; }
#else
int e() { return renameat2(0, "a", 0, "b", 0); }
#endif
int f() { return statfs("/", nullptr); }  // portable:
SRC
# Guarded or not code: none may be listed.
cat >"$tree/lib/good.cpp" <<'SRC'
// epoll_wait in a comment is not code; nor is sendfile here.
/* copy_file_range
 * memfd_create
 */
#if defined(__linux__)
int a() { return epoll_create1(0); }
#  if SOMETHING
int b() { return eventfd(0, 0); }
#  endif
int c() { return signalfd(-1, nullptr, 0); }
#elif defined(__sun)
int d() { return port_create(); }
#else
int e() { return 0; }
#endif
#ifdef __linux__
int f() { return inotify_init1(0); }
#endif
#if !defined(__linux__)
int g() { return 0; }
#else
int h() { return prctl(0); }
#endif
int i() { return statvfs("/", nullptr) + my_sendfile_helper() + sendfile_count; }
// portable: getrusage when /proc is absent
const char* j = "/proc/self/status";
const char* k = "/proc/self/exe";  // portable: argv[0] without /proc
SRC
# Folders the check skips.
echo 'int x() { return epoll_create1(0); }' >"$tree/build/gen.cpp"
echo 'int y() { return epoll_create1(0); }' >"$tree/node_modules/x/y.c"

rc=0
"$check" "$tree" >"$tree/check.out" 2>"$tree/check.err" || rc=$?
[[ $rc -eq 1 ]] || { cat "$tree/check.err" >&2; fail "planted violations: exit $rc, expected 1"; }
got=$(grep -E '^  [^ ]+:[0-9]+: ' "$tree/check.err" | sed 's/^  //')
want='lib/bad.cpp:1: <sys/epoll.h>
lib/bad.cpp:2: epoll_create1
lib/bad.cpp:3: sendfile
lib/bad.cpp:4: /proc/self/status
lib/bad.cpp:8: renameat2
lib/bad.cpp:10: statfs'
[[ "$got" == "$want" ]] || fail "listed violations differ:
--- got
$got
--- expected
$want"
grep -q 'docs/porting.md' "$tree/check.err" || fail "the message does not point to docs/porting.md"
echo "ok: planted violations listed (file:line: call), exit 1; guarded ones, comments and skipped folders not"

# Guard them: now clean.
cat >"$tree/lib/bad.cpp" <<'SRC'
#if defined(__linux__)
#include <sys/epoll.h>
int a() { return epoll_create1(0); }
int b() { return ::sendfile(1, 2, nullptr, 3); }
#endif
const char* c = "/proc/self/status";  // portable: getrusage where it is absent
int f() { return statvfs("/", nullptr); }
SRC
rc=0
"$check" "$tree" >"$tree/check.out" 2>"$tree/check.err" || rc=$?
[[ $rc -eq 0 ]] || { cat "$tree/check.err" >&2; fail "guarded tree: exit $rc, expected 0"; }
echo "ok: the same calls guarded: exit 0"
