//===- Touches.h - What each operation reads and writes -------*- C++ -*-===//
//
// The unordered-conflict analysis compares what two migrations touch. An
// operation writes the objects it creates, drops, renames or changes, and
// reads those it needs to exist or whose content it uses. Two operations
// conflict when one writes an object the other reads or writes. Objects
// are keyed by their names at that point of the history:
//   table:T   the table itself (create, drop, rename)
//   column:T.c  index:I  constraint:T.k
//   rows:T    the table's rows (insert and delete write them, update reads)
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_IR_TOUCHES_H
#define MIGC_IR_TOUCHES_H

#include "ir/Schema.h"

namespace migc::ir {

struct Touch {
  std::string Key; // "column:users.email"
  bool Write = false;
  llvm::SMRange At; // the operation
};

/// Appends what O touches, given the schema it runs on.
void collectTouches(const Op &O, const Schema &Before, std::vector<Touch> &Out);

/// `column:users.email` as a user reads it: "column `users.email`".
std::string describeTouchKey(llvm::StringRef Key);

} // namespace migc::ir

#endif
