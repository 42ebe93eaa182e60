# What `cmake --install` puts where, and the packages CPack makes from it (issue 15 item 4).
#   bin/                               sdcadm-bundle, sdcadm-install (never the test tools:
#                                      fake-sdcadm, sample-catalog, imgapi-cli, manifest-check,
#                                      sdcadm-install-next, cli-docs have no install rule)
#   share/man/man1/                    sdcadm-bundle.1, sdcadm-install.1 (tools/cli_docs)
#   share/bash-completion/completions/ sdcadm-bundle, sdcadm-install (tools/cli_docs)
#   share/doc/sdcadm-bundle/           README.md, docs/*.md, docs/examples/
# Packages (scripts/package.sh runs them into build/packages/):
#   cpack                 sdcadm-bundle-VERSION-Linux.tar.gz and sdcadm-bundle_VERSION_ARCH.deb,
#                         both holding everything above.
#   portable-tarball      sdcadm-install-VERSION-portable-SYSTEM-ARCH.tar.gz: the statically
#                         linked installer for a headnode, when SDCB_PORTABLE_INSTALLER builds
#                         it (target sdcadm-install-portable).
include(GNUInstallDirs)
# Installing and packing never build: cpack runs the `preinstall` target, which otherwise
# builds everything (every test program) first. Build, then install or pack (scripts/package.sh
# does both; tests/ship/install_packages.sh packs a tree that is already built).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

set(sdcb_man_dir ${PROJECT_BINARY_DIR}/share/man/man1)
set(sdcb_completion_dir ${PROJECT_BINARY_DIR}/share/bash-completion/completions)

# The .deb carries the ordinary, dynamically linked sdcadm-install too: the release engineer
# uses it on the builder machine against a simulated headnode (docs/simulated-headnode.md)
# and to check a bundle the way the headnode will; the headnode itself gets the portable one.
install(TARGETS sdcadm-bundle sdcadm-install RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${sdcb_man_dir}/sdcadm-bundle.1 ${sdcb_man_dir}/sdcadm-install.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${sdcb_completion_dir}/sdcadm-bundle ${sdcb_completion_dir}/sdcadm-install
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# docs/man/ is the man pages' source, installed as the pages themselves.
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        FILES_MATCHING PATTERN "*.md" PATTERN "*.json" PATTERN "man" EXCLUDE)

# CPack: a .tgz and a .deb of the above.
set(CPACK_PACKAGE_NAME sdcadm-bundle)
set(CPACK_PACKAGE_VENDOR "sdcadm-bundle project")
set(CPACK_PACKAGE_CONTACT "sdcadm-bundle maintainers <sdcadm-bundle@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "offline update bundles for Triton DataCenter: sdcadm-bundle builds, signs and serves them, sdcadm-install installs them")
set(CPACK_PACKAGE_DESCRIPTION
    "sdcadm-bundle resolves, downloads and packs the images a Triton DataCenter needs into one signed .sdc bundle for a data center without Internet access; sdcadm-install verifies, stages, imports and applies it on the headnode. Includes man pages, bash completion and the documentation.")
set(CPACK_GENERATOR "TGZ;DEB")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_STRIP_FILES ON)  # the RelWithDebInfo binaries are mostly debug info
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # sdcadm-bundle_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/TritonDataCenter/sdcadm")
# Depends from the binaries' own NEEDED libraries (dpkg-shlibdeps, in dpkg-dev), so the list
# cannot go stale when a library is added; tests/integration/install_packages.sh checks it.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)

# The portable installer's tarball, only when part of the build (SDCB_PORTABLE_INSTALLER).
# A custom target rather than a CPack component: it holds one binary, its page and the
# operator's documents at fixed places, and the default cpack run stays the builder's.
if(TARGET sdcadm-install-portable)
  string(TOLOWER "${CMAKE_SYSTEM_NAME}" sdcb_system)
  set(sdcb_portable_name
      sdcadm-install-${PROJECT_VERSION}-portable-${sdcb_system}-${CMAKE_SYSTEM_PROCESSOR})
  set(sdcb_portable_stage ${PROJECT_BINARY_DIR}/packages/portable-stage)
  set(sdcb_portable_dir ${sdcb_portable_stage}/${sdcb_portable_name})
  # What an operator reads on the headnode.
  set(sdcb_portable_docs)
  foreach(doc README.md docs/operator-guide.md docs/porting.md docs/trust.md docs/exit-codes.md
              docs/logs.md docs/receipt.md)
    list(APPEND sdcb_portable_docs ${PROJECT_SOURCE_DIR}/${doc})
  endforeach()
  # Without its debug information (as cpack strips the packages' binaries), when there is a strip.
  set(sdcb_strip_portable ${CMAKE_COMMAND} -E true)
  if(CMAKE_STRIP)
    set(sdcb_strip_portable ${CMAKE_STRIP} ${sdcb_portable_dir}/sdcadm-install)
  endif()
  add_custom_target(portable-tarball
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${sdcb_portable_dir}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${sdcb_portable_dir}/man/man1 ${sdcb_portable_dir}/doc
    COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:sdcadm-install-portable> ${sdcb_portable_dir}/sdcadm-install
    COMMAND ${sdcb_strip_portable}
    COMMAND ${CMAKE_COMMAND} -E copy ${sdcb_man_dir}/sdcadm-install.1 ${sdcb_portable_dir}/man/man1/
    COMMAND ${CMAKE_COMMAND} -E copy ${sdcb_portable_docs} ${sdcb_portable_dir}/doc/
    COMMAND ${CMAKE_COMMAND} -E chdir ${sdcb_portable_stage}
            ${CMAKE_COMMAND} -E tar czf ${PROJECT_BINARY_DIR}/packages/${sdcb_portable_name}.tar.gz
            ${sdcb_portable_name}
    COMMENT "Packing ${sdcb_portable_name}.tar.gz"
    VERBATIM)
  add_dependencies(portable-tarball sdcadm-install-portable cli-docs-output)
endif()
