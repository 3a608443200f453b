//===- Project.cpp - Finding a project's files and settings ---------------===//

#include "project/Project.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <toml++/toml.h>

#include <algorithm>

namespace migc {

namespace {

llvm::Error fail(const llvm::Twine &Msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Msg);
}

/// The nearest folder at or above Dir holding migc.toml, or Dir itself.
std::string projectRootOf(llvm::StringRef Dir) {
  llvm::SmallString<256> Cur(Dir);
  while (!Cur.empty()) {
    llvm::SmallString<256> Toml(Cur);
    llvm::sys::path::append(Toml, "migc.toml");
    if (llvm::sys::fs::exists(Toml))
      return std::string(Cur);
    llvm::StringRef Parent = llvm::sys::path::parent_path(Cur);
    if (Parent == Cur)
      break;
    // Parent is a prefix of Cur: assigning it to Cur would read what the
    // assignment overwrites.
    Cur.resize(Parent.size());
  }
  return Dir.str();
}

llvm::Error collectFiles(llvm::StringRef Root, std::vector<std::string> &Out) {
  std::error_code EC;
  // Symbolic links to folders are not followed (a link to `.` would loop);
  // links to files are read (what is not a regular file is refused, with
  // a diagnostic, when the files are loaded).
  for (llvm::sys::fs::recursive_directory_iterator It(Root, EC,
                                                      /*follow=*/false),
       End;
       It != End && !EC; It.increment(EC)) {
    llvm::StringRef Path = It->path();
    llvm::StringRef Name = llvm::sys::path::filename(Path);
    if (It->type() == llvm::sys::fs::file_type::directory_file) {
      if (Name.startswith("."))
        It.no_push();
      continue;
    }
    if (Path.endswith(".mig"))
      Out.push_back(Path.str());
  }
  if (EC)
    return fail("cannot read folder '" + Root + "': " + EC.message());
  std::sort(Out.begin(), Out.end());
  return llvm::Error::success();
}

llvm::Error readConfig(Project &P) {
  llvm::SmallString<256> Path(P.Root);
  llvm::sys::path::append(Path, "migc.toml");
  if (!llvm::sys::fs::exists(Path))
    return llvm::Error::success();
  toml::table T;
  try {
    T = toml::parse_file(std::string(Path));
  } catch (const toml::parse_error &E) {
    return fail(llvm::Twine(Path) + ":" + llvm::Twine(E.source().begin.line) +
                ":" + llvm::Twine(E.source().begin.column) + ": " +
                std::string(E.description()));
  }
  if (toml::array *Flags = T["check"]["flags"].as_array()) {
    for (toml::node &F : *Flags) {
      std::optional<std::string> S = F.value<std::string>();
      llvm::StringRef Flag = S ? llvm::StringRef(*S) : "";
      if (!Flag.consume_front("-W"))
        return fail(llvm::Twine(Path) +
                    ": [check] flags holds -W flags, such as \"-Werror\"");
      P.WarningFlags.push_back(Flag.str());
    }
  }
  if (std::optional<int64_t> L = T["check"]["error-limit"].value<int64_t>()) {
    if (*L < 0)
      return fail(llvm::Twine(Path) + ": error-limit cannot be negative");
    P.ErrorLimit = unsigned(*L);
  }
  if (toml::node *N = T["check"]["smt-timeout"].node()) {
    std::optional<int64_t> Ms = N->value<int64_t>();
    if (!Ms || *Ms < 1 || *Ms > 3600000)
      return fail(llvm::Twine(Path) +
                  ": smt-timeout is a number of milliseconds, 1 to 3600000");
    P.SmtTimeoutMs = unsigned(*Ms);
  }
  return llvm::Error::success();
}

} // namespace

std::string absolutePath(llvm::StringRef Path) {
  llvm::SmallString<256> Abs(Path);
  llvm::sys::fs::make_absolute(Abs);
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return std::string(Abs);
}

llvm::Expected<Project> findProject(llvm::ArrayRef<std::string> Paths) {
  std::vector<std::string> Given(Paths.begin(), Paths.end());
  if (Given.empty())
    Given.push_back(".");
  Project P;
  std::string WalkFrom; // the root as the user spelled it, for file names
  for (const std::string &Path : Given) {
    llvm::sys::fs::file_status St;
    if (std::error_code EC = llvm::sys::fs::status(Path, St))
      return fail("cannot read '" + Path + "': " + EC.message());
    bool IsDir = llvm::sys::fs::is_directory(St);
    if (!IsDir && !llvm::sys::fs::is_regular_file(St))
      return fail("'" + Path + "' is not a file or a folder");
    std::string Abs = absolutePath(Path);
    std::string Root =
        IsDir ? Abs : projectRootOf(llvm::sys::path::parent_path(Abs));
    if (!P.Root.empty() && P.Root != Root)
      return fail("'" + Path + "' belongs to project '" + Root + "', not to '" +
                  P.Root + "'; check one project at a time");
    P.Root = Root;
    if (IsDir)
      WalkFrom = llvm::StringRef(Path).rtrim('/').str();
    else
      P.Focus.push_back(Path);
  }
  if (WalkFrom.empty())
    WalkFrom = P.Root;
  if (llvm::Error E = collectFiles(WalkFrom.empty() ? "/" : WalkFrom, P.Files))
    return E;
  // Named files are read even when they lie outside the folder walk (or do
  // not end in .mig); show them under the name the user gave.
  for (const std::string &F : P.Focus) {
    std::string Abs = absolutePath(F);
    auto It =
        std::find_if(P.Files.begin(), P.Files.end(), [&](const std::string &G) {
          return absolutePath(G) == Abs;
        });
    if (It != P.Files.end())
      *It = F;
    else
      P.Files.push_back(F);
  }
  if (llvm::Error E = readConfig(P))
    return E;
  return P;
}

llvm::Expected<Project> projectOfFile(llvm::StringRef File, const Overlay &O) {
  std::string Abs = absolutePath(File);
  Project P;
  P.Root = projectRootOf(llvm::sys::path::parent_path(Abs));
  // A file at the top of the file system has no folder to walk: `/` would
  // take the whole machine (an editor may open any file).
  bool Top = llvm::sys::path::parent_path(P.Root).empty();
  if (!Top && llvm::sys::fs::is_directory(P.Root))
    if (llvm::Error E = collectFiles(P.Root, P.Files))
      return E;
  std::string Prefix = P.Root + "/";
  auto OnDisk = P.Files.size(); // sorted by collectFiles
  for (const auto &[Path, Text] : O) {
    llvm::StringRef Doc(Path);
    bool Below = !Top && Doc.startswith(Prefix) && Doc.endswith(".mig");
    if ((Below || Doc == Abs) &&
        !std::binary_search(P.Files.begin(), P.Files.begin() + OnDisk, Path))
      P.Files.push_back(Path);
  }
  if (!llvm::is_contained(P.Files, std::string(Abs)))
    P.Files.push_back(std::string(Abs));
  std::sort(P.Files.begin(), P.Files.end());
  if (llvm::Error E = readConfig(P))
    return E;
  return P;
}

llvm::Expected<Project> isolatedProject(llvm::ArrayRef<std::string> Paths) {
  if (Paths.empty())
    return fail("--isolated needs the files to check");
  Project P;
  for (const std::string &Path : Paths) {
    if (llvm::sys::fs::is_directory(Path))
      return fail("--isolated takes files, and '" + Path + "' is a folder");
    // The same file named twice is read once.
    if (std::find(P.Files.begin(), P.Files.end(), Path) == P.Files.end())
      P.Files.push_back(Path);
  }
  return P;
}

} // namespace migc
