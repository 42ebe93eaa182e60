#include <tools/sample_catalog/content_model.hpp>

#include <tools/sample_catalog/payload.hpp>

#include <algorithm>
#include <array>
#include <cstring>

namespace sample_catalog {

namespace {

// Bytes are generated in blocks of this size, each from its own PRNG seed, so any offset
// of a stream can be produced without generating what comes before it.
constexpr std::uint64_t k_block = 1024;

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  std::uint64_t z = a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Dice {
 public:
  explicit Dice(std::uint64_t seed) : m_prng(seed) {}
  std::uint64_t next() { return m_prng.next(); }
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : m_prng.next() % n; }
  bool per_mille(unsigned p) { return below(1000) < p; }

 private:
  Prng m_prng;
};

// Identifiers and JavaScript tokens; the first ones are drawn far more often than the
// last (a skewed choice), which gives text the ~3x gzip ratio of real source.
const std::vector<std::string>& vocabulary() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> out = {
        "function", "return", "var", "const", "this.", "require('", "');", "if (", ") {",
        "} else {", "}", "null", "true", "false", "err", "callback(", "cb);", "self.",
        "log.", "opts.", "assert.", "object(", "string(", "===", "!==", "= ", "+ ", "'",
        "\"", ": ", ", ", "[", "]", "//", "/*", "*/", "module.exports", "undefined",
        "vasync.", "restify", "uuid", "moray", "bucket", "sapi", "vmapi", "cnapi"};
    Dice d(0x5eed5eedULL);
    while (out.size() < 1500) {
      std::string w;
      const std::size_t len = 3 + d.below(9);
      for (std::size_t i = 0; i < len; ++i) w.push_back(static_cast<char>('a' + d.below(26)));
      if (d.per_mille(300)) w[0] = static_cast<char>(w[0] - 'a' + 'A');
      out.push_back(std::move(w));
    }
    return out;
  }();
  return words;
}

void text_block(std::uint64_t seed, std::uint64_t block, char* out) {
  const std::vector<std::string>& words = vocabulary();
  Dice d(mix(seed, block));
  std::size_t n = 0;
  while (n < k_block) {
    const std::string& w = words[d.below(d.below(words.size()) + 1)];
    const std::size_t take = std::min<std::size_t>(w.size(), k_block - n);
    std::memcpy(out + n, w.data(), take);
    n += take;
    if (n < k_block) out[n++] = d.per_mille(120) ? '\n' : ' ';
  }
}

void binary_block(std::uint64_t seed, std::uint64_t block, char* out) {
  Prng p(mix(seed, block));
  p.fill(reinterpret_cast<std::uint8_t*>(out), k_block);
}

// Bytes [pos, pos+size) of the generated stream `seed`. The last block made is kept:
// a tar writer asks for a file in pieces of any size.
void stream_bytes(bool text, std::uint64_t seed, std::uint64_t pos, char* out,
                  std::size_t size) {
  struct Cache {
    bool valid = false;
    bool text = false;
    std::uint64_t seed = 0;
    std::uint64_t block = 0;
    std::array<char, k_block> bytes{};
  };
  static thread_local Cache cache;
  while (size > 0) {
    const std::uint64_t block = pos / k_block;
    const std::size_t in = static_cast<std::size_t>(pos % k_block);
    const std::size_t take = std::min<std::size_t>(size, k_block - in);
    if (in == 0 && take == k_block) {  // a whole block: straight into the output
      text ? text_block(seed, block, out) : binary_block(seed, block, out);
    } else {
      if (!cache.valid || cache.text != text || cache.seed != seed || cache.block != block) {
        text ? text_block(seed, block, cache.bytes.data())
             : binary_block(seed, block, cache.bytes.data());
        cache = Cache{true, text, seed, block, cache.bytes};
      }
      std::memcpy(out, cache.bytes.data() + in, take);
    }
    out += take;
    pos += take;
    size -= take;
  }
}

// --- the first version --------------------------------------------------------------

struct Lineage {
  std::vector<ModelFile> files;
  std::uint64_t next_id = 1;
};

std::string word(Dice& d) {
  const std::vector<std::string>& words = vocabulary();
  std::string w = words[50 + d.below(words.size() - 50)];
  for (char& c : w) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return w;
}

std::uint64_t text_size(Dice& d) { return (256ull << d.below(7)) + d.below(2048); }

std::uint64_t binary_size(Dice& d, std::uint64_t target) {
  const std::uint64_t cap = std::max<std::uint64_t>(4096, target / 16);
  return std::min<std::uint64_t>(cap, (4096ull << d.below(8)) + d.below(4096));
}

ModelFile new_file(Dice& d, Lineage& lineage, const std::string& dir, bool text,
                   std::uint64_t size, int release) {
  static const char* const text_ext[] = {".js", ".js", ".js", ".json", ".md", ".xml"};
  static const char* const binary_ext[] = {".node", ".so", ".gz", ".png", ""};
  ModelFile f;
  const char* ext = text ? text_ext[d.below(6)] : binary_ext[d.below(5)];
  f.path = dir + word(d) + "-" + std::to_string(lineage.next_id++) + ext;
  f.text = text;
  f.mode = !text && *ext == '\0' ? 0755 : 0644;
  f.changed_in = release;
  f.pieces.push_back(ContentPiece{d.next(), 0, std::max<std::uint64_t>(size, 64)});
  return f;
}

// Directories of a service image: its own code, its node_modules packages, binaries.
std::string new_directory(Dice& d, Lineage& lineage, const std::string& prefix) {
  const std::uint64_t roll = d.below(100);
  if (roll < 70) {
    return prefix + "node_modules/" + word(d) + "-" + std::to_string(lineage.next_id++) + "/";
  }
  if (roll < 85) return prefix + "lib/";
  if (roll < 93) return prefix + "build/node/bin/";
  return prefix + "etc/";
}

// Binary-like content is ~35% of the bytes, the rest text.
constexpr std::uint64_t k_binary_percent = 35;

Lineage first_version(Dice& d, std::uint64_t target, const std::string& prefix) {
  Lineage lineage;
  std::uint64_t total = 0;
  std::uint64_t binary = 0;
  std::string dir;
  std::uint64_t left_in_dir = 0;
  while (total < target) {
    if (left_in_dir == 0) {
      dir = new_directory(d, lineage, prefix);
      left_in_dir = 2 + d.below(15);
    }
    --left_in_dir;
    const bool text = binary * 100 >= total * k_binary_percent || d.per_mille(500);
    const std::uint64_t size =
        std::min(text ? text_size(d) : binary_size(d, target), target - total + 64);
    ModelFile f = new_file(d, lineage, dir, text, size, 0);
    total += f.size();
    if (!text) binary += f.size();
    lineage.files.push_back(std::move(f));
  }
  return lineage;
}

// --- one release ----------------------------------------------------------------------

std::string dir_of(const std::string& path) { return path.substr(0, path.rfind('/') + 1); }

// Replaces bytes [pos, pos+removed) of `f` by `added` new bytes of the stream `seed`.
void replace_span(ModelFile& f, std::uint64_t pos, std::uint64_t removed, std::uint64_t added,
            std::uint64_t seed) {
  std::vector<ContentPiece> out;
  std::uint64_t at = 0;
  bool inserted = false;
  for (const ContentPiece& p : f.pieces) {
    const std::uint64_t start = at;
    const std::uint64_t end = at + p.length;
    at = end;
    if (end <= pos || start >= pos + removed) {
      if (!inserted && start >= pos + removed) {
        out.push_back(ContentPiece{seed, 0, added});
        inserted = true;
      }
      out.push_back(p);
      continue;
    }
    if (start < pos) out.push_back(ContentPiece{p.seed, p.skip, pos - start});
    if (!inserted) {
      out.push_back(ContentPiece{seed, 0, added});
      inserted = true;
    }
    if (end > pos + removed) {
      const std::uint64_t cut = pos + removed - start;
      out.push_back(ContentPiece{p.seed, p.skip + cut, p.length - cut});
    }
  }
  if (!inserted) out.push_back(ContentPiece{seed, 0, added});
  f.pieces = std::move(out);
}

void edit_in_place(Dice& d, ModelFile& f) {
  const std::uint64_t edits = 1 + d.below(3);
  for (std::uint64_t i = 0; i < edits; ++i) {
    const std::uint64_t size = f.size();
    const std::uint64_t pos = d.below(size);
    const std::uint64_t removed = std::min<std::uint64_t>(1 + d.below(1024), size - pos);
    // Source edits change lengths; a patched binary keeps its layout.
    const std::uint64_t added =
        f.text ? std::max<std::uint64_t>(1, removed + d.below(65) - std::min<std::uint64_t>(32, removed - 1))
               : removed;
    replace_span(f, pos, removed, added, d.next());
  }
}

void replace_whole(Dice& d, ModelFile& f) {
  const std::uint64_t size = f.size();
  const std::uint64_t new_size = std::max<std::uint64_t>(64, size * (90 + d.below(21)) / 100);
  f.pieces.assign(1, ContentPiece{d.next(), 0, new_size});
}

// A dependency bump: every file of one node_modules package gets new content. Only a
// package that holds at most a tenth of the bytes: a small image with one big package
// does not get rewritten whole.
void upgrade_one_package(Dice& d, std::vector<ModelFile>& files, int release) {
  if (files.empty()) return;
  std::uint64_t total = 0;
  for (const ModelFile& f : files) total += f.size();
  for (int attempt = 0; attempt < 4; ++attempt) {
    const std::string dir = dir_of(files[d.below(files.size())].path);
    if (dir.find("node_modules/") == std::string::npos) continue;
    std::uint64_t bytes = 0;
    for (const ModelFile& f : files) bytes += dir_of(f.path) == dir ? f.size() : 0;
    if (bytes * 10 > total) continue;
    for (ModelFile& f : files) {
      if (dir_of(f.path) != dir) continue;
      replace_whole(d, f);
      f.changed_in = release;
    }
    return;
  }
}

void apply_release(Lineage& lineage, std::uint64_t lineage_seed, std::uint64_t target,
                   int release) {
  Dice d(mix(lineage_seed, 0x7e1ea5e0000ULL + static_cast<std::uint64_t>(release)));
  std::vector<ModelFile> out;
  out.reserve(lineage.files.size() + lineage.files.size() / 50 + 1);
  for (ModelFile& f : lineage.files) {
    if (d.per_mille(10)) continue;  // deleted
    if (d.per_mille(f.text ? 10 : 30)) {
      replace_whole(d, f);
      f.changed_in = release;
    } else if (d.per_mille(40)) {
      edit_in_place(d, f);
      f.changed_in = release;
    }
    const std::string dir = dir_of(f.path);
    out.push_back(std::move(f));
    if (d.per_mille(10)) {  // a new file next to this one
      const bool text = d.per_mille(800);
      const std::uint64_t size = text ? text_size(d) : binary_size(d, target);
      out.push_back(new_file(d, lineage, dir, text, size, release));
    }
  }
  upgrade_one_package(d, out, release);
  lineage.files = std::move(out);
}

}  // namespace

std::uint64_t ModelFile::size() const {
  std::uint64_t n = 0;
  for (const ContentPiece& p : pieces) n += p.length;
  return n;
}

std::vector<ModelFile> describe_version(std::uint64_t lineage_seed, std::uint64_t target_bytes,
                                        int version, const std::string& prefix) {
  Dice d(lineage_seed);
  const std::uint64_t target = std::max<std::uint64_t>(target_bytes, 64);
  Lineage lineage = first_version(d, target, prefix);
  for (int release = 1; release <= version; ++release) {
    apply_release(lineage, lineage_seed, target, release);
  }
  return std::move(lineage.files);
}

void content_bytes(const ModelFile& file, std::uint64_t offset, char* out, std::size_t size) {
  std::uint64_t at = 0;
  for (const ContentPiece& p : file.pieces) {
    if (size == 0) return;
    const std::uint64_t end = at + p.length;
    if (offset < end) {
      const std::uint64_t in = offset - at;
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(size, p.length - in));
      stream_bytes(file.text, p.seed, p.skip + in, out, take);
      out += take;
      offset += take;
      size -= take;
    }
    at = end;
  }
}

}  // namespace sample_catalog
