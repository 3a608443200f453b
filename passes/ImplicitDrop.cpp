//===- ImplicitDrop.cpp - What a column drop takes with it ----------------===//
//
// Issue 14: `drop column` drops the indexes and constraints that use the
// column, on PostgreSQL (and in the model; MySQL gets the same drops
// spelled out by its script). The migration accepts it, so it is no error,
// but an index or a key that goes without being named is a loss the author
// may not have meant: a unique key no longer holds, a query loses its
// index. One warning per drop names everything that went, and the safe form
// (drop them by name first) silences it by saying so.
//
// Only a column that existed before the migration counts (passes/
// NewObjects.h): a written `down` that drops the column its `up` added,
// taking the up's index with it, is the undo of `up`.
//
//===----------------------------------------------------------------------===//

#include "ir/OpPrinter.h"
#include "passes/NewObjects.h"
#include "passes/Pass.h"

namespace migc::passes {

namespace {
class ImplicitDropPass : public NewObjectsPass {
public:
  using NewObjectsPass::NewObjectsPass;

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    Went.clear();
    const ir::Op &Op = O.IR;
    if (O.Synthesized || Op.Kind != ir::OpKind::DropColumn ||
        New.isNewColumn(Op.TableName, Op.ColumnName))
      return;
    const ir::Table *T = Before.findTable(Op.TableName);
    if (!T || !T->findColumn(Op.ColumnName))
      return;
    ir::ColumnDependents D = ir::columnDependents(Before, *T, Op.ColumnName);
    for (const std::string &Name : D.Constraints) {
      const ir::Constraint *K = T->findConstraint(Name);
      Went.push_back({constraintWord(K->Kind) + " " + quote(Name),
                      "drop constraint " + ir::printName(Name) + " on " +
                          ir::printName(T->Name)});
    }
    for (const std::string &Name : D.Indexes)
      Went.push_back(
          {"index " + quote(Name), "drop index " + ir::printName(Name)});
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    if (O.Synthesized || !Applied)
      return;
    if (!Went.empty())
      report(O);
    New.record(O.IR);
  }

private:
  static std::string constraintWord(ir::ConstraintKind K) {
    switch (K) {
    case ir::ConstraintKind::PrimaryKey:
      return "primary key";
    case ir::ConstraintKind::Unique:
      return "unique constraint";
    case ir::ConstraintKind::ForeignKey:
      return "foreign key";
    case ir::ConstraintKind::Check:
      return "check";
    }
    return "constraint";
  }

  void report(const ir::OpStep &O) {
    const ir::Op &Op = O.IR;
    std::string List, Safe;
    for (size_t I = 0; I < Went.size(); ++I) {
      List += (I == 0                 ? ""
               : I + 1 == Went.size() ? " and "
                                      : ", ") +
              Went[I].first;
      Safe += "`" + Went[I].second + ";` ";
    }
    O.M.Diags
        .emplace_back(
            Rule::ImplicitDrop, Op.Range,
            "dropping column " + quote(Op.TableName + "." + Op.ColumnName) +
                " also drops " + List + ", which " +
                (Went.size() == 1 ? "uses" : "use") +
                " it: the database drops " +
                (Went.size() == 1 ? "it" : "them") + " without a word")
        .note(Op.Range,
              "if that is meant, say so: " + Safe + "before this line; if " +
                  (Went.size() == 1 ? "it is" : "they are") +
                  " still needed, re-create " +
                  (Went.size() == 1 ? "it" : "them") + " without the column");
  }

  /// What the current drop takes with it: its name for the message and
  /// the operation that would drop it by name.
  std::vector<std::pair<std::string, std::string>> Went;
};
} // namespace

std::unique_ptr<Pass> createImplicitDropPass(PassContext &Ctx) {
  return std::make_unique<ImplicitDropPass>(Ctx);
}

} // namespace migc::passes
