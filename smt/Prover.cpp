//===- Prover.cpp - Questions about rows, answered by Z3 ------------------===//

#include "smt/Prover.h"

#include "smt/Encode.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace migc::smt {

using namespace ir;

std::string Example::str() const {
  std::string Out;
  for (auto &[Col, V] : Values)
    Out += (Out.empty() ? "" : ", ") + Col + " = " + V;
  return Out;
}

namespace {

/// One way a table's rows come to be: the rows it had when the migration
/// began (any row its constraints allowed), or one inserted row; then
/// transformed by the operations since.
struct Source {
  llvm::SMRange Origin; // the insert; empty for the rows before
  /// Current values, in column order.
  std::vector<std::pair<std::string, Val>> Cols;
  /// The row as it was (before the migration, or as inserted), for
  /// counterexamples, with each column's type then.
  std::vector<std::pair<std::string, Val>> Original;
  std::vector<Type> OriginalTypes;
  std::vector<z3::expr> Facts;
  z3::expr Alive;
  /// For the rows before the migration: their table then. Its facts are
  /// added per query, for the columns the query reaches only.
  std::shared_ptr<const Table> Initial;
  /// For an inserted row: its values in the insert.
  llvm::SMRange Row;

  const Val *find(llvm::StringRef N) const {
    for (auto &[Name, V] : Cols)
      if (Name == N)
        return &V;
    return nullptr;
  }
  Val *find(llvm::StringRef N) {
    return const_cast<Val *>(static_cast<const Source *>(this)->find(N));
  }
};

/// The part of T that a question about the Seed columns depends on: those
/// columns, the columns linked to them through checks, and those checks.
/// Other columns are independent of the question (an unsatisfiable part of
/// them is reported on its own), so the queries stay small on wide tables.
/// The columns each check uses, computed once per expression (the
/// expression is kept alive so its address stays its own).
class ColumnUses {
public:
  const std::vector<std::string> &of(const ExprPtr &E) {
    auto [It, New] = Map.try_emplace(E.get());
    if (New) {
      It->second.first = E;
      forEachColumn(*E, [&](const Expr &C) {
        if (!llvm::is_contained(It->second.second, C.Column))
          It->second.second.push_back(C.Column);
      });
    }
    return It->second.second;
  }

private:
  llvm::DenseMap<const Expr *, std::pair<ExprPtr, std::vector<std::string>>>
      Map;
};

Table slice(const Table &T, llvm::StringSet<> Seed, ColumnUses &Uses) {
  std::vector<const Constraint *> Checks;
  for (const Constraint &K : T.Constraints)
    if (K.Kind == ConstraintKind::Check && K.Check)
      Checks.push_back(&K);
  std::vector<bool> Taken(Checks.size());
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (size_t I = 0; I < Checks.size(); ++I) {
      if (Taken[I])
        continue;
      const std::vector<std::string> &Cols = Uses.of(Checks[I]->Check);
      // A check on no column (a constant) concerns every question.
      bool Linked = Cols.empty();
      for (const std::string &C : Cols)
        Linked |= Seed.count(C) != 0;
      if (!Linked)
        continue;
      Taken[I] = Changed = true;
      for (const std::string &C : Cols)
        Seed.insert(C);
    }
  }
  Table Out;
  Out.Name = T.Name;
  for (const Column &C : T.Columns)
    if (Seed.count(C.Name))
      Out.Columns.push_back(C);
  for (size_t I = 0; I < Checks.size(); ++I)
    if (Taken[I])
      Out.Constraints.push_back(*Checks[I]);
  return Out;
}

/// T's checks in groups that share no column, each with the columns it
/// uses (a check on no column joins every group).
std::vector<Table> parts(const Table &T, ColumnUses &Uses) {
  std::vector<Table> Out;
  llvm::StringSet<> Taken;
  for (const Constraint &K : T.Constraints) {
    if (K.Kind != ConstraintKind::Check || !K.Check || Taken.count(K.Name))
      continue;
    llvm::StringSet<> Seed;
    for (const std::string &C : Uses.of(K.Check))
      Seed.insert(C);
    Table Part = slice(T, std::move(Seed), Uses);
    for (const Constraint &In : Part.Constraints)
      Taken.insert(In.Name);
    Out.push_back(std::move(Part));
  }
  return Out;
}

/// A literal (or a negated one): its value is known without a solver and
/// the type checker has already checked that it fits.
bool isLiteral(const Expr &E) {
  switch (E.Kind) {
  case ast::ExprKind::IntLit:
  case ast::ExprKind::DecimalLit:
  case ast::ExprKind::StringLit:
  case ast::ExprKind::BoolLit:
  case ast::ExprKind::NullLit:
    return true;
  default:
    return false;
  }
}

bool hasChecks(const Table &T) {
  return llvm::any_of(T.Constraints, [](const Constraint &K) {
    return K.Kind == ConstraintKind::Check;
  });
}

llvm::StringSet<> columnsOf(const Expr &E) {
  llvm::StringSet<> Out;
  forEachColumn(E, [&](const Expr &C) { Out.insert(C.Column); });
  return Out;
}

/// Inserted rows tracked one by one per table; past this, the table's rows
/// are any rows its constraints allow.
constexpr size_t MaxInsertedRows = 64;

/// The literals that name a question's constraints for its unsat core, each
/// with what it names.
using NamedLits = std::vector<std::pair<z3::expr, Blame>>;

} // namespace

/// Stops a check that runs past its time. Z3 4.8's own `timeout` can be
/// lost: its timer thread compares against a shared static that a failed
/// compare-and-swap overwrites (Z3 issue #5702), and a check clears the
/// cancel flag as it starts, after the timer has started; on an undecidable
/// question a lost timeout is a hang. The watchdog interrupts the context at
/// the deadline and again every period after it until the check returns.
class Watchdog {
public:
  explicit Watchdog(z3::context &Ctx) : Ctx(Ctx) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> Lock(M);
      Quit = true;
    }
    CV.notify_one();
    if (Thread)
      Thread->join();
  }

  /// Runs Check with the context interrupted from Ms milliseconds on.
  /// Interrupted tells whether it was.
  template <typename Fn> auto run(unsigned Ms, Fn Check, bool &Interrupted) {
    arm(Ms);
    auto Disarm = llvm::make_scope_exit([&] { Interrupted = disarm(); });
    return Check();
  }

private:
  using Clock = std::chrono::steady_clock;
  z3::context &Ctx;
  std::mutex M;
  std::condition_variable CV;
  std::optional<std::thread> Thread; // started at the first use
  bool Armed = false, Fired = false, Quit = false;
  Clock::time_point Deadline;
  std::chrono::milliseconds Period{0};

  void arm(unsigned Ms) {
    std::lock_guard<std::mutex> Lock(M);
    if (!Thread)
      Thread.emplace([this] { loop(); });
    Armed = true;
    Fired = false;
    Period = std::chrono::milliseconds(std::max(Ms, 10u));
    Deadline = Clock::now() + std::chrono::milliseconds(Ms);
    CV.notify_one();
  }
  bool disarm() {
    std::lock_guard<std::mutex> Lock(M);
    Armed = false;
    CV.notify_one();
    return Fired;
  }
  void loop() {
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
};

struct Prover::Impl {
  Options Opts;
  Stats St;
  Terms T;
  z3::solver Solver;
  /// What a query found, kept so that a later query with the same terms
  /// (the same question about other columns) is answered without Z3: its
  /// answer is rebuilt from the same model and core, in its own names.
  struct Cached {
    z3::expr_vector Keep;
    Verdict V;
    std::string Reason;
    /// Unsat: the positions of the core's assumptions.
    std::vector<unsigned> Core;
    /// Sat, when the answer describes a row.
    std::optional<z3::model> Model;
  };
  std::map<std::vector<unsigned>, Cached> Cache;
  unsigned Dumped = 0;
  ColumnUses Uses;
  Table slice(const Table &T, llvm::StringSet<> Seed) {
    return smt::slice(T, std::move(Seed), Uses);
  }
  /// Tables whose rows this migration has followed; others hold any rows
  /// their constraints allow.
  llvm::StringMap<std::vector<Source>> Rows;
  /// The rows of the insert insertedRowUnique is looking at, each encoded
  /// once (with the errors computing it may raise): row R is compared with
  /// every row before it.
  const Op *RowsOf = nullptr;
  std::vector<std::pair<Source, std::vector<z3::expr>>> InsertRows;

  /// For the patient checks; an empty solver whose check clears the
  /// cancel flag an interrupt may leave behind.
  Watchdog Dog{T.Ctx};
  z3::solver Reset;
  /// Whether the last check() was stopped by the watchdog.
  bool Interrupted = false;

  explicit Impl(const Options &O)
      : Opts(O), Solver(T.Ctx, z3::solver::simple()),
        Reset(T.Ctx, z3::solver::simple()) {
    quick();
  }

  /// Z3 starts a timer thread for each check with a timeout, which costs
  /// more than most of our queries. So a query first runs under a resource
  /// limit (no thread, and deterministic); only one that exhausts it runs
  /// again under the wall-clock timeout the user set.
  static constexpr unsigned QuickRlimit = 100000;
  void quick() {
    z3::params P(T.Ctx);
    P.set("rlimit", QuickRlimit);
    P.set("timeout", 4294967295u);
    Solver.set(P);
  }
  void patient() {
    // The clock is the watchdog's, not Z3's (see Watchdog).
    z3::params P(T.Ctx);
    P.set("rlimit", 0u);
    Solver.set(P);
  }
  z3::check_result check(const z3::expr_vector &Lits) {
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

  z3::context &ctx() { return T.Ctx; }

  // ------------------------------------------------------------ encoding
  /// A row of T with a fresh variable per column, so that the same question
  /// about other columns is the same query (and a cache hit): named after
  /// the column, or with Positional after its place in Tb (for a slice made
  /// for one question; a table's rows followed through a migration keep
  /// column names, as their questions see different slices).
  Source anyRow(const Table &Tb, bool NullVars = false,
                bool Positional = false) {
    Source S{{}, {}, {}, {}, {}, ctx().bool_val(true), nullptr, {}};
    for (const Column &C : Tb.Columns) {
      Sort K = sortOf(C.Ty);
      if (K == Sort::Any)
        K = Sort::Int;
      std::string Id =
          Positional ? std::to_string(&C - Tb.Columns.data()) : C.Name;
      z3::expr V = ctx().constant(("c!" + Id).c_str(), T.sort(K));
      z3::expr N = C.Nullable || NullVars
                       ? ctx().bool_const(("n!" + Id).c_str())
                       : ctx().bool_val(false);
      S.Cols.push_back({C.Name, Val{V, N, K}});
    }
    S.Original = S.Cols;
    for (const Column &C : Tb.Columns)
      S.OriginalTypes.push_back(C.Ty);
    return S;
  }

  /// Facts every current row of Tb satisfies: column domains, NOT NULL
  /// and validated checks. With Named, each check is guarded by a literal
  /// for unsat cores instead (and Except is left out).
  /// `not valid` checks bind new and updated rows, not the rows that
  /// were there when they were added: ExistingRows leaves them out.
  std::vector<z3::expr> tableFacts(const Table &Tb, const Source &S,
                                   const Constraint *Except = nullptr,
                                   NamedLits *Named = nullptr,
                                   bool ExistingRows = false) {
    std::vector<z3::expr> Facts;
    Encoder E = encoder(S);
    for (const Column &C : Tb.Columns)
      if (const Val *V = S.find(C.Name)) {
        z3::expr Domain = E.domain(*V, C.Ty);
        if (Named && !Domain.is_true()) {
          // A type can be what rules a row out (`check (n > 40000)` on a
          // smallint): it is named in cores too.
          z3::expr L = assumption(Named->size());
          Named->push_back({L, Blame::columnType(Tb.Name, C.Name, C.Ty.str())});
          Facts.push_back(z3::implies(L, Domain));
        } else {
          Facts.push_back(Domain);
        }
        if (!C.Nullable) {
          if (Named) {
            z3::expr L = assumption(Named->size());
            Named->push_back({L, Blame::notNull(Tb.Name, C.Name)});
            Facts.push_back(z3::implies(L, !V->Null));
          } else {
            Facts.push_back(!V->Null);
          }
        }
      }
    for (const Constraint &K : Tb.Constraints) {
      if (K.Kind != ConstraintKind::Check || (K.NotValid && ExistingRows) ||
          &K == Except || (Except && K.Name == Except->Name))
        continue;
      Val B = E.encode(*K.Check);
      z3::expr Pass = E.passes(B) && !E.error();
      if (Named) {
        z3::expr L = assumption(Named->size());
        Named->push_back({L, Blame::check(Tb.Name, K.Name)});
        Facts.push_back(z3::implies(L, Pass));
      } else {
        Facts.push_back(Pass);
      }
    }
    for (z3::expr &F : E.Side)
      Facts.push_back(F);
    return Facts;
  }

  /// The literal that names a query's I-th constraint for its unsat core:
  /// by place, not by name, like the columns.
  z3::expr assumption(size_t I) {
    return ctx().bool_const(("a!" + std::to_string(I)).c_str());
  }

  Encoder encoder(const Source &S) {
    return Encoder(T, [&S](llvm::StringRef N) -> std::optional<Val> {
      if (const Val *V = S.find(N))
        return *V;
      return std::nullopt;
    });
  }

  // ------------------------------------------------------------- solving
  /// Is Facts satisfiable? With Assumptions, an unsat answer names the
  /// assumptions of its core. Describe fills a Fails answer from the model.
  Answer solve(const std::vector<z3::expr> &Facts, const NamedLits &Assumptions,
               llvm::function_ref<void(const z3::model &, Answer &)> Describe,
               bool SatIsBad = true, bool WantModel = false) {
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

  /// The positions in Lits of an unsat core with nothing to spare: Z3's
  /// core less each assumption the rest are unsat without. (Only for
  /// answers that are errors or notes, so the extra checks are rare.)
  std::vector<unsigned> minimalCore(const z3::expr_vector &Lits) {
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

  /// The answer a query's result gives, in the names of this query's
  /// columns and constraints.
  Answer
  answer(const Cached &C, const NamedLits &Assumptions,
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

  /// Whether some row satisfies Facts: Holds if one does, Fails with the
  /// core of Named if none can. Witness, when given, reads the row found.
  Answer possible(
      const std::vector<z3::expr> &Facts, const NamedLits &Named,
      llvm::function_ref<void(const z3::model &, Answer &)> Witness = nullptr) {
    Answer A = solve(
        Facts, Named, Witness ? Witness : [](const z3::model &, Answer &) {},
        /*SatIsBad=*/false, /*WantModel=*/bool(Witness));
    if (!A.unknown())
      A.V = A.fails() ? Verdict::Holds : Verdict::Fails;
    return A;
  }

  /// `lower`/`upper` applications of the query being described.
  Applications Applied;
  void collectApplications(const z3::expr_vector &Terms) {
    walkTerms(roots(Terms), [&](const z3::expr &X) {
      if (X.num_args() == 1 && X.decl().decl_kind() == Z3_OP_UNINTERPRETED) {
        std::string Name = X.decl().name().str();
        if (Name == "lower" || Name == "upper")
          Applied.insert({Name, Z3_get_ast_id(ctx(), X.arg(0))});
      }
      return false;
    });
  }

  static std::vector<z3::expr> roots(const z3::expr_vector &Terms) {
    std::vector<z3::expr> Out;
    for (unsigned I = 0; I < Terms.size(); ++I)
      Out.push_back(Terms[I]);
    return Out;
  }

  /// Whether some term is an `approx_` function (Encoder::MaxNonLinear).
  bool approximated(const z3::expr_vector &Terms) {
    bool Found = false;
    walkTerms(roots(Terms), [&](const z3::expr &X) {
      Found = X.decl().decl_kind() == Z3_OP_UNINTERPRETED &&
              llvm::StringRef(X.decl().name().str()).startswith("approx_");
      return Found;
    });
    return Found;
  }

  void dump(const z3::expr_vector &Lits) {
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
    OS << "; migc " << Opts.DumpName << " " << Dumped
       << "\n(set-option :timeout " << Opts.TimeoutMs << ")\n"
       << Text;
  }

  /// The source's original row, as the model has it: only columns the
  /// query constrains (those the model gives a value).
  /// The source's original row, as the model has it. Only the columns
  /// Cone mentions are shown (all of an inserted row).
  Example describe(const Source &S, const z3::model &M, const z3::expr &Cone) {
    std::set<unsigned> Consts;
    constantsIn(Cone, Consts);
    Example Ex;
    for (size_t I = 0; I < S.Original.size(); ++I) {
      const auto &[Name, V] = S.Original[I];
      auto In = [&](const z3::expr &E) {
        return E.is_const() && E.decl().decl_kind() == Z3_OP_UNINTERPRETED &&
               Consts.count(Z3_get_ast_id(ctx(), E));
      };
      if (!S.Origin.isValid() && !In(V.V) && !In(V.Null))
        continue;
      Ex.Values.push_back({Name, show(V, S.OriginalTypes[I], M)});
    }
    return Ex;
  }

  static llvm::StringSet<> columnSet(const Table &T) {
    llvm::StringSet<> Out;
    for (const Column &C : T.Columns)
      Out.insert(C.Name);
    return Out;
  }

  /// The uninterpreted constants E mentions.
  void constantsIn(const z3::expr &E, std::set<unsigned> &Out) {
    walkTerms({E}, [&](const z3::expr &X) {
      if (X.is_const())
        Out.insert(Z3_get_ast_id(ctx(), X));
      return false;
    });
  }

  std::string show(const Val &V, Type Ty, const z3::model &M,
                   bool Computed = false) {
    if (M.eval(V.Null, true).is_true())
      return "NULL";
    if (V.S == Sort::Any)
      return "NULL";
    return showValue(T, V.V, Ty, M, &Applied, Computed);
  }

  // ---------------------------------------------------------------- rows
  std::vector<Source> &rowsOf(llvm::StringRef Table, const Schema &S) {
    auto It = Rows.find(Table);
    if (It != Rows.end())
      return It->second;
    std::vector<Source> &R = Rows[Table];
    if (const ir::Table *Tb = S.findTable(Table)) {
      Source Any = anyRow(*Tb);
      Any.Initial = std::make_shared<const ir::Table>(*Tb);
      R.push_back(std::move(Any));
    }
    return R;
  }

  /// The facts of S's initial table (its rows satisfied them when the
  /// migration began) about the columns Seed reaches through S's current
  /// values and S.Alive.
  std::vector<z3::expr> initialFacts(const Source &S,
                                     const llvm::StringSet<> &Seed) {
    if (!S.Initial)
      return {};
    llvm::StringSet<> Reach;
    std::set<unsigned> Consts;
    for (const auto &[Name, V] : S.Cols)
      if (Seed.count(Name)) {
        constantsIn(V.V, Consts);
        constantsIn(V.Null, Consts);
      }
    constantsIn(S.Alive, Consts);
    for (const auto &[Name, V] : S.Original)
      for (const z3::expr *X : {&V.V, &V.Null})
        if (X->is_const() && X->decl().decl_kind() == Z3_OP_UNINTERPRETED &&
            Consts.count(Z3_get_ast_id(ctx(), *X)))
          Reach.insert(Name);
    Source Was = S;
    Was.Cols = S.Original;
    return tableFacts(slice(*S.Initial, Reach), Was, nullptr, nullptr,
                      /*ExistingRows=*/true);
  }

  Source insertedRow(const Table &Tb, const Op &O, unsigned R,
                     std::vector<z3::expr> &Errors) {
    Source S{O.Range, {}, {}, {}, {}, ctx().bool_val(true), nullptr, {}};
    Encoder E(
        T, [](llvm::StringRef) -> std::optional<Val> { return std::nullopt; });
    for (const Column &C : Tb.Columns) {
      const ExprPtr *Given = O.given(R, Tb.Columns, &C - Tb.Columns.data());
      Val V =
          Given ? E.store(E.encode(**Given, C.Ty), C.Ty) : defaultValue(E, C);
      S.Cols.push_back({C.Name, V});
      S.OriginalTypes.push_back(C.Ty);
    }
    S.Original = S.Cols;
    S.Facts = E.Side;
    Errors = E.Errors;
    S.Row = O.rowRange(R);
    return S;
  }

  /// What a row gets for C when the insert (or add column) does not say.
  Val defaultValue(Encoder &E, const Column &C) {
    Sort K = sortOf(C.Ty) == Sort::Any ? Sort::Int : sortOf(C.Ty);
    if (C.Identity)
      return {T.fresh(K, "identity"), ctx().bool_val(false), K};
    if (C.Default)
      return E.store(E.encode(*C.Default, C.Ty), C.Ty);
    return {T.zero(K), ctx().bool_val(true), K};
  }

  /// Asks, for every source of Table, whether some row makes Bad true;
  /// the first that does is the answer. Bad builds the formula from an
  /// encoder over the source's current row and adds facts to it.
  Answer forEachRow(
      std::vector<Source> &Rows, const Table *Whole,
      const llvm::StringSet<> &Seed,
      llvm::function_ref<z3::expr(Source &, Encoder &, std::vector<z3::expr> &)>
          Bad,
      llvm::function_ref<void(Source &, const z3::model &, Answer &)> More =
          nullptr) {
    Answer Result;
    std::optional<Table> Slice;
    if (Whole)
      Slice = this->slice(*Whole, Seed);
    const Table *Now = Slice ? &*Slice : nullptr;
    for (Source &S : Rows) {
      std::vector<z3::expr> Facts = S.Facts;
      Facts.push_back(S.Alive);
      for (z3::expr &F : initialFacts(S, Slice ? columnSet(*Slice) : Seed))
        Facts.push_back(F);
      if (Now)
        for (z3::expr &F : tableFacts(*Now, S, nullptr, nullptr,
                                      /*ExistingRows=*/true))
          Facts.push_back(F);
      Encoder E = encoder(S);
      z3::expr B = Bad(S, E, Facts);
      for (z3::expr &F : E.Side)
        Facts.push_back(F);
      Facts.push_back(B);
      Answer A = solve(Facts, {}, [&](const z3::model &M, Answer &A) {
        A.Row = describe(S, M, B);
        if (More)
          More(S, M, A);
      });
      if (A.fails()) {
        A.Origin = S.Origin;
        return A;
      }
      if (A.unknown())
        Result = A;
    }
    return Result;
  }
};

Prover::Prover(const Options &O) : P(std::make_unique<Impl>(O)) {}
Prover::~Prover() = default;

const Stats &Prover::stats() const { return P->St; }

// ------------------------------------------------------------------ tables

Answer Prover::satisfiable(const Table &Whole,
                           const std::vector<std::string> *Focus) {
  llvm::StringSet<> Seed;
  if (Focus)
    for (const std::string &C : *Focus)
      Seed.insert(C);
  const Table T = Focus ? P->slice(Whole, Seed) : Whole;
  // Without checks every column's domain has a value: nothing to ask.
  if (!hasChecks(T))
    return {};
  // Parts that share no column are independent questions: smaller, and
  // often asked before about another table.
  Answer Out;
  for (const Table &Part : parts(T, P->Uses)) {
    Source S = P->anyRow(Part, /*NullVars=*/true, /*Positional=*/true);
    NamedLits Named;
    std::vector<z3::expr> Facts = P->tableFacts(Part, S, nullptr, &Named);
    // Usually one row has a value in every column: then the part is
    // satisfiable and each of its columns can hold a value, in one query.
    std::vector<z3::expr> All = Facts;
    for (auto &[Name, V] : S.Cols)
      All.push_back(!V.Null);
    for (auto &[L, Name] : Named)
      All.push_back(L);
    Answer A = P->possible(All, {});
    if (A.holds()) {
      for (auto &[Name, V] : S.Cols)
        Out.NonNull.push_back(Name);
      continue;
    }
    A = P->possible(Facts, Named, [&](const z3::model &M, Answer &A) {
      // The witness row answers canHoldValue for its non-NULL columns.
      for (auto &[Name, V] : S.Cols)
        if (M.eval(V.Null, true).is_false())
          A.NonNull.push_back(Name);
    });
    if (!A.holds())
      return A;
    Out.NonNull.insert(Out.NonNull.end(), A.NonNull.begin(), A.NonNull.end());
  }
  // Columns no check uses can hold any value of their type.
  for (const Column &C : T.Columns)
    if (!llvm::is_contained(Out.NonNull, C.Name))
      if (llvm::none_of(T.Constraints, [&](const Constraint &K) {
            return K.Kind == ConstraintKind::Check && K.Check &&
                   llvm::is_contained(P->Uses.of(K.Check), C.Name);
          }))
        Out.NonNull.push_back(C.Name);
  return Out;
}

Answer Prover::canHoldValue(const Table &Whole, llvm::StringRef C) {
  llvm::StringSet<> Seed;
  Seed.insert(C);
  const Table T = P->slice(Whole, Seed);
  if (T.Constraints.empty())
    return {}; // no check: any value will do
  Source S = P->anyRow(T, /*NullVars=*/true, /*Positional=*/true);
  NamedLits Named;
  std::vector<z3::expr> Facts = P->tableFacts(T, S, nullptr, &Named);
  if (const Val *V = S.find(C))
    Facts.push_back(!V->Null);
  return P->possible(Facts, Named);
}

Answer Prover::implied(const Table &Whole, const Expr &Check) {
  const Table T = P->slice(Whole, columnsOf(Check));
  Source S = P->anyRow(T, /*NullVars=*/true, /*Positional=*/true);
  NamedLits Named;
  std::vector<z3::expr> Facts = P->tableFacts(T, S, nullptr, &Named);
  Encoder E = P->encoder(S);
  Val B = E.encode(Check);
  Facts.push_back(!E.passes(B) || E.error());
  for (z3::expr &F : E.Side)
    Facts.push_back(F);
  // Implied when no row passes the others and fails Check.
  Answer A = P->solve(
      Facts, Named, [&](const z3::model &, Answer &) {},
      /*SatIsBad=*/false);
  return A;
}

Answer Prover::defaultAllowed(const Table &Whole, const Column &C) {
  llvm::StringSet<> Seed;
  Seed.insert(C.Name);
  const Table T = P->slice(Whole, Seed);
  // A literal fits (the type checker saw to it), and with no check there
  // is nothing else to satisfy.
  if (!hasChecks(T) && C.Default && isLiteral(*C.Default))
    return {};
  Source S = P->anyRow(T, /*NullVars=*/true, /*Positional=*/true);
  Encoder E = P->encoder(S);
  Val D = P->defaultValue(E, C);
  for (auto &[Name, V] : S.Cols)
    if (Name == C.Name)
      V = D;
  NamedLits Named;
  std::vector<z3::expr> Facts = P->tableFacts(T, S, nullptr, &Named);
  for (z3::expr &F : E.Side)
    Facts.push_back(F);
  Facts.push_back(!E.error());
  Answer Out = P->possible(Facts, Named);
  if (Out.fails() && Out.Core.empty())
    Out.Violated = Blame::columnType(T.Name, C.Name, C.Ty.str());
  return Out;
}

Answer Prover::insertedRowOk(const Table &T, const Op &Insert, unsigned R) {
  // Literal values into a table without checks: only NULL into a not-null
  // column can fail, and that needs no solver.
  if (!hasChecks(T) && llvm::all_of(Insert.Rows[R], [](const ExprPtr &V) {
        return isLiteral(*V);
      })) {
    Answer Out;
    Out.Origin = Insert.Range;
    for (size_t I = 0; I < T.Columns.size(); ++I) {
      const Column &C = T.Columns[I];
      const ExprPtr *Given = Insert.given(R, T.Columns, I);
      bool Null = Given ? (*Given)->Kind == ast::ExprKind::NullLit
                        : !C.Default && !C.Identity;
      if (!C.Nullable && Null) {
        Out.V = Verdict::Fails;
        Out.Core.push_back(Blame::notNull(T.Name, C.Name));
        return Out;
      }
    }
    if (llvm::all_of(T.Columns, [](const Column &C) {
          return !C.Default || isLiteral(*C.Default);
        }))
      return Out;
  }
  std::vector<z3::expr> Errors;
  Source S = P->insertedRow(T, Insert, R, Errors);
  NamedLits Named;
  std::vector<z3::expr> Facts = S.Facts;
  for (z3::expr &F : P->tableFacts(T, S, nullptr, &Named))
    Facts.push_back(F);
  z3::expr_vector Err(P->ctx());
  for (z3::expr &E : Errors)
    Err.push_back(E);
  Facts.push_back(!z3::mk_or(Err));
  Answer Out = P->possible(Facts, Named);
  // Every constraint the row breaks, not just the first core: ask again
  // without the constraints named so far until the rest can hold. They
  // are listed in the table's order.
  std::vector<Blame> Order;
  for (auto &[L, Name] : Named)
    Order.push_back(Name);
  for (Answer More = Out; More.fails() && !More.Core.empty();) {
    llvm::erase_if(Named, [&](const auto &N) {
      return llvm::is_contained(More.Core, N.second);
    });
    More = P->possible(Facts, Named);
    if (More.fails())
      Out.Core.insert(Out.Core.end(), More.Core.begin(), More.Core.end());
  }
  llvm::sort(Out.Core, [&](const Blame &A, const Blame &B) {
    return llvm::find(Order, A) < llvm::find(Order, B);
  });
  if (!Out.unknown())
    Out.Origin = Insert.Range;
  return Out;
}

Answer Prover::insertedRowUnique(const Schema &S, const Op &Insert,
                                 unsigned R) {
  const Table *Tb = S.findTable(Insert.TableName);
  if (!Tb)
    return {};
  // The keys: the primary key, unique constraints, and unique indexes
  // without `where` (a partial one binds only the rows it covers).
  std::vector<std::pair<Blame, std::vector<std::string>>> Keys;
  for (const Constraint &K : Tb->Constraints)
    if (K.hasIndex())
      Keys.push_back({Blame::key(K.Kind == ConstraintKind::PrimaryKey
                                     ? Blame::Kind::PrimaryKey
                                     : Blame::Kind::UniqueConstraint,
                                 Tb->Name, K.Name),
                      K.Columns});
  for (const Index *I : S.indexesOn(Tb->Name))
    if (I->Unique && !I->Where) {
      std::vector<std::string> Cols;
      for (const IndexKey &K : I->Keys)
        Cols.push_back(K.Column);
      Keys.push_back(
          {Blame::key(Blame::Kind::UniqueIndex, Tb->Name, I->Name), Cols});
    }
  if (Keys.empty())
    return {};
  if (P->RowsOf != &Insert) {
    P->RowsOf = &Insert;
    P->InsertRows.clear();
  }
  while (P->InsertRows.size() <= R) {
    std::vector<z3::expr> Errors;
    Source Row =
        P->insertedRow(*Tb, Insert, unsigned(P->InsertRows.size()), Errors);
    P->InsertRows.emplace_back(std::move(Row), std::move(Errors));
  }
  const auto &[New, Errors] = P->InsertRows[R];
  // The rows inserted before it in this migration: earlier rows of the
  // same insert, and what earlier inserts left (after updates and deletes).
  std::vector<const Source *> Others;
  for (unsigned Q = 0; Q < R; ++Q)
    Others.push_back(&P->InsertRows[Q].first);
  if (auto It = P->Rows.find(Insert.TableName); It != P->Rows.end())
    for (const Source &Src : It->second)
      if (Src.Origin.isValid())
        Others.push_back(&Src);
  for (const auto &[What, Cols] : Keys) {
    for (const Source *O : Others) {
      const Source &Other = *O;
      z3::expr_vector Same(P->ctx());
      bool Known = Other.Alive.is_true(), Differ = false, Missing = false;
      for (const std::string &C : Cols) {
        const Val *A = New.find(C), *B = Other.find(C);
        if (!A || !B || A->S != B->S) {
          Missing = true;
          break;
        }
        // NULLs never collide; literals are decided here.
        if (A->Null.is_true() || B->Null.is_true())
          Differ = true;
        else if (A->Null.is_false() && B->Null.is_false() &&
                 A->V.is_numeral() && B->V.is_numeral())
          Differ |= !z3::eq(A->V, B->V);
        else
          Known = false;
        Same.push_back(!A->Null && !B->Null && A->V == B->V);
      }
      if (Missing || Differ)
        continue;
      Answer A;
      if (!Known) {
        // Only a collision in every run is certain: ask whether the two
        // rows can avoid it.
        std::vector<z3::expr> Facts = Other.Facts;
        Facts.insert(Facts.end(), New.Facts.begin(), New.Facts.end());
        z3::expr_vector Err(P->ctx());
        for (const z3::expr &E : Errors)
          Err.push_back(E);
        Facts.push_back(!z3::mk_or(Err));
        Facts.push_back(!(Other.Alive && z3::mk_and(Same)));
        A = P->possible(Facts, {});
        if (!A.fails())
          continue; // they can differ (or Z3 could not tell)
      }
      A.V = Verdict::Fails;
      A.Violated = What;
      A.Key = Cols;
      A.Origin = Other.Row;
      return A;
    }
  }
  return {};
}

// --------------------------------------------------------- migration rows

void Prover::beginMigration() {
  P->Rows.clear();
  P->RowsOf = nullptr;
  P->InsertRows.clear();
}

bool Prover::mayHaveRows(llvm::StringRef Table) const {
  auto It = P->Rows.find(Table);
  return It == P->Rows.end() || !It->second.empty();
}

void Prover::apply(const Op &O, const Schema &S) {
  Impl &I = *P;
  switch (O.Kind) {
  case OpKind::CreateTable:
    I.Rows[O.NewTable.Name].clear();
    return;
  case OpKind::DropTable:
    I.Rows.erase(O.TableName);
    return;
  case OpKind::RenameTable: {
    std::vector<Source> R = std::move(I.rowsOf(O.TableName, S));
    I.Rows.erase(O.TableName);
    I.Rows[O.Name] = std::move(R);
    return;
  }
  case OpKind::Sql:
    // Opaque: from here every table holds any rows its constraints allow.
    I.Rows.clear();
    return;
  default:
    break;
  }
  std::vector<Source> &Rows = I.rowsOf(O.TableName, S);
  const Table *Tb = S.findTable(O.TableName);
  for (Source &Src : Rows) {
    Encoder E = I.encoder(Src);
    switch (O.Kind) {
    case OpKind::AddColumn:
      Src.Cols.push_back({O.NewColumn.Name, I.defaultValue(E, O.NewColumn)});
      break;
    case OpKind::DropColumn:
      llvm::erase_if(Src.Cols,
                     [&](auto &C) { return C.first == O.ColumnName; });
      break;
    case OpKind::RenameColumn:
      for (auto &C : Src.Cols)
        if (C.first == O.ColumnName)
          C.first = O.Name;
      break;
    case OpKind::AlterColumnType:
      if (Val *V = Src.find(O.ColumnName)) {
        Val New = O.Value ? E.encode(*O.Value, *O.NewType) : *V;
        *V = E.store(New, *O.NewType);
      }
      break;
    case OpKind::SetNotNull:
      if (Val *V = Src.find(O.ColumnName))
        Src.Facts.push_back(z3::implies(Src.Alive, !V->Null));
      break;
    case OpKind::AddConstraint: {
      const Constraint &K = O.Constraints.front();
      if (K.Kind == ConstraintKind::Check && !K.NotValid) {
        Val B = E.encode(*K.Check);
        Src.Facts.push_back(z3::implies(Src.Alive, E.passes(B) && !E.error()));
      }
      break;
    }
    case OpKind::Update: {
      z3::expr Where =
          O.Value ? E.isTrue(E.encode(*O.Value)) : I.ctx().bool_val(true);
      std::vector<std::pair<std::string, Val>> New;
      for (auto &[Col, X] : O.Assignments) {
        const Column *C = Tb ? Tb->findColumn(Col) : nullptr;
        Type Ty = C ? C->Ty : X->Ty;
        New.push_back({Col, E.store(E.encode(*X, Ty), Ty)});
      }
      // Only successful runs matter: rows where it fails stop the migration.
      if (!E.error().is_false())
        Src.Facts.push_back(!(Src.Alive && Where && E.error()));
      for (auto &[Col, V] : New)
        if (Val *Old = Src.find(Col)) {
          Val X = E.as(V, Old->S);
          *Old = Val{z3::ite(Where, X.V, Old->V),
                     z3::ite(Where, X.Null, Old->Null), Old->S};
        }
      // The database rejects an update that breaks a check or not null:
      // rows of a successful run satisfy them afterwards.
      if (Tb) {
        llvm::StringSet<> Assigned;
        for (auto &[Col, X] : O.Assignments)
          Assigned.insert(Col);
        for (z3::expr &F : I.tableFacts(I.slice(*Tb, Assigned), Src, nullptr,
                                        nullptr, /*ExistingRows=*/true))
          Src.Facts.push_back(z3::implies(Src.Alive, F));
      }
      break;
    }
    case OpKind::Delete:
      Src.Alive = Src.Alive && !(O.Value ? E.isTrue(E.encode(*O.Value))
                                         : I.ctx().bool_val(true));
      break;
    default:
      break;
    }
    for (z3::expr &F : E.Side)
      Src.Facts.push_back(F);
    if ((O.Kind == OpKind::AddColumn || O.Kind == OpKind::AlterColumnType) &&
        !E.error().is_false())
      Src.Facts.push_back(!(Src.Alive && E.error()));
  }
  if (O.Kind == OpKind::Insert && Tb) {
    for (unsigned R = 0; R < O.Rows.size(); ++R) {
      if (Rows.size() >= MaxInsertedRows) {
        Source Any = I.anyRow(*Tb);
        Any.Initial = std::make_shared<const ir::Table>(*Tb);
        Rows.push_back(std::move(Any));
        break;
      }
      std::vector<z3::expr> Errors;
      Source Src = I.insertedRow(*Tb, O, R, Errors);
      for (z3::expr &E : Errors)
        Src.Facts.push_back(!E);
      Rows.push_back(std::move(Src));
    }
  }
}

Answer Prover::rowsFit(const Schema &S, const Op &O) {
  const Table *Tb = S.findTable(O.TableName);
  const Column *C = Tb ? Tb->findColumn(O.ColumnName) : nullptr;
  if (!C)
    return {};
  std::vector<Source> &Rows = P->rowsOf(O.TableName, S);
  Type To = *O.NewType;
  llvm::StringSet<> Seed = O.Value ? columnsOf(*O.Value) : llvm::StringSet<>();
  Seed.insert(O.ColumnName);
  return P->forEachRow(
      Rows, Tb, Seed,
      [&](Source &Src, Encoder &E, std::vector<z3::expr> &) {
        const Val *V = Src.find(O.ColumnName);
        Val New = O.Value ? E.encode(*O.Value, To) : *V;
        z3::expr Bad = !E.fits(New, To) || E.error();
        return Bad;
      },
      [&](Source &Src, const z3::model &M, Answer &A) {
        A.Violated = Blame::columnType(O.TableName, O.ColumnName, To.str());
        if (O.Value) {
          Encoder E = P->encoder(Src);
          Val New = E.encode(*O.Value, To);
          A.After.Values.push_back({O.ColumnName, P->show(New, To, M)});
        }
      });
}

Answer Prover::rowsPass(const Schema &S, llvm::StringRef Table,
                        const Constraint &Check) {
  const ir::Table *Tb = S.findTable(Table);
  if (!Tb || Check.Kind != ConstraintKind::Check)
    return {};
  std::vector<Source> &Rows = P->rowsOf(Table, S);
  return P->forEachRow(Rows, Tb, columnsOf(*Check.Check),
                       [&](Source &, Encoder &E, std::vector<z3::expr> &) {
                         Val B = E.encode(*Check.Check);
                         return !E.passes(B) || E.error();
                       });
}

Answer Prover::rowsNotNull(const Schema &S, llvm::StringRef Table,
                           llvm::StringRef C) {
  const ir::Table *Tb = S.findTable(Table);
  if (!Tb)
    return {};
  std::vector<Source> &Rows = P->rowsOf(Table, S);
  llvm::StringSet<> Seed;
  Seed.insert(C);
  return P->forEachRow(Rows, Tb, Seed,
                       [&](Source &Src, Encoder &E, std::vector<z3::expr> &) {
                         const Val *V = Src.find(C);
                         return V ? V->Null : P->ctx().bool_val(false);
                       });
}

Answer Prover::newColumnHolds(const Table &Before, const Op &O) {
  auto It = P->Rows.find(O.TableName);
  if (It == P->Rows.end())
    return {};
  const Column &Col = O.NewColumn;
  bool Checks = llvm::any_of(O.Constraints, [](const Constraint &K) {
    return K.Kind == ConstraintKind::Check && !K.NotValid;
  });
  // Nothing to hold: no check, and NULL is allowed or a literal default
  // (or an identity) fills every row.
  if (!Checks && (Col.Nullable || Col.Identity ||
                  (Col.Default && isLiteral(*Col.Default) &&
                   Col.Default->Kind != ast::ExprKind::NullLit)))
    return {};
  llvm::StringSet<> Seed;
  for (const Constraint &K : O.Constraints)
    if (K.Kind == ConstraintKind::Check)
      for (const auto &C : columnsOf(*K.Check))
        Seed.insert(C.getKey());
  return P->forEachRow(It->second, &Before, Seed,
                       [&](Source &Src, Encoder &E, std::vector<z3::expr> &) {
                         z3::expr_vector Bad(P->ctx());
                         const Val *V = Src.find(Col.Name);
                         if (V && !Col.Nullable)
                           Bad.push_back(V->Null);
                         for (const Constraint &K : O.Constraints)
                           if (K.Kind == ConstraintKind::Check && !K.NotValid)
                             Bad.push_back(!E.passes(E.encode(*K.Check)));
                         Bad.push_back(E.error());
                         return z3::mk_or(Bad);
                       });
}

Answer Prover::updateKeeps(const Schema &S, const Op &O) {
  const Table *Tb = S.findTable(O.TableName);
  if (!Tb)
    return {};
  // Literals into columns no check mentions: only NULL into a not-null
  // column could fail.
  bool Simple = llvm::all_of(O.Assignments, [&](const auto &A) {
    const Column *C = Tb->findColumn(A.first);
    if (!C || !isLiteral(*A.second) ||
        (!C->Nullable && A.second->Kind == ast::ExprKind::NullLit))
      return false;
    for (const Constraint &K : Tb->Constraints)
      if (K.Kind == ConstraintKind::Check &&
          llvm::is_contained(P->Uses.of(K.Check), A.first))
        return false;
    return true;
  });
  if (Simple)
    return {};
  std::vector<Source> &Rows = P->rowsOf(O.TableName, S);
  // The row after the update, per source, for the model's description.
  std::vector<std::pair<std::string, Val>> AfterCols;
  std::vector<std::pair<Blame, z3::expr>> Parts;
  // Only checks on an assigned column can change their verdict.
  llvm::StringSet<> Assigned, Seed;
  for (auto &[Col, X] : O.Assignments) {
    Assigned.insert(Col);
    Seed.insert(Col);
    for (const auto &C : columnsOf(*X))
      Seed.insert(C.getKey());
  }
  if (O.Value)
    for (const auto &C : columnsOf(*O.Value))
      Seed.insert(C.getKey());
  std::optional<z3::expr> WhereNow;
  return P->forEachRow(
      Rows, Tb, Seed,
      [&](Source &Src, Encoder &E, std::vector<z3::expr> &) {
        Parts.clear();
        z3::expr Where =
            O.Value ? E.isTrue(E.encode(*O.Value)) : P->ctx().bool_val(true);
        WhereNow = Where;
        Source After = Src;
        for (auto &[Col, X] : O.Assignments) {
          const Column *C = Tb->findColumn(Col);
          if (!C)
            continue;
          Val New = E.encode(*X, C->Ty);
          Parts.push_back({Blame::columnType(Tb->Name, Col, C->Ty.str()),
                           !E.fits(New, C->Ty)});
          if (Val *Slot = After.find(Col))
            *Slot = E.as(New, Slot->S);
        }
        Parts.push_back({Blame::error(Tb->Name), E.error()});
        Encoder AE = P->encoder(After);
        for (const Column &C : Tb->Columns)
          if (!C.Nullable && Assigned.count(C.Name))
            if (const Val *V = After.find(C.Name))
              Parts.push_back({Blame::notNull(Tb->Name, C.Name), V->Null});
        for (const Constraint &K : Tb->Constraints)
          if (K.Kind == ConstraintKind::Check &&
              llvm::any_of(columnsOf(*K.Check), [&](const auto &C) {
                return Assigned.count(C.getKey());
              })) {
            Val B = AE.encode(*K.Check);
            Parts.push_back(
                {Blame::check(Tb->Name, K.Name), !AE.passes(B) || AE.error()});
          }
        for (z3::expr &F : AE.Side)
          E.Side.push_back(F);
        AfterCols = After.Cols;
        z3::expr_vector Any(P->ctx());
        for (auto &[Name, B] : Parts)
          Any.push_back(B);
        return Where && z3::mk_or(Any);
      },
      [&](Source &Src, const z3::model &M, Answer &A) {
        for (auto &[Name, B] : Parts)
          if (M.eval(B, true).is_true()) {
            A.Violated = Name;
            A.Row = P->describe(Src, M, *WhereNow && B);
            break;
          }
        // A failed computation has no new value to show.
        if (A.Violated && A.Violated->is(Blame::Kind::Error))
          return;
        for (auto &[Col, X] : O.Assignments)
          for (size_t I = 0; I < AfterCols.size(); ++I)
            if (AfterCols[I].first == Col) {
              const Column *C = Tb->findColumn(Col);
              A.After.Values.push_back(
                  {Col, P->show(AfterCols[I].second, C ? C->Ty : Type(), M,
                                /*Computed=*/true)});
            }
      });
}

Answer Prover::restores(llvm::StringRef Table,
                        const std::vector<std::string> &Columns) {
  auto It = P->Rows.find(Table);
  if (It == P->Rows.end() || It->second.empty() ||
      It->second[0].Origin.isValid())
    return {};
  Source &Src = It->second[0];
  std::vector<z3::expr> Facts = Src.Facts;
  Facts.push_back(Src.Alive);
  llvm::StringSet<> Seed;
  for (const std::string &C : Columns)
    Seed.insert(C);
  for (z3::expr &F : P->initialFacts(Src, Seed))
    Facts.push_back(F);
  z3::expr_vector Differs(P->ctx());
  for (const std::string &Col : Columns) {
    const Val *Now = Src.find(Col);
    const Val *Was = nullptr;
    for (auto &[Name, V] : Src.Original)
      if (Name == Col)
        Was = &V;
    if (!Now || !Was || Now->S != Was->S)
      continue;
    Differs.push_back(Now->Null != Was->Null ||
                      (!Was->Null && Now->V != Was->V));
  }
  if (Differs.empty())
    return {};
  Facts.push_back(z3::mk_or(Differs));
  return P->solve(Facts, {}, [&](const z3::model &M, Answer &A) {
    A.Row = P->describe(Src, M, z3::mk_or(Differs));
    for (const std::string &Col : Columns)
      if (const Val *Now = Src.find(Col))
        for (size_t I = 0; I < Src.Original.size(); ++I)
          if (Src.Original[I].first == Col)
            A.After.Values.push_back({Col, P->show(*Now, Src.OriginalTypes[I],
                                                   M, /*Computed=*/true)});
  });
}

std::string Prover::evaluate(
    const Table &T, const Expr &E,
    const std::vector<std::pair<std::string, std::string>> &Values) {
  Source S = P->anyRow(T);
  std::vector<z3::expr> Facts;
  Encoder Lit(
      P->T, [](llvm::StringRef) -> std::optional<Val> { return std::nullopt; });
  for (auto &[Col, Text] : Values) {
    Val *V = S.find(Col);
    const Column *C = T.findColumn(Col);
    if (!V || !C)
      continue;
    if (llvm::StringRef(Text).equals_insensitive("null")) {
      Facts.push_back(V->Null);
      continue;
    }
    Facts.push_back(!V->Null);
    ir::Expr L;
    L.Kind = Text.front() == '\''                  ? ast::ExprKind::StringLit
             : (Text == "true" || Text == "false") ? ast::ExprKind::BoolLit
             : Text.find_first_of(".eE") != std::string::npos
                 ? ast::ExprKind::DecimalLit
                 : ast::ExprKind::IntLit;
    L.Text = L.Kind == ast::ExprKind::StringLit
                 ? Text.substr(1, Text.size() - 2)
                 : Text;
    L.Ty = C->Ty;
    Val X = Lit.as(Lit.encode(L, C->Ty), V->S);
    Facts.push_back(V->V == X.V);
  }
  Encoder Enc = P->encoder(S);
  Val R = Enc.encode(E);
  for (z3::expr &F : Lit.Side)
    Facts.push_back(F);
  for (z3::expr &F : Enc.Side)
    Facts.push_back(F);
  z3::solver &Sv = P->Solver;
  Sv.push();
  for (z3::expr &F : Facts)
    Sv.add(F);
  std::string Out = "unknown";
  if (Sv.check() == z3::sat) {
    z3::model M = Sv.get_model();
    if (M.eval(Enc.error(), true).is_true())
      Out = "error";
    else if (M.eval(R.Null, true).is_true())
      Out = "null";
    else if (R.S == Sort::Bool)
      Out = M.eval(R.V, true).is_true() ? "true" : "false";
    else
      Out = showValue(P->T, R.V, E.Ty, M);
  }
  Sv.pop();
  return Out;
}

} // namespace migc::smt
