// Client id / username parsing and the EnOS signature (a plain digest of sorted key/value text + secret).
#include "enos/login.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <memory>
#include <vector>

namespace gridhub::enos {

namespace {

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

const EVP_MD* digest_of(SignMethod m) noexcept {
  switch (m) {
    case SignMethod::Sha256:
      return EVP_sha256();
    case SignMethod::Sha1:
      return EVP_sha1();
    case SignMethod::Md5:
      return EVP_md5();
  }
  return nullptr;
}

struct CtxFree {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

// The raw digest of the concatenation of `parts`, fed piece by piece so that no joined string is built.
// Returns the digest length, 0 on an OpenSSL failure.
template <typename Parts>
unsigned digest(SignMethod m, const Parts& parts, std::array<unsigned char, EVP_MAX_MD_SIZE>& md) noexcept {
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), digest_of(m), nullptr) != 1) return 0;
  for (std::string_view p : parts)
    if (EVP_DigestUpdate(ctx.get(), p.data(), p.size()) != 1) return 0;
  unsigned len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), md.data(), &len) != 1) return 0;
  return len;
}

constexpr char kHexDigits[] = "0123456789abcdef";

std::string to_hex(const unsigned char* p, unsigned n) {
  std::string out(std::size_t{n} * 2, '\0');
  for (unsigned i = 0; i < n; ++i) {
    out[2 * i] = kHexDigits[p[i] >> 4];
    out[2 * i + 1] = kHexDigits[p[i] & 0x0f];
  }
  return out;
}

// The four login fields, already in ASCII key order (clientId < deviceKey < productKey < timestamp).
std::array<std::string_view, 9> login_parts(std::string_view prefix, std::string_view dk, std::string_view pk,
                                            std::string_view ts, std::string_view secret) noexcept {
  return {"clientId", prefix, "deviceKey", dk, "productKey", pk, "timestamp", ts, secret};
}

}  // namespace

std::optional<SignMethod> parse_sign_method(std::string_view name) noexcept {
  if (iequals(name, "sha256") || iequals(name, "hmacsha256")) return SignMethod::Sha256;
  if (iequals(name, "sha1") || iequals(name, "hmacsha1")) return SignMethod::Sha1;
  if (iequals(name, "md5") || iequals(name, "hmacmd5")) return SignMethod::Md5;
  return std::nullopt;
}

boost::system::result<ClientId> parse_client_id(std::string_view client_id) noexcept {
  const auto first = client_id.find('|');
  // The key list runs to a '|' that must be the last character (a missing one means a truncated id).
  if (first == std::string_view::npos || first == 0 || client_id.size() < first + 2 ||
      client_id.back() != '|')
    return errc::bad_client_id;
  ClientId out;
  out.prefix = client_id.substr(0, first);
  std::string_view list = client_id.substr(first + 1, client_id.size() - first - 2);
  if (list.find('|') != std::string_view::npos) return errc::bad_client_id;

  bool have_mode = false, have_method = false, have_timestamp = false;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view entry = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (entry.empty()) continue;
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) return errc::bad_client_id;
    const std::string_view key = trim(entry.substr(0, eq)), value = trim(entry.substr(eq + 1));
    if (iequals(key, "securemode")) {
      int mode = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), mode);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size() || mode < 0)
        return errc::bad_secure_mode;
      out.secure_mode = mode;
      have_mode = true;
    } else if (iequals(key, "signmethod")) {
      auto m = parse_sign_method(value);
      if (!m) return errc::bad_sign_method;
      out.sign_method = *m;
      have_method = true;
    } else if (iequals(key, "timestamp")) {
      out.timestamp = value;
      have_timestamp = !value.empty();
    }
  }
  if (!have_mode) return errc::bad_secure_mode;
  if (!have_method) return errc::bad_sign_method;
  if (!have_timestamp) return errc::missing_timestamp;
  return out;
}

boost::system::result<Username> parse_username(std::string_view username) noexcept {
  const auto amp = username.find('&');
  if (amp == std::string_view::npos || amp == 0 || amp + 1 == username.size() ||
      username.find('&', amp + 1) != std::string_view::npos)
    return errc::bad_username;
  return Username{username.substr(0, amp), username.substr(amp + 1)};
}

std::string sign(SignMethod m, std::string_view client_id_prefix, std::string_view device_key,
                 std::string_view product_key, std::string_view timestamp, std::string_view secret) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md;
  const unsigned n = digest(m, login_parts(client_id_prefix, device_key, product_key, timestamp, secret), md);
  return to_hex(md.data(), n);
}

bool verify_sign(SignMethod m, std::string_view client_id_prefix, std::string_view device_key,
                 std::string_view product_key, std::string_view timestamp, std::string_view secret,
                 std::string_view given_hex) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md;
  const unsigned n = digest(m, login_parts(client_id_prefix, device_key, product_key, timestamp, secret), md);
  // The length is public (it follows from the sign method); only the content must not leak through timing.
  if (n == 0 || given_hex.size() != std::size_t{n} * 2) return false;
  std::array<char, EVP_MAX_MD_SIZE * 2> expected, given;
  for (unsigned i = 0; i < n; ++i) {
    expected[2 * i] = kHexDigits[md[i] >> 4];
    expected[2 * i + 1] = kHexDigits[md[i] & 0x0f];
  }
  // Lower-casing the device's own text may branch: it tells nothing about the secret.
  for (std::size_t i = 0; i < given_hex.size(); ++i) given[i] = lower(given_hex[i]);
  return CRYPTO_memcmp(expected.data(), given.data(), given_hex.size()) == 0;
}

std::string sign_fields(SignMethod m, std::span<const std::pair<std::string_view, std::string_view>> fields,
                        std::string_view secret) {
  std::vector<std::string_view> parts;
  parts.reserve(fields.size() * 2 + 1);
  std::vector<const std::pair<std::string_view, std::string_view>*> order;
  order.reserve(fields.size());
  for (const auto& f : fields) order.push_back(&f);
  // string_view compares as unsigned bytes (char_traits), i.e. ASCII order as the SDKs sort.
  std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (auto* f : order) {
    parts.push_back(f->first);
    parts.push_back(f->second);
  }
  parts.push_back(secret);
  std::array<unsigned char, EVP_MAX_MD_SIZE> md;
  const unsigned n = digest(m, parts, md);
  return to_hex(md.data(), n);
}

}  // namespace gridhub::enos
