//===- Compilation.cpp - The pipeline from files to replayed schema -------===//

#include "project/Compilation.h"

#include "frontend/Parser.h"
#include "ir/Inverse.h"
#include "ir/Replay.h"
#include "passes/ConstraintProofs.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/thread.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
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
  for (const std::string &Path : P.Files) {
    if (Docs) {
      auto It = Docs->find(absolutePath(Path));
      if (It != Docs->end()) {
        unsigned Id = SM.AddNewSourceBuffer(
            llvm::MemoryBuffer::getMemBufferCopy(It->second, Path),
            llvm::SMLoc());
        if (llvm::is_contained(P.Focus, Path))
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
    if (std::find(P.Focus.begin(), P.Focus.end(), Path) != P.Focus.end())
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

void Compilation::replayMigration(unsigned I, DiagList &Found) {
  const ast::Migration &M = *Syntax[I];
  // Only a written down, and the proofs, need the schema before up. A
  // snapshot is cheap (ir/CowMap.h), but every write after it unshares a
  // node.
  bool Prove = Opts.Prove && passes::hasObligations(M.Up);
  std::optional<ir::Schema> Before;
  if (M.Down || Prove)
    Before = Final;
  size_t Reported = Found.size();
  replayBlocks(I, Before, Found);
  // A migration with errors is not what will run: its proofs would be
  // about something else.
  Prove &= llvm::none_of(
      llvm::make_range(Found.begin() + long(Reported), Found.end()),
      [](const Diagnostic &D) { return D.Sev == Severity::Error; });
  if (Prove)
    queueProof(I, std::move(*Before));
}

Compilation::Compilation() = default;
Compilation::~Compilation() = default;

struct Compilation::ProofQueue {
  std::mutex M;
  std::condition_variable Added, Done;
  std::deque<ProofTask> Tasks;
  size_t Finished = 0;
  bool Closed = false;
  std::vector<smt::Stats> Stats = std::vector<smt::Stats>(ProofThreads);
  std::vector<llvm::thread> Threads;
};

void Compilation::startProofs() {
  Proofs = std::make_unique<ProofQueue>();
  // Task K goes to thread K % ProofThreads: the same split on every
  // machine, so the same answers. Each thread has its own Z3 context.
  for (unsigned T = 0; T < ProofThreads; ++T)
    Proofs->Threads.emplace_back(llvm::Optional<unsigned>(StackBytes), [this,
                                                                        T] {
      ProofQueue &Q = *Proofs;
      // Made at the first task (a Z3 context costs memory), and never
      // destroyed: tearing down a Z3 context with large terms takes
      // seconds, and the process ends without freeing (see main.cpp).
      smt::Prover *P = nullptr;
      for (size_t K = T;; K += ProofThreads) {
        ProofTask *Task;
        {
          std::unique_lock<std::mutex> Lock(Q.M);
          Q.Added.wait(Lock, [&] { return Q.Tasks.size() > K || Q.Closed; });
          if (Q.Tasks.size() <= K)
            break;
          Task = &Q.Tasks[K];
        }
        if (!P) {
          smt::Options O = Opts.Smt;
          O.DumpName = "thread" + std::to_string(T) + "-query";
          P = new smt::Prover(O);
        }
        passes::proveConstraints(*P, std::move(Task->Before),
                                 Migrations[Task->Index], Task->Found);
        Task->Before = ir::Schema();
        std::lock_guard<std::mutex> Lock(Q.M);
        ++Q.Finished;
        Q.Done.notify_all();
      }
      if (P)
        Q.Stats[T] = P->stats();
      if (Opts.FreeSolvers)
        delete P;
    });
}

void Compilation::queueProof(unsigned I, ir::Schema Before) {
  ProofQueue &Q = *Proofs;
  std::unique_lock<std::mutex> Lock(Q.M);
  // A bounded backlog keeps the snapshots (and memory) few.
  Q.Done.wait(Lock, [&] { return Q.Tasks.size() - Q.Finished < 64; });
  Q.Tasks.push_back({I, std::move(Before), {}});
  Q.Added.notify_all();
}

void Compilation::finishProofs(DiagnosticEngine &Diags) {
  if (!Proofs)
    return;
  ProofQueue &Q = *Proofs;
  {
    std::lock_guard<std::mutex> Lock(Q.M);
    Q.Closed = true;
    Q.Added.notify_all();
  }
  for (llvm::thread &T : Q.Threads)
    T.join();
  for (const smt::Stats &S : Q.Stats)
    SmtStats.add(S);
  // Reported in replay order, whichever thread proved them.
  for (ProofTask &Task : Q.Tasks)
    Diags.report(std::move(Task.Found));
  Proofs.reset();
}

void Compilation::replayBlocks(unsigned I,
                               const std::optional<ir::Schema> &Before,
                               DiagList &Found) {
  const ast::Migration &M = *Syntax[I];
  ir::Migration &IR = Migrations[I];
  bool Synthesize = !M.Down && !M.Irreversible;
  std::vector<ir::InverseOf> Inverses;
  IR.Up = ir::replayBlock(M.Up, Final, Found, &Touches[I],
                          Synthesize ? &Inverses : nullptr);
  if (M.Down) {
    // A written down runs on the schema after up and must give back the
    // schema before it.
    ir::Schema After = Final;
    std::vector<ir::Touch> DownTouches;
    IR.Down = ir::replayBlock(*M.Down, After, Found, &DownTouches);
    ir::checkDownRestores(*Before, After, M.DownRange, Touches[I], DownTouches,
                          Found);
    return;
  }
  if (!Synthesize)
    return;
  // Every operation without an inverse is named; then there is no down.
  bool Complete = true;
  for (size_t K = 0; K < Inverses.size(); ++K)
    if (!Inverses[K].Ops) {
      Complete = false;
      Found.emplace_back(Rule::MissingInverse, IR.Up[K].Range,
                         "migration " + quote(IR.Name) +
                             " has no `down`, and " + "this `" +
                             ir::opName(IR.Up[K].Kind).str() +
                             "` cannot be undone: write a `down` or declare " +
                             "the migration `irreversible 'why';`");
    }
  if (!Complete)
    return;
  std::vector<ir::Op> Down;
  for (size_t K = Inverses.size(); K-- > 0;) {
    for (Diagnostic &W : Inverses[K].Warnings)
      Found.push_back(std::move(W));
    for (ir::Op &O : *Inverses[K].Ops)
      Down.push_back(std::move(O));
  }
  IR.Down = std::move(Down);
  IR.DownSynthesized = true;
}

bool Compilation::run(DiagnosticEngine &Diags, const CompileOptions &O) {
  Opts = O;
  auto Start = std::chrono::steady_clock::now();
  for (ParseOutput &P : parseAll(SM, Opts.Jobs)) {
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
    }

  ParseSeconds = secondsSince(Start);
  Start = std::chrono::steady_clock::now();
  DiagList Found;
  Order = ir::orderMigrations(Migrations, Found);
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

  Touches.resize(Migrations.size());
  if (Opts.Prove)
    startProofs();
  for (unsigned I : Order.Order) {
    if (!Selected[I])
      continue;
    replayMigration(I, Found);
    Diags.report(std::move(Found));
  }
  ReplaySeconds = secondsSince(Start);
  Start = std::chrono::steady_clock::now();
  finishProofs(Diags);
  // The proofs ran beside the replay; this is what they added after it.
  ProveSeconds = secondsSince(Start);
  if (!Opts.At) {
    Start = std::chrono::steady_clock::now();
    Graph = passes::analyzeGraph(Migrations, Order, Touches, Found);
    Diags.report(std::move(Found));
    GraphSeconds = secondsSince(Start);
  }
  return true;
}

} // namespace migc
