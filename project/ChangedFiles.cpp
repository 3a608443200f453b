//===- ChangedFiles.cpp - The files changed since a git ref ---------------===//
//
// `migc check --changed-since=REF` (a pull request's check) reports only on
// the files added or changed since REF; every migration is still replayed.
// git is run as a program, never through a shell.
//
//===----------------------------------------------------------------------===//

#include "project/Project.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

namespace migc {

namespace {

llvm::Error fail(const llvm::Twine &Msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Msg);
}

/// Runs `git -C Root Args...`; its standard output, or an error quoting the
/// first line git wrote to its standard error.
llvm::Expected<std::string> git(llvm::StringRef Root,
                                llvm::ArrayRef<llvm::StringRef> Args) {
  llvm::ErrorOr<std::string> Git = llvm::sys::findProgramByName("git");
  if (!Git)
    return fail("--changed-since needs git, and no `git` is on the PATH");
  llvm::SmallString<128> Out, Err;
  if (llvm::sys::fs::createTemporaryFile("migc-git", "out", Out) ||
      llvm::sys::fs::createTemporaryFile("migc-git", "err", Err))
    return fail("cannot create a temporary file for git's output");
  auto Remove = llvm::make_scope_exit([&] {
    llvm::sys::fs::remove(Out);
    llvm::sys::fs::remove(Err);
  });
  std::vector<llvm::StringRef> Argv = {"git", "-C", Root};
  Argv.insert(Argv.end(), Args.begin(), Args.end());
  llvm::Optional<llvm::StringRef> Redirects[] = {
      llvm::StringRef(""), llvm::StringRef(Out), llvm::StringRef(Err)};
  std::string Message;
  int Status = llvm::sys::ExecuteAndWait(*Git, Argv, llvm::None, Redirects,
                                         /*SecondsToWait=*/0,
                                         /*MemoryLimit=*/0, &Message);
  if (Status != 0) {
    std::string Why = Message;
    if (auto Buf = llvm::MemoryBuffer::getFile(Err)) {
      llvm::StringRef First = (*Buf)->getBuffer().split('\n').first.trim();
      First.consume_front("fatal: ");
      if (!First.empty())
        Why = First.str();
    }
    if (Why.empty())
      Why = "exit status " + std::to_string(Status);
    return fail("`git " + llvm::join(Args.begin(), Args.end(), " ") +
                "` failed in '" + Root + "': " + Why);
  }
  auto Buf = llvm::MemoryBuffer::getFile(Out);
  if (!Buf)
    return fail("cannot read git's output: " + Buf.getError().message());
  return (*Buf)->getBuffer().str();
}

} // namespace

llvm::Error focusOnChangesSince(Project &P, llvm::StringRef Ref) {
  // A ref that starts with `-` would be read as an option of git's.
  if (Ref.empty() || Ref.startswith("-"))
    return fail("--changed-since takes a git ref, such as `origin/main`; '" +
                Ref + "' is not one");
  if (P.Root.empty())
    return fail("--changed-since needs the project's folder; --isolated "
                "checks files without one");
  std::string Spec = (Ref + "^{commit}").str();
  llvm::Expected<std::string> Commit =
      git(P.Root, {"rev-parse", "--verify", "--quiet", Spec});
  if (!Commit) {
    llvm::consumeError(Commit.takeError());
    // rev-parse --quiet says nothing; name the ref and where it was looked
    // up (also when the root is not in a git repository).
    if (llvm::Error E = git(P.Root, {"rev-parse", "--git-dir"}).takeError())
      return E;
    return fail("--changed-since: git knows no commit '" + Ref + "' in '" +
                P.Root + "'");
  }
  llvm::StringRef Hash = llvm::StringRef(*Commit).trim();
  // -z: paths unquoted, one per NUL; --relative: below the root, and
  // relative to it.
  llvm::Expected<std::string> Diff =
      git(P.Root, {"diff", "--name-only", "-z", "--relative", Hash, "--"});
  if (!Diff)
    return Diff.takeError();
  llvm::Expected<std::string> Untracked =
      git(P.Root, {"ls-files", "-z", "--others", "--exclude-standard"});
  if (!Untracked)
    return Untracked.takeError();
  P.Changed.emplace();
  for (llvm::StringRef List :
       {llvm::StringRef(*Diff), llvm::StringRef(*Untracked)}) {
    llvm::SmallVector<llvm::StringRef, 16> Names;
    List.split(Names, '\0', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef Name : Names) {
      llvm::SmallString<256> Path(P.Root);
      llvm::sys::path::append(Path, Name);
      P.Changed->insert(absolutePath(Path));
    }
  }
  return llvm::Error::success();
}

} // namespace migc
