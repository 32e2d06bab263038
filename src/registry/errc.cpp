// Messages of the registry error category, and the interned categories that give storage errors their
// SQLite text.
#include "registry/errc.hpp"

#include <deque>
#include <mutex>
#include <string>

#include "registry/limits.hpp"

namespace gridhub::registry {

namespace {

// A fixed id makes codes from this category compare equal across shared objects (Boost.System rule). It also
// makes every StorageDetail below compare equal to it, since Boost compares categories with an id by id.
constexpr unsigned long long kCategoryId = 0x5e71c0d2a4b98f13ULL;

const char* base_message(int ev) noexcept {
  switch (static_cast<errc>(ev)) {
    case errc::not_found:
      return "not found";
    case errc::already_exists:
      return "already exists";
    case errc::in_use:
      return "in use";
    case errc::model_not_found:
      return "model not found";
    case errc::product_not_found:
      return "product not found";
    case errc::org_not_found:
      return "OU not found";
    case errc::invalid_argument:
      return "invalid argument";
    case errc::limit_exceeded:
      return "limit exceeded";
    case errc::inheritance_cycle:
      return "model inheritance would form a cycle";
    case errc::key_generation_failed:
      return "key generation failed";
    case errc::schema_too_new:
      return "registry database is from a newer gridhub";
    case errc::storage_error:
      return "storage error";
  }
  return "unknown registry error";
}

class Category : public boost::system::error_category {
 public:
  constexpr Category() noexcept : boost::system::error_category(kCategoryId) {}
  const char* name() const noexcept override { return "gridhub.registry"; }
  std::string message(int ev) const override { return base_message(ev); }
  const char* message(int ev, char*, std::size_t) const noexcept override { return base_message(ev); }
};

// Same id as Category, so codes made with it are equal to errc::storage_error; only the message differs.
class StorageDetail final : public Category {
 public:
  explicit StorageDetail(std::string text) : text_(std::move(text)) {}
  std::string message(int ev) const override {
    return ev == static_cast<int>(errc::storage_error) ? text_ : base_message(ev);
  }
  const char* message(int ev, char*, std::size_t) const noexcept override {
    return ev == static_cast<int>(errc::storage_error) ? text_.c_str() : base_message(ev);
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

constexpr Category kCategory;

// Interned so that an error_code (which holds a category pointer) stays valid forever. SQLite has a small,
// fixed set of messages, and the cap bounds memory if a future one quotes something variable. Never freed
// (not even at exit) so error codes held by static objects never dangle.
struct Interned {
  std::mutex mutex;
  std::deque<StorageDetail> details;
};
Interned& interned() {
  static Interned* instance = new Interned;
  return *instance;
}

}  // namespace

const boost::system::error_category& registry_category() noexcept { return kCategory; }

boost::system::error_code storage_error(std::string_view detail) {
  std::string text = "storage error: ";
  text.append(detail);
  auto& in = interned();
  std::lock_guard lock(in.mutex);
  for (const auto& d : in.details)
    if (d.text() == text) return boost::system::error_code(static_cast<int>(errc::storage_error), d);
  if (in.details.size() >= kMaxInternedStorageMessages) return make_error_code(errc::storage_error);
  in.details.emplace_back(std::move(text));
  return boost::system::error_code(static_cast<int>(errc::storage_error), in.details.back());
}

}  // namespace gridhub::registry
