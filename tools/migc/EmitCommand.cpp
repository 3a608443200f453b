//===- EmitCommand.cpp - migc emit
//-----------------------------------------===//

#include "tools/migc/Driver.h"

#include "backends/Backend.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace migc::driver {

namespace cl = llvm::cl;

namespace {
using backends::BackendId;

cl::list<std::string> Paths(cl::Positional, cl::sub(EmitCommand),
                            cl::desc("[PATH...]"));
cl::opt<BackendId> TargetOpt("target", cl::sub(EmitCommand), cl::Required,
                             cl::desc("The database to emit for"),
                             // What cl::values makes, from the registry (a
                             // braced list may end in a comma).
                             cl::ValuesClass({
#define MIGC_BACKEND(Id, Name, Description)                                    \
  clEnumValN(BackendId::Id, Name, Description),
#include "backends/Backends.def"
                             }));
cl::opt<bool> Down("down", cl::sub(EmitCommand),
                   cl::desc("Emit the down scripts, in reverse order"));
cl::opt<std::string> OutDir("o", cl::sub(EmitCommand), cl::value_desc("DIR"),
                            cl::desc("Write one file per migration and "
                                     "direction into DIR instead of stdout"));
enum class Layout { Migc, Flyway };
cl::opt<Layout> LayoutOpt(
    "layout", cl::sub(EmitCommand), cl::init(Layout::Migc),
    cl::desc("File names with -o"),
    cl::values(clEnumValN(Layout::Migc, "migc",
                          "NNNN_<name>.up.sql and NNNN_<name>.down.sql"),
               clEnumValN(Layout::Flyway, "flyway",
                          "V<n>__<name>.sql and U<n>__<name>.sql")));
cl::opt<std::string> DepFile("depfile", cl::sub(EmitCommand),
                             cl::value_desc("FILE"),
                             cl::desc("With -o, write a Make/Ninja depfile"));

/// A migration name made safe for a file name.
std::string fileStem(llvm::StringRef Name) {
  std::string Out;
  for (char C : Name)
    Out += llvm::isAlnum(C) || C == '_' || C == '-' ? C : '_';
  return Out;
}

/// Writes Text to Path through a temporary file and a rename, so a reader
/// (or a failed run) never sees half a file.
bool writeAtomically(llvm::StringRef Path, llvm::StringRef Text) {
  llvm::SmallString<256> Tmp;
  int FD;
  if (llvm::sys::fs::createUniqueFile(Path + ".tmp-%%%%%%", FD, Tmp)) {
    llvm::errs() << "migc: error: cannot write '" << Path << "' [io-error]\n";
    return false;
  }
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Text;
    OS.close();
    if (OS.has_error()) {
      OS.clear_error();
      llvm::sys::fs::remove(Tmp);
      llvm::errs() << "migc: error: cannot write '" << Path << "' [io-error]\n";
      return false;
    }
  }
  if (llvm::sys::fs::rename(Tmp, Path)) {
    llvm::sys::fs::remove(Tmp);
    llvm::errs() << "migc: error: cannot write '" << Path << "' [io-error]\n";
    return false;
  }
  return true;
}

/// Whether a file in DIR is one an emit writes (and may remove when its
/// migration is gone).
bool isEmittedName(llvm::StringRef Name) {
  if (Name.endswith(".up.sql") || Name.endswith(".down.sql"))
    return Name.size() > 5 && llvm::all_of(Name.take_front(4), llvm::isDigit) &&
           Name[4] == '_';
  if ((Name.startswith("V") || Name.startswith("U")) && Name.endswith(".sql")) {
    llvm::StringRef Rest = Name.drop_front();
    size_t Digits = Rest.find_first_not_of("0123456789");
    return Digits != 0 && Digits != llvm::StringRef::npos &&
           Rest.drop_front(Digits).startswith("__");
  }
  return false;
}

/// -o DIR with --target=liquibase: DIR/changelog.xml.
bool writeChangelog(const backends::Backend &B,
                    std::vector<std::string> &Written) {
  llvm::SmallString<256> Path(OutDir.getValue());
  llvm::sys::path::append(Path, "changelog.xml");
  if (!writeAtomically(Path, B.document()))
    return false;
  Written.push_back(std::string(Path));
  return true;
}

/// -o DIR with an SQL target: one file per migration and direction.
bool writeScripts(const Compilation &C, const backends::Backend &B,
                  std::vector<std::string> &Written) {
  unsigned N = 0;
  for (unsigned I : C.Order.Order) {
    const ir::Migration &M = C.Migrations[I];
    ++N;
    std::string Stem = fileStem(M.Name);
    char Num[16];
    snprintf(Num, sizeof Num, "%04u", N);
    std::string UpName = LayoutOpt == Layout::Flyway
                             ? "V" + std::to_string(N) + "__" + Stem + ".sql"
                             : std::string(Num) + "_" + Stem + ".up.sql";
    std::string DownName = LayoutOpt == Layout::Flyway
                               ? "U" + std::to_string(N) + "__" + Stem + ".sql"
                               : std::string(Num) + "_" + Stem + ".down.sql";
    // An irreversible migration has no down file.
    for (bool Down : {false, true}) {
      if (Down && !M.Down)
        continue;
      llvm::SmallString<256> Path(OutDir.getValue());
      llvm::sys::path::append(Path, Down ? DownName : UpName);
      if (!writeAtomically(Path, B.script(I, Down)))
        return false;
      Written.push_back(std::string(Path));
    }
  }
  return true;
}

/// A Make/Ninja depfile: the files written depend on every source.
bool writeDepFile(const Compilation &C,
                  const std::vector<std::string> &Written) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  auto Escape = [](llvm::StringRef P) {
    std::string Out;
    for (char Ch : P) {
      if (Ch == ' ' || Ch == '#' || Ch == '$')
        Out += Ch == '$' ? '$' : '\\';
      Out += Ch;
    }
    return Out;
  };
  for (size_t I = 0; I < Written.size(); ++I)
    OS << (I ? " " : "") << Escape(Written[I]);
  OS << ":";
  for (unsigned B = 1; B <= C.SM.getNumBuffers(); ++B)
    OS << " " << Escape(C.SM.getMemoryBuffer(B)->getBufferIdentifier());
  OS << "\n";
  return writeAtomically(DepFile, OS.str());
}

/// The -o DIR mode: every file of this emit, then stale ones removed.
int emitToDirectory(const Compilation &C, const backends::Backend &B) {
  if (std::error_code EC = llvm::sys::fs::create_directories(OutDir)) {
    llvm::errs() << "migc: error: cannot create '" << OutDir
                 << "': " << EC.message() << " [io-error]\n";
    return BadUsage;
  }
  std::vector<std::string> Written;
  bool Ok = B.writesScripts() ? writeScripts(C, B, Written)
                              : writeChangelog(B, Written);
  if (!Ok)
    return BadUsage;
  // Files an earlier emit wrote for migrations that are gone (or renamed,
  // or renumbered) would be run by a migration tool: they are removed. A
  // changelog leaves the SQL files of another target alone.
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(OutDir, EC), End;
       B.writesScripts() && It != End && !EC; It.increment(EC)) {
    llvm::StringRef Name = llvm::sys::path::filename(It->path());
    if (isEmittedName(Name) && !llvm::is_contained(Written, It->path()))
      llvm::sys::fs::remove(It->path());
  }
  return DepFile.empty() || writeDepFile(C, Written) ? Success : BadUsage;
}

} // namespace

int runEmit() {
  // Never destroyed: main ends the process without freeing (see main.cpp).
  Session &S = *new Session;
  std::unique_ptr<backends::Backend> B =
      backends::backendInfo(TargetOpt).Create();
  ir::WalkListener *Listener = B.get();
  if (std::optional<int> Status =
          startSession(S, Paths, DiagFormat::Text, {}, Listener))
    return *Status;
  // A project with errors has no schema to emit: nothing is printed.
  int Status = S.finishWhole();
  if (Status != Success)
    return Status;
  const Compilation &C = S.C;
  if (!B->writesScripts() && Down) {
    llvm::errs() << "migc: error: --down does not apply to --target="
                 << backends::backendInfo(TargetOpt).Name
                 << ": each changeSet carries its <rollback>\n";
    return BadUsage;
  }
  if (!B->writesScripts() && LayoutOpt == Layout::Flyway) {
    llvm::errs() << "migc: error: --layout=flyway needs an SQL target\n";
    return BadUsage;
  }
  if (!OutDir.empty())
    return emitToDirectory(C, *B);
  if (!DepFile.empty()) {
    llvm::errs() << "migc: error: --depfile needs -o DIR\n";
    return BadUsage;
  }
  if (!B->writesScripts()) {
    llvm::outs() << B->document();
    return Success;
  }
  std::vector<unsigned> Order = C.Order.Order;
  if (Down)
    std::reverse(Order.begin(), Order.end());
  for (unsigned I : Order) {
    if (Down && !C.Migrations[I].Down)
      llvm::outs() << "-- migration " << C.Migrations[I].Name
                   << " (down): none, the migration is irreversible\n\n";
    else
      llvm::outs() << B->script(I, Down);
  }
  return Success;
}

} // namespace migc::driver
