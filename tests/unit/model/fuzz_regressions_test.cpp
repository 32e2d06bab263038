// Models found by the libFuzzer targets (tests/fuzz/, docs/reliability.md) that the importers once accepted
// wrongly.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "model/api_json.hpp"
#include "model/console_json.hpp"
#include "model/errc.hpp"

namespace gridhub::model {
namespace {

// model_importer fuzz target: the seed model with a maximum of -1.7976931348623157E3080 was imported with
// -inf, and its export held "-Infinity": not JSON, so the stored model could not be read back.
TEST(FuzzRegressions, ConsoleModelWithANumberBeyondTheDoubleRangeIsInvalidJson) {
  auto m = import_console_json(R"({"thingModelId":"M1","extraKey":-1.7976931348623157E3080})");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error(), errc::invalid_json);
  // DBL_MAX itself is kept, and the export re-imports.
  auto ok = import_console_json(R"({"thingModelId":"M1","extraKey":-1.7976931348623157E308})");
  ASSERT_TRUE(ok) << ok.error().message();
  auto again = import_console_json(boost::json::serialize(export_console_json(*ok, "o1")));
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_TRUE(same_definition(*ok, *again));
}

}  // namespace
}  // namespace gridhub::model
