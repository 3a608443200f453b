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

/// The two steps of the walk (ir/Walk.h), the only code that calls them:
/// the IR of one operation, built against the schema it runs on...
Op lowerOp(const ast::Op &O, const Schema &S, DiagList &Diags);

/// ...and applying it: O changes S if it can run there; otherwise applyOp
/// reports why and returns false with S unchanged.
bool applyOp(const Op &O, Schema &S, DiagList &Diags);

/// The migration's header (name, requires, metadata) without operations.
Migration lowerHeader(const ast::Migration &M);

} // namespace migc::ir

#endif
