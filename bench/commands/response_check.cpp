// The EnOS envelope of an immediate command: {"code":0,"msg":..,"requestId":..,"data":{"commandId":..,
// "outputData":{...}}} (spec enos-platform.md §4.1, §4.3).
#include "commands/response_check.hpp"

#include <boost/json/parse.hpp>

namespace gridhub::bench {

namespace json = boost::json;

std::string check_invoke_response(unsigned http_status, std::string_view body, const json::value& expected) {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  const json::object* o = ec ? nullptr : v.if_object();
  const json::value* code = o ? o->if_contains("code") : nullptr;
  // The envelope's code names the failure better than the status does (11900 and 11915 both map to a status).
  if (code && code->is_int64() && code->get_int64() != 0) return "code " + std::to_string(code->get_int64());
  if (http_status != 200) return "http " + std::to_string(http_status);
  if (!o) return "unparsable body";
  if (!code || !code->is_int64()) return "no code";
  const json::object* data = o->contains("data") ? o->at("data").if_object() : nullptr;
  const json::value* output = data ? data->if_contains("outputData") : nullptr;
  if (!output) return "no outputData";
  if (*output != expected) return "outputData differs";
  if (!data->contains("commandId")) return "no commandId";
  return {};
}

}  // namespace gridhub::bench
