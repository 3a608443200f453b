//===- PassManager.cpp - Runs the registered passes from the walk ---------===//

#include "project/PassManager.h"

#include "diag/Diagnostic.h"

#include "llvm/Support/thread.h"

#include <condition_variable>
#include <deque>
#include <mutex>

namespace migc {

using namespace passes;

PassManager::PassManager(PassContext &Ctx) : Ctx(Ctx) {
#define MIGC_PASS(Id, Name, Shape, Runs, Summary, ...)                         \
  Passes.push_back(create##Id##Pass(Ctx));
#include "passes/Passes.def"
}

std::vector<ir::WalkListener *>
PassManager::listeners(llvm::ArrayRef<ir::WalkListener *> Extra) {
  std::vector<ir::WalkListener *> Out;
  for (const std::unique_ptr<Pass> &P : Passes)
    Out.push_back(P.get());
  Out.insert(Out.end(), Extra.begin(), Extra.end());
  Out.push_back(this);
  return Out;
}

struct PassManager::Queue {
  struct Task {
    std::unique_ptr<DeferredWork> Work;
    DiagList Found;
  };
  std::mutex M;
  std::condition_variable Added, Done;
  /// A deque: adding does not move the tasks a thread is working on.
  std::deque<Task> Tasks;
  size_t Finished = 0;
  bool Closed = false;
  std::vector<llvm::thread> Threads;
};

PassManager::~PassManager() {
  // Only when a compilation stops early: the work is dropped unreported.
  if (Q) {
    {
      std::lock_guard<std::mutex> Lock(Q->M);
      Q->Closed = true;
      Q->Added.notify_all();
    }
    for (llvm::thread &T : Q->Threads)
      T.join();
  }
}

void PassManager::start() {
  Q = std::make_unique<Queue>();
  for (unsigned T = 0; T < DeferredThreads; ++T)
    Q->Threads.emplace_back(llvm::Optional<unsigned>(StackBytes), [this, T] {
      Queue &Q = *this->Q;
      for (size_t K = T;; K += DeferredThreads) {
        Queue::Task *Task;
        {
          std::unique_lock<std::mutex> Lock(Q.M);
          Q.Added.wait(Lock, [&] { return Q.Tasks.size() > K || Q.Closed; });
          if (Q.Tasks.size() <= K)
            break;
          Task = &Q.Tasks[K];
        }
        Task->Work->run(T, Task->Found);
        Task->Work.reset();
        std::lock_guard<std::mutex> Lock(Q.M);
        ++Q.Finished;
        Q.Done.notify_all();
      }
      for (const std::unique_ptr<Pass> &P : Passes)
        P->endThread(T);
    });
}

void PassManager::endMigration(const ir::MigrationStep &M,
                               const ir::Schema &S) {
  for (const std::unique_ptr<Pass> &P : Passes) {
    std::unique_ptr<DeferredWork> W = P->defer(M);
    if (!W)
      continue;
    if (!Q)
      start();
    std::unique_lock<std::mutex> Lock(Q->M);
    // A bounded backlog keeps the snapshots (and memory) few.
    Q->Done.wait(Lock, [&] { return Q->Tasks.size() - Q->Finished < 64; });
    Q->Tasks.push_back({std::move(W), {}});
    Q->Added.notify_all();
  }
}

void PassManager::finishDeferred(DiagnosticEngine &Diags) {
  if (!Q)
    return;
  {
    std::lock_guard<std::mutex> Lock(Q->M);
    Q->Closed = true;
    Q->Added.notify_all();
  }
  for (llvm::thread &T : Q->Threads)
    T.join();
  // Reported in replay order, whichever thread ran them.
  for (Queue::Task &Task : Q->Tasks)
    Diags.report(std::move(Task.Found));
  Q.reset();
}

void PassManager::finishProject(DiagList &Out) {
  for (const std::unique_ptr<Pass> &P : Passes)
    P->finishProject(Out);
}

} // namespace migc
