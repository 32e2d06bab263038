// Row <-> record mapping. all_devices() reads 100k rows through here, so empty JSON columns skip the parser.
#include "registry/row_codec.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

#include "json/parse.hpp"

namespace gridhub::registry {

Json parse_json_column(std::string_view text) {
  if (text.empty() || text == "{}") return {};
  boost::system::error_code ec;
  auto v = gridhub::json::parse(text, ec);
  if (ec || !v.is_object()) {
    spdlog::error("registry: a stored JSON column does not parse ({}); read as empty",
                  ec ? ec.message() : "not an object");
    return {};
  }
  return std::move(v.get_object());
}

std::string json_column(const Json& obj) {
  return obj.empty() ? std::string("{}") : boost::json::serialize(obj);
}

void read_org(const Statement& st, Org& out) {
  out.org_id = st.text(0);
  out.name = st.text(1);
  out.create_time = st.int64(2);
}

void read_model(const Statement& st, ModelRecord& out) {
  out.org_id = st.text(0);
  out.model_id = st.text(1);
  out.parent_model_id = st.text(2);
  out.body = st.text(3);
  out.draft_body = st.text(4);
  out.validation_enabled = st.boolean(5);
  out.create_time = st.int64(6);
  out.update_time = st.int64(7);
}

void read_product(const Statement& st, Product& out) {
  out.product_key = st.text(0);
  out.org_id = st.text(1);
  out.product_secret = st.text(2);
  out.name = parse_json_column(st.text(3));
  out.node_type = st.text(4);
  out.model_id = st.text(5);
  out.data_format = st.text(6);
  out.bi_directional_auth = st.boolean(7);
  out.dynamic_activate_enabled = st.boolean(8);
  out.description = st.text(9);
  out.tags = parse_json_column(st.text(10));
  out.create_time = st.int64(11);
  out.update_time = st.int64(12);
  out.default_valid_day = static_cast<int>(st.int64(13));
  out.max_valid_day = static_cast<int>(st.int64(14));
}

void read_device(const Statement& st, Device& out) {
  out.asset_id = st.text(0);
  out.org_id = st.text(1);
  out.product_key = st.text(2);
  out.device_key = st.text(3);
  out.device_secret = st.text(4);
  out.name = parse_json_column(st.text(5));
  out.description = st.text(6);
  out.timezone = st.text(7);
  out.dst = st.boolean(8);
  out.attributes = parse_json_column(st.text(9));
  out.tags = parse_json_column(st.text(10));
  out.enabled = st.boolean(11);
  out.activated = st.boolean(12);
  out.online = st.boolean(13);
  out.create_time = st.int64(14);
  out.active_time = st.int64(15);
  out.last_online_time = st.int64(16);
  out.last_offline_time = st.int64(17);
}

void read_command(const Statement& st, Command& out) {
  out.command_id = st.int64(0);
  out.org_id = st.text(1);
  out.asset_id = st.text(2);
  out.product_key = st.text(3);
  out.device_key = st.text(4);
  out.type = static_cast<CommandType>(st.int64(5));
  out.tsl_identifier = st.text(6);
  out.command_name = parse_json_column(st.text(7));
  out.input_data = st.text(8);
  out.output_data = st.text(9);
  out.pending_ttl_s = static_cast<int>(st.int64(10));
  out.timeout_s = static_cast<int>(st.int64(11));
  out.state = static_cast<CommandState>(st.int64(12));
  out.reply_code = static_cast<int>(st.int64(13));
  out.reply_message = st.text(14);
  out.error_code = static_cast<int>(st.int64(15));
  out.create_time = st.int64(16);
  out.release_time = st.int64(17);
  out.reply_time = st.int64(18);
}

void read_user(const Statement& st, User& out) {
  out.org_id = st.text(0);
  out.username = st.text(1);
  out.role = st.text(2);
  out.create_time = st.int64(3);
  out.update_time = st.int64(4);
}

void read_app(const Statement& st, App& out) {
  out.org_id = st.text(0);
  out.app_key = st.text(1);
  out.app_secret = st.text(2);
  out.name = st.text(3);
  out.access = st.text(4);
  out.create_time = st.int64(5);
}

void read_event(const Statement& st, Event& out) {
  out.event_id = st.int64(0);
  out.org_id = st.text(1);
  out.asset_id = st.text(2);
  out.product_key = st.text(3);
  out.device_key = st.text(4);
  out.tsl_event_key = st.text(5);
  out.tsl_event_type = st.text(6);
  out.output = st.text(7);
  out.timestamp = st.int64(8);
  out.create_time = st.int64(9);
}

}  // namespace gridhub::registry
