//===- Parser.h - .mig text to AST ----------------------------*- C++ -*-===//
#ifndef MIGC_FRONTEND_PARSER_H
#define MIGC_FRONTEND_PARSER_H

#include "diag/Diagnostic.h"
#include "frontend/AST.h"

namespace migc {

struct ParseOutput {
  ast::File File;
  DiagList Diags;
  std::vector<Suppression> Suppressions;
  bool UsedFullLL = false; // SLL prediction was not enough
};

/// Parses one buffer of SM into an AST. Never throws; every problem becomes a
/// located diagnostic. Safe to call concurrently for different buffers.
ParseOutput parseBuffer(const llvm::SourceMgr &SM, unsigned Buffer);

/// Whether Word is a keyword of the language (in any case): printed .mig
/// quotes such names.
bool isKeyword(llvm::StringRef Word);

/// Deepest nesting of parentheses, `case` and prefix operators accepted.
constexpr unsigned MaxNestingDepth = 200;
/// Longest chain of operators in one expression (`a and b and ...`).
constexpr unsigned MaxOperatorChain = 4000;

} // namespace migc

#endif
