//===- Touches.cpp - What each operation reads and writes -----------------===//
//
// Records the objects each operation of `up` reads and writes (ir/Touches.h)
// for the dependency graph's unordered conflicts, and those of a written
// `down` for the inverse check.
//
//===----------------------------------------------------------------------===//

#include "passes/Pass.h"

namespace migc::passes {

namespace {
class TouchesPass : public Pass {
public:
  using Pass::Pass;

  void beginMigration(const ir::MigrationStep &M,
                      const ir::Schema &S) override {
    if (Ctx.Touches.size() < Ctx.Migrations.size())
      Ctx.Touches.resize(Ctx.Migrations.size());
    Ctx.DownTouches.clear();
  }

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    if (O.Synthesized)
      return;
    ir::collectTouches(O.IR, Before,
                       O.Block == ir::BlockKind::Up ? Ctx.Touches[O.M.Index]
                                                    : Ctx.DownTouches);
  }
};
} // namespace

std::unique_ptr<Pass> createTouchesPass(PassContext &Ctx) {
  return std::make_unique<TouchesPass>(Ctx);
}

} // namespace migc::passes
