// The pieces every issued certificate is made of (see cert_builder.hpp).
#include "pki/cert_builder.hpp"

#include <openssl/pem.h>
#include <openssl/rand.h>

#include <climits>

namespace gridhub::pki::detail {

namespace {

std::optional<std::string> bio_text(BIO* bio, std::string& error) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  if (n <= 0 || !data) {
    error = openssl_error("cannot write PEM");
    return std::nullopt;
  }
  return std::string(data, static_cast<std::size_t>(n));
}

bool set_random_serial(X509* cert, std::string& error) {
  unsigned char bytes[16];  // 128 bits: RFC 5280 asks for at least 64 unpredictable ones, at most 20 octets
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    error = openssl_error("no random serial");
    return false;
  }
  BignumPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));  // unsigned big-endian: never negative
  if (bn && BN_is_zero(bn.get())) BN_one(bn.get());       // a serial must be positive
  Asn1IntegerPtr serial(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
  if (!serial || X509_set_serialNumber(cert, serial.get()) != 1) {
    error = openssl_error("cannot set the serial number");
    return false;
  }
  return true;
}

bool is_dns_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '-' || c == '_' || c == '*';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

int no_password(char*, int, int, void*) { return 0; }

bool check_days(int days, std::string& error) {
  if (days >= 1 && days <= kMaxDays) return true;
  error = "validity must be 1.." + std::to_string(kMaxDays) + " days, not " + std::to_string(days);
  return false;
}

EvpPkeyPtr new_ec_key(std::string& error) {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) error = openssl_error("cannot generate an EC P-256 key");
  return key;
}

std::optional<std::string> cert_to_pem(X509* cert, std::string& error) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    error = openssl_error("cannot write the certificate");
    return std::nullopt;
  }
  return bio_text(bio.get(), error);
}

std::optional<std::string> key_to_pem(EVP_PKEY* key, std::string& error) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    error = openssl_error("cannot write the private key");
    return std::nullopt;
  }
  return bio_text(bio.get(), error);
}

X509Ptr read_cert(std::string_view pem, std::string& error) {
  BioPtr bio = memory_bio(pem);
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, no_password, nullptr) : nullptr);
  if (!cert) error = openssl_error("not a PEM certificate");
  return cert;
}

EvpPkeyPtr read_key(std::string_view pem, std::string& error) {
  BioPtr bio = memory_bio(pem);
  EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr) : nullptr);
  if (!key) error = openssl_error("not a PEM private key (or an encrypted one)");
  return key;
}

std::optional<Issuer> read_issuer(const CertifiedKey& ca, std::string& error) {
  Issuer out;
  out.cert = read_cert(ca.cert_pem, error);
  if (!out.cert) {
    error = "CA certificate: " + error;
    return std::nullopt;
  }
  out.key = read_key(ca.key_pem, error);
  if (!out.key) {
    error = "CA key: " + error;
    return std::nullopt;
  }
  if (X509_check_private_key(out.cert.get(), out.key.get()) != 1) {
    error = openssl_error("the CA key does not match the CA certificate");
    return std::nullopt;
  }
  if (X509_check_ca(out.cert.get()) == 0) {
    error = "the CA certificate is not a CA (basicConstraints CA:TRUE is missing)";
    return std::nullopt;
  }
  return out;
}

X509Ptr new_certificate(EVP_PKEY* subject_key, const NameEntries& subject, X509* issuer, int days,
                        std::string& error) {
  if (!check_days(days, error)) return nullptr;
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    error = openssl_error("cannot create a certificate");
    return nullptr;
  }
  if (!set_random_serial(cert.get(), error)) return nullptr;
  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& [field, value] : subject) {
    if (value.empty() || value.size() > 64) {  // RFC 5280's upper bound for CN, OU and O
      error = std::string("subject ") + field + " must be 1..64 bytes";
      return nullptr;
    }
    const auto* bytes = reinterpret_cast<const unsigned char*>(value.data());
    if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, bytes, static_cast<int>(value.size()), -1, 0) != 1) {
      error = openssl_error(std::string("cannot set subject ") + field);
      return nullptr;
    }
  }
  X509_NAME* issuer_name = issuer ? X509_get_subject_name(issuer) : name;
  if (X509_set_issuer_name(cert.get(), issuer_name) != 1 ||
      !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60) ||  // a device clock a little behind still accepts it
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr) ||
      X509_set_pubkey(cert.get(), subject_key) != 1) {
    error = openssl_error("cannot fill the certificate");
    return nullptr;
  }
  if (!add_extension(cert.get(), issuer, NID_subject_key_identifier, "hash", error)) return nullptr;
  return cert;
}

bool add_extension(X509* cert, X509* issuer, int nid, const char* value, std::string& error) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    error = openssl_error(std::string("cannot add extension ") + OBJ_nid2sn(nid) + " = " + value);
    return false;
  }
  return true;
}

bool add_subject_alt_names(X509* cert, const std::vector<std::string>& hosts, std::string& error) {
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) {
    error = openssl_error("out of memory");
    return false;
  }
  for (const std::string& host : hosts) {
    GeneralNamePtr gn(GENERAL_NAME_new());
    if (!gn) {
      error = openssl_error("out of memory");
      return false;
    }
    if (ASN1_OCTET_STRING* ip = a2i_IPADDRESS(host.c_str()); ip && host.find('\0') == std::string::npos) {
      GENERAL_NAME_set0_value(gn.get(), GEN_IPADD, ip);
    } else {
      if (ip) ASN1_OCTET_STRING_free(ip);
      ERR_clear_error();  // a2i_IPADDRESS complains about every DNS name
      if (!is_dns_name(host)) {
        error = "host \"" + host + "\" is neither an IP address nor a DNS name";
        return false;
      }
      ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
      if (!dns || ASN1_STRING_set(dns, host.data(), static_cast<int>(host.size())) != 1) {
        ASN1_IA5STRING_free(dns);
        error = openssl_error("out of memory");
        return false;
      }
      GENERAL_NAME_set0_value(gn.get(), GEN_DNS, dns);
    }
    if (sk_GENERAL_NAME_push(names.get(), gn.get()) <= 0) {
      error = openssl_error("out of memory");
      return false;
    }
    gn.release();  // the stack owns it now
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    error = openssl_error("cannot add subjectAltName");
    return false;
  }
  return true;
}

bool sign(X509* cert, EVP_PKEY* issuer_key, std::string& error) {
  if (X509_sign(cert, issuer_key, EVP_sha256()) <= 0) {
    error = openssl_error("cannot sign the certificate");
    return false;
  }
  return true;
}

}  // namespace gridhub::pki::detail
