// A measure point's value as the store keeps it: one of five kinds, read back bit-identical to what was
// appended.
#pragma once
#include <cstdint>
#include <string>
#include <utility>

namespace gridhub::tsdb {

// The numbering is part of the WAL and checkpoint formats (docs/wal_format.md): never renumber.
enum class ValueKind : uint8_t {
  Int = 1,
  Double = 2,
  Bool = 3,
  String = 4,
  Json = 5
};  // Json: arrays/structs as text

// Only the member named by `kind` is meaningful (`s` holds both String and Json text). A plain struct rather
// than a variant so the hub can fill it field by field and the store can move the string without a visit.
struct Value {
  ValueKind kind = ValueKind::Double;
  int64_t i = 0;
  double d = 0;
  bool b = false;
  std::string s;

  static Value of_int(int64_t v) {
    Value out;
    out.kind = ValueKind::Int;
    out.i = v;
    return out;
  }
  static Value of_double(double v) {
    Value out;
    out.kind = ValueKind::Double;
    out.d = v;
    return out;
  }
  static Value of_bool(bool v) {
    Value out;
    out.kind = ValueKind::Bool;
    out.b = v;
    return out;
  }
  static Value of_string(std::string v) {
    Value out;
    out.kind = ValueKind::String;
    out.s = std::move(v);
    return out;
  }
  // `json` is already-serialized JSON text (an array or object); the store never parses it.
  static Value of_json(std::string json) {
    Value out;
    out.kind = ValueKind::Json;
    out.s = std::move(json);
    return out;
  }
};

}  // namespace gridhub::tsdb
