// The server side of TLS (spec enos-device-protocol.md §1.6), shared by the MQTT hub and the HTTPS API: one
// OpenSSL context built from a certificate chain and key file, with our protocol and cipher policy.
#pragma once
#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace gridhub::net {

// TLS 1.2 and 1.3 only; for 1.2 ECDHE-(ECDSA|RSA) with AES-GCM, for 1.3 OpenSSL's defaults. No renegotiation,
// no compression. OpenSSL releases a connection's record buffers while it is idle (SSL_MODE_RELEASE_BUFFERS).
struct TlsServerOptions {
  std::string cert_file;  // PEM: the server certificate, then any intermediates
  std::string key_file;   // PEM private key (never logged)
  // Ask the client for a certificate but accept any, and none: the hub decides at login whether the
  // certificate is one the registry issued for the device (tls_login.hpp). OpenSSL still checks that the
  // client holds the certificate's private key (CertificateVerify).
  bool request_client_certificate = false;
};

// Returns the context, or null with `error` saying which file or setting failed (never key material).
std::shared_ptr<boost::asio::ssl::context> make_tls_server_context(const TlsServerOptions& options,
                                                                   std::string& error);

}  // namespace gridhub::net
