//===- DownSynthesis.cpp - The `down` of a migration that has none --------===//
//
// Spec section 3: a migration without `down` gets the inverse of its `up`
// when every operation has one (ir/Inverse.h), in reverse order; each
// the first operation without one is named, once (missing-inverse). What an
// inverse cannot restore (the data of a drop) is said by drop-loses-data, which
// comes after this pass and reads M.IR.DownSynthesized. An irreversible
// migration gets none.
//
//===----------------------------------------------------------------------===//

#include "passes/Pass.h"

#include "ir/Inverse.h"

namespace migc::passes {

namespace {
class DownSynthesisPass : public Pass {
public:
  using Pass::Pass;

  void beginMigration(const ir::MigrationStep &M,
                      const ir::Schema &S) override {
    Active = !M.Syntax.Down && !M.Syntax.Irreversible;
    Inverses.clear();
  }

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    // The inverse is taken from the schema before the operation.
    if (Active && O.Block == ir::BlockKind::Up) {
      Inverses.emplace_back(ir::invertOp(O.IR, Before));
    }
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    // An operation that failed changed nothing: there is nothing to undo.
    if (Active && O.Block == ir::BlockKind::Up && !Applied)
      Inverses.back() = std::vector<ir::Op>();
  }

  void endBlock(const ir::MigrationStep &M, ir::BlockKind B, bool Synthesized,
                const ir::Schema &After) override {
    if (Active && B == ir::BlockKind::Up)
      synthesize(M);
  }

private:
  bool Active = false;
  /// The inverse of each operation of `up`; none if it has no inverse.
  std::vector<std::optional<std::vector<ir::Op>>> Inverses;

  void synthesize(const ir::MigrationStep &M) {
    ir::Migration &IR = M.IR;
    // The first operation without an inverse is named, once for the
    // migration (a note counts the others); then there is no down.
    std::vector<size_t> Blocking;
    for (size_t K = 0; K < Inverses.size(); ++K)
      if (!Inverses[K])
        Blocking.push_back(K);
    bool Complete = Blocking.empty();
    if (!Complete) {
      const ir::Op &First = IR.Up[Blocking.front()];
      Diagnostic &D = M.Diags.emplace_back(
          Rule::MissingInverse, First.Range,
          "migration " + quote(IR.Name) + " has no `down`, and " + "this `" +
              ir::opName(First.Kind).str() +
              "` cannot be undone: write a `down` or declare " +
              "the migration `irreversible 'why';`");
      if (Blocking.size() > 1) {
        size_t More = Blocking.size() - 1;
        D.note(IR.Up[Blocking[1]].Range,
               std::to_string(More) +
                   (More == 1 ? " more operation" : " more operations") +
                   " of the migration cannot be undone either; the next "
                   "is here");
      }
    }
    if (!Complete)
      return;
    std::vector<ir::Op> Down;
    for (size_t K = Inverses.size(); K-- > 0;)
      for (ir::Op &O : *Inverses[K])
        Down.push_back(std::move(O));
    IR.Down = std::move(Down);
    IR.DownSynthesized = true;
  }
};
} // namespace

std::unique_ptr<Pass> createDownSynthesisPass(PassContext &Ctx) {
  return std::make_unique<DownSynthesisPass>(Ctx);
}

} // namespace migc::passes
