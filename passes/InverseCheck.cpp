//===- InverseCheck.cpp - A written `down` undoes its `up` ----------------===//
//
// Spec section 8.3: replaying `up` then a written `down` must give back
// exactly the schema before `up`; each difference is reported
// (ir::checkDownRestores). The data half, update pairs, is proven by the
// constraint proofs.
//
//===----------------------------------------------------------------------===//

#include "passes/Pass.h"

#include "ir/Inverse.h"

namespace migc::passes {

namespace {
class InverseCheckPass : public Pass {
public:
  using Pass::Pass;

  void beginMigration(const ir::MigrationStep &M,
                      const ir::Schema &S) override {
    // A snapshot shares its storage until the walk writes (ir/CowMap.h).
    Before.reset();
    if (M.Syntax.Down)
      Before = S;
  }

  void endBlock(const ir::MigrationStep &M, ir::BlockKind B, bool Synthesized,
                const ir::Schema &After) override {
    if (B != ir::BlockKind::Down || Synthesized || !Before)
      return;
    ir::checkDownRestores(*Before, After, M.Syntax.DownRange,
                          Ctx.Touches[M.Index], Ctx.DownTouches, M.Diags,
                          M.IR.Up);
    Before.reset();
  }

private:
  std::optional<ir::Schema> Before;
};
} // namespace

std::unique_ptr<Pass> createInverseCheckPass(PassContext &Ctx) {
  return std::make_unique<InverseCheckPass>(Ctx);
}

} // namespace migc::passes
