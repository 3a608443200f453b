//===- ConstraintProofs.h - Constraint preservation (Z3) -------*- C++ -*-===//
//
// Spec sections 8.3 (the data part) and 8.5, issue 6's obligations a-g:
// constraints that can hold together, type changes every row fits, new
// checks and not nulls every row passes (after the backfills before them),
// updates that keep every constraint, defaults and inserted rows that
// satisfy their table, redundant checks, and update pairs that undo each
// other. Each failure comes with a counterexample row in a note.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_PASSES_CONSTRAINTPROOFS_H
#define MIGC_PASSES_CONSTRAINTPROOFS_H

#include "ir/Schema.h"
#include "smt/Prover.h"

namespace migc::passes {

/// Whether a migration with these `up` operations has an obligation (so
/// callers can skip the schema snapshot for the others).
bool hasObligations(const std::vector<ast::Op> &Up);

/// Checks M's obligations; Before is the schema M's `up` starts from.
void proveConstraints(smt::Prover &P, ir::Schema Before, const ir::Migration &M,
                      DiagList &Out);

} // namespace migc::passes

#endif
