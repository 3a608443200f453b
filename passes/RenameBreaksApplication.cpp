//===- RenameBreaksApplication.cpp - Renames the running app still uses ---===//
//
// Spec section 8.6 (issue 12): during a rolling deploy the version of the
// application that is still running queries the old names, so `rename table`
// or `rename column` of a table or column that existed before the migration
// makes its queries fail, on every target. The safe way is expand and
// contract: add the new name beside the old one, backfill it, switch the
// application, and drop the old one in a later migration.
//
// What the migration itself created is exempt (passes/NewObjects.h): no
// running version knows it yet. Only `up` is reported: a written `down`
// renames back what `up` renamed (inverse-check holds it to that), and the
// rename was `up`'s mistake, reported once there. Drops are the business of
// the data-loss rules.
//
//===----------------------------------------------------------------------===//

#include "ir/OpPrinter.h"
#include "passes/NewObjects.h"
#include "passes/Pass.h"

namespace migc::passes {

namespace {
class RenameBreaksApplicationPass : public NewObjectsPass {
public:
  using NewObjectsPass::NewObjectsPass;

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    // The renamed column's type is known only under its old name.
    ColumnType.clear();
    if (O.IR.Kind != ir::OpKind::RenameColumn)
      return;
    if (const ir::Table *T = Before.findTable(O.IR.TableName))
      if (const ir::Column *C = T->findColumn(O.IR.ColumnName))
        ColumnType = C->Ty.str();
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    // A synthesized down is migc's, not the author's; an operation that
    // failed was reported by the replay and changed nothing.
    if (O.Synthesized || !Applied)
      return;
    const ir::Op &Op = O.IR;
    if (O.Block == ir::BlockKind::Up) {
      if (Op.Kind == ir::OpKind::RenameTable && !New.isNewTable(Op.TableName))
        reportTable(O);
      else if (Op.Kind == ir::OpKind::RenameColumn &&
               !New.isNewColumn(Op.TableName, Op.ColumnName))
        reportColumn(O);
    }
    New.record(Op);
  }

private:
  void reportTable(const ir::OpStep &O) {
    const ir::Op &Op = O.IR;
    O.M.Diags
        .emplace_back(Rule::RenameBreaksApplication, Op.Range,
                      "renaming table " + quote(Op.TableName) + " to " +
                          quote(Op.Name) + Breaks + quote(Op.TableName))
        .note(Op.Range,
              "the language has no view to keep " + quote(Op.TableName) +
                  " readable under its old name: keep the table's name and "
                  "rename it in the application only, or `create table " +
                  ir::printName(Op.Name) +
                  "` beside it, move the application and its data over, and "
                  "`drop table " +
                  ir::printName(Op.TableName) + "` in a later migration");
  }

  void reportColumn(const ir::OpStep &O) {
    const ir::Op &Op = O.IR;
    std::string T = ir::printName(Op.TableName);
    std::string From = T + "." + ir::printName(Op.ColumnName);
    std::string To = T + "." + ir::printName(Op.Name);
    O.M.Diags
        .emplace_back(Rule::RenameBreaksApplication, Op.Range,
                      "renaming column " +
                          quote(Op.TableName + "." + Op.ColumnName) + " to " +
                          quote(Op.Name) + Breaks + quote(Op.ColumnName))
        .note(Op.Range,
              "to keep the running version working, expand and contract: "
              "`add column " +
                  To + " " + ColumnType +
                  ";`, fill it in a migration of its own (`update " + T +
                  " set " + ir::printName(Op.Name) + " = " +
                  ir::printName(Op.ColumnName) +
                  ";`) while the application writes both columns, switch the "
                  "application to " +
                  quote(Op.Name) + ", then in a later migration `drop column " +
                  From + ";`");
  }

  static constexpr const char *Breaks =
      " breaks the version of the application still running during a rolling "
      "deploy: its queries use ";

  /// The type of the column the current `rename column` renames.
  std::string ColumnType;
};
} // namespace

std::unique_ptr<Pass> createRenameBreaksApplicationPass(PassContext &Ctx) {
  return std::make_unique<RenameBreaksApplicationPass>(Ctx);
}

} // namespace migc::passes
