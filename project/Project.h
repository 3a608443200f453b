//===- Project.h - Finding a project's files and settings -----*- C++ -*-===//
#ifndef MIGC_PROJECT_PROJECT_H
#define MIGC_PROJECT_PROJECT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

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
};

/// The project the paths belong to (the current folder when none is given).
/// Fails, with a message for the user, when a path cannot be read, when the
/// paths belong to different projects, or when migc.toml is invalid.
llvm::Expected<Project> findProject(llvm::ArrayRef<std::string> Paths);

/// A project of exactly the given files, without the rest of their folder
/// (`migc check --isolated`).
llvm::Expected<Project> isolatedProject(llvm::ArrayRef<std::string> Paths);

} // namespace migc

#endif
