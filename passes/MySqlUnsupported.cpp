//===- MySqlUnsupported.cpp - What MySQL cannot express ------------------===//
//
// The MySQL script says in `-- warning:` and `-- note:` lines where it does
// something else than PostgreSQL would: no `not valid` (the rows are checked
// now), no partial index (every row is indexed), no `set default` action
// (NO ACTION), `set` evaluated left to right, TIMESTAMP's range, a `using`
// that cannot drop a referenced column. `migc check` says the same at the
// operation, for projects that target MySQL: the backend makes the
// decisions once (backends/MySQL.h, mysqlUnsupported), for the script's
// comments and for these diagnostics alike, so the two cannot disagree.
//
//===----------------------------------------------------------------------===//

#include "backends/MySQL.h"
#include "passes/Pass.h"

namespace migc::passes {

namespace {

class MySqlUnsupportedPass : public Pass {
public:
  using Pass::Pass;

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    if (Ctx.Targets.MySql && !O.Synthesized)
      this->Before = Before;
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    // A synthesized down re-creates what was written (and reported) before.
    if (!Ctx.Targets.MySql || O.Synthesized || !Applied || hasErrorIn(O))
      return;
    for (Diagnostic &D : backends::mysqlUnsupported(O.IR, Before, After))
      O.M.Diags.push_back(std::move(D));
  }

private:
  ir::Schema Before;
};

} // namespace

std::unique_ptr<Pass> createMySqlUnsupportedPass(PassContext &Ctx) {
  return std::make_unique<MySqlUnsupportedPass>(Ctx);
}

} // namespace migc::passes
