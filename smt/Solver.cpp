//===- Solver.cpp - The watchdog, the solver and the query cache ---------===//

#include "smt/ProverImpl.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace migc::smt {

using namespace ir;

// ---------------------------------------------------------------- watchdog

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> Lock(M);
    Quit = true;
  }
  CV.notify_one();
  if (Thread)
    Thread->join();
}

void Watchdog::arm(unsigned Ms) {
  std::lock_guard<std::mutex> Lock(M);
  if (!Thread)
    Thread.emplace([this] { loop(); });
  Armed = true;
  Fired = false;
  Period = std::chrono::milliseconds(std::max(Ms, 10u));
  Deadline = Clock::now() + std::chrono::milliseconds(Ms);
  CV.notify_one();
}

bool Watchdog::disarm() {
  std::lock_guard<std::mutex> Lock(M);
  Armed = false;
  CV.notify_one();
  return Fired;
}

void Watchdog::loop() {
  std::unique_lock<std::mutex> Lock(M);
  while (!Quit) {
    if (!Armed) {
      CV.wait(Lock);
      continue;
    }
    CV.wait_until(Lock, Deadline);
    if (Armed && Clock::now() >= Deadline) {
      Z3_interrupt(Ctx);
      Fired = true;
      Deadline = Clock::now() + Period;
    }
  }
}

// ------------------------------------------------------------------ solver

void Prover::Impl::quick() {
  z3::params P(T.Ctx);
  P.set("rlimit", QuickRlimit);
  P.set("timeout", 4294967295u);
  Solver.set(P);
}

void Prover::Impl::patient() {
  // The clock is the watchdog's, not Z3's (see Watchdog).
  z3::params P(T.Ctx);
  P.set("rlimit", 0u);
  Solver.set(P);
}

z3::check_result Prover::Impl::check(const z3::expr_vector &Lits) {
  Interrupted = false;
  z3::check_result R = Lits.empty() ? Solver.check() : Solver.check(Lits);
  if (R != z3::unknown)
    return R;
  // Z3 says `canceled`, `unknown` or names the resource limit when the
  // limit stops it; only an incomplete theory will not do better with
  // more time.
  std::string Why = Solver.reason_unknown();
  if (Why.find("incomplete") != std::string::npos)
    return R;
  ++St.Retries;
  patient();
  {
    // Also when the check throws. An interrupt that came as the check
    // returned stays set and would cancel the next call: a check clears
    // it.
    auto Restore = llvm::make_scope_exit([&] {
      try { // (a destructor must not throw)
        if (Interrupted)
          Reset.check();
        quick();
      } catch (const z3::exception &) {
      }
    });
    R = Dog.run(
        Opts.TimeoutMs ? Opts.TimeoutMs : 1u,
        [&] { return Lits.empty() ? Solver.check() : Solver.check(Lits); },
        Interrupted);
  }
  if (R != z3::unknown)
    Interrupted = false;
  return R;
}

// ------------------------------------------------------------ cached query

Answer Prover::Impl::solve(
    const std::vector<z3::expr> &Facts, const NamedLits &Assumptions,
    llvm::function_ref<void(const z3::model &, Answer &)> Describe,
    bool SatIsBad, bool WantModel) {
  z3::expr_vector Keep(ctx());
  std::vector<unsigned> Key;
  for (const z3::expr &F : Facts) {
    if (F.is_true())
      continue;
    Keep.push_back(F);
    Key.push_back(Z3_get_ast_id(ctx(), F));
  }
  std::sort(Key.begin(), Key.end());
  Key.push_back(~0u);
  for (auto &[L, Name] : Assumptions) {
    Keep.push_back(L);
    Key.push_back(Z3_get_ast_id(ctx(), L));
  }
  auto Hit = Cache.find(Key);
  // An answer asked without its row is asked again when the row is wanted.
  if (Hit != Cache.end() &&
      (Hit->second.Model || Hit->second.V != Verdict::Fails ||
       !(SatIsBad || WantModel))) {
    ++St.CacheHits;
    return answer(Hit->second, Assumptions, Describe);
  }
  ++St.Queries;
  Answer A;
  auto Start = std::chrono::steady_clock::now();
  Solver.push();
  size_t NFacts = Keep.size() - Assumptions.size();
  for (size_t I = 0; I < NFacts; ++I)
    Solver.add(Keep[int(I)]);
  z3::expr_vector Lits(ctx());
  for (auto &[L, Name] : Assumptions)
    Lits.push_back(L);
  if (!Opts.DumpDir.empty())
    dump(Lits);
  z3::check_result R = z3::unknown;
  try {
    if (Lits.empty()) {
      R = check(Lits);
    } else {
      // Most such queries are satisfiable: asserting the assumptions is
      // cheaper than checking under them, which only an unsat core needs.
      for (unsigned I = 0; I < Lits.size(); ++I)
        Solver.add(Lits[I]);
      R = check(z3::expr_vector(ctx()));
      if (R == z3::unsat) {
        Solver.pop();
        Solver.push();
        for (size_t I = 0; I < NFacts; ++I)
          Solver.add(Keep[int(I)]);
        R = check(Lits);
      }
    }
  } catch (const z3::exception &E) {
    A.Reason = E.msg();
  }
  // Time in Z3: asserting, checking and (below) popping.
  St.Seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
          .count();
  Cached C{Keep, Verdict::Unknown, std::move(A.Reason), {}, std::nullopt};
  if (R == z3::sat && SatIsBad && approximated(Keep)) {
    // A model of an over-approximation may be no real row.
    C.Reason = "nonlinear arithmetic too large to decide";
  } else if (R == z3::sat) {
    C.V = Verdict::Fails;
    // A model costs as much as the check: only when it is shown.
    if (SatIsBad || WantModel)
      C.Model = Solver.get_model();
  } else if (R == z3::unsat) {
    C.V = Verdict::Holds;
    if (!Lits.empty())
      C.Core = minimalCore(Lits);
  } else {
    if (C.Reason.empty())
      C.Reason = Solver.reason_unknown();
    // Z3 says `canceled` or `timeout` depending on where the clock
    // stopped it, and names the incomplete theory in its own syntax.
    llvm::StringRef R(C.Reason);
    if (Interrupted || R.contains("cancel") || R.contains("timeout"))
      C.Reason = "timeout after " + std::to_string(Opts.TimeoutMs) + " ms";
    else if (R.contains("incomplete"))
      C.Reason = "incomplete: nonlinear arithmetic";
  }
  if (C.V == Verdict::Unknown)
    ++St.Unknown;
  Start = std::chrono::steady_clock::now();
  Solver.pop();
  St.Seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
          .count();
  Cached &Entry =
      Cache.insert_or_assign(std::move(Key), std::move(C)).first->second;
  return answer(Entry, Assumptions, Describe);
}

std::vector<unsigned> Prover::Impl::minimalCore(const z3::expr_vector &Lits) {
  z3::expr_vector Core = Solver.unsat_core();
  std::vector<unsigned> Out;
  for (unsigned I = 0; I < Lits.size(); ++I)
    for (unsigned J = 0; J < Core.size(); ++J)
      if (z3::eq(Core[J], Lits[I]))
        Out.push_back(I);
  for (size_t K = 0; K < Out.size();) {
    z3::expr_vector Rest(ctx());
    for (size_t J = 0; J < Out.size(); ++J)
      if (J != K)
        Rest.push_back(Lits[Out[J]]);
    z3::check_result R = z3::unknown;
    try {
      R = check(Rest);
    } catch (const z3::exception &) {
    }
    if (R == z3::unsat)
      Out.erase(Out.begin() + long(K));
    else
      ++K;
  }
  return Out;
}

Answer Prover::Impl::answer(
    const Cached &C, const NamedLits &Assumptions,
    llvm::function_ref<void(const z3::model &, Answer &)> Describe) {
  Answer A;
  A.V = C.V;
  A.Reason = C.Reason;
  for (unsigned I : C.Core)
    A.Core.push_back(Assumptions[I].second);
  if (C.Model) {
    collectApplications(C.Keep);
    Describe(*C.Model, A);
    Applied.clear();
  }
  return A;
}

Answer Prover::Impl::possible(
    const std::vector<z3::expr> &Facts, const NamedLits &Named,
    llvm::function_ref<void(const z3::model &, Answer &)> Witness) {
  Answer A = solve(
      Facts, Named, Witness ? Witness : [](const z3::model &, Answer &) {},
      /*SatIsBad=*/false, /*WantModel=*/bool(Witness));
  if (!A.unknown())
    A.V = A.fails() ? Verdict::Holds : Verdict::Fails;
  return A;
}

void Prover::Impl::collectApplications(const z3::expr_vector &Terms) {
  walkTerms(roots(Terms), [&](const z3::expr &X) {
    if (X.num_args() == 1 && X.decl().decl_kind() == Z3_OP_UNINTERPRETED) {
      std::string Name = X.decl().name().str();
      if (Name == "lower" || Name == "upper")
        Applied.insert({Name, Z3_get_ast_id(ctx(), X.arg(0))});
    }
    return false;
  });
}

std::vector<z3::expr> Prover::Impl::roots(const z3::expr_vector &Terms) {
  std::vector<z3::expr> Out;
  for (unsigned I = 0; I < Terms.size(); ++I)
    Out.push_back(Terms[I]);
  return Out;
}

bool Prover::Impl::approximated(const z3::expr_vector &Terms) {
  bool Found = false;
  walkTerms(roots(Terms), [&](const z3::expr &X) {
    Found = X.decl().decl_kind() == Z3_OP_UNINTERPRETED &&
            llvm::StringRef(X.decl().name().str()).startswith("approx_");
    return Found;
  });
  return Found;
}

void Prover::Impl::dump(const z3::expr_vector &Lits) {
  llvm::sys::fs::create_directories(Opts.DumpDir);
  char Number[16];
  snprintf(Number, sizeof Number, "-%05u.smt2", ++Dumped);
  std::string Name = Opts.DumpName + Number;
  llvm::SmallString<256> Path(Opts.DumpDir);
  llvm::sys::path::append(Path, Name);
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC);
  if (EC)
    return;
  std::string Text = Solver.to_smt2();
  if (!Lits.empty()) {
    // Assumptions name the constraints of an unsat core.
    std::string Assuming = "(check-sat-assuming (";
    for (unsigned I = 0; I < Lits.size(); ++I)
      Assuming += (I ? " " : "") + Lits[I].to_string();
    Assuming += "))";
    size_t At = Text.rfind("(check-sat)");
    if (At != std::string::npos)
      Text.replace(At, 11, Assuming);
  }
  OS << "; migc " << Opts.DumpName << " " << Dumped << "\n(set-option :timeout "
     << Opts.TimeoutMs << ")\n"
     << Text;
}

} // namespace migc::smt
