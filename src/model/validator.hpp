// The compiled validator of one (resolved) model version: checks measure-point, attribute, event and service
// values on the hot path. Immutable after compile(), so any number of threads may use one at once.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "model/errc.hpp"
#include "model/thing_model.hpp"

namespace gridhub::model {

// What the hot path needs to know about a measure point. `element` points into Validator::model().
struct PointInfo {
  const Element* element;
  DataType type;
  SignalType signal;
  bool has_quality;
};

// Value rules: INT = an integer JSON number in int32 (3.0 is refused) within minimum/maximum (exclusive flags
// respected); FLOAT/DOUBLE = any JSON number in range (FLOAT also within +-3.4028235E38); ENUM = one of the
// keys (integer keys take integers, string keys strings); BOOL = true/false or 0/1; STRING = a string of at
// most maxLength characters (kMaxStringLength when absent); DATE = "yyyy-MM-dd" or "yyyy-MM-dd HH:mm:ss";
// TIMESTAMP = an integer; STRUCT = an object whose items are checked (unknown items refused unless
// allowAdditionalItem, required items must be present); ARRAY = at most kMaxArrayItems items of the inner
// type; FILE = a string. Null is refused. Measure points and attributes also take {"value":v,"quality":int}.
//
// Every check returns a default (success) error_code when the value passes and then leaves `message` alone,
// so a passing check allocates nothing. On failure it returns the errc and sets `message`, e.g. "measurepoint
// [temp] not found", "measurepoint [cycle_number] type mismatch: expected INT", "measurepoint [soc] out of
// range", "service [reboot] missing parameter [delay]".
class Validator {
 public:
  // Compiles `resolved` (a model with its ancestors merged: resolve_inheritance) into lookup tables.
  static std::shared_ptr<const Validator> compile(ThingModel resolved);

  Validator(const Validator&) = delete;
  Validator& operator=(const Validator&) = delete;
  ~Validator();

  const ThingModel& model() const { return model_; }

  // The point, or null when the model does not define it. Hash lookup by string_view, no allocation.
  const PointInfo* find_measurepoint(std::string_view id) const;

  // One measure-point value: plain or {"value":v,"quality":int}. An unknown point passes when the model has
  // allow_additional_measurepoint (errc::unknown_element otherwise).
  boost::system::error_code check_measurepoint(std::string_view id, const boost::json::value& v,
                                               std::string& message) const;
  // One attribute value, the same way (allow_additional_attribute).
  boost::system::error_code check_attribute(std::string_view id, const boost::json::value& v,
                                            std::string& message) const;
  // The parameters of an event post: each must be an output parameter of the event and pass its type;
  // required ones must be present.
  boost::system::error_code check_event(std::string_view event_id, const boost::json::object& output,
                                        std::string& message) const;
  // The input parameters of a service call: unknown parameters and missing required ones are refused.
  boost::system::error_code check_service_input(std::string_view service_id, const boost::json::object& input,
                                                std::string& message) const;

 private:
  struct Tables;
  explicit Validator(ThingModel m);

  boost::system::error_code check_valued(ElementKind kind, std::string_view id, const boost::json::value& v,
                                         std::string& message) const;
  boost::system::error_code check_params(ElementKind kind, std::string_view id, const boost::json::object& o,
                                         std::string& message) const;

  ThingModel model_;
  std::unique_ptr<const Tables> tables_;  // views into model_
};

}  // namespace gridhub::model
