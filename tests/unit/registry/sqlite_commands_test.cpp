// Command records: upsert in one transaction, get within the OU, search with every filter and paging, the
// open commands reloaded at start-up, next_command_id, and all of it across a reopen.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "registry/limits.hpp"
#include "registry_fixture.hpp"

namespace gridhub::registry::testing {
namespace {

Command command(int64_t id, const std::string& org, const std::string& asset, int64_t create_time,
                CommandState state = CommandState::Created) {
  Command c;
  c.command_id = id;
  c.org_id = org;
  c.asset_id = asset;
  c.product_key = "pk_" + asset;
  c.device_key = "dk_" + asset;
  c.type = CommandType::InvokeService;
  c.tsl_identifier = "svc";
  c.command_name = Json{{"defaultValue", "Service"}};
  c.input_data = R"({"interval":2})";
  c.state = state;
  c.create_time = create_time;
  return c;
}

std::vector<int64_t> ids(const std::vector<Command>& cs) {
  std::vector<int64_t> out;
  for (const auto& c : cs) out.push_back(c.command_id);
  return out;
}
using Ids = std::vector<int64_t>;

class Commands : public RegistryTest {
 protected:
  void save(const std::vector<Command>& cs) {
    auto r = reg_->save_commands(cs);
    ASSERT_TRUE(r) << r.error().message();
  }
  Ids search(const std::string& org, const CommandFilter& f = {}, Page page = {1, kMaxPageSize}) {
    return ids(reg_->search_commands(org, f, page).items);
  }
};

TEST_F(Commands, SaveThenGetReadsEveryField) {
  Command c = command(42, "o1", "A", 1000);
  c.type = CommandType::SetMeasurepoint;
  c.tsl_identifier = "temp";
  c.command_name = Json{{"defaultValue", "Temperature"}, {"i18nValue", Json{{"zh_CN", "温度"}}}};
  c.input_data = R"({"temp":21.5})";
  c.output_data = R"({"result":0})";
  c.pending_ttl_s = 3600;
  c.timeout_s = 15;
  c.state = CommandState::Failed;
  c.reply_code = 1101;
  c.reply_message = "no handler";
  c.error_code = 11915;
  c.release_time = 1100;
  c.reply_time = 1200;
  save({c});
  auto got = reg_->get_command("o1", 42);
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->command_id, 42);
  EXPECT_EQ(got->org_id, "o1");
  EXPECT_EQ(got->asset_id, "A");
  EXPECT_EQ(got->product_key, "pk_A");
  EXPECT_EQ(got->device_key, "dk_A");
  EXPECT_EQ(got->type, CommandType::SetMeasurepoint);
  EXPECT_EQ(got->tsl_identifier, "temp");
  EXPECT_EQ(got->command_name, c.command_name);
  EXPECT_EQ(got->input_data, c.input_data);
  EXPECT_EQ(got->output_data, c.output_data);
  EXPECT_EQ(got->pending_ttl_s, 3600);
  EXPECT_EQ(got->timeout_s, 15);
  EXPECT_EQ(got->state, CommandState::Failed);
  EXPECT_EQ(got->reply_code, 1101);
  EXPECT_EQ(got->reply_message, "no handler");
  EXPECT_EQ(got->error_code, 11915);
  EXPECT_EQ(got->create_time, 1000);
  EXPECT_EQ(got->release_time, 1100);
  EXPECT_EQ(got->reply_time, 1200);
  EXPECT_EQ(got->expire_time(), 1000 + 3600 * 1000);
}

TEST_F(Commands, AnotherOusCommandAndUnknownIdsAreNotFound) {
  save({command(1, "o1", "A", 10)});
  EXPECT_EQ(reg_->get_command("o2", 1).error(), errc::not_found);
  EXPECT_EQ(reg_->get_command("o1", 2).error(), errc::not_found);
  EXPECT_EQ(reg_->get_command("o1", 0).error(), errc::not_found);
  EXPECT_TRUE(search("o2").empty());
}

TEST_F(Commands, SavingAnIdAgainReplacesTheCommand) {
  save({command(5, "o1", "A", 10)});
  Command c = command(5, "o1", "A", 10, CommandState::Released);
  c.release_time = 20;
  save({c});
  c.state = CommandState::Succeeded;
  c.reply_code = 200;
  c.output_data = R"({"result":0})";
  c.reply_time = 30;
  save({c});
  auto all = reg_->search_commands("o1", {}, {1, 10});
  EXPECT_EQ(all.total, 1);
  auto got = reg_->get_command("o1", 5);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->state, CommandState::Succeeded);
  EXPECT_EQ(got->release_time, 20);
  EXPECT_EQ(got->reply_time, 30);
  EXPECT_EQ(got->output_data, R"({"result":0})");
}

TEST_F(Commands, AnEmptyBatchIsFine) { EXPECT_TRUE(reg_->save_commands({})); }

TEST_F(Commands, ABatchWithAnInvalidCommandStoresNothing) {
  auto bad = [](auto change) {
    Command c = command(2, "o1", "A", 10);
    change(c);
    return c;
  };
  const std::vector<Command> invalid = {
      bad([](Command& c) { c.command_id = 0; }),
      bad([](Command& c) { c.command_id = -1; }),
      bad([](Command& c) { c.org_id.clear(); }),
      bad([](Command& c) { c.type = static_cast<CommandType>(0); }),
      bad([](Command& c) { c.type = static_cast<CommandType>(3); }),
      bad([](Command& c) { c.state = static_cast<CommandState>(0); }),
      bad([](Command& c) { c.state = static_cast<CommandState>(8); }),
      bad([](Command& c) { c.pending_ttl_s = -1; }),
      bad([](Command& c) { c.timeout_s = -1; }),
      bad([](Command& c) { c.create_time = -1; }),
  };
  for (const auto& c : invalid) {
    auto r = reg_->save_commands({command(1, "o1", "A", 10), c});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::invalid_argument);
  }
  EXPECT_EQ(reg_->get_command("o1", 1).error(), errc::not_found) << "the valid one of each batch was not kept";
  // The edges of each range are accepted.
  save({bad([](Command& c) { c.state = CommandState::Created; }),
        bad([](Command& c) {
          c.command_id = 3;
          c.state = CommandState::ResponseTimeout;
          c.type = CommandType::SetMeasurepoint;
          c.pending_ttl_s = 0;
          c.timeout_s = 0;
        })});
}

// SQLite refusing the second row (a trigger added behind the registry's back) rolls the first one back too.
TEST_F(Commands, ABatchIsOneTransaction) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TRIGGER refuse BEFORE INSERT ON commands WHEN NEW.command_id = 99 "
                         "BEGIN SELECT RAISE(ABORT, 'refused by test'); END",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto r = reg_->save_commands({command(1, "o1", "A", 10), command(99, "o1", "A", 11)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::storage_error);
  EXPECT_EQ(reg_->get_command("o1", 1).error(), errc::not_found);
  save({command(1, "o1", "A", 10)});
}

class CommandSearch : public Commands {
 protected:
  void SetUp() override {
    Commands::SetUp();
    Command set_point = command(4, "o1", "B", 300, CommandState::Released);
    set_point.tsl_identifier = "temp";
    set_point.type = CommandType::SetMeasurepoint;
    save({command(1, "o1", "A", 100), command(2, "o1", "A", 200, CommandState::Succeeded),
          command(3, "o1", "A", 200, CommandState::Failed), set_point, command(5, "o2", "A", 150)});
  }
};

TEST_F(CommandSearch, NewestFirstByCreateTimeThenId) { EXPECT_EQ(search("o1"), (Ids{4, 3, 2, 1})); }

TEST_F(CommandSearch, EachFieldFilters) {
  EXPECT_EQ(search("o1", filter<CommandFilter>({{&CommandFilter::asset_id, "A"}})), (Ids{3, 2, 1}));
  EXPECT_EQ(search("o1", filter<CommandFilter>({{&CommandFilter::product_key, "pk_B"}})), (Ids{4}));
  EXPECT_EQ(search("o1", filter<CommandFilter>({{&CommandFilter::device_key, "dk_A"}})), (Ids{3, 2, 1}));
  EXPECT_EQ(search("o1", filter<CommandFilter>({{&CommandFilter::tsl_identifier, "temp"}})), (Ids{4}));
  EXPECT_TRUE(search("o1", filter<CommandFilter>({{&CommandFilter::asset_id, "nope"}})).empty());
  EXPECT_TRUE(search("o1", filter<CommandFilter>({{&CommandFilter::asset_id, std::string(kMaxFilterBytes + 1, 'A')}}))
                  .empty());
  CommandFilter f;
  f.state = static_cast<int>(CommandState::Succeeded);
  EXPECT_EQ(search("o1", f), (Ids{2}));
  f.state = static_cast<int>(CommandState::Released);
  EXPECT_EQ(search("o1", f), (Ids{4}));
  f.asset_id = "A";
  EXPECT_TRUE(search("o1", f).empty()) << "filters combine";
}

TEST_F(CommandSearch, CreateTimeRangeIncludesTheStartAndExcludesTheEnd) {
  CommandFilter f;
  f.start_time = 200;
  EXPECT_EQ(search("o1", f), (Ids{4, 3, 2}));
  f.start_time = 201;
  EXPECT_EQ(search("o1", f), (Ids{4}));
  f.start_time = 0;
  f.end_time = 200;
  EXPECT_EQ(search("o1", f), (Ids{1}));
  f.end_time = 201;
  EXPECT_EQ(search("o1", f), (Ids{3, 2, 1}));
  f.start_time = 200;
  EXPECT_EQ(search("o1", f), (Ids{3, 2}));
}

TEST_F(Commands, PagesAreClampedAndTotalCountsEveryMatch) {
  std::vector<Command> cs;
  for (int i = 1; i <= kMaxPageSize + 1; ++i) cs.push_back(command(i, "o1", "A", 1000 + i));
  save(cs);
  auto page = [&](int no, int size) { return reg_->search_commands("o1", {}, {no, size}); };
  EXPECT_EQ(page(1, 10).total, kMaxPageSize + 1);
  EXPECT_EQ(ids(page(1, 3).items), (Ids{201, 200, 199}));
  EXPECT_EQ(ids(page(2, 3).items), (Ids{198, 197, 196}));
  EXPECT_EQ(ids(page(0, 3).items), (Ids{201, 200, 199})) << "pageNo < 1 is page 1";
  EXPECT_EQ(page(1, 0).items.size(), static_cast<size_t>(kDefaultPageSize));
  EXPECT_EQ(page(1, kMaxPageSize).items.size(), static_cast<size_t>(kMaxPageSize));
  EXPECT_EQ(page(1, kMaxPageSize + 1).items.size(), static_cast<size_t>(kMaxPageSize));
  EXPECT_EQ(ids(page(2, kMaxPageSize).items), (Ids{1}));
  auto past = page(3, kMaxPageSize);
  EXPECT_TRUE(past.items.empty());
  EXPECT_EQ(past.total, kMaxPageSize + 1);
}

TEST_F(Commands, OpenCommandsAreCreatedAndReleasedOnesOfEveryOuOldestFirst) {
  save({command(1, "o1", "A", 500, CommandState::Released), command(2, "o2", "B", 100, CommandState::Created),
        command(3, "o1", "A", 50, CommandState::Canceled), command(4, "o1", "A", 60, CommandState::Expired),
        command(5, "o1", "A", 70, CommandState::Succeeded), command(6, "o1", "A", 80, CommandState::Failed),
        command(7, "o1", "A", 90, CommandState::ResponseTimeout), command(8, "o1", "A", 100, CommandState::Created)});
  EXPECT_EQ(ids(reg_->open_commands()), (Ids{2, 8, 1}));
  Command done = command(8, "o1", "A", 100, CommandState::Succeeded);
  save({done});
  EXPECT_EQ(ids(reg_->open_commands()), (Ids{2, 1}));
}

TEST_F(Commands, NextCommandIdIsOneAboveTheLargestEverStored) {
  EXPECT_EQ(reg_->next_command_id(), 1);
  save({command(7, "o1", "A", 1)});
  EXPECT_EQ(reg_->next_command_id(), 8);
  save({command(3, "o2", "A", 2)});
  EXPECT_EQ(reg_->next_command_id(), 8) << "a smaller id does not lower it";
  save({command(8, "o1", "A", 3)});
  EXPECT_EQ(reg_->next_command_id(), 9);
}

TEST_F(Commands, CommandsSurviveReopen) {
  save({command(10, "o1", "A", 100, CommandState::Created), command(11, "o1", "A", 200, CommandState::Succeeded)});
  reopen();
  EXPECT_EQ(reg_->next_command_id(), 12);
  EXPECT_EQ(ids(reg_->open_commands()), (Ids{10}));
  auto got = reg_->get_command("o1", 11);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->state, CommandState::Succeeded);
  EXPECT_EQ(got->command_name, (Json{{"defaultValue", "Service"}}));
}

}  // namespace
}  // namespace gridhub::registry::testing
