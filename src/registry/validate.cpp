// Field syntax and size checks, following EnOS's documented rules where there are some (spec §1.2, §2, §4.3).
#include "registry/validate.hpp"

#include <boost/json/serialize.hpp>

#include "registry/errc.hpp"
#include "registry/limits.hpp"

namespace gridhub::registry {

namespace {

bool alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool digit(char c) { return c >= '0' && c <= '9'; }

template <class Pred>
bool all_of(std::string_view s, Pred pred) {
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}

boost::system::error_code invalid() { return make_error_code(errc::invalid_argument); }
boost::system::error_code too_big() { return make_error_code(errc::limit_exceeded); }

}  // namespace

bool valid_device_key(std::string_view key) {
  return key.size() >= kMinDeviceKeyLength && key.size() <= kMaxDeviceKeyLength &&
         all_of(key, [](char c) { return alnum(c) || c == '_' || c == '-' || c == '.' || c == ':'; });
}

bool valid_model_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxModelIdLength &&
         all_of(id, [](char c) { return alnum(c) || c == '_' || c == '-' || c == '.'; });
}

bool valid_imported_key(std::string_view key) {
  return !key.empty() && key.size() <= kMaxImportedKeyLength && all_of(key, alnum);
}

bool valid_timezone(std::string_view tz) {
  if (tz.empty() || tz.size() > kMaxTimezoneLength) return false;
  if (tz[0] == '+' || tz[0] == '-') {
    if (tz.size() != 6 || !digit(tz[1]) || !digit(tz[2]) || tz[3] != ':' || !digit(tz[4]) || !digit(tz[5]))
      return false;
    int hours = (tz[1] - '0') * 10 + (tz[2] - '0');
    int minutes = (tz[4] - '0') * 10 + (tz[5] - '0');
    return hours <= 14 && minutes < 60;
  }
  // IANA names start with a letter and use letters, digits and "_-+/".
  return ((tz[0] >= 'A' && tz[0] <= 'Z') || (tz[0] >= 'a' && tz[0] <= 'z')) &&
         all_of(tz, [](char c) { return alnum(c) || c == '_' || c == '-' || c == '+' || c == '/'; });
}

boost::system::error_code check_name(const Json& name, bool required) {
  for (const auto& kv : name) {
    if (kv.key() == "defaultValue") {
      if (!kv.value().is_string()) return invalid();
      if (kv.value().get_string().size() > kMaxNameBytes) return too_big();
    } else if (kv.key() == "i18nValue") {
      if (kv.value().is_null()) continue;
      if (!kv.value().is_object()) return invalid();
      const auto& locales = kv.value().get_object();
      if (locales.size() > kMaxNameLocales) return too_big();
      for (const auto& loc : locales) {
        if (loc.key().empty() || loc.key().size() > 16 || !loc.value().is_string()) return invalid();
        if (loc.value().get_string().size() > kMaxNameBytes) return too_big();
      }
    } else {
      return invalid();
    }
  }
  if (required && name_default(name).empty()) return invalid();
  return {};
}

boost::system::error_code check_tags(const Json& tags) {
  if (tags.size() > kMaxTags) return too_big();
  for (const auto& kv : tags) {
    std::string_view key = kv.key();
    if (key.empty() || key.size() > kMaxTagKeyLength ||
        !all_of(key, [](char c) { return alnum(c) || c == '_' || c == '-' || c == '/'; }))
      return invalid();
    if (!kv.value().is_string()) return invalid();
    if (kv.value().get_string().size() > kMaxTagValueLength) return too_big();
  }
  return {};
}

namespace {

// Decodes one UTF-8 code point at s[i] and advances i; false for a malformed, overlong or surrogate sequence.
bool next_code_point(std::string_view s, std::size_t& i, char32_t& cp) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  std::size_t len;
  char32_t min;
  if (b0 < 0x80) {
    cp = b0;
    ++i;
    return true;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return false;
  }
  if (s.size() - i < len) return false;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  i += len;
  return true;
}

bool cjk_ideograph(char32_t cp) {
  return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x3FFFF);
}

constexpr std::string_view kStorageTypes[] = {"AI_RAW", "AI_NORMALIZED", "DI", "PI", "GENERIC"};
constexpr int64_t kDayMs = int64_t{24} * 60 * 60 * 1000;
// Longer than any calendar month or year: a promise of "3M" is kept even across 31-day months.
constexpr int64_t kRetentionMonthMs = 31 * kDayMs;
constexpr int64_t kRetentionYearMs = 366 * kDayMs;

}  // namespace

bool valid_storage_group_name(std::string_view name) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < name.size();) {
    char32_t cp;
    if (!next_code_point(name, i, cp)) return false;
    const bool ok = cp < 0x80 ? alnum(static_cast<char>(cp)) || cp == '_' || cp == '-' : cjk_ideograph(cp);
    if (!ok || ++chars > kMaxStorageGroupNameChars) return false;
  }
  return chars > 0;
}

bool valid_username(std::string_view username) {
  return username.size() >= kMinUsernameLength && username.size() <= kMaxUsernameLength &&
         all_of(username, [](char c) { return alnum(c) || c == '_' || c == '.' || c == '@' || c == '-'; });
}

bool valid_user_role(std::string_view role) { return role == "admin" || role == "viewer"; }

bool valid_token_role(std::string_view role) {
  return role == "system" || role == "admin" || role == "viewer" || role == "full" || role == "read";
}

bool valid_app_name(std::string_view name) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < name.size();) {
    char32_t cp;
    if (!next_code_point(name, i, cp)) return false;
    // C0, DEL and C1 controls: a name is shown on one line in the console and in logs.
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return false;
    if (++chars > kMaxAppNameChars) return false;
  }
  return chars > 0;
}

bool valid_app_access(std::string_view access) { return access == "full" || access == "read"; }

boost::system::error_code check_command(const Command& c) {
  const int type = static_cast<int>(c.type);
  const int state = static_cast<int>(c.state);
  if (c.command_id < 1 || c.org_id.empty()) return invalid();
  if (type < static_cast<int>(CommandType::SetMeasurepoint) || type > static_cast<int>(CommandType::InvokeService))
    return invalid();
  if (state < static_cast<int>(CommandState::Created) || state > static_cast<int>(CommandState::ResponseTimeout))
    return invalid();
  if (c.pending_ttl_s < 0 || c.timeout_s < 0 || c.create_time < 0 || c.release_time < 0 || c.reply_time < 0)
    return invalid();
  return {};
}

bool valid_storage_type(std::string_view type) {
  for (std::string_view t : kStorageTypes)
    if (t == type) return true;
  return false;
}

bool valid_point_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxPointIdLength &&
         all_of(id, [](char c) { return alnum(c) || c == '_' || c == '-' || c == '.'; });
}

bool parse_retention(std::string_view text, int64_t& ms) {
  // One or two digits, the first not '0', then the unit.
  if (text.size() < 2 || text.size() > 3 || text[0] == '0') return false;
  const std::string_view digits = text.substr(0, text.size() - 1);
  if (!all_of(digits, digit)) return false;
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  switch (text.back()) {
    case 'M':
      if (n > kMaxRetentionMonths) return false;
      ms = n * kRetentionMonthMs;
      return true;
    case 'Y':
      if (n > kMaxRetentionYears) return false;
      ms = n * kRetentionYearMs;
      return true;
    default:
      return false;
  }
}

boost::system::error_code check_storage_group(const StorageGroup& g) {
  if (!valid_storage_group_name(g.name)) return invalid();
  if (g.description.size() > kMaxDescriptionBytes) return too_big();
  if (g.model_ids.size() > kMaxModelsPerStorageGroup) return too_big();
  for (const auto& m : g.model_ids)
    if (!valid_model_id(m)) return invalid();
  return {};
}

boost::system::error_code check_storage_policy(const StoragePolicy& p) {
  int64_t ms;
  if (!valid_storage_type(p.storage_type) || !parse_retention(p.retention, ms)) return invalid();
  std::size_t pairs = 0;
  for (const auto& m : p.models) {
    if (!valid_model_id(m.model_id)) return invalid();
    for (const auto& point : m.point_ids)
      if (!valid_point_id(point)) return invalid();
    pairs += m.point_ids.size();
  }
  // Counted before duplicates are merged: a caller sending 10,001 ids is refused even if some repeat.
  if (pairs > kMaxPointsPerStoragePolicy) return too_big();
  return {};
}

boost::system::error_code check_product(const Product& p) {
  if (auto ec = check_name(p.name, true)) return ec;
  if (p.node_type != "Device" && p.node_type != "Gateway") return invalid();
  if (p.data_format != "Json" && p.data_format != "Custom") return invalid();
  if (!valid_model_id(p.model_id)) return invalid();
  if (p.description.size() > kMaxDescriptionBytes) return too_big();
  if (p.max_valid_day < 1 || p.max_valid_day > kMaxCertificateValidDays) return invalid();
  if (p.default_valid_day < 1 || p.default_valid_day > p.max_valid_day) return invalid();
  return check_tags(p.tags);
}

boost::system::error_code check_device(const Device& d) {
  if (!d.device_key.empty() && !valid_device_key(d.device_key)) return invalid();
  if (!d.asset_id.empty() && !valid_imported_key(d.asset_id)) return invalid();
  if (!d.device_secret.empty() && !valid_imported_key(d.device_secret)) return invalid();
  if (auto ec = check_name(d.name, false)) return ec;
  if (d.description.size() > kMaxDescriptionBytes) return too_big();
  if (!valid_timezone(d.timezone)) return invalid();
  if (auto ec = check_tags(d.tags)) return ec;
  // Only a device with attributes pays for the size check's serialization.
  if (!d.attributes.empty() && boost::json::serialize(d.attributes).size() > kMaxAttributesBytes)
    return too_big();
  return {};
}

boost::system::error_code check_model(const ModelRecord& m) {
  if (!valid_model_id(m.model_id)) return invalid();
  if (!m.parent_model_id.empty() && !valid_model_id(m.parent_model_id)) return invalid();
  if (m.parent_model_id == m.model_id) return make_error_code(errc::inheritance_cycle);
  if (m.body.size() > kMaxModelBodyBytes || m.draft_body.size() > kMaxModelBodyBytes) return too_big();
  return {};
}

std::string_view name_default(const Json& name) {
  const auto* v = name.if_contains("defaultValue");
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

std::string name_search_text(const Json& name) {
  std::string out(name_default(name));
  if (const auto* i18n = name.if_contains("i18nValue"); i18n && i18n->is_object())
    for (const auto& kv : i18n->get_object())
      if (kv.value().is_string()) out.append("\n").append(kv.value().get_string());
  return out;
}

std::string like_pattern(std::string_view needle) {
  std::string out;
  out.reserve(needle.size() + 2);
  out.push_back('%');
  for (char c : needle) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

}  // namespace gridhub::registry
