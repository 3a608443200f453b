//===- Walk.cpp - The one walk over a project's history -------------------===//

#include "ir/Walk.h"

#include "ir/Inverse.h"
#include "ir/Replay.h"
#include "ir/Touches.h"

namespace migc::ir {

WalkListener::~WalkListener() = default;

void Walk::block(const MigrationStep &M, BlockKind B,
                 const std::vector<ast::Op> &Ops, std::vector<Op> &Out,
                 Schema &On) {
  // Listeners see the block's IR so far, and all of it at its end.
  Out.clear();
  Out.reserve(Ops.size());
  for (size_t K = 0; K < Ops.size(); ++K) {
    Out.push_back(lowerOp(Ops[K], On, M.Diags));
    OpStep Step{M, B, /*Synthesized=*/false, K, &Ops[K], Out.back()};
    for (WalkListener *L : Listeners)
      L->beforeOp(Step, On);
    bool Applied = applyOp(Out.back(), On, M.Diags);
    for (WalkListener *L : Listeners)
      L->afterOp(Step, On, Applied);
  }
  for (WalkListener *L : Listeners)
    L->endBlock(M, B, /*Synthesized=*/false, On);
}

void Walk::synthesizedBlock(const MigrationStep &M, const std::vector<Op> &Ops,
                            Schema &On) {
  // migc's own inverse of operations the walk has checked: all it could
  // report is what `up` reported already (opaque-sql for the inverse of a
  // `sql`), so that stays unsaid.
  DiagList Repeated;
  for (size_t K = 0; K < Ops.size(); ++K) {
    OpStep Step{M, BlockKind::Down, /*Synthesized=*/true, K, nullptr, Ops[K]};
    for (WalkListener *L : Listeners)
      L->beforeOp(Step, On);
    bool Applied = applyOp(Ops[K], On, Repeated);
    for (WalkListener *L : Listeners)
      L->afterOp(Step, On, Applied);
  }
  for (WalkListener *L : Listeners)
    L->endBlock(M, BlockKind::Down, /*Synthesized=*/true, On);
}

void Walk::migration(unsigned Index, const ast::Migration &Syntax,
                     Migration &IR, DiagList &Diags) {
  MigrationStep M{Index, Syntax, IR, Diags};
  for (WalkListener *L : Listeners)
    L->beginMigration(M, S);
  block(M, BlockKind::Up, Syntax.Up, IR.Up, S);
  if (Syntax.Down) {
    // A written down runs on the schema after up.
    Schema D = S;
    IR.Down.emplace();
    block(M, BlockKind::Down, *Syntax.Down, *IR.Down, D);
  } else if (IR.Down && llvm::any_of(Listeners, [&](WalkListener *L) {
               return L->wantsSynthesizedDown(M);
             })) {
    Schema D = S;
    synthesizedBlock(M, *IR.Down, D);
  }
  for (WalkListener *L : Listeners)
    L->endMigration(M, S);
}

std::vector<Op> replayBlock(const std::vector<ast::Op> &Ops, Schema &S,
                            DiagList &Diags, std::vector<Touch> *Touches,
                            std::vector<InverseOf> *Inverses) {
  std::vector<Op> Out;
  Out.reserve(Ops.size());
  for (const ast::Op &A : Ops) {
    Op O = lowerOp(A, S, Diags);
    if (Touches)
      collectTouches(O, S, *Touches);
    // The inverse is taken from the schema before the operation; an
    // operation that failed changed nothing, so there is nothing to undo.
    std::optional<std::vector<Op>> Inverse;
    if (Inverses)
      Inverse = invertOp(O, S);
    bool Applied = applyOp(O, S, Diags);
    if (Inverses) {
      if (!Applied)
        Inverse = std::vector<Op>();
      Inverses->push_back({std::move(Inverse)});
    }
    Out.push_back(std::move(O));
  }
  return Out;
}

void applyBlock(const std::vector<Op> &Ops, Schema &S, DiagList &Diags) {
  for (const Op &O : Ops)
    applyOp(O, S, Diags);
}

} // namespace migc::ir
