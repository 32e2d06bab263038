// The web console's files (index.html, assets/app.js, assets/app.css, favicon.svg) and how they are served: from
// the table embedded at build time (cmake/console.cmake) or, in development, from a directory read per request.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gridhub::api {

// One file of the console. The views point into the binary's read-only data (or a test's own buffers).
struct ConsoleAsset {
  std::string_view path;          // as requested: "/index.html", "/assets/app.js"
  std::string_view content_type;  // "text/html; charset=utf-8", ...
  std::string_view bytes;
  std::string_view gzip;          // the same file gzip-compressed; "" = none (served uncompressed)
  std::string etag;               // console_etag(bytes), computed once at start-up
};

// Where the console comes from. `dir` (gridhub serve --console-dir) wins over `embedded`; with neither (a build
// with GRIDHUB_CONSOLE=OFF) every console path answers 404 "the console was not built".
struct ConsoleSource {
  std::vector<ConsoleAsset> embedded;
  std::string dir;
};

// The files build.mjs writes, with their content types: the only files the console serves, from either source.
struct ConsoleFile {
  std::string_view path;
  std::string_view content_type;
};
inline constexpr ConsoleFile kConsoleFiles[] = {
    {"/index.html", "text/html; charset=utf-8"},
    {"/assets/app.js", "text/javascript"},
    {"/assets/app.css", "text/css"},
    {"/favicon.svg", "image/svg+xml"},
};

// A dev-dir file larger than this is refused (500) rather than read into memory.
inline constexpr std::size_t kMaxConsoleFileBytes = 64u << 20;

// The paths the console owns: "/", "/index.html", "/favicon.svg" and everything under "/assets/". These answer
// without credentials (the page holds no data: every API call it makes is authenticated).
bool is_console_path(std::string_view path);

// The known file for `path` ("/" is "/index.html"), or nullptr.
const ConsoleFile* find_console_file(std::string_view path);
// The asset of `assets` for `path` ("/" is "/index.html"), or nullptr.
const ConsoleAsset* find_console_asset(const std::vector<ConsoleAsset>& assets, std::string_view path);

// Whether an Accept-Encoding header value lets us answer with gzip: "gzip" (or "x-gzip") with q > 0, or, when gzip
// is not named, "*" with q > 0. Coding names and "q" are case-insensitive; a malformed q refuses that entry; an
// empty header means identity only.
bool accepts_gzip(std::string_view accept_encoding);

// Whether an If-None-Match header value matches `etag` (a quoted entity tag): "*", or any tag of the
// comma-separated list by weak comparison (W/"x" matches "x", RFC 9110 §13.1.2).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

// A strong entity tag for `bytes`: the quoted hex of the first 16 bytes of their SHA-256.
std::string console_etag(std::string_view bytes);

struct ConsoleRequest {
  std::string_view method;  // only GET and HEAD are served; others 405 with Allow
  std::string_view path;    // without the query
  std::string_view accept_encoding;
  std::string_view if_none_match;
};

// What the HTTP session writes. `headers` are everything beyond Content-Type and Content-Length; for HEAD,
// `body` holds the full body so that Content-Length is right, and `omit_body` says not to send it.
struct ConsoleReply {
  unsigned status = 200;
  std::string content_type;
  std::vector<std::pair<std::string_view, std::string>> headers;
  std::string body;
  bool omit_body = false;
};

// The security headers every console answer carries (CSP, nosniff, no referrer, no framing).
inline constexpr std::pair<std::string_view, std::string_view> kConsoleSecurityHeaders[] = {
    {"Content-Security-Policy",
     "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
};

// Serves one console path (is_console_path). Never throws on any input; refusals are the JSON envelope.
ConsoleReply serve_console(const ConsoleSource& source, const ConsoleRequest& request);

}  // namespace gridhub::api
