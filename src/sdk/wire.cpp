// Topics, payloads and records of the client (see wire.hpp).
#include "sdk/wire.hpp"

#include <boost/json.hpp>

#include "enos/envelope.hpp"
#include "gridhub/device/errc.hpp"
#include "json/parse.hpp"

namespace gridhub::device::detail {

namespace json = boost::json;

std::string request_topic(const Request& r, std::string_view default_pk, std::string_view default_dk) {
  std::string_view pk = r.product_key.empty() ? default_pk : std::string_view(r.product_key);
  std::string_view dk = r.device_key.empty() ? default_dk : std::string_view(r.device_key);
  std::string t;
  t.reserve(16 + pk.size() + dk.size() + r.topic_suffix.size());
  t += r.session_topic ? "/ext/session/" : "/sys/";
  t += pk;
  t += '/';
  t += dk;
  t += '/';
  t += r.topic_suffix;
  return t;
}

std::string request_payload(const Request& r, std::string_view id, std::string_view params_json,
                            std::string_view extra_json) {
  if (r.kind == RequestKind::up_raw) return r.raw;
  if (!params_json.empty()) {
    std::string out = json::serialize(json::object{{"id", id}, {"version", "1.0"}, {"method", r.method}});
    out.pop_back();  // the closing '}'
    out += ",\"params\":";
    out += params_json;
    if (extra_json.size() > 2) {  // "{...}": splice its members
      out += ',';
      out += extra_json.substr(1, extra_json.size() - 2);
    }
    out += '}';
    return out;
  }
  json::object o;
  o["id"] = id;
  o["version"] = "1.0";
  o["method"] = r.method;
  o["params"] = r.params;
  for (const auto& [k, v] : r.extra) o[k] = v;
  return json::serialize(o);
}

bool bufferable(RequestKind k) {
  return k == RequestKind::measurepoint_post || k == RequestKind::measurepoint_post_batch ||
         k == RequestKind::measurepoint_resume || k == RequestKind::measurepoint_resume_batch;
}

namespace {

// Splits "a/b/c" off the front: returns the first level and removes it (with its '/') from `s`.
std::string_view take_level(std::string_view& s) {
  auto slash = s.find('/');
  std::string_view level = s.substr(0, slash);
  s = slash == std::string_view::npos ? std::string_view() : s.substr(slash + 1);
  return level;
}

}  // namespace

ClassifiedTopic classify_topic(std::string_view topic) {
  ClassifiedTopic t;
  if (topic.ends_with("_reply")) {
    t.what = Downstream::reply;
    return t;
  }
  std::string_view rest = topic;
  bool session = false;
  if (rest.starts_with("/sys/")) {
    rest.remove_prefix(5);
  } else if (rest.starts_with("/ext/session/")) {
    rest.remove_prefix(13);
    session = true;
  } else {
    return t;
  }
  t.product_key = take_level(rest);
  t.device_key = take_level(rest);
  if (t.product_key.empty() || t.device_key.empty()) return t;
  auto command = [&](CommandClass c) {
    t.what = Downstream::command;
    t.command_class = c;
    return t;
  };
  if (session) {
    if (rest == "combine/enable") return command(CommandClass::sub_device_enable);
    if (rest == "combine/disable") return command(CommandClass::sub_device_disable);
    if (rest == "combine/delete") return command(CommandClass::sub_device_delete);
    if (rest == "thing/activate/info") t.what = Downstream::activate_info;
    return t;
  }
  if (rest == "thing/service/measurepoint/set") return command(CommandClass::measurepoint_set);
  if (rest == "thing/service/measurepoint/get") return command(CommandClass::measurepoint_get);
  if (rest == "thing/model/down_raw") return command(CommandClass::model_down_raw);
  if (rest == "ota/device/upgrade") return command(CommandClass::ota_upgrade);
  if (rest.starts_with("thing/service/")) {
    rest.remove_prefix(14);
    if (!rest.empty() && rest.find('/') == std::string_view::npos) {
      t.service_id = rest;
      return command(CommandClass::service_invocation);
    }
  }
  return t;
}

boost::system::result<Command> parse_command(const ClassifiedTopic& t, std::string_view topic,
                                             std::string_view payload) {
  Command c;
  c.command_class = t.command_class;
  c.topic = topic;
  c.product_key = t.product_key;
  c.device_key = t.device_key;
  c.service_id = t.service_id;
  if (t.command_class == CommandClass::model_down_raw) {
    c.raw = payload;
    return c;
  }
  auto req = enos::parse_request(payload);
  if (!req) return req.error();
  c.id = std::move(req->id);
  c.method = std::move(req->method);
  c.version = std::move(req->version);
  c.params = std::move(req->params);
  return c;
}

std::string reply_payload(const Command& c, const Reply& r) {
  if (c.command_class == CommandClass::model_down_raw) return r.raw;
  return enos::make_reply(c.id, r.code, r.message, r.data);
}

boost::system::result<Response> parse_response(std::string_view topic, std::string_view payload, bool raw) {
  Response resp;
  resp.topic = topic;
  if (raw) {
    resp.code = 200;
    resp.raw = payload;
    return resp;
  }
  auto reply = enos::parse_reply(payload);
  if (!reply) return make_error_code(errc::protocol_error);
  resp.id = std::move(reply->id);
  resp.code = reply->code;
  resp.message = std::move(reply->message);
  resp.data = std::move(reply->data);
  return resp;
}

std::string to_buffer_record(const Request& post, std::string_view pk, std::string_view dk) {
  const bool batch =
      post.kind == RequestKind::measurepoint_post_batch || post.kind == RequestKind::measurepoint_resume_batch;
  std::string_view rpk = post.product_key.empty() ? pk : std::string_view(post.product_key);
  std::string_view rdk = post.device_key.empty() ? dk : std::string_view(post.device_key);
  for (std::string_view key : {rpk, rdk})
    if (key.find_first_of("\t\n") != std::string_view::npos) return {};
  std::string out = batch ? "resume_batch" : "resume";
  out += '\t';
  out += rpk;
  out += '\t';
  out += rdk;
  out += '\t';
  out += json::serialize(post.params);  // JSON text escapes control characters: never a raw tab or newline
  out += '\t';
  out += json::serialize(post.extra);
  return out;
}

std::optional<BufferedPost> from_buffer_record(std::string_view record) {
  std::string_view fields[5];
  for (int i = 0; i < 5; ++i) {
    auto tab = record.find('\t');
    if ((tab == std::string_view::npos) != (i == 4)) return std::nullopt;
    fields[i] = record.substr(0, tab);
    record = tab == std::string_view::npos ? std::string_view() : record.substr(tab + 1);
  }
  BufferedPost b;
  Request& r = b.request;
  if (fields[0] == "resume") {
    r.kind = RequestKind::measurepoint_resume;
    r.topic_suffix = "thing/measurepoint/resume";
    r.method = "thing.measurepoint.resume";
  } else if (fields[0] == "resume_batch") {
    r.kind = RequestKind::measurepoint_resume_batch;
    r.topic_suffix = "thing/measurepoint/resume/batch";
    r.method = "thing.measurepoint.resume.batch";
  } else {
    return std::nullopt;
  }
  if (fields[1].empty() || fields[2].empty()) return std::nullopt;
  // Only checked to be JSON of the right shape (a damaged file must not send garbage); the text is kept.
  boost::system::error_code ec;
  auto params = gridhub::json::parse(fields[3], ec);
  if (ec || !(params.is_object() || params.is_array())) return std::nullopt;
  auto extra = gridhub::json::parse(fields[4], ec);
  if (ec || !extra.is_object()) return std::nullopt;
  r.product_key = fields[1];
  r.device_key = fields[2];
  b.params_json = fields[3];
  b.extra_json = fields[4];
  return b;
}

}  // namespace gridhub::device::detail
