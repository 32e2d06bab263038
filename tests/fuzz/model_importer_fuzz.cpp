// Feeds the thing-model importers: the console JSON import (model::import_console_json, first byte even) and
// the API model JSON (model::from_api_json, first byte odd), then checks that export and re-import give the
// same model back, in both formats, and that the model compiles into a validator. (API JSON is read with
// json::parse_finite, as the API reads a request body.)
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "json/parse.hpp"
#include "model/api_json.hpp"
#include "model/console_json.hpp"
#include "model/inheritance.hpp"
#include "model/validator.hpp"

namespace {

using namespace gridhub;

[[noreturn]] void fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "model_importer: %s %s\n", what, detail.c_str());
  std::abort();
}

void check_model(const model::ThingModel& m) {
  // Console format: export, re-import, same model, and the export is a fixed point.
  const boost::json::object exported = model::export_console_json(m, "o15724268424841");
  const std::string text = boost::json::serialize(exported);
  std::string detail;
  auto again = model::import_console_json(text, &detail);
  if (!again) fail("console export does not re-import:", detail + " " + again.error().message());
  if (!model::same_definition(m, *again)) fail("console re-import differs");
  if (boost::json::serialize(model::export_console_json(*again, "o15724268424841")) != text)
    fail("console export is not stable");

  // API format: the inverse of to_api_json.
  const boost::json::object api = model::to_api_json(m);
  auto from_api = model::from_api_json(api, &detail);
  if (!from_api) fail("API export does not re-import:", detail + " " + from_api.error().message());
  if (!model::same_definition(m, *from_api)) fail("API re-import differs");

  // What the registry view does with a model without a parent.
  auto resolved = model::resolve_inheritance(m, {}, &detail);
  if (resolved) (void)model::Validator::compile(std::move(*resolved));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string detail;
  if ((data[0] & 1) == 0) {
    auto m = model::import_console_json(text, &detail);
    if (m) check_model(*m);
  } else {
    boost::system::error_code ec;
    boost::json::parse_options opt;
    opt.max_depth = 64;
    const boost::json::value v = json::parse_finite(text, ec, opt);  // as the API reads a body
    if (ec) return 0;
    auto m = model::from_api_json(v, &detail);
    if (m) check_model(*m);
  }
  return 0;
}
