// IdTable: lookup by id, insertion order, and records that never move while the table grows.
#include "durable/model/id_table.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace durable {
namespace {

struct Record {
  std::string id;
  int value = 0;
  // Counts live records, so the test sees the table destroy each exactly once.
  std::shared_ptr<int> alive;
};
struct RecordKey {
  static std::string_view of(const Record& r) { return r.id; }
};

std::string id_of(std::size_t i) {
  // Long ids (the SDK's are 64 characters) and short ones, hashing anywhere in the index.
  return i % 3 == 0 ? std::string(60, 'x') + std::to_string(i) : "op-" + std::to_string(i);
}

TEST(IdTable, FindsEveryRecordByIdAndNothingElse) {
  IdTable<Record, RecordKey> table;
  EXPECT_EQ(table.find("op-1"), nullptr);
  for (std::size_t i = 0; i < 5000; ++i) {
    table.push_back(Record{id_of(i), static_cast<int>(i), nullptr});
  }
  ASSERT_EQ(table.size(), 5000u);
  for (std::size_t i = 0; i < 5000; ++i) {
    const Record* r = table.find(id_of(i));
    ASSERT_NE(r, nullptr) << i;
    EXPECT_EQ(r->value, static_cast<int>(i));
    EXPECT_EQ(&table[i], r);
  }
  EXPECT_EQ(table.find("op-5000"), nullptr);
  EXPECT_EQ(table.find(""), nullptr);
  EXPECT_EQ(table.find(std::string(60, 'x')), nullptr);
}

// emplace_back builds the record in the table from its members (an aggregate here), without a
// temporary record to move from; it is then found like a pushed one, and the table stays usable.
TEST(IdTable, EmplaceBackBuildsTheRecordInPlace) {
  struct Counted {
    std::string id;
    int value = 0;
    int* moves = nullptr;
    Counted(std::string i, int v, int* m) : id(std::move(i)), value(v), moves(m) {}
    Counted(Counted&& other) noexcept
        : id(std::move(other.id)), value(other.value), moves(other.moves) {
      ++*moves;
    }
  };
  struct CountedKey {
    static std::string_view of(const Counted& c) { return c.id; }
  };
  int moves = 0;
  IdTable<Counted, CountedKey> counted;
  for (int i = 0; i < 100; ++i) {
    const std::string id = id_of(static_cast<std::size_t>(i));
    counted.emplace_back(decltype(counted)::hash(id), id, i, &moves);
  }
  EXPECT_EQ(moves, 0);
  for (int i = 0; i < 100; ++i) {
    const Counted* c = counted.find(id_of(static_cast<std::size_t>(i)));
    ASSERT_NE(c, nullptr) << i;
    EXPECT_EQ(c->value, i);
  }
  // push_back still moves its argument into the table.
  counted.push_back(Counted{"pushed", 7, &moves}, decltype(counted)::hash("pushed"));
  EXPECT_EQ(moves, 1);
  EXPECT_EQ(counted.find("pushed")->value, 7);

  IdTable<Record, RecordKey> table;  // an aggregate, built with parentheses
  table.emplace_back(decltype(table)::hash("agg"), std::string("agg"), 5);
  ASSERT_NE(table.find("agg"), nullptr);
  EXPECT_EQ(table.find("agg")->value, 5);
  EXPECT_EQ(table.find("agg")->alive, nullptr);
}

TEST(IdTable, KeepsInsertionOrderAndAddressesAcrossGrowth) {
  IdTable<Record, RecordKey> table;
  std::vector<const Record*> addresses;
  for (std::size_t i = 0; i < 3000; ++i) {
    addresses.push_back(&table.push_back(Record{id_of(i), static_cast<int>(i), nullptr}));
    if (i == 100) table.reserve(2000);  // a rehash in the middle moves no record either
  }
  std::size_t i = 0;
  table.for_each([&](const Record& r) {
    EXPECT_EQ(r.value, static_cast<int>(i));
    EXPECT_EQ(&r, addresses[i]);
    ++i;
  });
  EXPECT_EQ(i, 3000u);
}

TEST(IdTable, RecordsCanBeChangedInPlaceThroughFind) {
  IdTable<Record, RecordKey> table;
  table.push_back(Record{"a", 1, nullptr});
  table.push_back(Record{"b", 2, nullptr});
  table.find("b")->value = 20;
  EXPECT_EQ(table[1].value, 20);
  EXPECT_EQ(table.find("a")->value, 1);
}

TEST(IdTable, MovesWithoutMovingItsRecords) {
  IdTable<Record, RecordKey> table;
  for (std::size_t i = 0; i < 40; ++i) table.push_back(Record{id_of(i), static_cast<int>(i), nullptr});
  const Record* seventh = table.find(id_of(7));
  IdTable<Record, RecordKey> moved(std::move(table));
  EXPECT_EQ(moved.find(id_of(7)), seventh);
  EXPECT_EQ(moved.size(), 40u);
  EXPECT_EQ(table.size(), 0u);  // NOLINT(bugprone-use-after-move): documented as empty
  EXPECT_EQ(table.find(id_of(7)), nullptr);
  IdTable<Record, RecordKey> assigned;
  assigned.push_back(Record{"old", 0, nullptr});
  assigned = std::move(moved);
  EXPECT_EQ(assigned.find("old"), nullptr);
  EXPECT_EQ(assigned.find(id_of(7)), seventh);
}

TEST(IdTable, DestroysEachRecordOnce) {
  auto alive = std::make_shared<int>(0);
  {
    IdTable<Record, RecordKey> table;
    for (std::size_t i = 0; i < 100; ++i) table.push_back(Record{id_of(i), 0, alive});
    EXPECT_EQ(alive.use_count(), 101);
  }
  EXPECT_EQ(alive.use_count(), 1);
}

}  // namespace
}  // namespace durable
