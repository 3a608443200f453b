//===- Analysis.h - One project compiled for the language server -*- C++
//-*-===//
//
// The same pipeline and diagnostic engine as `migc check`, run on a project
// whose open documents replace their files, plus what the editor features
// need: every name in the sources with the place that defines it, and the
// schema before and after each operation.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_LSP_ANALYSIS_H
#define MIGC_LSP_ANALYSIS_H

#include "lsp/Protocol.h"
#include "project/Compilation.h"

#include <memory>

namespace migc::lsp {

/// A name written in the sources.
struct Occurrence {
  enum class What { Table, Column, Migration } K;
  llvm::SMRange Range;
  std::string Table, Column; // Migration: the name in Table
  /// Where the object was defined at that point; invalid when unknown.
  llvm::SMRange Def;
  /// Index into Analysis::Points of the operation it is written in, or -1.
  int Point = -1;
};

/// An operation and the schema around it.
struct SchemaPoint {
  llvm::SMRange Range;
  std::string Table; // the table the operation names, if any
  ir::Schema Before, After;
};

class Analysis {
public:
  /// Compiles the project of File, with Docs replacing files on disk.
  static std::unique_ptr<Analysis> run(llvm::StringRef File,
                                       const Overlay &Docs);

  Project Proj;
  /// Set when the project could not be found (migc.toml invalid).
  std::string ProjectError;
  Compilation C;
  /// What the engine let through (-W flags, suppressions), in order.
  DiagList Diags;
  std::vector<Occurrence> Occurrences;
  std::vector<SchemaPoint> Points;

  /// The buffer holding the file at Path (absolute), or 0.
  unsigned bufferOf(llvm::StringRef Path) const;
  /// LSP position of a location (UTF-16 columns).
  Position position(llvm::SMLoc L) const;
  Range range(llvm::SMRange R) const;
  /// The location of an LSP position in Buffer, or none when it lies past
  /// the end of its line or of the text.
  std::optional<llvm::SMLoc> location(unsigned Buffer, Position P) const;

  /// The occurrence under L, if any.
  const Occurrence *occurrenceAt(llvm::SMLoc L) const;
  /// The schema at L: before the operation holding L, or after the last
  /// operation of L's buffer before it. Sets Op to the holding operation.
  const ir::Schema &schemaAt(unsigned Buffer, llvm::SMLoc L,
                             const SchemaPoint **Op) const;
};

/// A column as the schema has it: `users.age smallint not null default 0`.
std::string describeColumn(const ir::Table &T, const ir::Column &C);

} // namespace migc::lsp

#endif
