//===- Compilation.cpp - The pipeline from files to replayed schema -------===//

#include "project/Compilation.h"

#include "frontend/Parser.h"
#include "ir/Replay.h"
#include "ir/Walk.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/thread.h"

#include <atomic>
#include <chrono>
#include <thread>

namespace migc {

namespace {
double secondsSince(std::chrono::steady_clock::time_point Start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
      .count();
}
} // namespace

void Compilation::load(const Project &P, DiagnosticEngine &Diags,
                       const Overlay *Docs) {
  auto Start = std::chrono::steady_clock::now();
  std::vector<unsigned> Shown;
  // Buffer 0 is no file's: with a focus that holds none of the files
  // (nothing changed since the ref), only it is "shown".
  if (P.focused())
    Shown.push_back(0);
  for (const std::string &Path : P.Files) {
    if (Docs) {
      auto It = Docs->find(absolutePath(Path));
      if (It != Docs->end()) {
        unsigned Id = SM.AddNewSourceBuffer(
            llvm::MemoryBuffer::getMemBufferCopy(It->second, Path),
            llvm::SMLoc());
        if (P.focused() && P.shows(Path))
          Shown.push_back(Id);
        continue;
      }
    }
    // Only regular files of sane size: /dev/zero or a FIFO would never end.
    constexpr uint64_t MaxBytes = 256u << 20;
    llvm::sys::fs::file_status St;
    std::string Bad;
    if (std::error_code EC = llvm::sys::fs::status(Path, St))
      Bad = EC.message();
    else if (!llvm::sys::fs::is_regular_file(St))
      Bad = "not a regular file";
    else if (St.getSize() > MaxBytes)
      Bad = "larger than 256 MB";
    if (!Bad.empty()) {
      InputError = true;
      Diags.report(
          Diagnostic(Rule::IoError, {}, "cannot read '" + Path + "': " + Bad));
      continue;
    }
    auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                           /*RequiresNullTerminator=*/true);
    if (!Buf) {
      InputError = true;
      Diags.report(Diagnostic(Rule::IoError, {},
                              "cannot read '" + Path +
                                  "': " + Buf.getError().message()));
      continue;
    }
    unsigned Id = SM.AddNewSourceBuffer(std::move(*Buf), llvm::SMLoc());
    if (P.focused() && P.shows(Path))
      Shown.push_back(Id);
  }
  Diags.restrictToBuffers(Shown);
  LoadSeconds = secondsSince(Start);
}

namespace {

/// Parses every buffer, on Jobs threads; results are in buffer order.
std::vector<ParseOutput> parseAll(const llvm::SourceMgr &SM, unsigned Jobs) {
  unsigned N = SM.getNumBuffers();
  std::vector<ParseOutput> Out(N);
  std::atomic<unsigned> Next{0};
  auto Work = [&] {
    for (unsigned I; (I = Next++) < N;)
      Out[I] = parseBuffer(SM, I + 1);
  };
  if (!Jobs)
    Jobs = std::max(1u, std::thread::hardware_concurrency());
  Jobs = std::min(Jobs, N);
  std::vector<llvm::thread> Threads;
  for (unsigned I = 1; I < Jobs; ++I)
    Threads.emplace_back(llvm::Optional<unsigned>(Compilation::StackBytes),
                         Work);
  Work();
  for (llvm::thread &T : Threads)
    T.join();
  return Out;
}

} // namespace

bool Compilation::markApplied(DiagnosticEngine &Diags,
                              const CompileOptions &Opts) {
  auto It = std::find_if(
      Migrations.begin(), Migrations.end(),
      [&](const ir::Migration &M) { return M.Name == *Opts.Applied; });
  if (It == Migrations.end()) {
    AppliedUnknown = true;
    return false;
  }
  Applied = ir::ancestorsOf(Order, unsigned(It - Migrations.begin()));
  AppliedCount = unsigned(llvm::count(Applied, true));
  for (unsigned I = 0; I < Migrations.size(); ++I)
    Migrations[I].Applied = Applied[I];
  if (Opts.ShowApplied)
    return true;
  std::vector<llvm::SMRange> Ranges;
  for (unsigned I = 0; I < Migrations.size(); ++I)
    if (Applied[I])
      Ranges.push_back(Syntax[I]->Range);
  Diags.hideAppliedHistory(std::move(Ranges));
  return true;
}

Compilation::Compilation() = default;
Compilation::~Compilation() = default;

bool Compilation::run(DiagnosticEngine &Diags, const CompileOptions &Opts,
                      llvm::ArrayRef<ir::WalkListener *> Listeners) {
  auto Start = std::chrono::steady_clock::now();
  // With a baseline, reported once the applied history is known: they may
  // lie in it.
  DiagList ParseDiags;
  for (ParseOutput &P : parseAll(SM, Opts.Jobs)) {
    if (Opts.Applied)
      for (Diagnostic &D : P.Diags)
        ParseDiags.push_back(std::move(D));
    else
      Diags.report(std::move(P.Diags));
    for (Suppression &S : P.Suppressions)
      Diags.addSuppression(std::move(S));
    FullLLFiles += P.UsedFullLL;
    Files.push_back(std::move(P.File));
  }
  for (const ast::File &F : Files)
    for (const ast::Migration &M : F.Migrations) {
      Syntax.push_back(&M);
      Migrations.push_back(ir::lowerHeader(M));
      ir::Migration &IR = Migrations.back();
      if (!IR.LockTimeout)
        IR.LockTimeout = Opts.LockTimeout;
      if (!IR.StatementTimeout)
        IR.StatementTimeout = Opts.StatementTimeout;
    }

  ParseSeconds = secondsSince(Start);
  Start = std::chrono::steady_clock::now();
  DiagList Found;
  Order = ir::orderMigrations(Migrations, Found);
  if (Opts.Applied && !markApplied(Diags, Opts))
    return false;
  Diags.report(std::move(ParseDiags));
  Diags.report(std::move(Found));
  OrderSeconds = secondsSince(Start);
  Start = std::chrono::steady_clock::now();

  std::vector<bool> Selected(Migrations.size(), true);
  if (Opts.At) {
    auto It = std::find_if(
        Migrations.begin(), Migrations.end(),
        [&](const ir::Migration &M) { return M.Name == *Opts.At; });
    if (It == Migrations.end())
      return false;
    Selected = ir::ancestorsOf(Order, unsigned(It - Migrations.begin()));
  }

  passes::PassContext Ctx(Migrations, Order);
  Ctx.Prove = Opts.Prove;
  Ctx.Smt = Opts.Smt;
  Ctx.FreeSolvers = Opts.FreeSolvers;
  Ctx.Targets = Opts.Targets;
  Ctx.WholeProject = !Opts.At;
  PassManager Passes(Ctx);
  std::vector<ir::WalkListener *> All = Passes.listeners(Listeners);
  ir::Walk Walk(Final, All);
  for (unsigned I : Order.Order) {
    if (!Selected[I])
      continue;
    Walk.migration(I, *Syntax[I], Migrations[I], Found);
    Diags.report(std::move(Found));
  }
  ReplaySeconds = secondsSince(Start);
  Start = std::chrono::steady_clock::now();
  Passes.finishDeferred(Diags);
  // The proofs ran beside the replay; this is what they added after it.
  ProveSeconds = secondsSince(Start);
  Start = std::chrono::steady_clock::now();
  Passes.finishProject(Found);
  Diags.report(std::move(Found));
  GraphSeconds = secondsSince(Start);
  Touches = std::move(Ctx.Touches);
  Touches.resize(Migrations.size());
  Graph = std::move(Ctx.Graph);
  SmtStats = Ctx.SmtStats;
  return true;
}

} // namespace migc
