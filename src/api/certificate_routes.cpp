// /connect-service/v2.1/certificates (spec enos-platform.md §4.3): device certificates issued from a device's CSR
// by its OU's CA (made on first use), renewed, revoked and listed. The hub accepts a client certificate at login
// when the registry has it for that device, not revoked and in date (docs/api_certificates.md).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/device_lookup.hpp"
#include "api/envelope.hpp"
#include "api/json_fields.hpp"
#include "api/routes.hpp"
#include "pki/pki.hpp"
#include "registry/errc.hpp"

namespace gridhub::api {

namespace {

constexpr int kOrgCaDays = 7300;  // 20 years: longer than any certificate it signs
constexpr std::size_t kMaxCsrBytes = 16 * 1024;

// The OU's CA, made on first use. Two first uses at once both make one; put_org_ca keeps the first and the
// loser reads it back, so every certificate of the OU chains to the one CA.
std::optional<ApiResponse> org_ca(ApiContext& ctx, const std::string& org, pki::CertifiedKey& out) {
  auto stored = ctx.registry.get_org_ca(org);
  if (!stored && stored.error() == registry::errc::not_found) {
    std::string message;
    auto made = pki::create_ca("Gridhub device CA " + org, kOrgCaDays, message);
    if (!made) return error(errc::internal, "cannot create the OU's CA: " + message);
    auto put = ctx.registry.put_org_ca({org, made->cert_pem, made->key_pem, ctx.now_ms()});
    if (put) {
      out = std::move(*made);
      return std::nullopt;
    }
    if (put.error() != registry::errc::already_exists)
      return error(put.error(), Subject::None, "OU CA: " + put.error().message());
    stored = ctx.registry.get_org_ca(org);
  }
  if (!stored) return error(errc::internal, "OU CA: " + stored.error().message());
  out = {std::move(stored->cert_pem), std::move(stored->key_pem)};
  return std::nullopt;
}

// What apply and renew read from the body.
struct IssueRequest {
  std::string csr;
  int valid_days = 0;
};

// The body's CSR and validDay, bounded by the device's product (defaultValidDay when absent, at most maxValidDay).
bool read_issue_request(ApiContext& ctx, const ApiCall& call, const registry::Device& d, IssueRequest& out,
                        std::string& message) {
  auto product = ctx.registry.get_product(call.org_id, d.product_key);
  if (!product) {
    message = "product " + d.product_key + ": " + product.error().message();
    return false;
  }
  out.valid_days = product->default_valid_day;
  const int max_days = product->max_valid_day;
  boost::json::object body;
  if (!parse_body_object(call.request.body, body, message)) return false;
  FieldReader f(body);
  std::string authority;
  f.string("csr", out.csr, true, kMaxCsrBytes);
  // EnOS picks its RSA or its ECC CA with this; Gridhub has one (EC) CA per OU, which signs either kind of key.
  f.one_of("issueAuthority", authority, {"RSA", "ECC"});
  if (!f.ok()) {
    message = f.error();
    return false;
  }
  if (const boost::json::value* v = body.if_contains("validDay"); v && !v->is_null()) {
    // A JSON integer only: 30.0, "30" and true are refused like 0 and 3651 (uint64 is above int64's range).
    const int64_t n = v->is_int64() ? v->get_int64() : 0;
    if (n < 1 || n > max_days) {
      message = "validDay must be an integer 1.." + std::to_string(max_days) + " (the product's maxValidDay)";
      return false;
    }
    out.valid_days = static_cast<int>(n);
  }
  return true;
}

// The query's certSN (serials are written in lower-case hex; an upper-case copy from another tool matches).
bool read_cert_sn(const ApiCall& call, std::string& out, std::string& message) {
  out = call.query.get("certSN");
  if (out.empty()) {
    message = "certSN is required";
    return false;
  }
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return true;
}

// The device's certificate `sn`: 404 when the OU has no such certificate or it is another device's.
std::optional<ApiResponse> find_certificate(ApiContext& ctx, const ApiCall& call, const registry::Device& d,
                                            const std::string& sn, registry::DeviceCertificate& out) {
  auto c = ctx.registry.get_certificate(call.org_id, sn);
  if (!c || c->asset_id != d.asset_id) {
    if (c || c.error() == registry::errc::not_found)
      return error(errc::not_found, "certificate " + sn + " of device " + d.product_key + "/" + d.device_key +
                                        " not found");
    return error(c.error(), Subject::None, "certificate: " + c.error().message());
  }
  out = std::move(*c);
  return std::nullopt;
}

// Signs the CSR for `d` with the OU's CA and records the certificate.
std::optional<ApiResponse> issue(ApiContext& ctx, const ApiCall& call, const registry::Device& d,
                                 const IssueRequest& req, boost::json::object& data) {
  pki::CertifiedKey ca;
  if (auto refused = org_ca(ctx, call.org_id, ca)) return refused;
  std::string message;
  auto pem = pki::sign_device_csr(ca, req.csr, {call.org_id, d.product_key, d.device_key}, req.valid_days, message);
  if (!pem) return error(errc::invalid_param, "csr: " + message);
  auto info = pki::inspect_certificate(*pem, message);
  if (!info) return error(errc::internal, "the issued certificate cannot be read: " + message);
  registry::DeviceCertificate c;
  c.cert_sn = info->serial;
  c.org_id = call.org_id;
  c.asset_id = d.asset_id;
  c.product_key = d.product_key;
  c.device_key = d.device_key;
  c.cert_pem = *pem;
  c.fingerprint = info->fingerprint;
  c.issue_time = ctx.now_ms();
  c.not_before = info->not_before;
  c.not_after = info->not_after;
  if (auto r = ctx.registry.save_certificate(c); !r)
    return error(r.error(), Subject::Device, "certificate: " + r.error().message());
  data.emplace("cert", std::move(*pem));
  data.emplace("certSN", info->serial);
  data.emplace("caCert", std::move(ca.cert_pem));
  data.emplace("validDay", req.valid_days);
  return std::nullopt;
}

std::string_view status_of(const registry::DeviceCertificate& c, int64_t now) {
  if (c.revoked) return "revoked";
  if (c.not_after < now) return "expired";
  return "valid";
}

}  // namespace

ApiResponse certificate_apply(ApiContext& ctx, const ApiCall& call) {
  std::string message;
  auto d = find_device(ctx, call, message);
  if (!d) return error(d.error(), Subject::Device, message);
  IssueRequest req;
  if (!read_issue_request(ctx, call, *d, req, message)) return error(errc::invalid_param, message);
  boost::json::object data;
  if (auto refused = issue(ctx, call, *d, req, data)) return std::move(*refused);
  return ok(std::move(data));
}

ApiResponse certificate_renew(ApiContext& ctx, const ApiCall& call) {
  std::string message, sn;
  auto d = find_device(ctx, call, message);
  if (!d) return error(d.error(), Subject::Device, message);
  if (!read_cert_sn(call, sn, message)) return error(errc::invalid_param, message);
  registry::DeviceCertificate old;
  if (auto refused = find_certificate(ctx, call, *d, sn, old)) return std::move(*refused);
  // Renewing would otherwise bring a revoked certificate's holder back without anyone applying again.
  if (old.revoked) return error(errc::invalid_param, "certificate " + sn + " is revoked: apply for a new one");
  IssueRequest req;
  if (!read_issue_request(ctx, call, *d, req, message)) return error(errc::invalid_param, message);
  boost::json::object data;
  if (auto refused = issue(ctx, call, *d, req, data)) return std::move(*refused);
  // The new certificate is on record before the old one stops working: the device is never left without one.
  if (auto r = ctx.registry.revoke_certificate(call.org_id, sn, ctx.now_ms()); !r)
    return error(r.error(), Subject::None, "the new certificate " + std::string(data.at("certSN").as_string()) +
                                               " was issued, but the old one was not revoked: " + r.error().message());
  return ok(std::move(data));
}

ApiResponse certificate_revoke(ApiContext& ctx, const ApiCall& call) {
  std::string message, sn;
  auto d = find_device(ctx, call, message);
  if (!d) return error(d.error(), Subject::Device, message);
  if (!read_cert_sn(call, sn, message)) return error(errc::invalid_param, message);
  registry::DeviceCertificate c;
  if (auto refused = find_certificate(ctx, call, *d, sn, c)) return std::move(*refused);
  if (auto r = ctx.registry.revoke_certificate(call.org_id, sn, ctx.now_ms()); !r)
    return error(r.error(), Subject::None, "certificate: " + r.error().message());
  // A connection made with the certificate must not outlive it: the device logs in again, and a login with a
  // revoked certificate is refused.
  ctx.hub.kick(d->product_key, d->device_key);
  return ok(nullptr);
}

ApiResponse certificate_list(ApiContext& ctx, const ApiCall& call) {
  std::string message;
  auto d = find_device(ctx, call, message);
  if (!d) return error(d.error(), Subject::Device, message);
  const int64_t now = ctx.now_ms();
  boost::json::array out;
  for (const auto& c : ctx.registry.list_certificates(call.org_id, d->product_key, d->device_key)) {
    boost::json::object o;
    o.reserve(7);
    o.emplace("certSN", c.cert_sn);
    o.emplace("cert", c.cert_pem);
    o.emplace("issueTime", c.issue_time);
    o.emplace("notBefore", c.not_before);
    o.emplace("notAfter", c.not_after);
    o.emplace("status", status_of(c, now));
    o.emplace("revokeTime", c.revoked ? boost::json::value(c.revoke_time) : boost::json::value(nullptr));
    out.push_back(std::move(o));
  }
  return ok(std::move(out));
}

}  // namespace gridhub::api
