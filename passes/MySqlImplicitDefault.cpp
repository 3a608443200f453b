//===- MySqlImplicitDefault.cpp - Not null without a default on MySQL -----===//
//
// Spec section 8.6 (issue 12), "meaning that differs": `add column t.c T not
// null` without a default, on a table that may have rows. PostgreSQL refuses
// it when the table has a row (each would get NULL); MySQL and MariaDB accept
// it and give every existing row the type's implicit default (0, the empty
// string, a zero date), in strict mode too: a value nobody wrote, that the
// application then reads as data. test/integration/mariadb.py (`implicit`)
// adds such a column of every type to a table with rows on MariaDB 10.11, in
// the default and in strict sql_mode, and compares what the rows hold with
// the value this rule names.
//
// For a project that also targets PostgreSQL the proofs already report the
// operation (constraint-may-fail: it fails there), with the same fix: one
// mistake, one diagnostic. So this rule speaks for MySQL-only projects.
//
//===----------------------------------------------------------------------===//

#include "passes/NewObjects.h"

namespace migc::passes {

namespace {

/// The value MySQL gives an existing row, as the rule's message says it, and
/// the default to write for the same value in .mig; empty when the server
/// refuses the column rather than fill it.
struct Implicit {
  const char *Said;
  const char *Mig;
};

std::optional<Implicit> implicitDefault(const ir::Type &T) {
  using ir::TypeKind;
  switch (T.Kind) {
  case TypeKind::SmallInt:
  case TypeKind::Int:
  case TypeKind::BigInt:
  case TypeKind::Decimal:
  case TypeKind::Real:
  case TypeKind::Double:
    return Implicit{"0", "0"};
  case TypeKind::Bool:
    return Implicit{"false (0)", "false"};
  case TypeKind::Text:
  case TypeKind::Varchar:
  case TypeKind::Char:
  case TypeKind::Uuid:
    return Implicit{"the empty string", "''"};
  case TypeKind::Bytes:
    return Implicit{"an empty byte string", "''"};
  case TypeKind::Date:
    return Implicit{"the zero date 0000-00-00", ""};
  case TypeKind::Time:
    return Implicit{"00:00:00", "'00:00:00'"};
  case TypeKind::Timestamp:
  case TypeKind::Timestamptz:
    return Implicit{"the zero timestamp 0000-00-00 00:00:00", ""};
  case TypeKind::Json:
    // Not even a JSON document: MariaDB's JSON_VALID check is not applied
    // to the rows the ALTER fills (the integration test shows it).
    return Implicit{"the empty string", ""};
  case TypeKind::Null:
  case TypeKind::Unknown:
  case TypeKind::Error:
    return std::nullopt;
  }
  return std::nullopt;
}

class MySqlImplicitDefaultPass : public NewObjectsPass {
public:
  using NewObjectsPass::NewObjectsPass;

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    const ir::Op &Op = O.IR;
    bool Speaks =
        Ctx.Targets.MySql && !Ctx.Targets.Postgres && !O.Synthesized && Applied;
    if (Speaks && Op.Kind == ir::OpKind::AddColumn &&
        !New.isNewTable(Op.TableName) && !Op.NewColumn.Nullable &&
        !Op.NewColumn.Default && !Op.NewColumn.Identity)
      report(O, Op);
    New.record(Op);
  }

private:
  void report(const ir::OpStep &O, const ir::Op &Op) {
    std::optional<Implicit> V = implicitDefault(Op.NewColumn.Ty);
    if (!V)
      return;
    std::string Col = Op.TableName + "." + Op.NewColumn.Name;
    Diagnostic &D = O.M.Diags.emplace_back(
        Rule::MySqlImplicitDefault, Op.Range,
        "on MySQL and MariaDB, adding not-null column " + quote(Col) +
            " without a default gives every existing row of " +
            quote(Op.TableName) + " " + V->Said +
            ", a value nobody wrote; PostgreSQL refuses the column on a table "
            "with rows");
    std::string Ty = Op.NewColumn.Ty.str();
    if (*V->Mig)
      D.note(Op.Range, "say the value the rows get: `add column " + Col + " " +
                           Ty + " not null default " + V->Mig +
                           ";`, or add it nullable, fill it with an `update`, "
                           "then `alter column " +
                           Col + " set not null;`");
    else
      D.note(Op.Range, "add it nullable, fill it with an `update`, then "
                       "`alter column " +
                           Col +
                           " set not null;`, or give it a default "
                           "(the implicit one is no value PostgreSQL "
                           "can hold)");
  }
};

} // namespace

std::unique_ptr<Pass> createMySqlImplicitDefaultPass(PassContext &Ctx) {
  return std::make_unique<MySqlImplicitDefaultPass>(Ctx);
}

} // namespace migc::passes
