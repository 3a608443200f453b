//===- Project.h - Finding a project's files and settings -----*- C++ -*-===//
#ifndef MIGC_PROJECT_PROJECT_H
#define MIGC_PROJECT_PROJECT_H

#include "frontend/AST.h"
#include "passes/Targets.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/GlobPattern.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace migc {

struct Project {
  /// The folder holding migc.toml, or the folder given.
  std::string Root;
  /// Every .mig file below Root, sorted by path.
  std::vector<std::string> Files;
  /// The files named on the command line; empty when a folder was given.
  /// Only their diagnostics are shown.
  std::vector<std::string> Focus;
  /// -W flags from migc.toml, without the leading "-W".
  std::vector<std::string> WarningFlags;
  std::optional<unsigned> ErrorLimit;
  /// `[check] smt-timeout`: milliseconds per solver query.
  std::optional<unsigned> SmtTimeoutMs;
  /// `[check] targets` and the servers' versions.
  passes::Targets Targets;
  /// `[check] lock-timeout` and `statement-timeout` (Range empty).
  std::optional<ast::Timeout> LockTimeout, StatementTimeout;
  /// `[project] exclude`: files below Root left out of the folder walk.
  std::vector<llvm::GlobPattern> Exclude;
};

/// The project the paths belong to (the current folder when none is given).
/// Fails, with a message for the user, when a path cannot be read, when the
/// paths belong to different projects, or when migc.toml is invalid.
llvm::Expected<Project> findProject(llvm::ArrayRef<std::string> Paths);

/// Path made absolute, without `.` and `..` components: how the project
/// compares paths (and an Overlay holds them).
std::string absolutePath(llvm::StringRef Path);

/// Documents held in memory (an editor's unsaved buffers) by absolute path:
/// they replace the files of the same path when the project is loaded.
using Overlay = std::map<std::string, std::string, std::less<>>;

/// The project of one file, found as findProject finds it (the nearest
/// folder with migc.toml, else the file's folder), where the file and other
/// .mig files below the root may exist only in O. Paths are absolute; Focus
/// is left empty (every diagnostic is kept).
llvm::Expected<Project> projectOfFile(llvm::StringRef File, const Overlay &O);

/// A project of exactly the given files, without the rest of their folder
/// (`migc check --isolated`).
llvm::Expected<Project> isolatedProject(llvm::ArrayRef<std::string> Paths);

} // namespace migc

#endif
