// Serving the console's files: content negotiation (gzip), conditional requests (ETag), security headers, and
// the development directory read per request.
#include "api/console_assets.hpp"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "api/envelope.hpp"

namespace gridhub::api {

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits at `sep` and calls f(trimmed piece) for each non-empty piece; stops when f returns true.
template <class F>
bool any_piece(std::string_view s, char sep, F&& f) {
  while (!s.empty()) {
    const std::size_t at = s.find(sep);
    const std::string_view piece = trim(s.substr(0, at));
    if (!piece.empty() && f(piece)) return true;
    if (at == std::string_view::npos) break;
    s.remove_prefix(at + 1);
  }
  return false;
}

// RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ). Returns -1 when malformed,
// else the weight in thousandths.
int parse_qvalue(std::string_view v) {
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return -1;
  int whole = v[0] - '0';
  if (v.size() == 1) return whole * 1000;
  if (v[1] != '.' || v.size() > 5) return -1;
  int frac = 0, scale = 100;
  for (char c : v.substr(2)) {
    if (c < '0' || c > '9') return -1;
    frac += (c - '0') * scale;
    scale /= 10;
  }
  if (whole == 1 && frac != 0) return -1;
  return whole * 1000 + frac;
}

// One Accept-Encoding entry, "gzip;q=0.5": its coding and its weight (1000 when no q; -1 when malformed).
std::pair<std::string_view, int> coding_weight(std::string_view entry) {
  const std::size_t semi = entry.find(';');
  const std::string_view coding = trim(entry.substr(0, semi));
  int weight = 1000;
  if (semi != std::string_view::npos) {
    any_piece(entry.substr(semi + 1), ';', [&](std::string_view param) {
      const std::size_t eq = param.find('=');
      if (eq == std::string_view::npos) return false;
      if (iequals(trim(param.substr(0, eq)), "q")) {
        weight = parse_qvalue(trim(param.substr(eq + 1)));
        return true;
      }
      return false;
    });
  }
  return {coding, weight};
}

std::string_view unquote_weak(std::string_view tag) {
  if (tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/') tag.remove_prefix(2);
  return tag;
}

ConsoleReply json_reply(ApiResponse answer) {
  ConsoleReply reply;
  reply.status = answer.status;
  reply.content_type = "application/json";
  reply.body = std::move(answer.body);
  return reply;
}

void add_security_headers(ConsoleReply& reply) {
  for (const auto& [name, value] : kConsoleSecurityHeaders) reply.headers.emplace_back(name, std::string(value));
}

// Reads a regular file of at most kMaxConsoleFileBytes. false when it is missing or not a regular file; sets
// `too_large` when it is larger than that.
bool read_small_file(const std::string& path, std::string& out, bool& too_large) {
  too_large = false;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (static_cast<std::size_t>(st.st_size) > kMaxConsoleFileBytes) return too_large = true, false;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return false;
  out.clear();
  char buf[64 * 1024];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f.get())) > 0;) {
    if (out.size() + n > kMaxConsoleFileBytes) return too_large = true, false;
    out.append(buf, n);
  }
  return !std::ferror(f.get());
}

}  // namespace

bool is_console_path(std::string_view path) {
  return path == "/" || path == "/index.html" || path == "/favicon.svg" || path.starts_with("/assets/");
}

const ConsoleFile* find_console_file(std::string_view path) {
  if (path == "/") path = "/index.html";
  for (const ConsoleFile& f : kConsoleFiles)
    if (f.path == path) return &f;
  return nullptr;
}

const ConsoleAsset* find_console_asset(const std::vector<ConsoleAsset>& assets, std::string_view path) {
  if (path == "/") path = "/index.html";
  for (const ConsoleAsset& a : assets)
    if (a.path == path) return &a;
  return nullptr;
}

bool accepts_gzip(std::string_view accept_encoding) {
  int gzip = -2, star = -2;  // -2: not named
  any_piece(accept_encoding, ',', [&](std::string_view entry) {
    auto [coding, weight] = coding_weight(entry);
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) gzip = std::max(gzip, weight);
    else if (coding == "*") star = std::max(star, weight);
    return false;
  });
  if (gzip != -2) return gzip > 0;
  return star > 0;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (trim(if_none_match) == "*") return true;
  const std::string_view ours = unquote_weak(etag);
  return any_piece(if_none_match, ',', [&](std::string_view tag) { return unquote_weak(tag) == ours; });
}

std::string console_etag(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1 || size < 16) {
    // Cannot happen with a working libcrypto; an ETag nobody can match only costs caching.
    return "\"unhashed-" + std::to_string(bytes.size()) + "\"";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag = "\"";
  for (int i = 0; i < 16; ++i) {
    tag.push_back(kHex[digest[i] >> 4]);
    tag.push_back(kHex[digest[i] & 0xf]);
  }
  tag.push_back('"');
  return tag;
}

ConsoleReply serve_console(const ConsoleSource& source, const ConsoleRequest& request) {
  ConsoleReply reply;
  const bool head = request.method == "HEAD";
  if (request.method != "GET" && !head) {
    reply = json_reply(error(errc::method_not_allowed, "the console answers GET and HEAD only"));
    reply.headers.emplace_back("Allow", "GET, HEAD");
  } else if (source.dir.empty() && source.embedded.empty()) {
    reply = json_reply(error(errc::not_found,
                             "the console was not built (GRIDHUB_CONSOLE=OFF); serve one with --console-dir"));
  } else if (const ConsoleFile* file = find_console_file(request.path); !file) {
    reply = json_reply(error(errc::not_found, "unknown path " + std::string(request.path)));
  } else {
    // Both sources end here with the file's bytes, its gzip copy (embedded only) and its ETag.
    std::string dev_bytes, etag;
    std::string_view bytes, gzip;
    if (!source.dir.empty()) {
      // Development: read on every request, uncompressed (a hand-edited file never meets a stale .gz).
      bool too_large = false;
      const std::string path = source.dir + std::string(file->path);
      if (!read_small_file(path, dev_bytes, too_large)) {
        reply = too_large ? json_reply(error(errc::internal, path + " is larger than " +
                                                                 std::to_string(kMaxConsoleFileBytes) + " bytes"))
                          : json_reply(error(errc::not_found, "console file " + path + " does not exist"));
        add_security_headers(reply);
        return reply;
      }
      bytes = dev_bytes;
      etag = console_etag(bytes);
    } else if (const ConsoleAsset* asset = find_console_asset(source.embedded, file->path)) {
      bytes = asset->bytes;
      gzip = asset->gzip;
      etag = asset->etag;
    } else {
      reply = json_reply(error(errc::not_found, "unknown path " + std::string(request.path)));
      add_security_headers(reply);
      return reply;
    }
    reply.content_type = std::string(file->content_type);
    reply.headers.emplace_back("ETag", etag);
    reply.headers.emplace_back("Cache-Control", "no-cache");  // revalidate every time: a new build shows at once
    reply.headers.emplace_back("Vary", "Accept-Encoding");
    if (etag_matches(request.if_none_match, etag)) {
      reply.status = 304;
    } else if (!gzip.empty() && accepts_gzip(request.accept_encoding)) {
      reply.headers.emplace_back("Content-Encoding", "gzip");
      reply.body.assign(gzip);
    } else {
      reply.body.assign(bytes);
    }
    reply.omit_body = head;
  }
  add_security_headers(reply);
  return reply;
}

}  // namespace gridhub::api
