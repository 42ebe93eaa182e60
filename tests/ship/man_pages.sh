#!/usr/bin/env bash
# The man pages cover the programs (issue 15 item 5): for every command and sub-command of
# sdcadm-bundle and sdcadm-install, every flag and argument the real binary's --help lists
# must be in that command's section of the generated page (GLOBAL OPTIONS for the program's
# own); every exit code of common/exit_code.hpp, number and name, must be in EXIT STATUS; and
# groff must render each page without a warning.
# SDCB_MAN_DIR points the test at other pages (to see it fail on a page with a flag removed).
source "${SDCB_SOURCE:?set SDCB_SOURCE to the source tree}/tests/lib/harness.sh" || exit 1

MAN_DIR=${SDCB_MAN_DIR:-$SDCB_BIN/../share/man/man1}
command -v groff >/dev/null || fail "groff is not installed (scripts/setup.sh installs groff-base)"

# The page as plain text lines: roff's \- back to '-', font changes and \& dropped.
plain_page() {
  sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\e/\\/g' "$1"
}

# section PAGE_TEXT_FILE START: the lines after the line START up to the next .SH or .SS.
section() {
  awk -v start="$2" '
    $0 == start { on = 1; next }
    on && (/^\.SH / || /^\.SS /) { exit }
    on { print }' "$1"
}

# terms SECTION_FILE: the tagged-paragraph terms (the line after each .TP), where the page
# names its options ("-o, --output FILE") and arguments; a flag only mentioned in some text
# (a footer's "(--replace)") does not count.
terms() {
  awk 'tp { print; tp = 0 } $0 == ".TP" { tp = 1 }' "$1"
}

# has_term TERMS_FILE WORD: WORD is one of the names in a term (separated by ", " or " ").
has_term() {
  local word=${2//./\\.}
  grep -qE -- "(^|[ ,])${word}(\$|[ ,])" "$1"
}

# help_block HELP_FILE TITLE: the first words of the lines in the "TITLE:" block of --help.
help_block() {
  awk -v title="$2:" '
    $0 == title { on = 1; next }
    on && /^$/ { exit }
    on && /^  [^ ]/ { print $1 }' "$1"
}

checked=0
check_command() {  # check_command PROGRAM PAGE_TEXT WORDS...
  local program=$1 text=$2; shift 2
  local help="$TEST_DIR/help.txt" sec="$TEST_DIR/section.txt" start name flag
  "$SDCB_BIN/$program" "$@" --help >"$help" || fail "$program $* --help exited $?"
  if (($#)); then start=".SS \"$*\""; else start=".SH GLOBAL OPTIONS"; fi
  section "$text" "$start" >"$sec"
  [[ -s $sec ]] || fail "$program(1) has no section '$start'"
  terms "$sec" >"$sec.terms"
  while read -r name; do
    for flag in ${name//,/ }; do
      # -h/--help is said once, in GLOBAL OPTIONS.
      if (($#)) && [[ $flag == -h || $flag == --help ]]; then continue; fi
      has_term "$sec.terms" "$flag" || fail "$program $*: $flag (in --help) is not in $program(1) section '$start'"
      checked=$((checked + 1))
    done
  done < <(help_block "$help" Options)
  while read -r name; do
    has_term "$sec.terms" "$name" || fail "$program $*: argument $name is not in $program(1) section '$start'"
    checked=$((checked + 1))
  done < <(help_block "$help" Positionals)
  local sub
  for sub in $(help_block "$help" Subcommands); do check_command "$program" "$text" "$@" "$sub"; done
}

for program in sdcadm-bundle sdcadm-install; do
  page="$MAN_DIR/$program.1"
  [[ -f $page ]] || fail "no man page $page (built by tools/cli_docs)"
  text="$TEST_DIR/$program.txt"
  plain_page "$page" >"$text"
  before=$checked
  check_command "$program" "$text"
  ((checked - before > 50)) || fail "$program: only $((checked - before)) flags found in --help; the parse is broken"

  # Every exit code, from the enum itself, as "N name" in EXIT STATUS.
  section "$text" ".SH EXIT STATUS" >"$TEST_DIR/exit.txt"
  codes=0
  while read -r name number; do
    grep -qx -- "$number $name" "$TEST_DIR/exit.txt" || fail "$program(1) EXIT STATUS lacks $number $name"
    codes=$((codes + 1))
  done < <(sed -n 's/^ *\([a-z_]*\) = \([0-9]*\),.*/\1 \2/p' "$SDCB_SOURCE/common/exit_code.hpp")
  ((codes >= 40)) || fail "only $codes exit codes read from common/exit_code.hpp"
  for s in NAME SYNOPSIS DESCRIPTION "GLOBAL OPTIONS" COMMANDS "EXIT STATUS" FILES ENVIRONMENT "SEE ALSO"; do
    grep -qx ".SH $s" "$text" || fail "$program(1) has no $s section"
  done

  # groff: every warning on; a clean page prints nothing on stderr.
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
  [[ -z $warnings ]] || fail "groff warns about $program.1: $warnings"
  pass "$program(1): $((checked - before)) flags and arguments of every command, $codes exit codes, groff clean"
done
