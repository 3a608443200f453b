//===- MySqlKeyTooLong.cpp - Keys over InnoDB's 3,072 bytes ---------------===//
//
// InnoDB keys at most 3,072 bytes (DYNAMIC row format; 4 bytes a character
// in the backend's utf8mb4 tables) and takes LONGTEXT, LONGBLOB and JSON
// only as a prefix. The MySQL backend prefixes the long columns of a
// non-unique index, but a primary key cannot be a prefix, a foreign key is
// checked through a whole-column index, and MySQL (unlike MariaDB, which
// falls back to a hash) has nothing for a long unique key: the emitted
// CREATE TABLE or ALTER TABLE then fails (errors 1071, 1170, errno 150),
// although PostgreSQL accepts it. backends/MySQLKeys.h gives the key parts
// as the backend writes them and the server's verdict on them;
// test/integration/mariadb.py (part `keylength`) checks the verdicts on
// MariaDB 10.11.
//
// Objects created earlier in the same migration are not exempt: the script
// fails either way. Each key is reported once, at the operation that makes
// it too long (the one creating it, or a type change of one of its columns).
//
//===----------------------------------------------------------------------===//

#include "backends/MySQLKeys.h"
#include "passes/Pass.h"

namespace migc::passes {

namespace {

using backends::MySqlKey;
using backends::MySqlKeyKind;

/// 3204 as "3,204".
std::string grouped(unsigned N) {
  std::string S = std::to_string(N);
  for (int I = int(S.size()) - 3; I > 0; I -= 3)
    S.insert(size_t(I), ",");
  return S;
}

MySqlKeyKind kindOf(const ir::Constraint &C) {
  switch (C.Kind) {
  case ir::ConstraintKind::PrimaryKey:
    return MySqlKeyKind::Primary;
  case ir::ConstraintKind::Unique:
    return MySqlKeyKind::Unique;
  default:
    return MySqlKeyKind::ForeignKey;
  }
}

const char *spell(MySqlKeyKind K) {
  switch (K) {
  case MySqlKeyKind::Primary:
    return "primary key";
  case MySqlKeyKind::Unique:
    return "unique key";
  case MySqlKeyKind::Index:
    return "index";
  case MySqlKeyKind::ForeignKey:
    return "foreign key";
  }
  return "key";
}

std::vector<std::string> keyColumns(const ir::Index &I) {
  std::vector<std::string> Cols;
  for (const ir::IndexKey &K : I.Keys)
    Cols.push_back(K.Column);
  return Cols;
}

std::vector<bool> keyDesc(const ir::Index &I) {
  std::vector<bool> Desc;
  for (const ir::IndexKey &K : I.Keys)
    Desc.push_back(K.Desc);
  return Desc;
}

class MySqlKeyTooLongPass : public Pass {
public:
  using Pass::Pass;

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    if (Ctx.Targets.MySql && O.IR.Kind == ir::OpKind::AlterColumnType)
      Old = Before; // the indexes keep the prefixes they were written with
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    // A synthesized down re-creates what existed before.
    if (!Ctx.Targets.MySql || O.Synthesized || !Applied || hasErrorIn(O))
      return;
    const ir::Op &Op = O.IR;
    switch (Op.Kind) {
    case ir::OpKind::CreateTable:
      if (const ir::Table *T = After.findTable(Op.NewTable.Name))
        for (const ir::Constraint &C : Op.NewTable.Constraints)
          constraint(O, After, *T, C, C.Range);
      break;
    case ir::OpKind::AddColumn:
    case ir::OpKind::AddConstraint:
      if (const ir::Table *T = After.findTable(Op.TableName))
        for (const ir::Constraint &C : Op.Constraints)
          constraint(O, After, *T, C, C.Range);
      break;
    case ir::OpKind::CreateIndex:
      if (const ir::Table *T = After.findTable(Op.NewIndex.Table))
        index(O, *T, Op.NewIndex,
              backends::mysqlKey(*T, keyColumns(Op.NewIndex),
                                 keyDesc(Op.NewIndex), Op.NewIndex.Unique),
              Op.Range);
      break;
    case ir::OpKind::AlterColumnType:
      typeChange(O, After);
      break;
    default:
      break;
    }
  }

private:
  void constraint(const ir::OpStep &O, const ir::Schema &After,
                  const ir::Table &T, const ir::Constraint &C,
                  llvm::SMRange At) {
    if (!At.isValid())
      At = O.IR.Range;
    if (C.Kind == ir::ConstraintKind::Check)
      return;
    MySqlKeyKind Kind = kindOf(C);
    MySqlKey K = Kind == MySqlKeyKind::ForeignKey
                     ? backends::mysqlWholeKey(T, C.Columns)
                     : backends::mysqlKey(T, C.Columns, {}, true);
    if (report(O, Kind, C.Name, T.Name, K, At))
      return;
    if (Kind == MySqlKeyKind::ForeignKey)
      referenced(O, After, C, At);
  }

  /// A foreign key needs a whole-column index on the referenced side too:
  /// on MariaDB a long unique key there is a hash, which cannot serve it.
  /// (A long primary key there, or a long unique key on MySQL, fails on its
  /// own and is reported where it is written.)
  void referenced(const ir::OpStep &O, const ir::Schema &After,
                  const ir::Constraint &C, llvm::SMRange At) {
    const ir::Table *R = After.findTable(C.RefTable);
    if (!R || !Ctx.Targets.MariaDb)
      return;
    if (const ir::Constraint *P = R->primaryKey())
      if (P->Columns == C.RefColumns)
        return;
    MySqlKey K = backends::mysqlWholeKey(*R, C.RefColumns);
    auto Why = backends::mysqlKeyRefused(K, MySqlKeyKind::ForeignKey, true);
    if (!Why)
      return;
    std::string Cols;
    for (const std::string &N : C.RefColumns)
      Cols += (Cols.empty() ? "" : ", ") + quote(N);
    Diagnostic &D = O.M.Diags.emplace_back(
        Rule::MySqlKeyTooLong, At,
        "foreign key " + quote(C.Name) + " references " + Cols + " of " +
            quote(R->Name) + ", whose unique key " + amount(K, *Why) +
            ": MariaDB keeps that key as a hash, which cannot check a "
            "foreign key, so " +
            statement(O.IR) + " fails there");
    D.note(At, "reference a key of at most 3,072 bytes (768 characters of "
               "`varchar`), such as an integer id");
  }

  void index(const ir::OpStep &O, const ir::Table &T, const ir::Index &I,
             const MySqlKey &K, llvm::SMRange At) {
    report(O, I.Unique ? MySqlKeyKind::Unique : MySqlKeyKind::Index, I.Name,
           T.Name, K, At);
  }

  /// A wider type for a column of a key: MODIFY COLUMN keeps each index as
  /// it was written (its prefixes), a `using` writes the keys again. (A
  /// column that a foreign key references cannot change type on MariaDB at
  /// all, error 1833: not this rule's.)
  void typeChange(const ir::OpStep &O, const ir::Schema &After) {
    const ir::Op &Op = O.IR;
    const ir::Table *T = After.findTable(Op.TableName);
    const ir::Table *T0 = Old.findTable(Op.TableName);
    if (!T || !T0)
      return;
    bool InPlace = backends::mysqlModifiesInPlace(Op);
    for (const ir::Constraint &C : T->Constraints)
      if (C.Kind != ir::ConstraintKind::Check &&
          llvm::is_contained(C.Columns, Op.ColumnName))
        constraint(O, After, *T, C, Op.Range);
    for (const ir::Index *I : After.indexesOn(Op.TableName)) {
      std::vector<std::string> Cols = keyColumns(*I);
      if (!llvm::is_contained(Cols, Op.ColumnName))
        continue;
      MySqlKey K =
          backends::mysqlKey(InPlace ? *T0 : *T, Cols, keyDesc(*I), I->Unique);
      for (backends::MySqlKeyPart &P : K.Parts)
        if (const ir::Column *C = T->findColumn(P.Column)) {
          P.Ty = C->Ty;
          // A prefix longer than the new column is the whole column.
          if (P.Prefix && C->Ty.Kind == ir::TypeKind::Varchar && C->Ty.Length &&
              C->Ty.Length <= P.Prefix)
            P.Prefix = 0;
        }
      index(O, *T, *I, K, Op.Range);
    }
  }

  /// Reports K if the server refuses it; whether it did.
  bool report(const ir::OpStep &O, MySqlKeyKind Kind, llvm::StringRef Name,
              llvm::StringRef Table, const MySqlKey &K, llvm::SMRange At) {
    auto Why = backends::mysqlKeyRefused(K, Kind, Ctx.Targets.MariaDb);
    if (!Why)
      return false;
    std::string Servers =
        Kind == MySqlKeyKind::Unique ? "MySQL" : "MySQL and MariaDB";
    Diagnostic &D = O.M.Diags.emplace_back(
        Rule::MySqlKeyTooLong, At,
        std::string(spell(Kind)) + " " + quote(Name) + " on " + quote(Table) +
            " " + amount(K, *Why) + ", so " + statement(O.IR) + " fails on " +
            Servers);
    D.note(At, safeForm(Kind, K, *Why));
    return true;
  }

  /// "takes 3,204 bytes ...", or what the unbounded column is.
  static std::string amount(const MySqlKey &K,
                            const backends::MySqlKeyRefusal &Why) {
    if (const backends::MySqlKeyPart *P = Why.Unbounded)
      return "keys all of " + quote(P->Column) + " (" + P->Ty.str() +
             "), which MySQL stores as a BLOB or TEXT and keys only through "
             "a prefix";
    std::string S = "takes " + grouped(Why.Bytes) + " bytes in utf8mb4";
    if (Why.Widest && K.Parts.size() > 1)
      S += " (" + quote(Why.Widest->Column) + " counts " +
           grouped(Why.Widest->bytes()) + ")";
    return S + ", over InnoDB's limit of 3,072 for a key";
  }

  static std::string safeForm(MySqlKeyKind Kind, const MySqlKey &K,
                              const backends::MySqlKeyRefusal &Why) {
    switch (Kind) {
    case MySqlKeyKind::Primary:
      return "a primary key cannot be a prefix: key the table on a shorter "
             "column (an integer id, or a `varchar` of at most 768 "
             "characters in all) and make this one `unique`, which MariaDB "
             "enforces through a hash";
    case MySqlKeyKind::Unique:
      return "MySQL 8 has no hash for a long unique key: keep its columns "
             "within 3,072 bytes (768 characters of `varchar` in all)";
    case MySqlKeyKind::ForeignKey:
      return "InnoDB checks a foreign key through an index of its whole "
             "columns: reference a key of at most 3,072 bytes (768 "
             "characters of `varchar`), such as an integer id";
    case MySqlKeyKind::Index:
      break;
    }
    return "the MySQL script keys columns of up to 255 characters whole and "
           "cuts only longer ones to a prefix: index fewer or shorter "
           "columns, at most 3,072 bytes in all";
  }

  static std::string statement(const ir::Op &Op) {
    return Op.Kind == ir::OpKind::CreateTable ? "`CREATE TABLE`"
                                              : "`ALTER TABLE`";
  }

  ir::Schema Old;
};

} // namespace

std::unique_ptr<Pass> createMySqlKeyTooLongPass(PassContext &Ctx) {
  return std::make_unique<MySqlKeyTooLongPass>(Ctx);
}

} // namespace migc::passes
