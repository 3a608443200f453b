//===- VolatileDefaultRewritesTable.cpp - add column with a volatile default
//===//
//
// Spec section 8.6 (issue 12): since PostgreSQL 11, `add column` with a
// default that is the same for every row (a constant, now(), current_date)
// stores the default once in the catalog and leaves the rows alone. A
// volatile default (random(), gen_random_uuid(), clock_timestamp()) gives
// each existing row a value of its own, so PostgreSQL rewrites the table
// under its ACCESS EXCLUSIVE lock, which blocks reads and writes until the
// migration commits. `set default` never touches the rows and is fine.
// test/integration/postgres.py checks both ways on a real PostgreSQL 15
// (relfilenode of the table, and the lock in pg_locks).
//
// A table the migration created is exempt (passes/NewObjects.h): it has no
// rows to rewrite and no traffic to block.
//
//===----------------------------------------------------------------------===//

#include "ir/OpPrinter.h"
#include "passes/NewObjects.h"
#include "passes/Pass.h"

#include <algorithm>

namespace migc::passes {

namespace {
class VolatileDefaultRewritesTablePass : public NewObjectsPass {
public:
  using NewObjectsPass::NewObjectsPass;

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    // A synthesized down is migc's, not the author's (decisions.md); an
    // operation that failed was reported by the replay and changed nothing.
    if (!Ctx.Targets.Postgres || O.Synthesized || !Applied)
      return;
    const ir::Op &Op = O.IR;
    if (Op.Kind == ir::OpKind::AddColumn && !New.isNewTable(Op.TableName)) {
      if (Op.NewColumn.Identity)
        reportIdentity(O);
      else if (Op.NewColumn.Default && !Op.NewColumn.Default->Ty.isError())
        if (const ir::Expr *V = ir::volatileCall(*Op.NewColumn.Default))
          report(O, *V);
    }
    New.record(Op);
  }

private:
  void report(const ir::OpStep &O, const ir::Expr &Call) {
    const ir::Op &Op = O.IR;
    const ir::Column &C = Op.NewColumn;
    O.M.Diags
        .emplace_back(Rule::VolatileDefaultRewritesTable, Op.Range,
                      "adding " + quote(Op.TableName + "." + C.Name) +
                          " with the volatile default `" + ir::print(Call) +
                          "` rewrites " + quote(Op.TableName) +
                          " to give every row a value of its own, and locks "
                          "it against reads and writes (ACCESS EXCLUSIVE "
                          "lock) until the migration commits")
        .note(Op.Range, safeForm(Op));
  }

  /// An identity column's default is the next value of its sequence.
  void reportIdentity(const ir::OpStep &O) {
    const ir::Op &Op = O.IR;
    ir::Op Add = Op;
    Add.NewColumn.Identity = false;
    Add.NewColumn.Nullable = true;
    std::string AddText = ir::printOp(Add);
    std::replace(AddText.begin(), AddText.end(), '\n', ' ');
    O.M.Diags
        .emplace_back(Rule::VolatileDefaultRewritesTable, Op.Range,
                      "adding identity column " +
                          quote(Op.TableName + "." + Op.NewColumn.Name) +
                          " rewrites " + quote(Op.TableName) +
                          " to number every row, and locks it against reads "
                          "and writes (ACCESS EXCLUSIVE lock) until the "
                          "migration commits")
        .note(Op.Range, "on a large table, add a plain column (`" + AddText +
                            "`) and fill it in batches instead; migc cannot "
                            "yet make an existing column an identity");
  }

  /// Add the column bare, set the default, fill the rows in batches.
  static std::string safeForm(const ir::Op &Op) {
    const ir::Column &C = Op.NewColumn;
    ir::Op Add = Op;
    Add.NewColumn.Default = nullptr;
    Add.NewColumn.Nullable = true;
    ir::Op Set;
    Set.Kind = ir::OpKind::SetDefault;
    Set.TableName = Op.TableName;
    Set.ColumnName = C.Name;
    Set.Value = C.Default;
    ir::Op Fill;
    Fill.Kind = ir::OpKind::Update;
    Fill.TableName = Op.TableName;
    Fill.Assignments.push_back({C.Name, C.Default});
    std::string Update = ir::printOp(Fill);
    Update.pop_back(); // the `;`: a `where` and the batches go there
    // Inline constraints print as operations of their own, one a line.
    std::string AddText = ir::printOp(Add);
    std::replace(AddText.begin(), AddText.end(), '\n', ' ');
    std::string S = "add the column without a default (`" + AddText +
                    "`), then `" + ir::printOp(Set) +
                    "`, which only new rows use, and fill the existing rows "
                    "in batches (`" +
                    Update + " where " + ir::printName(C.Name) +
                    " is null in batches of 10000;`)";
    if (!C.Nullable)
      S += "; `" + ir::printName(C.Name) +
           "` can be `not null` once they "
           "all have a value";
    return S;
  }
};
} // namespace

std::unique_ptr<Pass> createVolatileDefaultRewritesTablePass(PassContext &Ctx) {
  return std::make_unique<VolatileDefaultRewritesTablePass>(Ctx);
}

} // namespace migc::passes
