// What the pki tests share: keys and CSRs made with OpenSSL directly (as a device would), PEM <-> objects, and
// chain checks done by OpenSSL's own verifier rather than by the code under test.
#pragma once
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

#include "pki/pki.hpp"

namespace gridhub::pki::testing {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_REQ* p) const { X509_REQ_free(p); }
  void operator()(BIO* p) const { BIO_free_all(p); }
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;
using Req = std::unique_ptr<X509_REQ, Free>;
using Bio = std::unique_ptr<BIO, Free>;

inline Key rsa_key(unsigned bits) { return Key(EVP_RSA_gen(bits)); }
inline Key ec_key(const char* curve) { return Key(EVP_EC_gen(curve)); }
inline Key ed25519_key() { return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")); }

inline std::string bio_string(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

inline std::string req_pem(X509_REQ* req) {
  Bio bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_X509_REQ(bio.get(), req), 1);
  return bio_string(bio.get());
}

// A CSR as a device makes one: its own (ignored) subject, signed with its key. `md` nullptr for Ed25519.
inline Req make_req(EVP_PKEY* key, const EVP_MD* md = EVP_sha256()) {
  Req req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 0);
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Attacker"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("admin"), -1, -1, 0);
  X509_REQ_set_pubkey(req.get(), key);
  EXPECT_GT(X509_REQ_sign(req.get(), key, md), 0);
  return req;
}
inline std::string make_csr(EVP_PKEY* key, const EVP_MD* md = EVP_sha256()) { return req_pem(make_req(key, md).get()); }

// The CSR's DER with byte `index` (negative: from the end) XOR 0x01, back to PEM; "" when it no longer parses.
inline std::string flip_csr_byte(const std::string& pem, long index) {
  Bio in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Req req(PEM_read_bio_X509_REQ(in.get(), nullptr, nullptr, nullptr));
  if (!req) return {};
  unsigned char* der = nullptr;
  const int n = i2d_X509_REQ(req.get(), &der);
  if (n <= 0) return {};
  const long at = index < 0 ? n + index : index;
  der[at] ^= 0x01;
  const unsigned char* p = der;
  Req back(d2i_X509_REQ(nullptr, &p, n));
  OPENSSL_free(der);
  ERR_clear_error();
  return back ? req_pem(back.get()) : std::string();
}

inline Cert read_cert(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}
inline Key read_key(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// OpenSSL's chain verification of `leaf` against the single trusted `ca`, for `purpose` (X509_PURPOSE_*).
// X509_V_OK when it verifies.
inline int verify_chain(X509* ca, X509* leaf, int purpose) {
  std::unique_ptr<X509_STORE, Free> store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), ca);
  std::unique_ptr<X509_STORE_CTX, Free> ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr);
  X509_STORE_CTX_set_purpose(ctx.get(), purpose);
  X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_X509_STRICT);
  const int ok = X509_verify_cert(ctx.get());
  const int err = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  return ok == 1 ? X509_V_OK : (err == X509_V_OK ? -1 : err);
}

// Made once per test binary: a CA costs one EC key generation, cheap, but the tests read better with one.
inline const CertifiedKey& test_ca() {
  static const CertifiedKey ca = [] {
    std::string error;
    auto c = create_ca("Gridhub device CA o123", 7300, error);
    EXPECT_TRUE(c) << error;
    return c ? *c : CertifiedKey{};
  }();
  return ca;
}

inline const DeviceSubject kWho{"o123", "pk1", "dk1"};

}  // namespace gridhub::pki::testing
