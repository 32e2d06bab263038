// Shared fixture for the registry tests: a fresh temp directory and a real SQLite registry per test, plus
// builders for valid records.
#pragma once
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "registry/sqlite_registry.hpp"

namespace gridhub::registry::testing {

// A search filter with the given fields set: filter<DeviceFilter>({{&DeviceFilter::model_id, "M"}}).
template <class F>
F filter(std::initializer_list<std::pair<std::string F::*, std::string>> fields) {
  F f;
  for (const auto& [member, value] : fields) f.*member = value;
  return f;
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gridhub-registry-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    open();
  }
  void TearDown() override {
    reg_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string db_path() const { return dir_ + "/registry.db"; }
  void open() {
    auto r = open_sqlite_registry(db_path());
    ASSERT_TRUE(r) << r.error().message();
    reg_ = std::move(*r);
  }
  void reopen() {
    reg_.reset();
    open();
  }

  static Json i18n(const std::string& text) { return Json{{"defaultValue", text}, {"i18nValue", Json{}}}; }

  std::string org(const std::string& name = "OU") {
    auto o = reg_->create_org(name, 1000);
    EXPECT_TRUE(o) << o.error().message();
    return o ? o->org_id : std::string();
  }
  static ModelRecord model_record(const std::string& org, const std::string& id,
                                  const std::string& parent = "") {
    ModelRecord m;
    m.org_id = org;
    m.model_id = id;
    m.parent_model_id = parent;
    m.body = R"({"thingModelId":")" + id + R"("})";
    m.create_time = m.update_time = 2000;
    return m;
  }
  std::string model(const std::string& org, const std::string& id, const std::string& parent = "") {
    auto r = reg_->create_model(model_record(org, id, parent));
    EXPECT_TRUE(r) << r.error().message();
    return id;
  }
  static Product product_record(const std::string& org, const std::string& model_id,
                                const std::string& name) {
    Product p;
    p.org_id = org;
    p.model_id = model_id;
    p.name = i18n(name);
    return p;
  }
  Product product(const std::string& org, const std::string& model_id, const std::string& name) {
    auto r = reg_->create_product(product_record(org, model_id, name));
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : Product{};
  }
  static Device device_record(const std::string& org, const std::string& pk, const std::string& dk = "") {
    Device d;
    d.org_id = org;
    d.product_key = pk;
    d.device_key = dk;
    d.name = i18n("device " + dk);
    return d;
  }
  Device device(const std::string& org, const std::string& pk, const std::string& dk = "") {
    auto r = reg_->create_device(device_record(org, pk, dk));
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : Device{};
  }

  std::string dir_;
  std::unique_ptr<Registry> reg_;
};

}  // namespace gridhub::registry::testing
