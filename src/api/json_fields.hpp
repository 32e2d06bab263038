// Reading request input with clear errors: the JSON body (bounded depth, BOM allowed), typed body fields whose
// messages name the field, query flags and the EnOS pagination block.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_call.hpp"
#include "registry/registry.hpp"

namespace gridhub::api {

// Skips a leading UTF-8 BOM (console exports carry one).
std::string_view strip_bom(std::string_view text);

// Parses a request body into `out`. An empty (or all-whitespace) body is {}. Fails with a message for text that
// is not JSON, nests deeper than kMaxJsonDepth, or is not an object. Never throws on bad input.
bool parse_body_object(std::string_view body, boost::json::object& out, std::string& message);

// Typed reads of one object's keys. A key that is absent or null leaves `out` unchanged (a required one fails
// with "<key> is required"); a key of the wrong type fails with "<key> must be ...". The first failure is kept.
class FieldReader {
 public:
  explicit FieldReader(const boost::json::object& o, std::string prefix = {}) : o_(o), prefix_(std::move(prefix)) {}

  // Present and not null.
  bool has(std::string_view key) const;
  bool string(std::string_view key, std::string& out, bool required = false, std::size_t max_bytes = 4096);
  bool boolean(std::string_view key, bool& out);
  // A JSON integer in [min, max] (30.0 and "30" are refused).
  bool integer(std::string_view key, int& out, int min, int max);
  // One of `allowed` (exact spelling).
  bool one_of(std::string_view key, std::string& out, std::initializer_list<std::string_view> allowed,
              bool required = false);
  // A StringI18n: a plain string becomes {"defaultValue": s, "i18nValue": {}}; an object needs a string
  // defaultValue and an i18nValue object of strings (registry name limits).
  bool i18n(std::string_view key, boost::json::object& out, bool required = false);
  // A tag map (EnOS rules: at most 100 tags, key [A-Za-z0-9_-/] up to 50 chars, value a string up to 200 chars
  // without leading or trailing whitespace).
  bool tags(std::string_view key, boost::json::object& out);
  // Any JSON object (left to the caller to check further).
  bool object(std::string_view key, const boost::json::object*& out, bool required = false);
  // An array of strings, at most `max_items`.
  bool string_list(std::string_view key, std::vector<std::string>& out, std::size_t max_items);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  const boost::json::value* find(std::string_view key, bool required);
  bool fail(std::string_view key, std::string_view what);

  const boost::json::object& o_;
  std::string prefix_;  // "pagination." for nested blocks, so messages name the full path
  std::string error_;
};

// `name=true|false` in the query; absent leaves `out` unchanged.
bool query_bool(const Query& q, std::string_view name, bool& out, std::string& message);

// The body's "pagination":{"pageNo","pageSize"} (defaults 1 and 10; pageNo >= 1, 1 <= pageSize <= kMaxPageSize).
bool read_page(const boost::json::object& body, registry::Page& page, std::string& message);

}  // namespace gridhub::api
