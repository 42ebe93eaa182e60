#!/usr/bin/env bash
# The illumos portability check (issue 15 item 3; docs/porting.md "Linux-only calls"): fails,
# naming file:line and the call, when a Linux-only call or path appears in our C++ outside a
# guarded place. sdcadm-install's home is a SmartOS global zone, where these do not exist or
# mean something else, and no CI machine runs illumos: this grep is what stops them.
#
#   scripts/check_portability.sh [ROOT]     ROOT defaults to the repository
#
# Guarded means one of:
#   * inside a preprocessor branch whose condition names __linux__ (#if defined(__linux__),
#     #ifdef __linux__, #elif defined(__linux__) ...), or the #else of #if !defined(__linux__);
#   * the line itself, or the line directly above it, carries "// portable: <fallback>",
#     naming what runs where the call is missing (e.g. the runtime fallback that follows).
# Comments are not code: text after // and lines that start a /* */ block or continue one
# with "*" are not searched.
#
# Searched: *.cpp *.hpp *.h *.c *.cc *.in under the project's source folders (libraries,
# installer, builder, tools, tests, bench), not build trees nor node_modules.
# Exit: 0 clean, 1 violations (listed on stderr), 2 usage.
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
[[ -d "$root" ]] || { echo "check_portability: no such directory: $root" >&2; exit 2; }

# The Linux-only interfaces, as extended regular expressions over one line of code. Each has
# a POSIX (or illumos) way to do the same job; docs/porting.md lists them.
# The Linux-only interfaces. Each has a POSIX (or illumos) way to do the same job; the
# comment names it (docs/porting.md has the table). Names match as whole identifiers.
names=(
  epoll_create epoll_create1 epoll_ctl epoll_wait epoll_pwait  # poll(), or event ports
  inotify_init inotify_init1 inotify_add_watch inotify_rm_watch  # port_associate(FILE)
  O_TMPFILE            # a named temp file + rename
  renameat2            # rename(); RENAME_NOREPLACE: link() + unlink()
  copy_file_range      # read()/write() loop
  sendfile             # read()/write() loop (illumos' sendfile differs)
  statfs fstatfs       # statvfs()/fstatvfs() (POSIX)
  signalfd             # a self-pipe written by the signal handler
  eventfd              # a pipe
  timerfd_create timerfd_settime timerfd_gettime  # poll() timeouts, timer_create()
  memfd_create         # a temp file, or shm_open()
  prctl                # no equivalent: a fallback per use
  getrandom            # /dev/urandom, or OpenSSL's RAND_bytes
  syncfs               # fsync() of the files
  accept4 dup3         # accept()/dup2() + fcntl(FD_CLOEXEC)
  fallocate            # posix_fallocate()
  splice vmsplice      # read()/write()
  sched_getaffinity    # sysconf(_SC_NPROCESSORS_ONLN)
  gettid               # pthread_self()
  mremap               # munmap() + mmap()
)
# Paths and headers that exist only on Linux (illumos' /proc is binary, per-process
# psinfo/status structs and /proc/PID/path/, not these text files).
paths=(
  '/proc/self/(status|exe|maps|cmdline|mountinfo|mounts|stat|statm|environ)'
  '/proc/(meminfo|cpuinfo|mounts|loadavg)'
  '<sys/(epoll|inotify|signalfd|eventfd|timerfd|prctl|sysinfo|vfs|sendfile)[.]h>'
  '<linux/'
)
# Whole identifiers: not preceded or followed by a letter, digit or underscore.
ident="(^|[^A-Za-z0-9_])($(IFS='|'; echo "${names[*]}"))([^A-Za-z0-9_]|\$)"
export SDCB_PORT_RE="$ident|$(IFS='|'; echo "${paths[*]}")"

mapfile -d '' files < <(
  find "$root" \( -name build -o -name 'build-*' -o -name node_modules -o -name .git \) -prune -o \
    -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.c' -o -name '*.cc' -o -name '*.in' \) \
    -print0 | sort -z)
((${#files[@]})) || { echo "check_portability: no C/C++ files under $root" >&2; exit 2; }

# One awk pass over every file: tracks the #if nesting (is any open branch a __linux__ one?),
# the previous line's "// portable:" marker, and prints FILE:LINE: CALL for the rest.
violations=$(awk -v root="$root/" '
  BEGIN { re = ENVIRON["SDCB_PORT_RE"] }
  FNR == 1 { depth = 0; prev_marked = 0; in_block = 0 }
  function linux_cond(s) { return s ~ /__linux__/ && s !~ /!( *defined)? *\(? *__linux__/ }
  function neg_linux(s) { return s ~ /!( *defined)? *\(? *__linux__/ || s ~ /^[ \t]*#[ \t]*ifndef[ \t]+__linux__/ }
  function guarded(  i) { for (i = 1; i <= depth; i++) if (g[i]) return 1; return 0 }
  {
    line = $0
    marked = (line ~ /\/\/ *portable: *[^ ]/)
    # Preprocessor branches.
    if (line ~ /^[ \t]*#[ \t]*(if|ifdef|ifndef)[ \t(]/) {
      depth++; neg[depth] = neg_linux(line)
      g[depth] = (line ~ /^[ \t]*#[ \t]*ifndef/) ? 0 : linux_cond(line)
    } else if (line ~ /^[ \t]*#[ \t]*elif/) {
      if (depth) { g[depth] = linux_cond(line); neg[depth] = neg_linux(line) }
    } else if (line ~ /^[ \t]*#[ \t]*else/) {
      if (depth) g[depth] = neg[depth]
    } else if (line ~ /^[ \t]*#[ \t]*endif/) {
      if (depth) depth--
    }
    # Comments are not code.
    code = line
    if (in_block) {
      if (code ~ /\*\//) { sub(/^.*\*\//, "", code); in_block = 0 } else code = ""
    }
    while (match(code, /\/\*/)) {
      rest = substr(code, RSTART + 2)
      if (match(rest, /\*\//)) code = substr(code, 1, index(code, "/*") - 1) substr(rest, RSTART + 2)
      else { code = substr(code, 1, index(code, "/*") - 1); in_block = 1 }
    }
    sub(/\/\/.*$/, "", code)
    if (code ~ /^[ \t]*\*/) code = ""
    if (code != "" && match(code, re) && !guarded() && !marked && !prev_marked) {
      f = FILENAME; if (index(f, root) == 1) f = substr(f, length(root) + 1)
      call = substr(code, RSTART, RLENGTH)
      gsub(/^[^A-Za-z0-9_<\/]+|[^A-Za-z0-9_>]+$/, "", call)
      printf "%s:%d: %s\n", f, FNR, call
    }
    prev_marked = marked
  }' "${files[@]}")

if [[ -n "$violations" ]]; then
  {
    echo "check_portability: Linux-only calls outside a guarded block (sdcadm-install runs on SmartOS):"
    sed 's/^/  /' <<<"$violations"
    echo "Guard each with #if defined(__linux__) ... #else <POSIX fallback> #endif, or, when the"
    echo "code already falls back at run time, mark the line '// portable: <the fallback>'."
    echo "See docs/porting.md, \"Linux-only calls\"."
  } >&2
  exit 1
fi
echo "check_portability: ${#files[@]} files, no unguarded Linux-only call"
