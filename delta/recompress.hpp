#pragma once
// Recompression: re-create an image file byte for byte from its uncompressed content.
//
// A delta member ships the difference between the *uncompressed* streams of an old and a
// new image; the installer rebuilds the new stream and must then produce the very file
// IMGAPI knows (its sha1 and sha256 are in the signed index). That needs the compressor
// that made the file, re-run with the same settings: a delta::Recipe (recipe.hpp).
// find_recipe (find_recipe.hpp) finds one on the build machine by trying candidates;
// compress_with (here) re-runs it, on the builder to check and on the headnode to rebuild.
//
// Who compresses Triton's image files:
//  - core service images: buildimage with compression 'gzip'
//    (TritonDataCenter/eng:tools/buildimage/bin/buildimage:690-692); its imgadm pipes the
//    zfs send stream through `/opt/local/bin/pigz -cfq`, or `/usr/bin/gzip -cfq` when
//    there is no pigz (eng:tools/buildimage/lib/imgadm/lib/imgadm.js:3965-3973): level 6,
//    from standard input, so no file name in the header.
//  - gz-tools: `gtar -I pigz` (TritonDataCenter/sdc-headnode:Makefile:40).
//  - the platform: `gtar -zcf`, i.e. GNU gzip -6 (TritonDataCenter/smartos-live:
//    tools/build_live:641).
//  - old SmartOS base images: `bzip2 -cfq`, block size 9 (eng:.../imgadm.js:3962).
//  - agentsshar: not compressed ("none").
//
// What reproduces what (measured against Debian's pigz 2.6, gzip 1.12, bzip2 1.0.8 with
// zlib 1.2.13 and libbz2 1.0.8: tests/unit/delta/test_recompress.cpp):
//  - pigz (any level 1..9, any -b): reproduced by kind "pigz". pigz links zlib and cuts
//    the input into blocks (default 128 KiB) that it deflates independently with the last
//    32 KiB of the previous block's input as preset dictionary; every block but the last
//    ends with Z_BLOCK and is then brought to a byte boundary — an empty stored block
//    (Z_SYNC_FLUSH, 00 00 ff ff) when an odd number of bits is pending, else empty static
//    blocks (10 bits each) until the bits are aligned; the last block ends with Z_FINISH.
//    Output does not depend on pigz's thread count. (Read in madler/pigz:pigz.c,
//    compress_thread(); written here from that description, not copied.)
//  - zlib / node / python gzip (one deflate stream): kind "gzip", any level.
//  - GNU gzip: NOT reproduced. GNU gzip has its own deflate (gzip's deflate.c and trees.c,
//    descended from the same 1990s code as zlib but since diverged): its output differs from
//    zlib's at every level from the first bytes (zlib -6 vs gzip -6 on 2 MiB of mixed
//    data: first difference at byte 2 of the deflate data; gzip -1..-9 against zlib -1..-9
//    on the tests' 3 MiB: first difference at byte 1..3, and GNU gzip is 0.6% smaller at -6).
//    find_recipe says so and returns no recipe; such an image (the platform) cannot be
//    shipped as a delta until a GNU-gzip-compatible deflate exists.
//  - bzip2: kind "bzip2"; the bzip2 program is libbz2, so BZ2_bzCompress with the block
//    size from the stream header ("BZh9") gives the same bytes.
//
// Speed (one core of the build machine, 96 MiB of image-like content compressing to
// 31 MiB: tests/unit/delta/bench_recompress.cpp): compress_with pigz-6 58 MiB/s, bzip2-9
// 7.7 MiB/s (of uncompressed content); find_recipe on the pigz file 2.3 s (42 MiB/s: one
// checking pass at 290 MiB/s plus the winning candidate; the wrong ones stop within the
// first 128 KiB of content), on the GNU gzip file 0.46 s for all 18 candidates, on the
// bzip2 file 25 s (3.9 MiB/s). The headnode pays compress_with only.
//
// A recipe is a claim about *this* zlib and libbz2: find_recipe proves it on the build
// machine, with the zlib linked there. Only Debian's zlib 1.2.13 against Debian's pigz 2.6
// was measured; real images were made by SmartOS pigz on pkgsrc zlib, and the headnode
// runs whatever zlib the installer links. So the installer must still check the rebuilt
// file's sha256 (the signed index has it) and treat a mismatch as "fetch the full image".
//
// Memory (does not grow with the file): gzip/pigz: zlib's deflate state for window_bits w
// and mem_level m, (1 << (w+2)) + (1 << (m+9)) bytes = 256 KiB at 15/8 (zlib.h), plus
// 64 KiB of input, 64 KiB of output and pigz's 32 KiB dictionary; bzip2: libbz2's
// 400 KiB + 8 x block size = 7.6 MiB at -9 (bzlib manual 3.3.1), plus the same buffers.
// Measured: peak RSS at most 4 MiB above an idle child process's, for a 96 MiB file.

#include <delta/recipe.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>

namespace delta {

// Pulls up to `size` bytes into `buf`; returns 0 only at the end of the input.
using ReadFn = std::function<std::size_t(char* buf, std::size_t size)>;
// Takes the next compressed bytes; returns false to stop compressing at once (find_recipe
// stops a candidate at its first byte that differs from the original).
using WriteFn = std::function<bool(const char* data, std::size_t size)>;

struct CompressResult {
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  bool stopped = false;  // the sink returned false; the output is incomplete
};

// Compresses everything `source` gives as `recipe` says and passes the compressed bytes
// to `sink`, in order, in pieces of at most 64 KiB. Throws common::Error(bad_data) for a
// recipe validate() refuses, Error(internal) if zlib or libbz2 fail; exceptions from
// `source` and `sink` pass through.
CompressResult compress_with(const Recipe& recipe, const ReadFn& source, const WriteFn& sink);

}  // namespace delta
