//===- ReplayTest.cpp - Lowering and applying operations to a schema ------===//
//
// Each test parses .mig text, replays its `up` blocks into one ir::Schema and
// looks at the schema and the diagnostics. Migration ordering is tested on
// ir::Migration values built directly.
//
//===----------------------------------------------------------------------===//

#include "ir/Replay.h"
#include "frontend/Parser.h"
#include "ir/Order.h"
#include "ir/SchemaPrinter.h"
#include "ir/Walk.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <set>

using namespace migc;
using namespace migc::ir;

namespace {

// ------------------------------------------------------------ helpers

std::string rules(const DiagList &Ds) {
  std::string Out;
  for (const Diagnostic &D : Ds)
    Out += (Out.empty() ? "" : " ") + ruleName(D.TheRule).str();
  return Out;
}

std::string messages(const DiagList &Ds) {
  std::string Out;
  for (const Diagnostic &D : Ds)
    Out += "[" + ruleName(D.TheRule).str() + "] " + D.Message + "\n";
  return Out;
}

/// Replays .mig text into one schema; the SourceMgr keeps every buffer
/// alive for the ranges in the schema and the diagnostics.
class Replayer {
public:
  /// Parses Ops as the `up` block of a new migration and replays it into S.
  /// Returns the replay diagnostics; parse problems fail the test.
  DiagList run(const std::string &Ops) {
    std::string Text = "migration m" + std::to_string(++Count) +
                       " {\n  up {\n" + Ops + "\n  }\n}\n";
    unsigned Buf = SM.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(Text, "t.mig"), llvm::SMLoc());
    Parsed.push_back(std::make_unique<ParseOutput>(parseBuffer(SM, Buf)));
    ParseOutput &P = *Parsed.back();
    EXPECT_TRUE(P.Diags.empty()) << "parse: " << messages(P.Diags) << Ops;
    DiagList Diags;
    for (const ast::Migration &M : P.File.Migrations)
      replayBlock(M.Up, S, Diags);
    return Diags;
  }

  /// run, expecting Op to fail with exactly the rules Rule (the first
  /// message starting with Message) and to leave the schema as it was.
  void rejects(const std::string &Op, const std::string &Rule,
               const std::string &Message);

  /// run, expecting no diagnostic at all.
  void ok(const std::string &Ops) {
    DiagList D = run(Ops);
    EXPECT_TRUE(D.empty()) << messages(D) << "for: " << Ops;
  }

  std::string dump() const {
    std::string Out;
    llvm::raw_string_ostream OS(Out);
    printSchemaText(S, OS);
    OS.flush();
    return Out;
  }

  const Table &table(llvm::StringRef Name) {
    const Table *T = S.findTable(Name);
    if (!T) {
      ADD_FAILURE() << "no table " << Name.str() << "\n" << dump();
      static const Table Empty;
      return Empty;
    }
    return *T;
  }

  const Column &column(llvm::StringRef T, llvm::StringRef C) {
    const Column *Col = table(T).findColumn(C);
    if (!Col) {
      ADD_FAILURE() << "no column " << T.str() << "." << C.str() << "\n"
                    << dump();
      static const Column Empty;
      return Empty;
    }
    return *Col;
  }

  const Constraint &constraint(llvm::StringRef T, llvm::StringRef Name) {
    for (const Constraint &C : table(T).Constraints)
      if (C.Name == Name)
        return C;
    ADD_FAILURE() << "no constraint " << Name.str() << " on " << T.str() << "\n"
                  << dump();
    static const Constraint Empty;
    return Empty;
  }

  std::vector<std::string> constraintNames(llvm::StringRef T) {
    std::vector<std::string> Out;
    for (const Constraint &C : table(T).Constraints)
      Out.push_back(C.Name);
    return Out;
  }

  std::vector<std::string> columnNames(llvm::StringRef T) {
    std::vector<std::string> Out;
    for (const Column &C : table(T).Columns)
      Out.push_back(C.Name);
    return Out;
  }

  std::vector<std::string> tableNames() const {
    std::vector<std::string> Out;
    for (llvm::StringRef N : S.tableNames())
      Out.push_back(N.str());
    return Out;
  }

  std::vector<std::string> indexNames() const {
    std::vector<std::string> Out;
    for (const Index *I : S.indexes())
      Out.push_back(I->Name);
    return Out;
  }

  static std::string defaultOf(const Column &C) {
    return C.Default ? print(*C.Default) : "<none>";
  }
  static std::string checkOf(const Constraint &C) {
    return C.Check ? print(*C.Check) : "<none>";
  }
  static std::vector<std::string> keysOf(const Index &I) {
    std::vector<std::string> Out;
    for (const IndexKey &K : I.Keys)
      Out.push_back(K.Column + (K.Desc ? " desc" : ""));
    return Out;
  }

  using Strings = std::vector<std::string>;

  llvm::SourceMgr SM;
  std::vector<std::unique_ptr<ParseOutput>> Parsed;
  Schema S;
  unsigned Count = 0;
};

class ReplayTest : public ::testing::Test, public Replayer {};

/// The message starts with Prefix (a did-you-mean may follow).
::testing::AssertionResult startsWith(const std::string &Message,
                                      const std::string &Prefix) {
  if (llvm::StringRef(Message).startswith(Prefix))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "message: " << Message << "\nwanted:  " << Prefix << "...";
}

void Replayer::rejects(const std::string &Op, const std::string &Rule,
                       const std::string &Message) {
  std::string Before = dump();
  DiagList D = run(Op);
  ASSERT_EQ(rules(D), Rule) << Op;
  ASSERT_FALSE(D.empty()) << Op;
  EXPECT_TRUE(startsWith(D[0].Message, Message)) << Op;
  EXPECT_EQ(dump(), Before) << Op;
}

const char *UsersSchema = R"(
    create table orgs (id bigint primary key, name text not null);
    create table users (
      id bigint primary key identity,
      username varchar(50) not null unique,
      age int check (age >= 0 and age <= 150),
      status text not null default 'active' check (status in ('active', 'banned')),
      org_id bigint references orgs (id) on delete cascade,
      created_at timestamptz not null default now(),
      constraint users_age_sane check (age < 200),
      unique (username, org_id),
      check (age > 1 and status <> 'x')
    );
)";

// ------------------------------------------------------------ create table

TEST_F(ReplayTest, CreateTableWithEveryConstraintKind) {
  ok(UsersSchema);
  EXPECT_EQ(tableNames(), (Strings{"orgs", "users"}));
  EXPECT_EQ(columnNames("users"), (Strings{"id", "username", "age", "status",
                                           "org_id", "created_at"}));

  struct {
    const char *Name, *Type;
    bool Nullable;
    const char *Default;
  } Columns[] = {
      {"id", "bigint", false, "<none>"},
      {"username", "varchar(50)", false, "<none>"},
      {"age", "int", true, "<none>"},
      {"status", "text", false, "'active'"},
      {"org_id", "bigint", true, "<none>"},
      {"created_at", "timestamptz", false, "now()"},
  };
  for (const auto &C : Columns) {
    const Column &Col = column("users", C.Name);
    EXPECT_EQ(Col.Ty.str(), C.Type) << C.Name;
    EXPECT_EQ(Col.Nullable, C.Nullable) << C.Name;
    EXPECT_EQ(defaultOf(Col), C.Default) << C.Name;
  }
  EXPECT_TRUE(column("users", "id").Identity);
  EXPECT_FALSE(column("users", "age").Identity);

  struct {
    const char *Name;
    ConstraintKind Kind;
    Strings Columns;
    const char *Check;
    bool NameGiven;
  } Constraints[] = {
      {"users_pkey", ConstraintKind::PrimaryKey, {"id"}, "<none>", false},
      {"users_username_key",
       ConstraintKind::Unique,
       {"username"},
       "<none>",
       false},
      {"users_age_check",
       ConstraintKind::Check,
       {},
       "age >= 0 and age <= 150",
       false},
      {"users_status_check",
       ConstraintKind::Check,
       {},
       "status in ('active', 'banned')",
       false},
      {"users_org_id_fkey",
       ConstraintKind::ForeignKey,
       {"org_id"},
       "<none>",
       false},
      {"users_age_sane", ConstraintKind::Check, {}, "age < 200", true},
      {"users_username_org_id_key",
       ConstraintKind::Unique,
       {"username", "org_id"},
       "<none>",
       false},
      // A check naming two columns is named after the table only.
      {"users_check",
       ConstraintKind::Check,
       {},
       "age > 1 and status <> 'x'",
       false},
  };
  std::set<std::string> Want, Got;
  for (const auto &C : Constraints)
    Want.insert(C.Name);
  for (const std::string &N : constraintNames("users"))
    Got.insert(N);
  EXPECT_EQ(Got, Want);
  EXPECT_EQ(constraintNames("users").size(), std::size(Constraints));
  for (const auto &Want : Constraints) {
    const Constraint &Got = constraint("users", Want.Name);
    EXPECT_EQ(Got.Kind, Want.Kind) << Want.Name;
    EXPECT_EQ(Got.Columns, Want.Columns) << Want.Name;
    EXPECT_EQ(checkOf(Got), Want.Check) << Want.Name;
    EXPECT_EQ(Got.NameGiven, Want.NameGiven) << Want.Name;
  }
  const Constraint &FK = constraint("users", "users_org_id_fkey");
  EXPECT_EQ(FK.RefTable, "orgs");
  EXPECT_EQ(FK.RefColumns, (Strings{"id"}));
  EXPECT_EQ(FK.OnDelete, RefAction::Cascade);
  EXPECT_EQ(FK.OnUpdate, RefAction::NoAction);
  EXPECT_TRUE(indexNames().empty());
}

TEST_F(ReplayTest, ReferencesWithoutColumnsMeansThePrimaryKey) {
  ok(R"(
    create table a (x int, y int, primary key (x, y));
    create table b (p int, q int, foreign key (p, q) references a on update set null);
    create table c (id int primary key, parent int references c);
  )");
  const Constraint &FK = constraint("b", "b_p_q_fkey");
  EXPECT_EQ(FK.RefColumns, (Strings{"x", "y"}));
  EXPECT_EQ(FK.OnUpdate, RefAction::SetNull);
  // A table may reference its own primary key while it is being created.
  const Constraint &Self = constraint("c", "c_parent_fkey");
  EXPECT_EQ(Self.RefTable, "c");
  EXPECT_EQ(Self.RefColumns, (Strings{"id"}));
}

TEST_F(ReplayTest, PrimaryKeyColumnsBecomeNotNull) {
  ok(R"(
    create table a (id int primary key);
    create table b (x int null, y text, z int, primary key (x, y));
  )");
  EXPECT_FALSE(column("a", "id").Nullable);
  EXPECT_FALSE(column("b", "x").Nullable);
  EXPECT_FALSE(column("b", "y").Nullable);
  EXPECT_TRUE(column("b", "z").Nullable);
  ok("create table n (x int); add column n.id int primary key;");
  EXPECT_FALSE(column("n", "id").Nullable);
  EXPECT_EQ(constraintNames("n"), (Strings{"n_pkey"}));
}

TEST_F(ReplayTest, DerivedNamesAvoidTakenNames) {
  ok(R"(
    create table t (
      a int unique, b int check (b > 0), c int,
      unique (a), check (b < 10), check (b <> 5),
      constraint t_c_check check (c > 0),
      check (c < 9)
    );
    create index on t (a);
    create index on t (a);
    create index t_b_idx on t (b);
    create index on t (b);
  )");
  EXPECT_EQ(constraintNames("t"),
            (Strings{"t_a_key", "t_b_check", "t_a_key1", "t_b_check1",
                     "t_b_check2", "t_c_check", "t_c_check1"}));
  EXPECT_EQ(indexNames(),
            (Strings{"t_a_idx", "t_a_idx1", "t_b_idx", "t_b_idx1"}));
  ASSERT_TRUE(S.findIndex("t_a_idx"));
  EXPECT_FALSE(S.findIndex("t_a_idx")->NameGiven);
  EXPECT_TRUE(S.findIndex("t_b_idx")->NameGiven);
}

TEST_F(ReplayTest, KeyNamesAvoidRelationsAndConstraintsElsewhere) {
  ok(R"(
    create table t_pkey (x int);
    create table u (id int, constraint t_x_key check (id > 0));
    create table t (id int primary key, x int unique);
  )");
  // t_pkey is a table and t_x_key a constraint of another table.
  EXPECT_EQ(constraintNames("t"), (Strings{"t_pkey1", "t_x_key1"}));
}

TEST_F(ReplayTest, LongNamesAreCutLikePostgres) {
  std::string T60(60, 't');
  ok("create table " + T60 + " (abcdefghij int unique);");
  const Table &T = table(T60);
  ASSERT_EQ(T.Constraints.size(), 1u);
  EXPECT_EQ(T.Constraints[0].Name, std::string(48, 't') + "_abcdefghij_key");
}

TEST_F(ReplayTest, CreateTableErrors) {
  ok("create table t (a int); create index t_i on t (a);");
  DiagList D = run("create table t (b int);");
  ASSERT_EQ(rules(D), "duplicate-table");
  EXPECT_EQ(D[0].Message, "table `t` already exists");
  ASSERT_EQ(D[0].Notes.size(), 1u);
  EXPECT_EQ(D[0].Notes[0].Message, "it was created here");
  EXPECT_EQ(columnNames("t"), (Strings{"a"}));

  D = run("create table t_i (b int);");
  ASSERT_EQ(rules(D), "duplicate-table");
  EXPECT_EQ(D[0].Message, "`t_i` is already taken by index `t_i` on `t`; "
                          "tables, indexes and keys share one namespace");
  EXPECT_FALSE(S.findTable("t_i"));

  D = run("create table u (a int, a text);");
  ASSERT_EQ(rules(D), "duplicate-column");
  EXPECT_EQ(D[0].Message, "column `a` appears twice in `u`");
  EXPECT_EQ(columnNames("u"), (Strings{"a"}));
  EXPECT_EQ(column("u", "a").Ty.str(), "int");

  D = run("create table v (a int primary key, b int, primary key (b));");
  ASSERT_EQ(rules(D), "multiple-primary-keys");
  EXPECT_EQ(D[0].Message, "table `v` already has primary key `v_pkey`");
  EXPECT_EQ(constraintNames("v"), (Strings{"v_pkey"}));

  D = run("create table w (a int references nowhere (id));");
  ASSERT_EQ(rules(D), "unknown-table");
  EXPECT_TRUE(table("w").Constraints.empty());
}

TEST_F(ReplayTest, ForeignKeyTargets) {
  ok("create table p (id int primary key, code text, n int);");
  DiagList D = run("create table c1 (x int references p (code));");
  ASSERT_EQ(rules(D), "fk-target-not-unique");
  EXPECT_EQ(D[0].Message,
            "foreign key `c1_x_fkey` references `p (code)`, which is not a "
            "primary key or unique; the database rejects it");
  D = run("create table c2 (x text references p (id));");
  ASSERT_EQ(rules(D), "fk-type-mismatch");
  EXPECT_EQ(D[0].Message, "foreign key `c2_x_fkey` joins `c2.x` (text) to "
                          "`p.id` (int); the types must be the same");
  D = run("create table c3 (x int references p (nope));");
  ASSERT_EQ(rules(D), "unknown-column");
  EXPECT_TRUE(
      startsWith(D[0].Message, "referenced table `p` has no column `nope`"));
  D = run(
      "create table c4 (x int, y int, foreign key (x, y) references p (id));");
  ASSERT_EQ(rules(D), "fk-type-mismatch");
  EXPECT_TRUE(
      startsWith(D[0].Message,
                 "foreign key `c4_x_y_fkey` has 2 columns but references 1"));
  // A unique index without predicate is a valid target.
  ok("create unique index p_code_idx on p (code);"
     "create table c5 (x text references p (code));");
  EXPECT_EQ(constraintNames("c5"), (Strings{"c5_x_fkey"}));
}

// ------------------------------------------------------------ columns

TEST_F(ReplayTest, AddColumnWithConstraints) {
  ok("create table t (id int primary key);");
  ok("add column t.email varchar(255) not null default 'x' unique "
     "check (length(email) > 3);");
  const Column &C = column("t", "email");
  EXPECT_EQ(C.Ty.str(), "varchar(255)");
  EXPECT_FALSE(C.Nullable);
  EXPECT_EQ(defaultOf(C), "'x'");
  EXPECT_EQ(constraintNames("t"),
            (Strings{"t_pkey", "t_email_key", "t_email_check"}));
  EXPECT_EQ(checkOf(constraint("t", "t_email_check")), "length(email) > 3");

  DiagList D = run("add column t.email text;");
  ASSERT_EQ(rules(D), "duplicate-column");
  EXPECT_EQ(D[0].Message, "table `t` already has a column `email`");
  EXPECT_EQ(column("t", "email").Ty.str(), "varchar(255)");

  D = run("add column nope.x int;");
  ASSERT_EQ(rules(D), "unknown-table");
  EXPECT_TRUE(
      startsWith(D[0].Message, "table `nope` does not exist at this point"));
}

TEST_F(ReplayTest, DropColumn) {
  ok(R"(
    create table p (id int primary key, code text unique, note text, x int);
    create table c (id int primary key, p_code text references p (code), y int);
    create index c_y_idx on c (id) where (y > 0);
    add constraint p_x_pos on p check (x > 0);
  )");
  ok("drop column p.note;");
  EXPECT_EQ(columnNames("p"), (Strings{"id", "code", "x"}));

  struct {
    const char *Op, *Message;
  } Cases[] = {
      {"drop column p.code;",
       "cannot drop column `p.code`: foreign key `c_p_code_fkey` on `c` still "
       "references it"},
      {"drop column c.nope;", "table `c` has no column `nope`"},
  };
  for (const auto &C : Cases) {
    std::string Before = dump();
    DiagList D = run(C.Op);
    ASSERT_EQ(D.size(), 1u) << C.Op << "\n" << messages(D);
    EXPECT_TRUE(startsWith(D[0].Message, C.Message)) << C.Op;
    EXPECT_EQ(dump(), Before) << C.Op;
  }
  // What only the table's own indexes and constraints use goes with the
  // column, as on PostgreSQL: the check, the partial index, the foreign key.
  ok("drop column p.x;");
  EXPECT_EQ(columnNames("p"), (Strings{"id", "code"}));
  ok("drop column c.y; drop column c.p_code;");
  EXPECT_EQ(columnNames("c"), (Strings{"id"}));
  EXPECT_EQ(S.findIndex("c_y_idx"), nullptr);
  // With the foreign key gone, the referenced column (and its unique key)
  // can go too.
  ok("drop column p.code;");
  EXPECT_EQ(S.findTable("p")->findConstraint("p_code_key"), nullptr);
}

TEST_F(ReplayTest, DropColumnReferencedFromAnotherTable) {
  ok(R"(
    create table p (id int, code text);
    create unique index p_code_idx on p (code);
    create table c (p_code text references p (code));
  )");
  DiagList D = run("drop column p.code;");
  ASSERT_EQ(rules(D), "drop-still-used");
  EXPECT_EQ(D[0].Message, "cannot drop column `p.code`: foreign key "
                          "`c_p_code_fkey` on `c` still references it");
  ASSERT_EQ(D[0].Notes.size(), 1u);
  EXPECT_EQ(D[0].Notes[0].Message, "drop the foreign key first");
  // The unique index the key relies on cannot go either.
  D = run("drop index p_code_idx;");
  ASSERT_EQ(rules(D), "drop-still-used");
  EXPECT_EQ(D[0].Message, "cannot drop index `p_code_idx`: foreign key "
                          "`c_p_code_fkey` on `c` depends on it");
  EXPECT_TRUE(S.findIndex("p_code_idx"));
}

TEST_F(ReplayTest, RenameColumnCarriesThrough) {
  ok(R"(
    create table p (id int primary key, code text, amount int check (amount > 0));
    create unique index p_code_idx on p (code desc);
    create index p_amt_idx on p (id) where (amount > 10);
    create table c (id int primary key, p_code text references p (code),
                    parent int references c (id));
    add constraint c_code_len on c check (length(p_code) > 2);
  )");
  ok("rename column p.code to ref;");
  ok("rename column p.amount to total;");
  ok("rename column c.p_code to parent_ref;");
  ok("rename column c.id to cid;");
  EXPECT_EQ(columnNames("p"), (Strings{"id", "ref", "total"}));
  // Checks and index predicates read the new names; constraint names stay.
  EXPECT_EQ(checkOf(constraint("p", "p_amount_check")), "total > 0");
  const Index *I = S.findIndex("p_code_idx");
  ASSERT_TRUE(I);
  EXPECT_EQ(keysOf(*I), (Strings{"ref desc"}));
  I = S.findIndex("p_amt_idx");
  ASSERT_TRUE(I);
  ASSERT_TRUE(I->Where);
  EXPECT_EQ(print(*I->Where), "total > 10");
  // Foreign keys on both sides follow, including a self reference.
  const Constraint &FK = constraint("c", "c_p_code_fkey");
  EXPECT_EQ(FK.Columns, (Strings{"parent_ref"}));
  EXPECT_EQ(FK.RefColumns, (Strings{"ref"}));
  const Constraint &Self = constraint("c", "c_parent_fkey");
  EXPECT_EQ(Self.Columns, (Strings{"parent"}));
  EXPECT_EQ(Self.RefColumns, (Strings{"cid"}));
  EXPECT_EQ(constraint("c", "c_pkey").Columns, (Strings{"cid"}));
  EXPECT_EQ(checkOf(constraint("c", "c_code_len")), "length(parent_ref) > 2");
  // The new names are what later operations see.
  ok("drop index p_amt_idx; drop constraint p_amount_check on p;"
     "drop column p.total;");
  EXPECT_EQ(columnNames("p"), (Strings{"id", "ref"}));
}

TEST_F(ReplayTest, RenameColumnErrors) {
  ok("create table t (a int, b int);");
  std::string Before = dump();
  DiagList D = run("rename column t.a to b;");
  ASSERT_EQ(rules(D), "duplicate-column");
  EXPECT_EQ(D[0].Message, "table `t` already has a column `b`");
  D = run("rename column t.c to d;");
  ASSERT_EQ(rules(D), "unknown-column");
  EXPECT_EQ(D[0].Message, "table `t` has no column `c`; did you mean `a`?");
  EXPECT_EQ(dump(), Before);
}

// ------------------------------------------------------------ tables

TEST_F(ReplayTest, RenameTableCarriesThrough) {
  ok(R"(
    create table orgs (id int primary key);
    create table users (id int primary key, org_id int references orgs (id));
    create index users_org_idx on users (org_id);
    create index orgs_id_idx on orgs (id);
  )");
  ok("rename table orgs to teams;");
  EXPECT_EQ(tableNames(), (Strings{"teams", "users"}));
  EXPECT_EQ(constraint("users", "users_org_id_fkey").RefTable, "teams");
  // Constraint names are kept, as in PostgreSQL.
  EXPECT_EQ(constraintNames("teams"), (Strings{"orgs_pkey"}));
  ASSERT_TRUE(S.findIndex("orgs_id_idx"));
  EXPECT_EQ(S.findIndex("orgs_id_idx")->Table, "teams");
  ok("rename table users to members;");
  EXPECT_EQ(S.findIndex("users_org_idx")->Table, "members");
  ASSERT_EQ(S.indexesOn("members").size(), 1u);
  EXPECT_TRUE(S.indexesOn("users").empty());
  // The foreign key follows the renamed table, so teams stays referenced.
  DiagList D = run("drop table teams;");
  ASSERT_EQ(rules(D), "drop-still-used");
  EXPECT_EQ(D[0].Message, "cannot drop table `teams`: foreign key "
                          "`users_org_id_fkey` on `members` still references "
                          "it");
}

TEST_F(ReplayTest, RenameTableSelfReference) {
  ok("create table node (id int primary key, parent int references node "
     "(id));");
  ok("rename table node to tree;");
  EXPECT_EQ(constraint("tree", "node_parent_fkey").RefTable, "tree");
  ok("drop table tree;");
  EXPECT_TRUE(tableNames().empty());
}

TEST_F(ReplayTest, RenameTableErrors) {
  ok("create table a (id int primary key); create table b (x int);"
     "create index b_idx on b (x);");
  struct {
    const char *Op, *Rule, *Message;
  } Cases[] = {
      {"rename table a to b;", "duplicate-table",
       "`b` is already taken by table `b`; tables, indexes and keys share one "
       "namespace"},
      {"rename table a to b_idx;", "duplicate-table",
       "`b_idx` is already taken by index `b_idx` on `b`; tables, indexes and "
       "keys share one namespace"},
      {"rename table b to a_pkey;", "duplicate-table",
       "`a_pkey` is already taken by the index of constraint `a_pkey` on `a`; "
       "tables, indexes and keys share one namespace"},
      {"rename table c to d;", "unknown-table",
       "table `c` does not exist at this point"},
  };
  for (const auto &C : Cases)
    rejects(C.Op, C.Rule, C.Message);
}

TEST_F(ReplayTest, DropTableTakesItsIndexes) {
  ok("create table a (x int); create index a_x_idx on a (x);"
     "create table b (y int); create index b_y_idx on b (y);");
  ok("drop table a;");
  EXPECT_EQ(tableNames(), (Strings{"b"}));
  EXPECT_EQ(indexNames(), (Strings{"b_y_idx"}));
  // The names are free again.
  ok("create table a_x_idx (z int);");
  DiagList D = run("drop table a;");
  ASSERT_EQ(rules(D), "unknown-table");
  EXPECT_TRUE(
      startsWith(D[0].Message, "table `a` does not exist at this point"));
}

TEST_F(ReplayTest, UnknownTableSuggestsAName) {
  ok("create table users (id int);");
  DiagList D = run("drop table usres;");
  ASSERT_EQ(rules(D), "unknown-table");
  EXPECT_EQ(
      D[0].Message,
      "table `usres` does not exist at this point; did you mean `users`?");
}

// ------------------------------------------------------------ types

TEST_F(ReplayTest, AlterTypeWithoutUsing) {
  ok("create table t (a int, b text, c int check (c > 0), d int default 0);");
  ok("alter column t.a type bigint;");
  EXPECT_EQ(column("t", "a").Ty.str(), "bigint");
  ok("alter column t.a type smallint;");
  EXPECT_EQ(column("t", "a").Ty.str(), "smallint");
  // Anything converts to a string type.
  ok("alter column t.a type varchar(20);");
  EXPECT_EQ(column("t", "a").Ty.str(), "varchar(20)");
  // A string does not convert to a number by itself.
  DiagList D = run("alter column t.b type int;");
  ASSERT_EQ(rules(D), "type-mismatch");
  EXPECT_EQ(D[0].Message, "changing `t.b` from text to int needs `using "
                          "(...)`: there is no automatic conversion between "
                          "them");
  D = run("alter column t.a type decimal(3,5);");
  ASSERT_EQ(rules(D), "invalid-type");
  EXPECT_EQ(D[0].Message,
            "`decimal` scale must be between 0 and the precision 3");
  EXPECT_EQ(column("t", "a").Ty.str(), "varchar(20)");
}

TEST_F(ReplayTest, AlterTypeWithUsing) {
  ok("create table t (a text, b text);");
  ok("alter column t.a type int using (cast(a as int));");
  EXPECT_EQ(column("t", "a").Ty.str(), "int");
  DiagList D = run("alter column t.b type int using (now());");
  ASSERT_EQ(rules(D), "type-mismatch");
  EXPECT_EQ(D[0].Message,
            "`using` gives timestamptz, which cannot be converted to int");
}

TEST_F(ReplayTest, AlterTypeKeepsDependentsValid) {
  ok(R"(
    create table p (id int primary key);
    create table c (p_id int references p (id), n int check (n > 0),
                    d int default 0, k int identity);
  )");
  struct {
    const char *Op, *Rule, *Message;
  } Cases[] = {
      {"alter column c.p_id type bigint;", "fk-type-mismatch",
       "after this change foreign key `c_p_id_fkey` would join `c.p_id` "
       "(bigint) to `p.id` (int)"},
      {"alter column p.id type bigint;", "fk-type-mismatch",
       "after this change foreign key `c_p_id_fkey` would join `p.id` "
       "(bigint) to `c.p_id` (int)"},
      {"alter column c.n type text;", "type-mismatch",
       "after this change check `c_n_check` no longer type-checks: "},
      {"alter column c.d type date using (current_date);", "type-mismatch",
       "the default of `c.d` (`0`) cannot be stored as date; drop or change "
       "the default first"},
      {"alter column c.k type text;", "type-mismatch",
       "`c.k` is an identity column and must stay an integer"},
  };
  for (const auto &C : Cases)
    rejects(C.Op, C.Rule, C.Message);
  // With the default cleared first, the change goes through.
  ok("alter column c.d drop default;"
     "alter column c.d type date using (current_date);");
  EXPECT_EQ(column("c", "d").Ty.str(), "date");
}

// ------------------------------------------------------------ defaults, null

TEST_F(ReplayTest, SetAndDropDefault) {
  ok("create table t (a int, s text default 'x', k int identity);");
  ok("alter column t.a set default 42;");
  EXPECT_EQ(defaultOf(column("t", "a")), "42");
  ok("alter column t.a set default 1 + 2;");
  EXPECT_EQ(defaultOf(column("t", "a")), "1 + 2");
  ok("alter column t.s drop default;");
  EXPECT_EQ(defaultOf(column("t", "s")), "<none>");
  ok("alter column t.s drop default;"); // nothing to drop is fine
  DiagList D = run("alter column t.a set default 'abc';");
  ASSERT_EQ(rules(D), "literal-out-of-range");
  D = run("alter column t.a set default true;");
  ASSERT_EQ(rules(D), "type-mismatch");
  D = run("alter column t.a set default 99999999999;");
  ASSERT_EQ(rules(D), "literal-out-of-range");
  EXPECT_NE(D[0].Message.find(
                "99999999999 is outside int's range -2147483648..2147483647"),
            std::string::npos)
      << D[0].Message;
  D = run("alter column t.k set default 1;");
  ASSERT_EQ(rules(D), "type-mismatch");
  EXPECT_EQ(D[0].Message,
            "`t.k` is an identity column; it cannot also have a default");
  EXPECT_EQ(defaultOf(column("t", "k")), "<none>");
  D = run("alter column t.nope set default 1;");
  ASSERT_EQ(rules(D), "unknown-column");
}

TEST_F(ReplayTest, SetAndDropNotNull) {
  ok("create table t (id int primary key, a int, k bigint identity);");
  ok("alter column t.a set not null;");
  EXPECT_FALSE(column("t", "a").Nullable);
  ok("alter column t.a set not null;");
  EXPECT_FALSE(column("t", "a").Nullable);
  ok("alter column t.a drop not null;");
  EXPECT_TRUE(column("t", "a").Nullable);
  std::string Before = dump();
  DiagList D = run("alter column t.id drop not null;");
  ASSERT_EQ(rules(D), "drop-still-used");
  EXPECT_EQ(D[0].Message, "`t.id` is part of primary key `t_pkey`, which "
                          "keeps it not null");
  D = run("alter column t.k drop not null;");
  ASSERT_EQ(rules(D), "drop-still-used");
  EXPECT_EQ(D[0].Message,
            "`t.k` is an identity column, which is always not null");
  EXPECT_EQ(dump(), Before);
  EXPECT_FALSE(column("t", "id").Nullable);
  EXPECT_FALSE(column("t", "k").Nullable);
}

// ------------------------------------------------------------ indexes

TEST_F(ReplayTest, CreateAndDropIndex) {
  ok("create table t (id int primary key, a int, b text);");
  ok("create unique index t_ab on t (a, b desc) where (a > 0);");
  const Index *I = S.findIndex("t_ab");
  ASSERT_TRUE(I);
  EXPECT_EQ(I->Table, "t");
  EXPECT_TRUE(I->Unique);
  EXPECT_EQ(keysOf(*I), (Strings{"a", "b desc"}));
  ASSERT_TRUE(I->Where);
  EXPECT_EQ(print(*I->Where), "a > 0");
  ok("create index concurrently on t (b);");
  EXPECT_EQ(indexNames(), (Strings{"t_ab", "t_b_idx"}));
  EXPECT_FALSE(S.findIndex("t_b_idx")->Unique);
  ok("drop index t_ab;");
  ok("drop index concurrently t_b_idx;");
  EXPECT_TRUE(indexNames().empty());
}

TEST_F(ReplayTest, IndexErrors) {
  ok("create table t (id int primary key, a int); create index t_a on t (a);");
  struct {
    const char *Op, *Rule, *Message;
  } Cases[] = {
      {"create index t_a on t (id);", "duplicate-index",
       "`t_a` is already taken by index `t_a` on `t`; tables, indexes and "
       "keys share one namespace"},
      {"create index t on t (id);", "duplicate-index",
       "`t` is already taken by table `t`; tables, indexes and keys share one "
       "namespace"},
      {"create index t_pkey on t (a);", "duplicate-index",
       "`t_pkey` is already taken by the index of constraint `t_pkey` on "
       "`t`; tables, indexes and keys share one namespace"},
      {"create index x on t (nope);", "unknown-column",
       "table `t` has no column `nope`"},
      {"create index x on u (a);", "unknown-table",
       "table `u` does not exist at this point"},
      {"drop index t_b;", "unknown-index",
       "index `t_b` does not exist at this point; did you mean `t_a`?"},
      {"drop index t_pkey;", "unknown-index",
       "`t_pkey` is not an index you can drop: it is the index of constraint "
       "`t_pkey` on `t`; drop the constraint instead"},
      {"drop index t;", "unknown-index",
       "`t` is not an index you can drop: it is table `t`; use `drop table`"},
  };
  for (const auto &C : Cases)
    rejects(C.Op, C.Rule, C.Message);
}

// ------------------------------------------------------------ constraints

TEST_F(ReplayTest, AddAndDropConstraint) {
  ok("create table p (id int, code text);"
     "create table c (id int, p_id int, n int);");
  ok("add constraint p_pk on p primary key (id);");
  ok("add constraint on p unique (code);");
  ok("add constraint c_n_pos on c check (n > 0) not valid;");
  ok("add constraint on c check (n < 100);");
  ok("add constraint on c foreign key (p_id) references p on delete set null;");
  EXPECT_EQ(constraintNames("p"), (Strings{"p_pk", "p_code_key"}));
  EXPECT_EQ(constraintNames("c"),
            (Strings{"c_n_pos", "c_n_check", "c_p_id_fkey"}));
  EXPECT_EQ(constraint("p", "p_pk").Kind, ConstraintKind::PrimaryKey);
  EXPECT_TRUE(constraint("p", "p_pk").NameGiven);
  EXPECT_FALSE(constraint("p", "p_code_key").NameGiven);
  EXPECT_TRUE(constraint("c", "c_n_pos").NotValid);
  EXPECT_FALSE(constraint("c", "c_n_check").NotValid);
  const Constraint &FK = constraint("c", "c_p_id_fkey");
  EXPECT_EQ(FK.RefColumns, (Strings{"id"}));
  EXPECT_EQ(FK.OnDelete, RefAction::SetNull);
  // The key's name is taken in the relation namespace too.
  DiagList D = run("create index p_code_key on p (code);");
  ASSERT_EQ(rules(D), "duplicate-index");

  ok("drop constraint c_n_pos on c;");
  EXPECT_EQ(constraintNames("c"), (Strings{"c_n_check", "c_p_id_fkey"}));
  // The key is still referenced; drop the foreign key first.
  D = run("drop constraint p_pk on p;");
  ASSERT_EQ(rules(D), "drop-still-used");
  EXPECT_EQ(D[0].Message, "cannot drop constraint `p_pk`: foreign key "
                          "`c_p_id_fkey` on `c` depends on it");
  ok("drop constraint c_p_id_fkey on c; drop constraint p_pk on p;");
  EXPECT_EQ(constraintNames("p"), (Strings{"p_code_key"}));
  // Its name is free again.
  ok("create index p_pk on p (id);");
}

TEST_F(ReplayTest, ValidateConstraint) {
  ok("create table p (id int primary key);"
     "create table c (id int, p_id int, n int);"
     "add constraint c_n_pos on c check (n > 0) not valid;"
     "add constraint c_p_fk on c foreign key (p_id) references p (id) not "
     "valid;");
  EXPECT_TRUE(constraint("c", "c_n_pos").NotValid);
  EXPECT_TRUE(constraint("c", "c_p_fk").NotValid);
  ok("validate constraint c_n_pos on c;");
  EXPECT_FALSE(constraint("c", "c_n_pos").NotValid);
  EXPECT_TRUE(constraint("c", "c_p_fk").NotValid);
  ok("validate constraint c_p_fk on c;");
  EXPECT_FALSE(constraint("c", "c_p_fk").NotValid);
  // A valid constraint: accepted, as PostgreSQL does, and left as it is.
  ok("validate constraint c_p_fk on c;");
  EXPECT_FALSE(constraint("c", "c_p_fk").NotValid);
  EXPECT_EQ(constraintNames("c"), (Strings{"c_n_pos", "c_p_fk"}));
}

TEST_F(ReplayTest, ConstraintErrors) {
  ok("create table t (id int primary key, a int, constraint t_a_pos check (a > "
     "0));"
     "create table u (x int, y int); create table t_key (z int);"
     "create index t_a_idx on t (a);");
  struct {
    const char *Op, *Rule, *Message;
  } Cases[] = {
      {"add constraint t_a_pos on t check (a < 10);", "duplicate-constraint",
       "table `t` already has a constraint named `t_a_pos`"},
      {"add constraint t_pk2 on t primary key (a);", "multiple-primary-keys",
       "table `t` already has primary key `t_pkey`"},
      {"add constraint k on t unique (nope);", "unknown-column",
       "table `t` has no column `nope`"},
      {"add constraint k on nope check (a > 0);", "unknown-table",
       "table `nope` does not exist at this point"},
      {"add constraint u_fk on t foreign key (a) references u (x);",
       "fk-target-not-unique",
       "foreign key `u_fk` references `u (x)`, which is not a primary key or "
       "unique; the database rejects it"},
      {"add constraint u_fk on t foreign key (a) references u;",
       "fk-target-not-unique",
       "table `u` has no primary key, so `references u` needs the columns it "
       "refers to"},
      {"add constraint t_key on t unique (a);", "duplicate-index",
       "`t_key` is already taken by table `t_key`"},
      {"drop constraint t_a_poss on t;", "unknown-constraint",
       "table `t` has no constraint `t_a_poss`; did you mean `t_a_pos`?"},
      {"drop constraint t_a_pos on u;", "unknown-constraint",
       "table `u` has no constraint `t_a_pos`"},
      {"validate constraint t_a_poss on t;", "unknown-constraint",
       "table `t` has no constraint `t_a_poss`; did you mean `t_a_pos`?"},
      {"validate constraint t_a_pos on nope;", "unknown-table",
       "table `nope` does not exist at this point"},
      {"validate constraint t_pkey on t;", "unknown-constraint",
       "`t_pkey` on `t` is a primary key, which is always valid; only a check "
       "or a foreign key can be validated"},
      {"validate constraint t_a_idx on t;", "unknown-constraint",
       "`t_a_idx` is an index of `t`, not a constraint; only a check or a "
       "foreign key can be validated"},
  };
  for (const auto &C : Cases)
    rejects(C.Op, C.Rule, C.Message);
}

// ------------------------------------------------------------ failures

struct FailCase {
  const char *Op;
  const char *Rule;
};

/// Every failed operation leaves the schema exactly as it was.
class FailedOpLeavesSchema : public ::testing::TestWithParam<FailCase> {};

TEST_P(FailedOpLeavesSchema, Unchanged) {
  Replayer F;
  F.ok(R"(
    create table p (id int primary key, code text unique, n int check (n > 0));
    create table c (id int primary key, p_id int not null references p (id),
                    k bigint identity, note text default 'x');
    create index c_note_idx on c (note) where (note <> '');
  )");
  std::string Before = F.dump();
  DiagList D = F.run(GetParam().Op);
  ASSERT_EQ(rules(D), GetParam().Rule) << messages(D);
  EXPECT_EQ(F.dump(), Before);
}

INSTANTIATE_TEST_SUITE_P(
    Ops, FailedOpLeavesSchema,
    ::testing::Values(
        FailCase{"create table p (x int);", "duplicate-table"},
        FailCase{"create table c_note_idx (x int);", "duplicate-table"},
        FailCase{"drop table p;", "drop-still-used"},
        FailCase{"drop table q;", "unknown-table"},
        FailCase{"rename table p to c;", "duplicate-table"},
        FailCase{"rename table q to r;", "unknown-table"},
        FailCase{"add column p.code text;", "duplicate-column"},
        FailCase{"add column q.x int;", "unknown-table"},
        FailCase{"drop column p.id;", "drop-still-used"},
        FailCase{"drop column p.zz;", "unknown-column"},
        FailCase{"rename column p.n to code;", "duplicate-column"},
        FailCase{"rename column p.zz to yy;", "unknown-column"},
        FailCase{"alter column p.n type text;", "type-mismatch"},
        FailCase{"alter column p.id type bigint;", "fk-type-mismatch"},
        FailCase{"alter column c.k type text;", "type-mismatch"},
        FailCase{"alter column p.zz type int;", "unknown-column"},
        FailCase{"alter column p.id drop not null;", "drop-still-used"},
        FailCase{"alter column c.k drop not null;", "drop-still-used"},
        FailCase{"alter column c.k set default 1;", "type-mismatch"},
        FailCase{"alter column q.x set not null;", "unknown-table"},
        FailCase{"create index c_note_idx on c (id);", "duplicate-index"},
        FailCase{"create index p_pkey on p (n);", "duplicate-index"},
        FailCase{"create index x on c (zz);", "unknown-column"},
        FailCase{"drop index nope;", "unknown-index"},
        FailCase{"drop index p_code_key;", "unknown-index"},
        FailCase{"add constraint p_n_check on p check (n < 5);",
                 "duplicate-constraint"},
        FailCase{"add constraint x on p primary key (n);",
                 "multiple-primary-keys"},
        FailCase{"add constraint c_note_idx on p unique (n);",
                 "duplicate-index"},
        FailCase{"add constraint x on c foreign key (id) references p (n);",
                 "fk-target-not-unique"},
        FailCase{"drop constraint p_pkey on p;", "drop-still-used"},
        FailCase{"drop constraint nope on p;", "unknown-constraint"},
        FailCase{"validate constraint nope on p;", "unknown-constraint"},
        FailCase{"validate constraint p_code_key on p;",
                 "unknown-constraint"}));

// ------------------------------------------------------------ data, sql

TEST_F(ReplayTest, DataOperationsCheckNamesButChangeNothing) {
  ok("create table t (id int primary key, a text);");
  std::string Before = dump();
  ok("insert into t (id, a) values (1, 'x'), (2, 'y');"
     "update t set a = 'z' where id = 1; delete from t where id = 2;");
  EXPECT_EQ(dump(), Before);
  DiagList D = run("update t set nope = 1;");
  ASSERT_EQ(rules(D), "unknown-column");
  D = run("update t set a = 'p', a = 'q';");
  ASSERT_EQ(rules(D), "duplicate-column");
  EXPECT_EQ(D[0].Message, "column `a` is set twice in one update");
  D = run("insert into t (id, id) values (1, 2);");
  ASSERT_EQ(rules(D), "duplicate-column");
  D = run("insert into t values (1);");
  ASSERT_EQ(rules(D), "value-count-mismatch");
  EXPECT_EQ(D[0].Message, "this row has 1 value for 2 columns");
  D = run("insert into t (id) values (40000000000);");
  ASSERT_EQ(rules(D), "literal-out-of-range");
  EXPECT_EQ(dump(), Before);
}

TEST_F(ReplayTest, SqlMakesTheSchemaOpaque) {
  ok("create table t (id int);");
  EXPECT_FALSE(S.OpaqueSince);
  DiagList D = run("sql 'CREATE EXTENSION x' dialect postgres;");
  ASSERT_EQ(rules(D), "opaque-sql");
  EXPECT_EQ(D[0].Sev, Severity::Warning);
  EXPECT_TRUE(S.OpaqueSince);
  D = run("sql 'x' dialect oracle;");
  ASSERT_EQ(rules(D), "syntax-error opaque-sql");
  EXPECT_EQ(D[0].Message,
            "unknown dialect `oracle`; write `postgres` or `mysql`");
}

TEST_F(ReplayTest, ReplayBlockReturnsTheLoweredOps) {
  llvm::StringRef Text = "migration m {\n  up {\n"
                         "    create table t (a int unique);\n"
                         "    create index on t (a);\n"
                         "    drop table nope;\n"
                         "  }\n}\n";
  unsigned Buf = SM.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(Text, "t.mig"), llvm::SMLoc());
  ParseOutput P = parseBuffer(SM, Buf);
  ASSERT_TRUE(P.Diags.empty()) << messages(P.Diags);
  ASSERT_EQ(P.File.Migrations.size(), 1u);
  DiagList D;
  std::vector<Op> Ops = replayBlock(P.File.Migrations[0].Up, S, D);
  ASSERT_EQ(Ops.size(), 3u);
  EXPECT_EQ(Ops[0].Kind, OpKind::CreateTable);
  ASSERT_EQ(Ops[0].NewTable.Constraints.size(), 1u);
  EXPECT_EQ(Ops[0].NewTable.Constraints[0].Name, "t_a_key");
  EXPECT_EQ(Ops[1].Kind, OpKind::CreateIndex);
  EXPECT_EQ(Ops[1].NewIndex.Name, "t_a_idx");
  EXPECT_EQ(Ops[2].Kind, OpKind::DropTable);
  ASSERT_EQ(rules(D), "unknown-table");
  // The diagnostic points at the table name on line 5.
  auto [Line, Col] = SM.getLineAndColumn(D[0].Range.Start, Buf);
  EXPECT_EQ(Line, 5u);
  EXPECT_EQ(Col, 16u);
}

// ------------------------------------------------------------ ordering

Migration mig(std::string Name, std::vector<std::string> Requires = {}) {
  Migration M;
  M.Name = std::move(Name);
  M.Requires = std::move(Requires);
  M.RequiresRanges.resize(M.Requires.size());
  return M;
}

std::vector<std::string> orderNames(const std::vector<Migration> &Ms,
                                    const MigrationOrder &O) {
  std::vector<std::string> Out;
  for (unsigned I : O.Order)
    Out.push_back(Ms[I].Name);
  return Out;
}

using Strings = std::vector<std::string>;

TEST(OrderMigrations, TiesAreBrokenByName) {
  std::vector<Migration> Ms = {mig("c"), mig("a"), mig("b")};
  DiagList D;
  MigrationOrder O = orderMigrations(Ms, D);
  EXPECT_TRUE(D.empty());
  EXPECT_EQ(orderNames(Ms, O), (Strings{"a", "b", "c"}));
  EXPECT_EQ(O.Order, (std::vector<unsigned>{1, 2, 0}));
  EXPECT_EQ(O.Valid, (std::vector<bool>{true, true, true}));
}

TEST(OrderMigrations, RequiresComeFirstThenNames) {
  struct {
    std::vector<Migration> Ms;
    Strings Expected;
  } Cases[] = {
      {{mig("b", {"a"}), mig("a")}, {"a", "b"}},
      {{mig("a", {"z"}), mig("z")}, {"z", "a"}},
      {{mig("c", {"b"}), mig("b", {"a"}), mig("a")}, {"a", "b", "c"}},
      // Once a is done, both b and z are ready: b first by name.
      {{mig("z", {"a"}), mig("a"), mig("b")}, {"a", "b", "z"}},
      {{mig("z", {"a"}), mig("a"), mig("y", {"z"}), mig("b", {"y"})},
       {"a", "z", "y", "b"}},
      // A diamond.
      {{mig("d", {"b", "c"}), mig("c", {"a"}), mig("b", {"a"}), mig("a")},
       {"a", "b", "c", "d"}},
      // Requiring the same migration twice counts once.
      {{mig("b", {"a", "a"}), mig("a")}, {"a", "b"}},
  };
  for (const auto &C : Cases) {
    DiagList D;
    MigrationOrder O = orderMigrations(C.Ms, D);
    EXPECT_TRUE(D.empty()) << messages(D);
    EXPECT_EQ(orderNames(C.Ms, O), C.Expected);
  }
}

TEST(OrderMigrations, RequiresAreIndexes) {
  std::vector<Migration> Ms = {mig("d", {"b", "c"}), mig("c", {"a"}),
                               mig("b", {"a", "a"}), mig("a")};
  DiagList D;
  MigrationOrder O = orderMigrations(Ms, D);
  ASSERT_EQ(O.Requires.size(), 4u);
  EXPECT_EQ(O.Requires[0], (std::vector<unsigned>{2, 1}));
  EXPECT_EQ(O.Requires[1], (std::vector<unsigned>{3}));
  EXPECT_EQ(O.Requires[2], (std::vector<unsigned>{3}));
  EXPECT_TRUE(O.Requires[3].empty());
}

TEST(OrderMigrations, CycleIsReportedOnceInOrder) {
  std::vector<Migration> Ms = {mig("x"), mig("m", {"k"}), mig("z", {"m"}),
                               mig("k", {"z"}), mig("after", {"m"})};
  DiagList D;
  MigrationOrder O = orderMigrations(Ms, D);
  ASSERT_EQ(rules(D), "dependency-cycle");
  // Starts at the smallest name and follows `requires`.
  EXPECT_EQ(D[0].Message, "dependency cycle: `k` requires `z` requires `m` "
                          "requires `k`; no order can satisfy them");
  ASSERT_EQ(D[0].Notes.size(), 1u);
  EXPECT_EQ(D[0].Notes[0].Message, "remove one `requires` of the cycle");
  // Everything is still ordered: the cycle and what needs it last, in the
  // order they were written.
  EXPECT_EQ(orderNames(Ms, O), (Strings{"x", "m", "z", "k", "after"}));
}

TEST(OrderMigrations, CycleWithAChord) {
  std::vector<Migration> Ms = {mig("a", {"b", "c"}), mig("b", {"c"}),
                               mig("c", {"a"})};
  DiagList D;
  orderMigrations(Ms, D);
  ASSERT_EQ(rules(D), "dependency-cycle");
  // The shortest cycle through the first name is the one reported.
  EXPECT_EQ(D[0].Message, "dependency cycle: `a` requires `c` requires `a`; "
                          "no order can satisfy them");
}

TEST(OrderMigrations, CycleNamesOnlyRealLinks) {
  // A greedy walk from `a` would go a -> b -> c and stop (c requires only b).
  std::vector<Migration> Ms = {mig("a", {"b"}), mig("b", {"c", "d"}),
                               mig("c", {"b"}), mig("d", {"a"})};
  DiagList D;
  orderMigrations(Ms, D);
  ASSERT_EQ(rules(D), "dependency-cycle");
  EXPECT_EQ(D[0].Message, "dependency cycle: `a` requires `b` requires `d` "
                          "requires `a`; no order can satisfy them");
}

TEST(OrderMigrations, SeparateCyclesAndSelfRequires) {
  std::vector<Migration> Ms = {mig("b", {"a"}), mig("a", {"b"}),
                               mig("s", {"s"}), mig("ok")};
  DiagList D;
  MigrationOrder O = orderMigrations(Ms, D);
  ASSERT_EQ(rules(D), "dependency-cycle dependency-cycle");
  std::set<std::string> Got = {D[0].Message, D[1].Message};
  EXPECT_EQ(Got, (std::set<std::string>{
                     "dependency cycle: `a` requires `b` requires `a`; no "
                     "order can satisfy them",
                     "migration `s` requires itself"}));
  EXPECT_EQ(orderNames(Ms, O), (Strings{"ok", "b", "a", "s"}));
}

TEST(OrderMigrations, UnknownRequires) {
  std::vector<Migration> Ms = {mig("create_users"),
                               mig("b", {"crate_users", "create_users"}),
                               mig("c", {"zzzzzz"})};
  DiagList D;
  MigrationOrder O = orderMigrations(Ms, D);
  ASSERT_EQ(rules(D), "unknown-migration unknown-migration");
  EXPECT_EQ(D[0].Message, "migration `b` requires `crate_users`, which does "
                          "not exist; did you mean `create_users`?");
  EXPECT_EQ(D[1].Message,
            "migration `c` requires `zzzzzz`, which does not exist");
  // The known requirement still orders; the unknown one is dropped.
  EXPECT_EQ(orderNames(Ms, O), (Strings{"c", "create_users", "b"}));
  EXPECT_EQ(O.Requires[1], (std::vector<unsigned>{0}));
  EXPECT_TRUE(O.Requires[2].empty());
}

TEST(OrderMigrations, Duplicates) {
  std::vector<Migration> Ms = {mig("a"), mig("b", {"a"}), mig("a", {"b"})};
  DiagList D;
  MigrationOrder O = orderMigrations(Ms, D);
  ASSERT_EQ(rules(D), "duplicate-migration");
  EXPECT_EQ(D[0].Message, "migration `a` is defined twice; names must be "
                          "unique in the project");
  ASSERT_EQ(D[0].Notes.size(), 1u);
  EXPECT_TRUE(
      startsWith(D[0].Notes[0].Message, "the first definition is here"));
  EXPECT_EQ(O.Valid, (std::vector<bool>{true, true, false}));
  // The duplicate is left out (so its `requires b` makes no cycle).
  EXPECT_EQ(O.Order, (std::vector<unsigned>{0, 1}));
}

TEST(AncestorsOf, FollowsRequiresTransitively) {
  std::vector<Migration> Ms = {mig("a"),        mig("b", {"a"}),
                               mig("c", {"a"}), mig("d", {"b", "c"}),
                               mig("e", {"c"}), mig("lone")};
  DiagList D;
  MigrationOrder O = orderMigrations(Ms, D);
  ASSERT_TRUE(D.empty());
  using B = std::vector<bool>;
  EXPECT_EQ(ancestorsOf(O, 0), (B{true, false, false, false, false, false}));
  EXPECT_EQ(ancestorsOf(O, 1), (B{true, true, false, false, false, false}));
  EXPECT_EQ(ancestorsOf(O, 3), (B{true, true, true, true, false, false}));
  EXPECT_EQ(ancestorsOf(O, 4), (B{true, false, true, false, true, false}));
  EXPECT_EQ(ancestorsOf(O, 5), (B{false, false, false, false, false, true}));
}

TEST(AncestorsOf, TerminatesOnCycles) {
  std::vector<Migration> Ms = {mig("a", {"b"}), mig("b", {"a"}), mig("c")};
  DiagList D;
  MigrationOrder O = orderMigrations(Ms, D);
  EXPECT_EQ(ancestorsOf(O, 0), (std::vector<bool>{true, true, false}));
}

} // namespace
