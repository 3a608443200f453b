//===- Walk.h - The one walk over a project's history ----------*- C++ -*-===//
//
// The walk is the only code that applies operations to a schema. For each
// migration, in replay order, it lowers every operation of `up` against the
// schema at that point and applies it, then walks the `down` the same way on
// a copy of the schema `up` ends with (a written down always; a synthesized
// one when a listener asks for it). Around each operation it calls its
// listeners with the schema before and after it.
//
// Passes, backends and the language server are listeners: none of them
// applies an operation or replays a block again. A listener that needs the
// schema before an operation after it has run keeps a copy (a snapshot
// shares its storage, ir/CowMap.h).
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_IR_WALK_H
#define MIGC_IR_WALK_H

#include "diag/Diagnostic.h"
#include "frontend/AST.h"
#include "ir/Schema.h"

namespace migc::ir {

enum class BlockKind { Up, Down };

/// The migration the walk is in.
struct MigrationStep {
  /// Its index in the project's migrations.
  unsigned Index;
  const ast::Migration &Syntax;
  /// Up and Down are filled as the walk goes: Up after the `up` block, a
  /// synthesized Down by the listener that synthesizes it.
  Migration &IR;
  /// What this migration reports; listeners append to it.
  DiagList &Diags;
};

/// The operations of block B of M; complete from the block's end on.
inline const std::vector<Op> &blockOps(const Migration &M, BlockKind B) {
  return B == BlockKind::Up ? M.Up : *M.Down;
}

/// One operation of a block.
struct OpStep {
  const MigrationStep &M;
  BlockKind Block;
  /// An operation of a synthesized down (no syntax).
  bool Synthesized;
  /// Its place in its block.
  size_t Index;
  const ast::Op *Syntax;
  const Op &IR;
};

class WalkListener {
public:
  virtual ~WalkListener();
  /// Whether the walk should walk M's synthesized down (a listener that
  /// emits or indexes it). Asked after M's `up`.
  virtual bool wantsSynthesizedDown(const MigrationStep &M) const {
    return false;
  }
  /// S is the schema M's `up` starts from.
  virtual void beginMigration(const MigrationStep &M, const Schema &S) {}
  /// Before is the schema the operation runs on.
  virtual void beforeOp(const OpStep &O, const Schema &Before) {}
  /// After is the schema it leaves; Applied is false when it could not run
  /// (it then changed nothing).
  virtual void afterOp(const OpStep &O, const Schema &After, bool Applied) {}
  /// A block ended with the schema After. Synthesized: a synthesized down.
  virtual void endBlock(const MigrationStep &M, BlockKind B, bool Synthesized,
                        const Schema &After) {}
  /// S is the schema after M's `up` (where the next migration starts).
  virtual void endMigration(const MigrationStep &M, const Schema &S) {}
};

/// Walks migrations one at a time on the project's schema.
class Walk {
public:
  /// S is the schema the first migration starts from; it becomes the one
  /// the last walked migration ends with.
  Walk(Schema &S, llvm::ArrayRef<WalkListener *> Listeners)
      : S(S), Listeners(Listeners) {}

  /// Walks migration Index (Syntax), filling IR's Up and Down. Everything
  /// the migration reports, its listeners' findings included, is appended
  /// to Diags.
  void migration(unsigned Index, const ast::Migration &Syntax, Migration &IR,
                 DiagList &Diags);

private:
  void block(const MigrationStep &M, BlockKind B,
             const std::vector<ast::Op> &Ops, std::vector<Op> &Out, Schema &On);
  void synthesizedBlock(const MigrationStep &M, const std::vector<Op> &Ops,
                        Schema &On);

  Schema &S;
  llvm::ArrayRef<WalkListener *> Listeners;
};

/// One block outside a project walk, for unit tests: the walk's steps on S,
/// with what the touches and down-synthesis passes would record. Inverses:
/// one per operation, none if it has no inverse.
struct InverseOf {
  std::optional<std::vector<Op>> Ops;
};
std::vector<Op> replayBlock(const std::vector<ast::Op> &Ops, Schema &S,
                            DiagList &Diags,
                            std::vector<struct Touch> *Touches = nullptr,
                            std::vector<InverseOf> *Inverses = nullptr);
/// Applies IR operations (a synthesized down) in turn, for unit tests.
void applyBlock(const std::vector<Op> &Ops, Schema &S, DiagList &Diags);

} // namespace migc::ir

#endif
