//===- Replay.h - Lowering operations and applying them to a schema -*- C++
//-*-===//
//
// Replaying a migration is, for each operation in order: lower it against
// the schema as it is at that point (types, typed expressions, chosen names),
// then apply it (checking that what it names exists, that what it creates
// does not, and that nothing still uses what it drops). Both steps report
// through the DiagList; a failed apply leaves the schema unchanged.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_IR_REPLAY_H
#define MIGC_IR_REPLAY_H

#include "diag/Diagnostic.h"
#include "ir/Schema.h"

namespace migc::ir {

/// The IR of one operation, built against the schema it runs on.
Op lowerOp(const ast::Op &O, const Schema &S, DiagList &Diags);

/// Applies O to S if it can run there; otherwise reports why and returns
/// false with S unchanged.
bool applyOp(const Op &O, Schema &S, DiagList &Diags);

/// The migration's header (name, requires, metadata) without operations.
Migration lowerHeader(const ast::Migration &M);

/// Lowers and applies each operation of Ops in turn; returns the IR. With
/// Touches, also records what each operation reads and writes.
/// One operation's inverse (ir/Inverse.h): none if it has no inverse, and
/// the warnings that come with it (data it cannot restore).
struct InverseOf {
  std::optional<std::vector<Op>> Ops;
  DiagList Warnings;
};

/// With Inverses, also records each operation's inverse.
std::vector<Op> replayBlock(const std::vector<ast::Op> &Ops, Schema &S,
                            DiagList &Diags,
                            std::vector<struct Touch> *Touches = nullptr,
                            std::vector<InverseOf> *Inverses = nullptr);

/// Applies IR operations (a synthesized down) in turn.
void applyBlock(const std::vector<Op> &Ops, Schema &S, DiagList &Diags);

/// The schema a migration's `up` starts from and the one it ends with
/// (where its `down` starts).
struct SchemaAround {
  Schema Before, After;
};
/// SchemaAround of every migration (by index), replaying the `up` of
/// Ms[I] for each I of Order. Snapshots share their tables: this costs
/// little more than the replay.
std::vector<SchemaAround> schemasAround(const std::vector<Migration> &Ms,
                                        llvm::ArrayRef<unsigned> Order);

} // namespace migc::ir

#endif
