#!/usr/bin/env bash
# The generated bash completion (issue 15 item 5): sources each script as bash-completion
# would, sets COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT for a command line with the cursor at
# its end, calls the function `complete -p` names, and checks what it offers.
source "${SDCB_SOURCE:?set SDCB_SOURCE to the source tree}/tests/lib/harness.sh" || exit 1

COMPLETIONS=${SDCB_COMPLETION_DIR:-$SDCB_BIN/../share/bash-completion/completions}
for program in sdcadm-bundle sdcadm-install; do
  [[ -f $COMPLETIONS/$program ]] || fail "no completion script $COMPLETIONS/$program (built by tools/cli_docs)"
  # shellcheck source=/dev/null
  source "$COMPLETIONS/$program"
done

# offers LINE: what completing LINE (cursor at the end; a trailing space starts a new word)
# offers, one per line, sorted. Split on blanks, as readline splits these words.
offers() {
  local line=$1 program fn
  COMP_LINE=$line
  COMP_POINT=${#line}
  read -ra COMP_WORDS <<<"$line"
  [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  program=${COMP_WORDS[0]}
  fn=$(complete -p "$program" | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
  [[ -n $fn ]] || fail "no completion function registered for $program"
  COMPREPLY=()
  "$fn" "$program" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  ((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort
  return 0
}

# expect_exactly LINE WORDS...: the offers are exactly WORDS.
expect_exactly() {
  local line=$1; shift
  local got want
  got=$(offers "$line")
  want=""
  if (($#)); then want=$(printf '%s\n' "$@" | sort); fi
  [[ $got == "$want" ]] || fail "'$line<TAB>' offers [${got//$'\n'/ }], want [$*]"
  pass "'$line<TAB>' -> [$*]"
}
# expect_has LINE WORDS...: the offers include WORDS.
expect_has() {
  local line=$1; shift
  local got w
  got=$(offers "$line")
  for w in "$@"; do grep -qx -- "$w" <<<"$got" || fail "'$line<TAB>' offers [${got//$'\n'/ }], missing $w"; done
  pass "'$line<TAB>' includes $*"
}
# expect_lacks LINE WORDS...: none of WORDS is offered.
expect_lacks() {
  local line=$1; shift
  local got w
  got=$(offers "$line")
  for w in "$@"; do grep -qx -- "$w" <<<"$got" && fail "'$line<TAB>' offers $w, which is not valid there"; done
  pass "'$line<TAB>' leaves out $*"
}

# Command words and sub-command words.
expect_exactly "sdcadm-install ap" apply
expect_exactly "sdcadm-install trust " init add show dc-key
expect_exactly "sdcadm-bundle trust " init rotate sign show
expect_exactly "sdcadm-bundle key " generate id
expect_exactly "sdcadm-install --root /x tr" trust  # --root's value is skipped, not a command
expect_exactly "sdcadm-install -q receipt l" list

# Flags valid at that point: the command's own and the global ones.
expect_exactly "sdcadm-bundle build --ins" --installer
expect_has "sdcadm-install apply --" --yes --spec --root --lock-wait --quiet --help
expect_lacks "sdcadm-install apply --" --replace --last  # trust init's and receipt's
expect_has "sdcadm-install trust init --" --replace --root
expect_has "sdcadm-bundle build -" -o --output --log -q -h
expect_lacks "sdcadm-bundle build -" --lock-wait --imgapi  # sdcadm-install's global options

# Values: files, directories, allowed words; nothing for a number.
cd "$TEST_DIR" || fail "no scratch directory"
mkdir -p headnode
touch bundle-1.sdc
expect_exactly "sdcadm-install --root h" headnode
expect_exactly "sdcadm-install apply b" bundle-1.sdc
expect_exactly "sdcadm-install verify --trust b" bundle-1.sdc
expect_exactly "sdcadm-install --lock-wait "
expect_exactly "sdcadm-bundle serve --mode " dc private

# The default command: a bundle path alone is apply's argument.
expect_exactly "sdcadm-install b" bundle-1.sdc
expect_has "sdcadm-install bundle-1.sdc --" --yes --dry-run

# A wrong command: nothing is offered (the line would fail with "unknown command").
expect_exactly "sdcadm-bundle nosuch --"
expect_exactly "sdcadm-bundle nosuch "
expect_exactly "sdcadm-install trust nosuch --"
