//===- OpPrinter.h - IR operations in .mig syntax -------------*- C++ -*-===//
#ifndef MIGC_IR_OPPRINTER_H
#define MIGC_IR_OPPRINTER_H

#include "ir/Schema.h"

namespace migc::ir {

/// A name as .mig writes it: quoted when it is a keyword or not plain.
std::string printName(llvm::StringRef N);
/// One operation (or, for add column with constraints, a few), ending in `;`.
std::string printOp(const Op &O);
/// printOp without its final `;`, to quote in a message.
std::string printOpInline(const Op &O);
std::string printCreateTable(const Table &T);
std::string printCreateIndex(const Index &I, bool Concurrently = false);
/// `primary key (a, b)`, `check (...)`, `foreign key (...) references ...`.
std::string printConstraintBody(const Constraint &C);

} // namespace migc::ir

#endif
