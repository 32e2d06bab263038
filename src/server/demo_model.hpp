// The smart-battery lab's thing model (demo/smart_battery_model.json, a console export), compiled into the
// binary so that `gridhub serve --demo` works from any directory.
#pragma once
#include <string_view>

namespace gridhub::server {
extern const std::string_view kDemoModelJson;
}
