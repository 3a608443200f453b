//===- Project.h - Finding a project's files and settings -----*- C++ -*-===//
#ifndef MIGC_PROJECT_PROJECT_H
#define MIGC_PROJECT_PROJECT_H

#include "frontend/AST.h"
#include "passes/Targets.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringSet.h"
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
  /// Only their diagnostics are shown (with those of FocusFolders).
  std::vector<std::string> Focus;
  /// Folders named on the command line below Root (absolute paths): the
  /// project is still Root's, but only their files' diagnostics are shown.
  std::vector<std::string> FocusFolders;
  /// `check --changed-since`: the absolute paths of the files added or
  /// changed since the ref; only their diagnostics are shown.
  std::optional<llvm::StringSet<>> Changed;
  /// `[history] applied`: the newest migration applied in production, and
  /// where migc.toml names it ("path:line:column").
  std::optional<std::string> Applied;
  std::string AppliedWhere;
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

  /// Whether diagnostics are limited to some files (named files or folders,
  /// --changed-since).
  bool focused() const {
    return !Focus.empty() || !FocusFolders.empty() || Changed;
  }
  /// Whether the diagnostics of File are shown.
  bool shows(llvm::StringRef File) const;
};

/// The project the paths belong to (the current folder when none is given):
/// the nearest folder at or above each path holding migc.toml, else the
/// folder given (or the file's folder).
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

/// Limits P's diagnostics to the files added or changed since the git ref
/// Ref (`git diff` against the working tree, and untracked files), found by
/// running git in P.Root. Fails, with a message for the user, when git
/// cannot run or does not know Ref.
llvm::Error focusOnChangesSince(Project &P, llvm::StringRef Ref);

} // namespace migc

#endif
