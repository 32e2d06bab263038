// The pki module's OpenSSL error text and memory BIOs.
#include "pki/openssl_ptr.hpp"

#include <climits>

namespace gridhub::pki::detail {

std::string openssl_error(std::string_view what) {
  std::string out(what);
  char buf[256];
  // Several entries are common (a decoder failure stacks "unsupported" under "bad end line"): keep the first
  // few, which are the ones closest to the cause.
  int kept = 0;
  for (unsigned long e = ERR_get_error(); e != 0; e = ERR_get_error()) {
    if (kept++ >= 3) continue;
    ERR_error_string_n(e, buf, sizeof buf);
    out.append(kept == 1 ? ": " : "; ").append(buf);
  }
  return out;
}

BioPtr memory_bio(std::string_view text) {
  if (text.size() > INT_MAX) return nullptr;
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

}  // namespace gridhub::pki::detail
