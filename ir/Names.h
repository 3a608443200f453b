//===- Names.h - PostgreSQL's names for unnamed objects -------*- C++ -*-===//
#ifndef MIGC_IR_NAMES_H
#define MIGC_IR_NAMES_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace migc::ir {

/// PostgreSQL's makeObjectName: `<name1>_<name2>_<label>`, cutting the longer
/// of name1 and name2 until the whole fits in 63 bytes.
std::string makeObjectName(llvm::StringRef Name1, llvm::StringRef Name2,
                           llvm::StringRef Label);

/// makeObjectName, then `<label>1`, `<label>2`, ... until Used says no, as
/// PostgreSQL's ChooseConstraintName and ChooseRelationName do.
std::string chooseName(llvm::StringRef Name1, llvm::StringRef Name2,
                       llvm::StringRef Label,
                       llvm::function_ref<bool(llvm::StringRef)> Used);

/// Column names joined by `_`, as PostgreSQL builds name2 of keys and indexes.
std::string joinColumns(const std::vector<std::string> &Columns);

} // namespace migc::ir

#endif
