//===- Project.cpp - Finding a project's files and settings ---------------===//

#include "project/Project.h"

#include "llvm/ADT/STLExtras.h"
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

/// A folder that holds a build (CMake's cache, or the CACHEDIR.TAG that
/// cargo and others write): its .mig files are copies, not the project's.
bool isBuildFolder(llvm::StringRef Dir) {
  for (const char *Marker : {"CMakeCache.txt", "CACHEDIR.TAG"}) {
    llvm::SmallString<256> Path(Dir);
    llvm::sys::path::append(Path, Marker);
    if (llvm::sys::fs::exists(Path))
      return true;
  }
  return false;
}

/// Whether the folder walk from Root skips Path, a file below it (an
/// editor's open document that is not on disk).
bool skippedByWalk(llvm::StringRef Root, llvm::StringRef Path) {
  llvm::StringRef Rel = Path.drop_front(Root.size() + 1);
  llvm::SmallString<256> Dir(Root);
  for (auto It = llvm::sys::path::begin(Rel), End = llvm::sys::path::end(Rel);
       It != End; ++It) {
    if (It->startswith("."))
      return true;
    if (std::next(It) == End)
      break;
    llvm::sys::path::append(Dir, *It);
    if (*It == "node_modules" || isBuildFolder(Dir))
      return true;
  }
  return false;
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
    // Dot files are editors' (Emacs' `.#name.mig` lock, swap files);
    // dot folders, node_modules and builds hold no migration of the
    // project's own.
    if (It->type() == llvm::sys::fs::file_type::directory_file) {
      if (Name.startswith(".") || Name == "node_modules" || isBuildFolder(Path))
        It.no_push();
      continue;
    }
    if (Path.endswith(".mig") && !Name.startswith("."))
      Out.push_back(Path.str());
  }
  if (EC)
    return fail("cannot read folder '" + Root + "': " + EC.message());
  std::sort(Out.begin(), Out.end());
  return llvm::Error::success();
}

/// migc.toml's tables and their keys (spec section 10). A key not listed
/// is an error: a misspelt setting must not pass in silence.
struct KnownTable {
  llvm::StringRef Name;
  std::vector<llvm::StringRef> Keys;
};
const std::vector<KnownTable> &knownTables() {
  static const std::vector<KnownTable> Tables = {
      {"check",
       {"targets", "postgres-version", "mysql-version", "mariadb-version",
        "flags", "error-limit", "smt-timeout", "lock-timeout",
        "statement-timeout"}},
      {"history", {"applied"}},
      {"project", {"exclude"}},
  };
  return Tables;
}

/// The known name closest to Name, if it is close enough to be a typo.
std::optional<std::string> closest(llvm::StringRef Name,
                                   llvm::ArrayRef<llvm::StringRef> Known) {
  std::optional<std::string> Best;
  unsigned BestDistance = std::max<unsigned>(2, Name.size() / 3) + 1;
  for (llvm::StringRef K : Known) {
    unsigned D =
        Name.edit_distance(K, /*AllowReplacements=*/true, BestDistance);
    if (D < BestDistance) {
      BestDistance = D;
      Best = K.str();
    }
  }
  return Best;
}

/// "major.minor" as two numbers, or nothing.
std::optional<std::pair<unsigned, unsigned>> version(llvm::StringRef V) {
  auto [Major, Minor] = V.split('.');
  unsigned A, B;
  if (Major.getAsInteger(10, A) || Minor.getAsInteger(10, B))
    return std::nullopt;
  return std::make_pair(A, B);
}

/// Reads migc.toml into P, checking every table, key and value; the first
/// problem is an error at its line and column.
class ConfigReader {
public:
  ConfigReader(Project &P, llvm::StringRef Path) : P(P), Path(Path) {}

  llvm::Error read(const toml::table &T) {
    for (const auto &[Key, Node] : T) {
      const KnownTable *Known = nullptr;
      for (const KnownTable &K : knownTables())
        if (K.Name == llvm::StringRef(Key.str()))
          Known = &K;
      if (!Known)
        return unknownTable(Key);
      const toml::table *Sub = Node.as_table();
      if (!Sub)
        return fail(Key.source(),
                    "`" + std::string(Key.str()) + "` is a table: write `[" +
                        std::string(Key.str()) + "]` above its keys");
      for (const auto &[SubKey, Value] : *Sub)
        if (!llvm::is_contained(Known->Keys, llvm::StringRef(SubKey.str())))
          return unknownKey(*Known, SubKey);
    }
    if (const toml::table *Check = T["check"].as_table())
      if (llvm::Error E = readCheck(*Check))
        return E;
    if (const toml::table *History = T["history"].as_table())
      if (llvm::Error E = readHistory(*History))
        return E;
    if (const toml::table *Proj = T["project"].as_table())
      if (llvm::Error E = readProject(*Proj))
        return E;
    return llvm::Error::success();
  }

private:
  llvm::Error fail(const toml::source_region &Where, const llvm::Twine &Msg) {
    return migc::fail(llvm::Twine(Path) + ":" + llvm::Twine(Where.begin.line) +
                      ":" + llvm::Twine(Where.begin.column) + ": " + Msg);
  }
  llvm::Error fail(const toml::node &N, const llvm::Twine &Msg) {
    return fail(N.source(), Msg);
  }

  llvm::Error unknownTable(const toml::key &Key) {
    std::string Name(Key.str());
    std::vector<llvm::StringRef> Tables, Owners;
    for (const KnownTable &K : knownTables())
      Tables.push_back(K.Name);
    std::string Msg = "unknown table `[" + Name + "]`";
    if (std::optional<std::string> Near = closest(Name, Tables))
      return fail(Key.source(), Msg + "; did you mean `[" + *Near + "]`?");
    // A key written above every table header.
    for (const KnownTable &K : knownTables())
      if (llvm::is_contained(K.Keys, llvm::StringRef(Name)))
        return fail(Key.source(),
                    "`" + Name + "` belongs in the `[" + K.Name + "]` table");
    return fail(Key.source(), Msg + "; migc.toml has the tables " +
                                  "`[check]`, `[history]` and `[project]`");
  }

  llvm::Error unknownKey(const KnownTable &T, const toml::key &Key) {
    std::string Name(Key.str());
    std::string Msg = "unknown key `" + Name + "` in `[" + T.Name.str() + "]`";
    if (std::optional<std::string> Near = closest(Name, T.Keys))
      return fail(Key.source(), Msg + "; did you mean `" + *Near + "`?");
    std::string Keys;
    for (llvm::StringRef K : T.Keys)
      Keys += (Keys.empty() ? "`" : ", `") + K.str() + "`";
    return fail(Key.source(), Msg + "; it takes " + Keys);
  }

  /// A list of strings, or an error naming what Key holds.
  llvm::Expected<std::vector<std::pair<std::string, const toml::node *>>>
  strings(const toml::node &N, llvm::StringRef Key, llvm::StringRef Example) {
    const toml::array *A = N.as_array();
    if (!A)
      return fail(N, "`" + Key + "` is a list of strings, such as " + Example);
    std::vector<std::pair<std::string, const toml::node *>> Out;
    for (const toml::node &E : *A) {
      std::optional<std::string> S = E.value<std::string>();
      if (!S)
        return fail(E,
                    "`" + Key + "` is a list of strings, such as " + Example);
      Out.emplace_back(*S, &E);
    }
    return Out;
  }

  llvm::Error readCheck(const toml::table &C) {
    if (const toml::node *N = C.get("flags")) {
      auto Flags = strings(*N, "flags", "[\"-Werror\"]");
      if (!Flags)
        return Flags.takeError();
      for (auto &[Flag, At] : *Flags) {
        llvm::StringRef F(Flag);
        if (!F.consume_front("-W"))
          return fail(*At, "`flags` holds -W flags, such as \"-Werror\" or "
                           "\"-Wno-opaque-sql\"");
        P.WarningFlags.push_back(F.str());
      }
    }
    if (const toml::node *N = C.get("error-limit")) {
      std::optional<int64_t> L = N->value<int64_t>();
      if (!L || *L < 0)
        return fail(*N, "`error-limit` is a number of errors, 0 (no limit) "
                        "or more");
      P.ErrorLimit = unsigned(std::min<int64_t>(*L, UINT32_MAX));
    }
    if (const toml::node *N = C.get("smt-timeout")) {
      std::optional<int64_t> Ms = N->value<int64_t>();
      if (!Ms || *Ms < 1 || *Ms > 3600000)
        return fail(*N, "`smt-timeout` is a number of milliseconds, 1 to "
                        "3600000");
      P.SmtTimeoutMs = unsigned(*Ms);
    }
    for (auto [Key, Into] :
         {std::pair{"lock-timeout", &P.LockTimeout},
          std::pair{"statement-timeout", &P.StatementTimeout}})
      if (const toml::node *N = C.get(Key)) {
        std::optional<std::string> Text = N->value<std::string>();
        std::optional<uint64_t> Ms;
        if (Text)
          Ms = ast::parseTimeout(*Text);
        if (!Ms)
          return fail(*N, "`" + std::string(Key) +
                              "` is a duration such as \"2s\", \"500ms\" or "
                              "\"1min\" (digits and a unit: ms, s, min, h or "
                              "d), at most 2147483647ms");
        *Into = ast::Timeout{*Text, *Ms, {}};
      }
    return readTargets(C);
  }

  llvm::Error readTargets(const toml::table &C) {
    passes::Targets &T = P.Targets;
    const toml::node *TargetsNode = C.get("targets");
    if (TargetsNode) {
      auto Names =
          strings(*TargetsNode, "targets", "[\"postgres\", \"mysql\"]");
      if (!Names)
        return Names.takeError();
      if (Names->empty())
        return fail(*TargetsNode, "`targets` names at least one database: "
                                  "\"postgres\", \"mysql\"");
      T.Postgres = false;
      for (auto &[Name, At] : *Names) {
        bool &Flag = Name == "postgres" ? T.Postgres : T.MySql;
        if (Name != "postgres" && Name != "mysql")
          return fail(*At, "unknown target \"" + Name + "\"" +
                               (Name == "mariadb"
                                    ? "; MariaDB is the \"mysql\" target "
                                      "with `mariadb-version`"
                                    : "; the targets are \"postgres\" and "
                                      "\"mysql\""));
        if (Flag)
          return fail(*At, "target \"" + Name + "\" is named twice");
        Flag = true;
      }
    }
    if (const toml::node *N = C.get("postgres-version")) {
      std::optional<int64_t> V = N->value<int64_t>();
      if (!V || *V < 12 || *V > 17)
        return fail(*N, "`postgres-version` is PostgreSQL's major version, "
                        "12 to 17");
      if (!T.Postgres)
        return fail(*N, "`postgres-version` is set, but `targets` does not "
                        "name \"postgres\"");
      T.PostgresVersion = unsigned(*V);
    }
    const toml::node *MySqlV = C.get("mysql-version");
    const toml::node *MariaV = C.get("mariadb-version");
    if (MySqlV && MariaV)
      return fail(*MariaV, "`mysql-version` and `mariadb-version` are both "
                           "set; the \"mysql\" target is one server");
    if (const toml::node *N = MySqlV ? MySqlV : MariaV) {
      bool Maria = N == MariaV;
      llvm::StringRef Key = Maria ? "mariadb-version" : "mysql-version";
      std::optional<std::string> S = N->value<std::string>();
      auto V = S ? version(*S) : std::nullopt;
      bool Known = V && (Maria ? *V >= std::make_pair(10u, 2u)
                               : *V >= std::make_pair(5u, 7u));
      if (!Known)
        return fail(*N, "`" + Key + "` is a version in quotes, " +
                            (Maria ? "\"10.2\" or later, such as \"10.11\""
                                   : "\"5.7\" or later, such as \"8.0\""));
      if (!T.MySql)
        return fail(*N, "`" + Key +
                            "` is set, but `targets` does not name "
                            "\"mysql\"");
      T.MariaDb = Maria;
      T.MySqlVersion = *S;
    }
    return llvm::Error::success();
  }

  /// `applied`: the name is checked against the migrations once they are
  /// read (Compilation::run); here only that it is one.
  llvm::Error readHistory(const toml::table &H) {
    const toml::node *N = H.get("applied");
    if (!N)
      return llvm::Error::success();
    std::optional<std::string> Name = N->value<std::string>();
    if (!Name || Name->empty())
      return fail(*N, "`applied` is the name of a migration in quotes, the "
                      "newest one applied in production");
    P.Applied = *Name;
    P.AppliedWhere =
        (llvm::Twine(Path) + ":" + llvm::Twine(N->source().begin.line) + ":" +
         llvm::Twine(N->source().begin.column))
            .str();
    return llvm::Error::success();
  }

  llvm::Error readProject(const toml::table &Proj) {
    if (const toml::node *N = Proj.get("exclude")) {
      auto Globs = strings(*N, "exclude", "[\"vendor/**\"]");
      if (!Globs)
        return Globs.takeError();
      for (auto &[Glob, At] : *Globs) {
        llvm::Expected<llvm::GlobPattern> G = llvm::GlobPattern::create(Glob);
        if (!G)
          return fail(*At, "`exclude` pattern \"" + Glob +
                               "\" is not a valid glob: " +
                               llvm::toString(G.takeError()));
        P.Exclude.push_back(std::move(*G));
      }
    }
    return llvm::Error::success();
  }

  Project &P;
  llvm::StringRef Path;
};

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
  if (llvm::Error E = ConfigReader(P, Path).read(T))
    return E;
  // `[project] exclude`: patterns over paths relative to the root. Files
  // named on the command line are read all the same (the user asked).
  if (!P.Exclude.empty())
    llvm::erase_if(P.Files, [&](const std::string &F) {
      if (llvm::is_contained(P.Focus, F))
        return false;
      std::string Abs = absolutePath(F);
      llvm::StringRef Rel(Abs);
      if (!Rel.consume_front(P.Root) || !Rel.consume_front("/"))
        return false;
      return llvm::any_of(
          P.Exclude, [&](const llvm::GlobPattern &G) { return G.match(Rel); });
    });
  return llvm::Error::success();
}

} // namespace

std::string absolutePath(llvm::StringRef Path) {
  llvm::SmallString<256> Abs(Path);
  llvm::sys::fs::make_absolute(Abs);
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return std::string(Abs);
}

bool Project::shows(llvm::StringRef File) const {
  if (!focused())
    return true;
  std::string Abs;
  auto abs = [&]() -> llvm::StringRef {
    if (Abs.empty())
      Abs = absolutePath(File);
    return Abs;
  };
  if (Changed && !Changed->contains(abs()))
    return false;
  if (Focus.empty() && FocusFolders.empty())
    return true;
  if (llvm::is_contained(Focus, File))
    return true;
  return llvm::any_of(FocusFolders, [&](const std::string &Dir) {
    llvm::StringRef Rel = abs();
    return Rel.consume_front(Dir) && Rel.startswith("/");
  });
}

namespace {
/// Root spelled for file names: relative to the working directory when it
/// is that directory, above it or below it (as the user's folder argument
/// was relative), else absolute.
std::string spellRoot(llvm::StringRef Root) {
  std::string Cwd = absolutePath(".");
  if (Root == Cwd)
    return ".";
  llvm::StringRef Below(Cwd);
  if (Below.consume_front(Root) && Below.startswith("/")) {
    std::string Up = "..";
    for (char C : Below.drop_front())
      if (C == '/')
        Up += "/..";
    return Up;
  }
  llvm::StringRef Rel(Root);
  if (Rel.consume_front(Cwd) && Rel.consume_front("/"))
    return Rel.str();
  return Root.str();
}
} // namespace

llvm::Expected<Project> findProject(llvm::ArrayRef<std::string> Paths) {
  std::vector<std::string> Given(Paths.begin(), Paths.end());
  if (Given.empty())
    Given.push_back(".");
  Project P;
  std::string WalkFrom; // the root as the user spelled it, for file names
  bool RootGiven = false, Relative = false;
  for (const std::string &Path : Given) {
    llvm::sys::fs::file_status St;
    if (std::error_code EC = llvm::sys::fs::status(Path, St))
      return fail("cannot read '" + Path + "': " + EC.message());
    bool IsDir = llvm::sys::fs::is_directory(St);
    if (!IsDir && !llvm::sys::fs::is_regular_file(St))
      return fail("'" + Path + "' is not a file or a folder");
    std::string Abs = absolutePath(Path);
    // A folder, like a file, belongs to the nearest migc.toml above it, as
    // git and cargo find their root: the project's settings do not depend
    // on where migc is started.
    std::string Root = projectRootOf(IsDir ? llvm::StringRef(Abs)
                                           : llvm::sys::path::parent_path(Abs));
    if (!P.Root.empty() && P.Root != Root)
      return fail("'" + Path + "' belongs to project '" + Root + "', not to '" +
                  P.Root + "'; check one project at a time");
    P.Root = Root;
    if (!IsDir) {
      P.Focus.push_back(Path);
      continue;
    }
    Relative |= !llvm::sys::path::is_absolute(Path);
    if (Abs != Root) {
      P.FocusFolders.push_back(Abs);
      continue;
    }
    RootGiven = true;
    WalkFrom = llvm::StringRef(Path).rtrim('/').str();
  }
  // The root named itself: every file of it is shown.
  if (RootGiven)
    P.FocusFolders.clear();
  else if (!P.FocusFolders.empty())
    WalkFrom = Relative ? spellRoot(P.Root) : P.Root;
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
    bool Below = !Top && Doc.startswith(Prefix) && Doc.endswith(".mig") &&
                 !skippedByWalk(P.Root, Doc);
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
