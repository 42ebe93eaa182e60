#!/usr/bin/env bash
# Install rules and packages (issue 15 item 4), from an already built tree (nothing is rebuilt):
#   (a) cmake --install into a scratch prefix: the two programs run, the man pages render,
#       the completion scripts load, the docs are there, and no test tool is installed;
#   (b) the .deb (cpack): Depends names the libraries the binaries need (dpkg-shlibdeps);
#       unpacked with dpkg -x into a scratch root, its sdcadm-bundle runs with the host's
#       libraries, and its man pages and completion are where man and bash-completion look;
#   (c) the .tgz holds the same files as the .deb;
#   (d) when the build has the portable installer (target portable-tarball, with
#       -DSDCB_PORTABLE_INSTALLER=ON), its tarball: the installer runs, its page and the docs.
source "${SDCB_SOURCE:?set SDCB_SOURCE to the source tree}/tests/lib/harness.sh" || exit 1

BUILD=${SDCB_BUILD:-$SDCB_BIN/..}
version=$(sed -n 's/^project(sdcadm-bundle VERSION \([0-9.]*\).*/\1/p' "$SDCB_SOURCE/CMakeLists.txt")
[[ -n $version ]] || fail "no project version in CMakeLists.txt"

# (a) cmake --install
prefix="$TEST_DIR/prefix"
cmake --install "$BUILD" --prefix "$prefix" >"$TEST_DIR/install.log" 2>&1 || { cat "$TEST_DIR/install.log" >&2; fail "cmake --install failed"; }
installed_bins=$(cd "$prefix/bin" && ls | tr '\n' ' ')
[[ $installed_bins == "sdcadm-bundle sdcadm-install " ]] || fail "bin/ holds [$installed_bins], want only sdcadm-bundle and sdcadm-install"
[[ $("$prefix/bin/sdcadm-bundle" --version) == "sdcadm-bundle $version" ]] || fail "installed sdcadm-bundle --version"
[[ $("$prefix/bin/sdcadm-install" --version) == "sdcadm-install $version" ]] || fail "installed sdcadm-install --version"
for program in sdcadm-bundle sdcadm-install; do
  page="$prefix/share/man/man1/$program.1"
  [[ -f $page ]] || fail "no $page"
  rendered=$(groff -man -Tutf8 -P-cbou "$page" 2>&1) || fail "groff $page failed: $rendered"
  [[ $rendered == *"EXIT STATUS"* ]] || fail "$page does not render (no EXIT STATUS)"
  if command -v man >/dev/null; then
    [[ $(MANPATH="$prefix/share/man" man -w "$program") == "$page" ]] || fail "man -w $program does not find $page"
  fi
  bash -c "source '$prefix/share/bash-completion/completions/$program' && complete -p $program" >/dev/null ||
    fail "the installed completion for $program does not load"
done
for doc in README.md docs/cli.md docs/exit-codes.md docs/logs.md docs/trust.md docs/examples/inventory.json; do
  [[ -f "$prefix/share/doc/sdcadm-bundle/$doc" ]] || fail "share/doc/sdcadm-bundle/$doc not installed"
done
[[ ! -e "$prefix/share/doc/sdcadm-bundle/docs/man" ]] || fail "docs/man (the pages' source) was installed"
pass "cmake --install: 2 programs run, 2 man pages render, 2 completions load, docs in share/doc/sdcadm-bundle"

# (b) the .deb
packages="$TEST_DIR/packages"
cpack --config "$BUILD/CPackConfig.cmake" -G "DEB;TGZ" -B "$packages" >"$TEST_DIR/cpack.log" 2>&1 ||
  { cat "$TEST_DIR/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$packages"/sdcadm-bundle_"$version"_*.deb) || fail "no .deb in $packages: $(ls "$packages")"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libstdc++6 libcurl4 libarchive13 libssl3; do
  [[ $depends == *"$lib "* || $depends == *"$lib,"* || $depends == *"$lib" ]] || fail "Depends [$depends] does not name $lib"
done
[[ $(dpkg-deb -f "$deb" Section) == admin ]] || fail "the .deb's Section is not admin"
[[ -n $(dpkg-deb -f "$deb" Maintainer) ]] || fail "the .deb has no Maintainer"
root="$TEST_DIR/root"
dpkg-deb -x "$deb" "$root"
[[ $("$root/usr/bin/sdcadm-bundle" --version) == "sdcadm-bundle $version" ]] || fail "the .deb's sdcadm-bundle --version"
[[ $("$root/usr/bin/sdcadm-install" --version) == "sdcadm-install $version" ]] || fail "the .deb's sdcadm-install --version"
for f in usr/share/man/man1/sdcadm-bundle.1 usr/share/man/man1/sdcadm-install.1 \
  usr/share/bash-completion/completions/sdcadm-bundle usr/share/bash-completion/completions/sdcadm-install \
  usr/share/doc/sdcadm-bundle/README.md; do
  [[ -f "$root/$f" ]] || fail "the .deb has no /$f"
done
pass "the .deb: Depends: $depends; its programs run from a scratch root"

# (c) the .tgz: the same files, under its top directory instead of /usr.
tgz=$(ls "$packages"/sdcadm-bundle-"$version"-*.tar.gz) || fail "no .tar.gz in $packages: $(ls "$packages")"
tar -tzf "$tgz" | grep -v '/$' | sed 's|^[^/]*/||' | sort >"$TEST_DIR/tgz.list"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./usr/||' | sort >"$TEST_DIR/deb.list"
diff "$TEST_DIR/deb.list" "$TEST_DIR/tgz.list" >&2 || fail "the .tgz and the .deb hold different files"
grep -qx bin/sdcadm-bundle "$TEST_DIR/tgz.list" || fail "the .tgz has no bin/sdcadm-bundle"
pass "the .tgz holds the same $(wc -l <"$TEST_DIR/tgz.list") files as the .deb"

# (d) the portable installer's tarball, when this build makes one.
targets=$(cmake --build "$BUILD" --target help 2>/dev/null || true)
if [[ $targets == *portable-tarball* ]]; then
  cmake --build "$BUILD" --target portable-tarball >"$TEST_DIR/portable.log" 2>&1 ||
    { cat "$TEST_DIR/portable.log" >&2; fail "cmake --build --target portable-tarball failed"; }
  system=$(uname -s | tr '[:upper:]' '[:lower:]')
  name="sdcadm-install-$version-portable-$system-$(uname -m)"
  [[ -f "$BUILD/packages/$name.tar.gz" ]] || fail "no $BUILD/packages/$name.tar.gz"
  mkdir "$TEST_DIR/portable"
  tar -xzf "$BUILD/packages/$name.tar.gz" -C "$TEST_DIR/portable"
  top="$TEST_DIR/portable/$name"
  [[ $("$top/sdcadm-install" --version) == "sdcadm-install $version" ]] || fail "the portable tarball's sdcadm-install --version"
  for f in man/man1/sdcadm-install.1 doc/README.md doc/operator-guide.md doc/porting.md doc/trust.md doc/exit-codes.md doc/receipt.md; do
    [[ -f "$top/$f" ]] || fail "the portable tarball has no $f"
  done
  pass "$name.tar.gz: the installer runs; its man page and the operator's docs are in it"
else
  echo "skip: (d) this build has no portable installer (-DSDCB_PORTABLE_INSTALLER=ON makes one)"
fi
