// RAII owners for the OpenSSL objects the pki module uses, and turning OpenSSL's thread-local error queue into
// one message. Internal to src/pki.
#pragma once
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

namespace gridhub::pki::detail {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};

using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, Deleter<GENERAL_NAME_free>>;
inline void openssl_free(char* p) noexcept { OPENSSL_free(p); }  // OPENSSL_free is a macro
using OpenSslString = std::unique_ptr<char, Deleter<openssl_free>>;

// `what`, then what OpenSSL's error queue says (empty queue: `what` alone). Empties the queue.
std::string openssl_error(std::string_view what);

// Every public pki function leaves this thread's OpenSSL error queue empty, so an error of ours can never be
// read later as a TLS session's (SSL_get_error consults the same thread-local queue).
class ErrorQueueGuard {
 public:
  ErrorQueueGuard() = default;
  ErrorQueueGuard(const ErrorQueueGuard&) = delete;
  ErrorQueueGuard& operator=(const ErrorQueueGuard&) = delete;
  ~ErrorQueueGuard() { ERR_clear_error(); }
};

// A read-only memory BIO over `text` (which must outlive it).
BioPtr memory_bio(std::string_view text);

}  // namespace gridhub::pki::detail
