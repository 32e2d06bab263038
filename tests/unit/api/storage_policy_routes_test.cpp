// /tsdb-policy/v2.1/storage-groups and /policies: every action, every error (404/99404, 400/99400 with a
// message naming the field, model, group or point), OU isolation, methods, and the retention reaching the
// real store.
#include "api/routes.hpp"
#include "api_fixture.hpp"
#include "registry/limits.hpp"

namespace gridhub::api::testing {
namespace {

const char* kGroups = "/tsdb-policy/v2.1/storage-groups";
const char* kPolicies = "/tsdb-policy/v2.1/policies";

class StoragePolicyRoutesTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    model_ = import_seed();  // SmartBattery0717: AI voltage/current/temp, DI health_level, PI
                             // accumulating_power, Generic (UNKNOWN) cycle_number
    other_model_ = import_as("Other_Model");
  }
  // The seed model under another id.
  std::string import_as(const std::string& id, const std::string& token = "") {
    std::string text = read_file(seed_model_path());
    for (std::size_t at = 0; (at = text.find("SmartBattery0717", at)) != std::string::npos; at += id.size())
      text.replace(at, 16, id);
    auto a = call("POST", kModels, "action=import", text, token);
    EXPECT_EQ(a.code(), 0) << a.body;
    return id;
  }
  // Creates a group and returns its id (the string form the API uses).
  std::string group(const std::string& name, boost::json::array models = {}) {
    auto data = ok(post(kGroups, "action=create", {{"groupName", name}, {"modelIds", std::move(models)}}));
    return data.is_object() ? std::string(data.at("groupId").as_string()) : std::string();
  }
  Answer set_policy(const std::string& id, const std::string& type, const boost::json::value& body) {
    return post(kPolicies, "action=update&groupId=" + id + "&storageType=" + type, body);
  }
  static boost::json::object selection(const std::string& model, boost::json::array points,
                                       const std::string& retention = "3M") {
    return {{"retention", retention},
            {"models", boost::json::array{{{"modelId", model}, {"pointIds", std::move(points)}}}}};
  }
  static void expect_400(const Answer& a, const std::string& needle) {
    EXPECT_EQ(a.status, 400u) << a.body;
    EXPECT_EQ(a.code(), 99400) << a.body;
    EXPECT_NE(a.msg().find(needle), std::string::npos) << "'" << needle << "' not in: " << a.msg();
  }
  static void expect_404(const Answer& a) {
    EXPECT_EQ(a.status, 404u) << a.body;
    EXPECT_EQ(a.code(), 99404) << a.body;
  }
  std::string model_, other_model_;
};

// ---- storage-groups ----

TEST_F(StoragePolicyRoutesTest, CreateThenGetReturnsTheGroupObject) {
  auto created = ok(post(kGroups, "action=create",
                         {{"groupName", "储能_site-1"},
                          {"description", "first"},
                          {"modelIds", {other_model_, model_, model_}}}));
  const std::string id(created.at("groupId").as_string());
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(created.at("groupName"), "储能_site-1");
  EXPECT_EQ(created.at("description"), "first");
  EXPECT_EQ(created.at("modelIds"), (boost::json::array{other_model_, model_}));  // sorted, once each
  EXPECT_EQ(created.at("policies"), boost::json::array());
  EXPECT_EQ(created.at("createTime"), now_);
  EXPECT_EQ(created.at("updateTime"), now_);
  auto got = ok(get(kGroups, "action=get&groupId=" + id));
  EXPECT_EQ(got, created);
}

TEST_F(StoragePolicyRoutesTest, DescriptionAndModelsAreOptional) {
  auto data = ok(post(kGroups, "action=create", {{"groupName", "G"}}));
  EXPECT_EQ(data.at("description"), "");
  EXPECT_EQ(data.at("modelIds"), boost::json::array());
}

TEST_F(StoragePolicyRoutesTest, SearchListsTheOusGroupsOldestFirst) {
  EXPECT_EQ(ok(call("POST", kGroups, "action=search")), boost::json::array());
  const std::string b = group("B");
  const std::string a = group("A");
  for (const char* body : {"", "{}"}) {
    auto data = ok(call("POST", kGroups, "action=search", body));
    ASSERT_EQ(data.as_array().size(), 2u) << body;
    EXPECT_EQ(data.at(0).at("groupId").as_string(), b);
    EXPECT_EQ(data.at(1).at("groupId").as_string(), a);
  }
  expect_400(call("POST", kGroups, "action=search", "[1]"), "");
}

TEST_F(StoragePolicyRoutesTest, BadCreateFieldsAre400NamingTheField) {
  struct Bad {
    boost::json::object body;
    const char* field;
  } cases[] = {
      {{}, "groupName"},
      {{{"groupName", ""}}, "groupName"},
      {{{"groupName", 5}}, "groupName"},
      {{{"groupName", "a b"}}, "groupName"},
      {{{"groupName", "a.b"}}, "groupName"},
      {{{"groupName", std::string(registry::kMaxStorageGroupNameChars + 1, 'n')}}, "groupName"},
      {{{"groupName", "G"}, {"description", 1}}, "description"},
      {{{"groupName", "G"}, {"description", std::string(registry::kMaxDescriptionBytes + 1, 'd')}},
       "description"},
      {{{"groupName", "G"}, {"modelIds", "x"}}, "modelIds"},
      {{{"groupName", "G"}, {"modelIds", {1}}}, "modelIds"},
      {{{"groupName", "G"}, {"modelIds", {"bad id"}}}, "modelIds"},
  };
  for (const auto& c : cases) expect_400(post(kGroups, "action=create", c.body), c.field);
  expect_400(call("POST", kGroups, "action=create", "{not json"), "");
  // At the bounds: accepted.
  auto at = post(kGroups, "action=create",
                 {{"groupName", std::string(registry::kMaxStorageGroupNameChars, 'n')},
                  {"description", std::string(registry::kMaxDescriptionBytes, 'd')}});
  EXPECT_EQ(at.code(), 0) << at.body;
  EXPECT_EQ(ok(call("POST", kGroups, "action=search")).as_array().size(), 1u);
}

TEST_F(StoragePolicyRoutesTest, ModelIdsBoundAtNAndNPlusOne) {
  boost::json::array models;
  for (std::size_t i = 0; i <= registry::kMaxModelsPerStorageGroup; ++i)
    models.emplace_back("m" + std::to_string(i));
  expect_400(post(kGroups, "action=create", {{"groupName", "G"}, {"modelIds", models}}), "modelIds");
  models.pop_back();
  // 200 ids pass the syntax bound; the registry then names the first missing model.
  auto a = post(kGroups, "action=create", {{"groupName", "G"}, {"modelIds", models}});
  EXPECT_EQ(a.status, 404u) << a.body;
  EXPECT_EQ(a.code(), 11699);
}

TEST_F(StoragePolicyRoutesTest, NameTakenIs400) {
  group("Same");
  expect_400(post(kGroups, "action=create", {{"groupName", "Same"}}), "already exists");
  const std::string other = group("Other");
  expect_400(post(kGroups, "action=update&groupId=" + other, {{"groupName", "Same"}}), "already exists");
}

TEST_F(StoragePolicyRoutesTest, SixthGroupIs400) {
  for (int i = 1; i <= registry::kMaxStorageGroupsPerOrg; ++i) group("G" + std::to_string(i));
  auto a = post(kGroups, "action=create", {{"groupName", "G6"}});
  EXPECT_EQ(a.status, 400u);
  EXPECT_EQ(a.code(), 99400);
  EXPECT_EQ(a.msg(), "at most 5 storage policy groups per OU");
}

TEST_F(StoragePolicyRoutesTest, UnknownModelIs11699NamingIt) {
  auto a = post(kGroups, "action=create", {{"groupName", "G"}, {"modelIds", {model_, "NoSuchModel"}}});
  EXPECT_EQ(a.status, 404u);
  EXPECT_EQ(a.code(), 11699);
  EXPECT_NE(a.msg().find("NoSuchModel"), std::string::npos) << a.msg();
}

TEST_F(StoragePolicyRoutesTest, ModelInAnotherGroupIs400NamingThatGroup) {
  const std::string first = group("First", {model_});
  expect_400(post(kGroups, "action=create", {{"groupName", "Second"}, {"modelIds", {model_}}}), "First");
  auto again = post(kGroups, "action=create", {{"groupName", "Second"}, {"modelIds", {model_}}});
  EXPECT_NE(again.msg().find(model_), std::string::npos) << again.msg();
  const std::string second = group("Second", {other_model_});
  expect_400(post(kGroups, "action=update&groupId=" + second, {{"modelIds", {other_model_, model_}}}),
             "First");
}

TEST_F(StoragePolicyRoutesTest, UpdateChangesOnlyWhatIsSent) {
  const std::string id = group("G", {model_});
  now_ += 1000;
  auto up = ok(post(kGroups, "action=update&groupId=" + id, {{"description", "new"}}));
  EXPECT_EQ(up.at("groupName"), "G");
  EXPECT_EQ(up.at("description"), "new");
  EXPECT_EQ(up.at("modelIds"), (boost::json::array{model_}));
  EXPECT_EQ(up.at("updateTime"), now_);
  EXPECT_EQ(up.at("createTime"), now_ - 1000);
  up = ok(post(kGroups, "action=update&groupId=" + id, {{"groupName", "H"}, {"modelIds", {other_model_}}}));
  EXPECT_EQ(up.at("groupName"), "H");
  EXPECT_EQ(up.at("description"), "new");
  EXPECT_EQ(up.at("modelIds"), (boost::json::array{other_model_}));  // replaced, not merged
  expect_400(post(kGroups, "action=update&groupId=" + id, {{"groupName", "bad name"}}), "groupName");
}

TEST_F(StoragePolicyRoutesTest, GroupIdIsCheckedAndUnknownIs404) {
  for (const char* bad : {"", "abc", "-1", "+1", "1x", "4294967296", "99999999999999999999"}) {
    auto a = get(kGroups, std::string("action=get&groupId=") + bad);
    EXPECT_EQ(a.status, 400u) << bad;
    EXPECT_NE(a.msg().find("groupId"), std::string::npos) << a.msg();
  }
  expect_400(get(kGroups, "action=get"), "groupId");
  expect_404(get(kGroups, "action=get&groupId=4294967295"));
  expect_404(get(kGroups, "action=get&groupId=0"));
  expect_404(post(kGroups, "action=update&groupId=77", {{"description", "x"}}));
  expect_404(call("POST", kGroups, "action=delete&groupId=77"));
  expect_404(get(kPolicies, "action=get&groupId=77&storageType=DI"));
  expect_404(set_policy("77", "DI", {{"retention", "1M"}}));
}

TEST_F(StoragePolicyRoutesTest, AModelCannotLeaveWhileItsPointsAreSelected) {
  const std::string id = group("G", {model_, other_model_});
  ok(set_policy(id, "DI", selection(model_, {"health_level"})));
  auto a = post(kGroups, "action=update&groupId=" + id, {{"modelIds", {other_model_}}});
  expect_400(a, model_);
  EXPECT_NE(a.msg().find("DI"), std::string::npos) << a.msg();
  // other_model_ has no points selected: it may leave.
  ok(post(kGroups, "action=update&groupId=" + id, {{"modelIds", {model_}}}));
  ok(set_policy(id, "DI", {{"retention", "1M"}, {"models", boost::json::array()}}));
  auto emptied = ok(post(kGroups, "action=update&groupId=" + id, {{"modelIds", boost::json::array()}}));
  EXPECT_EQ(emptied.at("modelIds"), boost::json::array());
}

TEST_F(StoragePolicyRoutesTest, DeleteRemovesTheGroupAndItsStoredHistory) {
  const std::string id = group("G", {model_});
  const auto gid = static_cast<uint32_t>(std::stoul(id));
  tsdb::Sample s;
  s.asset_id = "asset1";
  s.point_id = "voltage";
  s.time_ms = now_ - 60'000;
  s.value = tsdb::Value::of_double(1.5);
  s.history = tsdb::category_bit(tsdb::Category::AiRaw);
  s.group = gid;
  append({s});
  tsdb::RangeQuery q;
  q.asset_id = "asset1";
  q.point_id = "voltage";
  q.start_ms = 0;
  q.end_ms = now_;
  std::vector<tsdb::Point> points;
  bool more = false;
  ASSERT_FALSE(store_->range(q, points, more));
  ASSERT_EQ(points.size(), 1u);

  EXPECT_EQ(call("GET", kGroups, "action=delete&groupId=" + id).status, 405u);
  EXPECT_EQ(ok(call("POST", kGroups, "action=delete&groupId=" + id)), nullptr);
  expect_404(get(kGroups, "action=get&groupId=" + id));
  expect_404(call("POST", kGroups, "action=delete&groupId=" + id));
  points.clear();
  ASSERT_FALSE(store_->range(q, points, more));
  EXPECT_TRUE(points.empty());
  // Its model is free again, and the new group gets a new id.
  auto again = ok(post(kGroups, "action=create", {{"groupName", "G"}, {"modelIds", {model_}}}));
  EXPECT_GT(std::stoul(std::string(again.at("groupId").as_string())), gid);
}

// ---- policies ----

TEST_F(StoragePolicyRoutesTest, UnconfiguredPolicyHasNoRetentionAndNoModels) {
  const std::string id = group("G", {model_});
  struct Case {
    const char* type;
    const char* policy_type;
  } cases[] = {
      {"AI_RAW", "RAW"}, {"AI_NORMALIZED", "NORMALIZED"}, {"DI", "DI"}, {"PI", "PI"}, {"GENERIC", "GENERIC"}};
  for (const auto& c : cases) {
    auto p = ok(get(kPolicies, "action=get&groupId=" + id + "&storageType=" + c.type));
    EXPECT_EQ(p.at("policyId").as_string(), id + "." + c.type);
    EXPECT_EQ(p.at("storageType"), c.type);
    EXPECT_EQ(p.at("policyType"), c.policy_type);
    EXPECT_TRUE(p.at("retention").is_null());
    EXPECT_EQ(p.at("models"), boost::json::array());
  }
}

TEST_F(StoragePolicyRoutesTest, UpdateThenGetRoundTripsAndShowsInTheGroup) {
  const std::string id = group("G", {model_, other_model_});
  auto p = ok(set_policy(id, "AI_RAW",
                         {{"retention", "6M"},
                          {"models",
                           {{{"modelId", model_}, {"pointIds", {"voltage", "current", "voltage"}}},
                            {{"modelId", other_model_}, {"pointIds", {"temp"}}}}}}));
  EXPECT_EQ(p.at("policyId").as_string(), id + ".AI_RAW");
  EXPECT_EQ(p.at("retention"), "6M");
  ASSERT_EQ(p.at("models").as_array().size(), 2u);
  EXPECT_EQ(p.at("models").at(0).at("modelId").as_string(), other_model_);  // sorted by model id
  EXPECT_EQ(p.at("models").at(1).at("pointIds"), (boost::json::array{"current", "voltage"}));
  EXPECT_EQ(ok(get(kPolicies, "action=get&groupId=" + id + "&storageType=AI_RAW")), p);
  auto g = ok(get(kGroups, "action=get&groupId=" + id));
  ASSERT_EQ(g.at("policies").as_array().size(), 1u);
  EXPECT_EQ(g.at("policies").at(0).at("storageType"), "AI_RAW");
  EXPECT_EQ(g.at("policies").at(0).at("retention"), "6M");
  EXPECT_EQ(g.at("policies").at(0).at("models"), p.at("models"));
  // Retention alone: the selection stays.
  auto r = ok(set_policy(id, "AI_RAW", {{"retention", "2Y"}}));
  EXPECT_EQ(r.at("retention"), "2Y");
  EXPECT_EQ(r.at("models"), p.at("models"));
  // An empty list clears it.
  auto cleared = ok(set_policy(id, "AI_RAW", {{"retention", "2Y"}, {"models", boost::json::array()}}));
  EXPECT_EQ(cleared.at("models"), boost::json::array());
}

TEST_F(StoragePolicyRoutesTest, EachStorageTypeTakesItsPointType) {
  const std::string id = group("G", {model_});
  ok(set_policy(id, "AI_RAW", selection(model_, {"voltage", "temp"})));
  ok(set_policy(id, "AI_NORMALIZED", selection(model_, {"voltage"})));
  ok(set_policy(id, "DI", selection(model_, {"health_level"})));
  ok(set_policy(id, "PI", selection(model_, {"accumulating_power"})));
  ok(set_policy(id, "GENERIC", selection(model_, {"cycle_number"})));
  // A wrong point is named even next to a right one.
  struct Bad {
    const char* type;
    const char* good;
    const char* bad;
  } cases[] = {{"AI_RAW", "voltage", "health_level"},  {"AI_NORMALIZED", "temp", "accumulating_power"},
               {"DI", "health_level", "voltage"},      {"PI", "accumulating_power", "cycle_number"},
               {"GENERIC", "cycle_number", "voltage"}, {"AI_RAW", "voltage", "no_such_point"},
               {"DI", "health_level", "not a point"}};
  for (const auto& c : cases) {
    auto a = set_policy(id, c.type, selection(model_, {c.good, c.bad}));
    expect_400(a, std::string("[") + c.bad + "]");
  }
  expect_400(set_policy(id, "PI", selection(model_, {"voltage"})), "signal type AI; PI takes PI points");
  // Refusals changed nothing.
  auto raw = ok(get(kPolicies, "action=get&groupId=" + id + "&storageType=AI_RAW"));
  EXPECT_EQ(raw.at("models").at(0).at("pointIds"), (boost::json::array{"temp", "voltage"}));
}

TEST_F(StoragePolicyRoutesTest, PolicyUpdateErrorsAre400) {
  const std::string id = group("G", {model_});
  expect_400(set_policy(id, "DI", {{"models", boost::json::array()}}), "retention");
  for (const char* bad : {"12M", "0M", "21Y", "1m", "3", "1D"})
    expect_400(set_policy(id, "DI", {{"retention", bad}}), "retention");
  expect_400(set_policy(id, "DI", {{"retention", 3}}), "retention");
  for (const char* bad : {"AI", "ai_raw", "RAW", "UNFORMATTED"})
    expect_400(set_policy(id, bad, {{"retention", "1M"}}), "storageType");
  expect_400(post(kPolicies, "action=update&groupId=" + id, {{"retention", "1M"}}), "storageType");
  expect_400(set_policy(id, "DI", selection(other_model_, {"health_level"})),
             other_model_);  // not in the group
  expect_400(set_policy(id, "DI", {{"retention", "1M"}, {"models", "x"}}), "models");
  expect_400(set_policy(id, "DI", {{"retention", "1M"}, {"models", {1}}}), "models[0]");
  expect_400(set_policy(id, "DI", {{"retention", "1M"}, {"models", {{{"pointIds", {"health_level"}}}}}}),
             "models[0].modelId");
  expect_400(
      set_policy(id, "DI", {{"retention", "1M"}, {"models", {{{"modelId", model_}, {"pointIds", "x"}}}}}),
      "models[0].pointIds");
  EXPECT_TRUE(ok(get(kPolicies, "action=get&groupId=" + id + "&storageType=DI")).at("retention").is_null());
}

TEST_F(StoragePolicyRoutesTest, PointPairsBoundAtNAndNPlusOne) {
  const std::string id = group("G", {model_});
  boost::json::array points;
  for (std::size_t i = 0; i < registry::kMaxPointsPerStoragePolicy; ++i) points.emplace_back("voltage");
  // 10,000 pairs pass the bound (they are all one point here, merged by the registry).
  auto at = set_policy(id, "AI_RAW", selection(model_, points));
  EXPECT_EQ(at.code(), 0) << at.msg();
  points.emplace_back("voltage");
  expect_400(set_policy(id, "AI_RAW", selection(model_, points)), "10000");
}

TEST_F(StoragePolicyRoutesTest, MetadataListsEachPointsStorageTypesInEnosOrder) {
  const std::string id = group("G", {model_});
  ok(set_policy(id, "AI_NORMALIZED", selection(model_, {"voltage"})));
  ok(set_policy(id, "AI_RAW", selection(model_, {"voltage", "temp"})));
  ok(set_policy(id, "DI", selection(model_, {"health_level"})));
  auto data = ok(get(kPolicies, "action=metadata&modelIds=" + model_ + "," + other_model_));
  EXPECT_EQ(data.at(model_).at("voltage"), (boost::json::array{"AI_RAW", "AI_NORMALIZED"}));
  EXPECT_EQ(data.at(model_).at("temp"), (boost::json::array{"AI_RAW"}));
  EXPECT_EQ(data.at(model_).at("health_level"), (boost::json::array{"DI"}));
  EXPECT_EQ(data.at(model_).as_object().size(), 3u);
  EXPECT_EQ(data.at(other_model_), boost::json::object());  // in no group: nothing stored
  auto some = ok(get(kPolicies, "action=metadata&modelIds=" + model_ + "&pointIds=voltage,nope"));
  EXPECT_EQ(some.at(model_).as_object().size(), 1u);
  EXPECT_EQ(some.at(model_).at("voltage"), (boost::json::array{"AI_RAW", "AI_NORMALIZED"}));
  expect_400(get(kPolicies, "action=metadata"), "modelIds");
  expect_400(get(kPolicies, "action=metadata&modelIds=a,,b"), "modelIds");
  expect_400(get(kPolicies, "action=metadata&modelIds=a&pointIds=x,"), "pointIds");
}

TEST_F(StoragePolicyRoutesTest, RetentionReachesTheStore) {
  // Two groups, one sample each, 200 days old. 1M expires it, 1Y keeps it.
  const std::string short_id = group("Short", {model_});
  const std::string long_id = group("Long", {other_model_});
  auto sample = [&](const std::string& asset, const std::string& group_id) {
    tsdb::Sample s;
    s.asset_id = asset;
    s.point_id = "voltage";
    s.time_ms = now_ - int64_t{200} * 24 * 3600 * 1000;
    s.value = tsdb::Value::of_double(3.3);
    s.history = tsdb::category_bit(tsdb::Category::AiRaw);
    s.group = static_cast<uint32_t>(std::stoul(group_id));
    return s;
  };
  append({sample("a-short", short_id), sample("a-long", long_id)});
  auto stored = [&](const std::string& asset) {
    tsdb::RangeQuery q;
    q.asset_id = asset;
    q.point_id = "voltage";
    q.start_ms = 0;
    q.end_ms = now_ + 1;
    std::vector<tsdb::Point> points;
    bool more = false;
    EXPECT_FALSE(store_->range(q, points, more));
    return points.size();
  };
  ASSERT_FALSE(store_->compact());
  // No policy yet: kept forever.
  ASSERT_FALSE(store_->enforce_retention(now_));
  EXPECT_EQ(stored("a-short"), 1u);
  ok(set_policy(short_id, "AI_RAW", selection(model_, {"voltage"}, "1M")));
  ok(set_policy(long_id, "AI_RAW", selection(other_model_, {"voltage"}, "1Y")));
  ASSERT_FALSE(store_->enforce_retention(now_));
  EXPECT_EQ(stored("a-short"), 0u);
  EXPECT_EQ(stored("a-long"), 1u);
  EXPECT_GE(store_->stats().partitions_expired, 1u);
}

// ---- across OUs and methods ----

TEST_F(StoragePolicyRoutesTest, AnotherOusGroupsAreInvisible) {
  const std::string id = group("G", {model_});
  auto [other_org, other_token] = other_ou();
  expect_404(call("GET", kGroups, "action=get&groupId=" + id, "", other_token));
  expect_404(call("POST", kGroups, "action=update&groupId=" + id, R"({"description":"x"})", other_token));
  expect_404(call("POST", kGroups, "action=delete&groupId=" + id, "", other_token));
  expect_404(call("GET", kPolicies, "action=get&groupId=" + id + "&storageType=DI", "", other_token));
  expect_404(call("POST", kPolicies, "action=update&groupId=" + id + "&storageType=DI",
                  R"({"retention":"1M"})", other_token));
  EXPECT_EQ(ok(call("POST", kGroups, "action=search", "", other_token)), boost::json::array());
  // The other OU may use the same name and its own model of the same id.
  import_as(model_, other_token);
  auto a = call("POST", kGroups, "action=create", R"({"groupName":"G","modelIds":[")" + model_ + R"("]})",
                other_token);
  EXPECT_EQ(a.code(), 0) << a.body;
  auto meta = ok(call("GET", kPolicies, "action=metadata&modelIds=" + model_, "", other_token));
  EXPECT_EQ(meta.at(model_), boost::json::object());
  EXPECT_EQ(ok(get(kGroups, "action=get&groupId=" + id)).at("description"), "");  // untouched
  // The other OU's token cannot name this OU.
  EXPECT_EQ(call("GET", kGroups, "action=get&groupId=" + id + "&orgId=" + org_, "", other_token).status,
            403u);
}

TEST_F(StoragePolicyRoutesTest, ReadsAreGetAndWritesArePost) {
  const std::string id = group("G");
  const std::string q = "&groupId=" + id;
  EXPECT_EQ(call("GET", kGroups, "action=create").status, 405u);
  EXPECT_EQ(call("POST", kGroups, "action=get" + q).status, 405u);
  EXPECT_EQ(call("GET", kGroups, "action=search").status, 405u);
  EXPECT_EQ(call("GET", kGroups, "action=update" + q).status, 405u);
  EXPECT_EQ(call("GET", kGroups, "action=delete" + q).status, 405u);
  EXPECT_EQ(call("POST", kPolicies, "action=get" + q + "&storageType=DI").status, 405u);
  EXPECT_EQ(call("GET", kPolicies, "action=update" + q + "&storageType=DI").status, 405u);
  EXPECT_EQ(call("POST", kPolicies, "action=metadata&modelIds=x").status, 405u);
  EXPECT_EQ(call("GET", kGroups, "action=nope").status, 400u);
  EXPECT_EQ(ok(get(kGroups, "action=get" + q)).at("groupName"), "G");  // nothing above changed it
}

}  // namespace
}  // namespace gridhub::api::testing
