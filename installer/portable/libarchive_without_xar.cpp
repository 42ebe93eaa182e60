// libarchive's XAR writer, not built into the portable sdcadm-install (cmake/PortableInstaller.cmake,
// docs/porting.md §3 "Measurements").
//
// Why: the installer writes ustar (bundles/tar_header.cpp, for receipts), and libarchive.a's
// ustar writer needs archive_write_set_format.o, whose table of every writer names
// archive_write_set_format_xar. Debian's XAR writer needs libxml2, and Debian's libxml2 needs
// ICU, whose data alone is 31 MB: two thirds of the portable binary. Defining the one entry
// point here keeps the linker from pulling archive_write_set_format_xar.o, and with it libxml2
// and ICU.
//
// Why this is safe: nothing in the project writes XAR. Should a caller ask for it anyway, it
// gets what libarchive built `--without-xml2` gives (its own archive_write_set_format_xar.c):
// an error on the archive naming the missing format, never a wrong archive.
#include <archive.h>

extern "C" int archive_write_set_format_xar(struct archive* a) {
  const int misc_error = -1;  // libarchive's ARCHIVE_ERRNO_MISC, which archive.h does not export
  archive_set_error(a, misc_error,
                    "XAR is not built into the portable sdcadm-install (docs/porting.md)");
  return ARCHIVE_FATAL;
}
