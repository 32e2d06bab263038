// Builds the server's OpenSSL context: protocol range, cipher suites, certificate and key, client certificates.
#include "net/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>

namespace gridhub::net {

namespace {

// TLS 1.2 suites (1.3 has its own, all AEAD): forward secrecy and AES-GCM, as every EnOS SDK offers.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";

// Accepts every client chain: whether a certificate is good enough is decided at login, against the registry.
int accept_any_client_certificate(int, X509_STORE_CTX*) { return 1; }

std::string openssl_error(const std::string& what) {
  std::string out = what;
  if (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    out += ": ";
    out += buf;
  }
  ERR_clear_error();
  return out;
}

}  // namespace

std::shared_ptr<boost::asio::ssl::context> make_tls_server_context(const TlsServerOptions& options,
                                                                   std::string& error) {
  if (options.cert_file.empty() || options.key_file.empty()) {
    error = "TLS needs both a certificate file and a key file";
    return nullptr;
  }
  std::shared_ptr<boost::asio::ssl::context> context;
  try {  // asio's constructor throws when OpenSSL cannot allocate a context; nothing else below throws
    context = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  } catch (const std::exception& e) {
    error = std::string("cannot create a TLS context: ") + e.what();
    return nullptr;
  }
  SSL_CTX* ctx = context->native_handle();
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
    error = openssl_error("cannot restrict TLS to 1.2 and 1.3");
    return nullptr;
  }
  if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    error = openssl_error("cannot set the TLS 1.2 cipher suites");
    return nullptr;
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Idle devices are the common case: OpenSSL frees a connection's 16 KiB record buffers between records.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) != 1) {
    error = openssl_error("cannot load the TLS certificate " + options.cert_file);
    return nullptr;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, options.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    error = openssl_error("cannot load the TLS key " + options.key_file);
    return nullptr;
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    error = "the TLS key " + options.key_file + " does not match the certificate " + options.cert_file;
    ERR_clear_error();
    return nullptr;
  }
  if (options.request_client_certificate) {
    // SSL_VERIFY_PEER on a server sends a CertificateRequest; without FAIL_IF_NO_PEER_CERT a client may send
    // none.
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any_client_certificate);
    // Resumed sessions keep the peer certificate; the id context is required once client certificates are asked.
    static constexpr unsigned char kSessionId[] = "gridhub-mqtt";
    SSL_CTX_set_session_id_context(ctx, kSessionId, sizeof(kSessionId) - 1);
  }
  return context;
}

}  // namespace gridhub::net
