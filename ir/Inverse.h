//===- Inverse.h - Undoing operations, and checking downs -----*- C++ -*-===//
//
// Spec sections 3 and 8.3 (the structural part). A migration without a
// `down` gets one synthesized: the inverse of each `up` operation, built
// from the schema just before it, in reverse order. A written `down` is
// replayed after `up` and the result compared with the schema before `up`.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_IR_INVERSE_H
#define MIGC_IR_INVERSE_H

#include "diag/Diagnostic.h"
#include "ir/Schema.h"
#include "ir/Touches.h"

#include "llvm/ADT/ArrayRef.h"

namespace migc::ir {

/// The operations that undo O, in the order to run them, given the schema
/// O runs on; nullopt when O has no inverse (update, delete, sql without
/// `down`, an insert migc cannot take back). The inverse of a drop
/// re-creates the table or column without its data; saying so is the
/// drop-loses-data pass's (passes/DropLosesData.cpp).
std::optional<std::vector<Op>> invertOp(const Op &O, const Schema &Before);

/// Compares the schema after `up` then `down` (After) with the one before
/// `up` (Before) and reports each difference at the `down` operation that
/// touched the object (else at DownAt), with a note at the `up` operation
/// that did. Up is `up`'s operations: a constraint one of them validated
/// may stay valid after `down` (no statement makes it `not valid` again).
void checkDownRestores(const Schema &Before, const Schema &After,
                       llvm::SMRange DownAt,
                       const std::vector<Touch> &UpTouches,
                       const std::vector<Touch> &DownTouches, DiagList &Diags,
                       llvm::ArrayRef<Op> Up);

} // namespace migc::ir

#endif
