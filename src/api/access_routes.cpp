// Who may use the API, as routes: console sessions (login, logout, who am I), console users, applications
// (service accounts) and OUs. The token service is in apim_token_service.cpp. Password hashing (Argon2id)
// runs on ctx.workers, bounded by kMaxQueuedPasswordChecks. No log line or error carries a password, secret
// or token; answers carry one only where it is handed out (a session's token, a new app's secret, a new OU's
// token).
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <exception>
#include <memory>

#include "api/envelope.hpp"
#include "api/json_fields.hpp"
#include "api/limits.hpp"
#include "api/routes.hpp"
#include "registry/errc.hpp"
#include "registry/limits.hpp"

namespace gridhub::api {

namespace {

const std::string kUserRules = "username must be " + std::to_string(registry::kMinUsernameLength) + ".." +
                               std::to_string(registry::kMaxUsernameLength) +
                               " characters of letters, digits, _ . @ -; password " +
                               std::to_string(registry::kMinPasswordLength) + ".." +
                               std::to_string(registry::kMaxPasswordLength) + " bytes; role admin or viewer";

// Runs `work` on ctx.workers when fewer than kMaxQueuedPasswordChecks are queued or running; otherwise
// answers 429 at once. `work` answers through `done`; an exception answers 500.
template <class Work>
void on_worker(ApiContext& ctx, ResponseCallback done, Work work) {
  if (ctx.password_checks.fetch_add(1) >= kMaxQueuedPasswordChecks) {
    ctx.password_checks.fetch_sub(1);
    return done(error(errc::too_many_attempts, "too many password checks in progress, try again later"));
  }
  boost::asio::post(ctx.workers, [&ctx, done = std::move(done), work = std::move(work)]() mutable {
    // The slot is given back before the answer leaves, so that a client that got its answer finds it free.
    bool answered = false;
    ResponseCallback answer = [&ctx, &done, &answered](ApiResponse r) {
      if (answered) return;
      answered = true;
      ctx.password_checks.fetch_sub(1);
      done(std::move(r));
    };
    try {
      work(answer);
    } catch (const std::exception& e) {
      spdlog::error("api: password check: unexpected exception: {}", e.what());
    } catch (...) {
      spdlog::error("api: password check: unexpected exception");
    }
    if (!answered) answer(error(errc::internal, "internal error"));
  });
}

// Reads the body of an access route: every named string field (empty when absent), with typed errors.
bool read_strings(const ApiCall& call,
                  std::initializer_list<std::pair<std::string_view, std::string*>> fields,
                  std::string& message) {
  boost::json::object body;
  if (!parse_body_object(call.request.body, body, message)) return false;
  FieldReader f(body);
  for (const auto& [key, out] : fields) f.string(key, *out, false, kMaxCredentialFieldBytes);
  if (!f.ok()) message = f.error();
  return f.ok();
}

// A body field, or the query parameter of the same name when the body has none.
std::string body_or_query(const ApiCall& call, std::string_view key, std::string& message, bool& ok) {
  std::string value;
  ok = read_strings(call, {{key, &value}}, message);
  if (ok && value.empty()) value = std::string(call.query.get(key));
  return value;
}

template <class T, class View>
ApiResponse page_of(const ApiCall& call, const std::vector<T>& items, View view) {
  boost::json::object body;
  std::string message;
  registry::Page page;
  if (!parse_body_object(call.request.body, body, message) || !read_page(body, page, message))
    return error(errc::invalid_param, message);
  boost::json::array data;
  const std::size_t first =
      static_cast<std::size_t>(page.page_no - 1) * static_cast<std::size_t>(page.page_size);
  for (std::size_t i = first; i < items.size() && i < first + static_cast<std::size_t>(page.page_size); ++i)
    data.push_back(view(items[i]));
  return ok_page(std::move(data), page.page_no, page.page_size, static_cast<int64_t>(items.size()));
}

boost::json::object user_view(const registry::User& u) {
  return {{"username", u.username},
          {"role", u.role},
          {"orgId", u.org_id},
          {"createTime", u.create_time},
          {"updateTime", u.update_time}};
}

// Apps as searched: never the secret.
boost::json::object app_view(const registry::App& a) {
  return {{"appKey", a.app_key},
          {"name", a.name},
          {"access", a.access},
          {"orgId", a.org_id},
          {"createTime", a.create_time}};
}

ApiResponse user_error(const boost::system::error_code& ec, std::string_view username) {
  if (ec == registry::errc::invalid_argument) return error(errc::invalid_param, kUserRules);
  if (ec == registry::errc::already_exists)
    return error(ec, Subject::None, "username " + std::string(username) + " is taken");
  if (ec == registry::errc::not_found)
    return error(ec, Subject::None, "user " + std::string(username) + " not found");
  return error(ec, Subject::None);
}

std::string bearer_token(std::string_view authorization) {
  constexpr std::size_t kScheme = 7;  // "Bearer "; auth.cpp checked the scheme before the route ran
  if (authorization.size() <= kScheme) return {};
  std::string_view t = authorization.substr(kScheme);
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return std::string(t);
}

}  // namespace

// ---- sessions ----

void session_login(ApiContext& ctx, const ApiCall& call, ResponseCallback done) {
  std::string username, password, message;
  if (!read_strings(call, {{"username", &username}, {"password", &password}}, message))
    return done(error(errc::invalid_param, message));
  if (username.empty() || password.empty())
    return done(error(errc::invalid_param, "username and password are required"));
  std::string address_key = "addr:" + call.request.remote_address;
  std::string user_key = "user:" + username;
  // A blocked caller costs a lookup, not a hash.
  if (!ctx.failed_logins_by_address.allowed(address_key) || !ctx.failed_logins_by_name.allowed(user_key))
    return done(error(errc::too_many_attempts));
  on_worker(ctx, std::move(done),
            [&ctx, username = std::move(username), password = std::move(password),
             address_key = std::move(address_key), user_key = std::move(user_key)](ResponseCallback& done) {
              auto user = ctx.registry.check_password(username, password);
              if (!user) {
                if (user.error() != registry::errc::not_found)
                  return done(error(user.error(), Subject::None));
                const bool a = ctx.failed_logins_by_address.failed(address_key);
                const bool u = ctx.failed_logins_by_name.failed(user_key);
                if (a || u)
                  spdlog::warn("api: console login: repeated failures for {} from {}: blocked for a while",
                               user_key, address_key);
                return done(error(errc::unauthorized, "wrong username or password"));
              }
              ctx.failed_logins_by_name.succeeded(user_key);
              const int64_t expire = ctx.now_ms() + kSessionLifetimeMs;
              auto token = ctx.registry.create_session(user->org_id, user->username, expire);
              if (!token) return done(error(token.error(), Subject::None, "cannot open a session"));
              done(ok(boost::json::object{
                  {"sessionToken", *token},
                  {"expire", expire},
                  {"user", {{"username", user->username}, {"role", user->role}, {"orgId", user->org_id}}}}));
            });
}

ApiResponse session_logout(ApiContext& ctx, const ApiCall& call) {
  // Ends the session whose token made this call; for any other credential (API token, application) there is
  // no session to end and nothing happens.
  if (call.request.apim_access_token.empty()) {
    const std::string token = bearer_token(call.request.authorization);
    if (!token.empty()) ctx.registry.delete_session(token);
  }
  return ok(nullptr);
}

ApiResponse session_get(ApiContext&, const ApiCall& call) {
  return ok(boost::json::object{{"username", call.caller.name},
                                {"role", call.caller.role},
                                {"orgId", call.caller.org_id},
                                {"canWrite", call.caller.can_write()}});
}

// ---- users ----

void user_create(ApiContext& ctx, const ApiCall& call, ResponseCallback done) {
  std::string username, password, role, message;
  if (!read_strings(call, {{"username", &username}, {"password", &password}, {"role", &role}}, message))
    return done(error(errc::invalid_param, message));
  if (username.empty() || password.empty())
    return done(error(errc::invalid_param, "username and password are required"));
  if (role.empty()) role = "viewer";
  if (role != "admin" && role != "viewer")
    return done(error(errc::invalid_param, "role must be admin or viewer"));
  on_worker(ctx, std::move(done),
            [&ctx, org = call.org_id, username = std::move(username), role = std::move(role),
             password = std::move(password)](ResponseCallback& done) {
              auto user = ctx.registry.create_user(org, username, password, role);
              if (!user) return done(user_error(user.error(), username));
              spdlog::info("api: console user {} created in {} (role {})", user->username, org, user->role);
              done(ok(user_view(*user)));
            });
}

ApiResponse user_search(ApiContext& ctx, const ApiCall& call) {
  return page_of(call, ctx.registry.list_users(call.org_id), user_view);
}

void user_update(ApiContext& ctx, const ApiCall& call, ResponseCallback done) {
  std::string username, password, role, message;
  if (!read_strings(call, {{"username", &username}, {"password", &password}, {"role", &role}}, message))
    return done(error(errc::invalid_param, message));
  if (username.empty()) username = std::string(call.query.get("username"));
  if (username.empty()) return done(error(errc::invalid_param, "username is required"));
  if (!role.empty() && role != "admin" && role != "viewer")
    return done(error(errc::invalid_param, "role must be admin or viewer"));
  if (role.empty() && password.empty())
    return done(error(errc::invalid_param, "nothing to change: give role or password"));
  const bool hashing = !password.empty();
  auto work = [&ctx, org = call.org_id, username = std::move(username), role = std::move(role),
               password = std::move(password)](ResponseCallback& done) {
    auto user = ctx.registry.update_user(org, username, role, password);
    if (!user) return done(user_error(user.error(), username));
    done(ok(user_view(*user)));
  };
  // Only a new password needs hashing; a role change answers at once.
  if (!hashing) return work(done);
  on_worker(ctx, std::move(done), std::move(work));
}

ApiResponse user_delete(ApiContext& ctx, const ApiCall& call) {
  std::string message;
  bool ok_read = false;
  const std::string username = body_or_query(call, "username", message, ok_read);
  if (!ok_read) return error(errc::invalid_param, message);
  if (username.empty()) return error(errc::invalid_param, "username is required");
  if (auto r = ctx.registry.delete_user(call.org_id, username); !r) return user_error(r.error(), username);
  spdlog::info("api: console user {} deleted from {}", username, call.org_id);
  return ok(nullptr);
}

// ---- applications ----

ApiResponse app_create(ApiContext& ctx, const ApiCall& call) {
  boost::json::object body;
  std::string message, name, access = "read";
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  FieldReader f(body);
  f.string("name", name, true, kMaxCredentialFieldBytes);
  f.one_of("access", access, {"full", "read"});
  if (!f.ok()) return error(errc::invalid_param, f.error());
  auto app = ctx.registry.create_app(call.org_id, name, access);
  if (!app) {
    if (app.error() == registry::errc::invalid_argument)
      return error(errc::invalid_param, "name must be 1.." + std::to_string(registry::kMaxAppNameChars) +
                                            " characters; access full or read");
    return error(app.error(), Subject::None);
  }
  spdlog::info("api: application {} created in {} (access {})", app->app_key, app->org_id, app->access);
  // The only answer that ever carries the secret: the caller must keep it now.
  boost::json::object data = app_view(*app);
  data["appSecret"] = app->app_secret;
  return ok(std::move(data));
}

ApiResponse app_search(ApiContext& ctx, const ApiCall& call) {
  return page_of(call, ctx.registry.list_apps(call.org_id), app_view);
}

ApiResponse app_delete(ApiContext& ctx, const ApiCall& call) {
  std::string message;
  bool ok_read = false;
  const std::string app_key = body_or_query(call, "appKey", message, ok_read);
  if (!ok_read) return error(errc::invalid_param, message);
  if (app_key.empty()) return error(errc::invalid_param, "appKey is required");
  if (auto r = ctx.registry.delete_app(call.org_id, app_key); !r) {
    if (r.error() == registry::errc::not_found)
      return error(r.error(), Subject::None, "application " + app_key + " not found");
    return error(r.error(), Subject::None);
  }
  ctx.apim_tokens.forget(app_key);
  spdlog::info("api: application {} deleted from {}", app_key, call.org_id);
  return ok(nullptr);
}

// ---- OUs ----

ApiResponse org_create(ApiContext& ctx, const ApiCall& call) {
  boost::json::object body;
  std::string message, name;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  FieldReader f(body);
  f.string("name", name, true, registry::kMaxOrgNameBytes);
  if (!f.ok()) return error(errc::invalid_param, f.error());
  if (name.empty()) return error(errc::invalid_param, "name must not be empty");
  auto org = ctx.registry.create_org(name, ctx.now_ms());
  if (!org) return error(org.error(), Subject::None);
  auto token = ctx.registry.create_api_token(org->org_id, "admin", "OU admin");
  if (!token) return error(token.error(), Subject::None, "OU created but its admin token could not be made");
  spdlog::info("api: OU {} created by {}", org->org_id, call.caller.name);
  return ok(boost::json::object{{"orgId", org->org_id}, {"name", org->name}, {"adminToken", *token}});
}

ApiResponse org_get(ApiContext& ctx, const ApiCall& call) {
  auto org = ctx.registry.get_org(call.org_id);
  if (!org) return error(org.error(), Subject::None, "OU not found");
  return ok(
      boost::json::object{{"orgId", org->org_id}, {"name", org->name}, {"createTime", org->create_time}});
}

}  // namespace gridhub::api
