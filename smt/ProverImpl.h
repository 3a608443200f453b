//===- ProverImpl.h - The prover's state, private to smt/ -----*- C++ -*-===//
//
// Prover::Impl and the row model it works on, shared by the files that
// implement the Prover:
//   Solver.cpp             the watchdog, the solver and the query cache
//   Facts.cpp              a row as terms, the facts of a table, slices
//   Rows.cpp               the rows of a migration, followed op by op
//   TableQuestions.cpp     questions about a table's constraints
//   MigrationQuestions.cpp questions about the rows a migration changes
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_SMT_PROVERIMPL_H
#define MIGC_SMT_PROVERIMPL_H

#include "smt/Encode.h"
#include "smt/Prover.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace migc::smt {

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
  std::vector<ir::Type> OriginalTypes;
  std::vector<z3::expr> Facts;
  z3::expr Alive;
  /// For the rows before the migration: their table then. Its facts are
  /// added per query, for the columns the query reaches only.
  std::shared_ptr<const ir::Table> Initial;
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

/// The columns each check uses, computed once per expression (the
/// expression is kept alive so its address stays its own).
class ColumnUses {
public:
  const std::vector<std::string> &of(const ir::ExprPtr &E) {
    auto [It, New] = Map.try_emplace(E.get());
    if (New) {
      It->second.first = E;
      ir::forEachColumn(*E, [&](const ir::Expr &C) {
        if (!llvm::is_contained(It->second.second, C.Column))
          It->second.second.push_back(C.Column);
      });
    }
    return It->second.second;
  }

private:
  llvm::DenseMap<const ir::Expr *,
                 std::pair<ir::ExprPtr, std::vector<std::string>>>
      Map;
};

/// The part of T that a question about the Seed columns depends on: those
/// columns, the columns linked to them through checks, and those checks.
/// Other columns are independent of the question (an unsatisfiable part of
/// them is reported on its own), so the queries stay small on wide tables.
ir::Table slice(const ir::Table &T, llvm::StringSet<> Seed, ColumnUses &Uses);
/// T's checks in groups that share no column, each with the columns it
/// uses (a check on no column joins every group).
std::vector<ir::Table> parts(const ir::Table &T, ColumnUses &Uses);
/// A literal (or a negated one): its value is known without a solver and
/// the type checker has already checked that it fits.
bool isLiteral(const ir::Expr &E);
bool hasChecks(const ir::Table &T);
llvm::StringSet<> columnsOf(const ir::Expr &E);

/// Inserted rows tracked one by one per table; past this, the table's rows
/// are any rows its constraints allow.
constexpr size_t MaxInsertedRows = 64;

/// The literals that name a question's constraints for its unsat core, each
/// with what it names.
using NamedLits = std::vector<std::pair<z3::expr, Blame>>;

/// Stops a check that runs past its time. Z3 4.8's own `timeout` can be
/// lost: its timer thread compares against a shared static that a failed
/// compare-and-swap overwrites (Z3 issue #5702), and a check clears the
/// cancel flag as it starts, after the timer has started; on an undecidable
/// question a lost timeout is a hang. The watchdog interrupts the context at
/// the deadline and again every period after it until the check returns.
class Watchdog {
public:
  explicit Watchdog(z3::context &Ctx) : Ctx(Ctx) {}
  ~Watchdog();

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

  void arm(unsigned Ms);
  bool disarm();
  void loop();
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
  ir::Table slice(const ir::Table &T, llvm::StringSet<> Seed) {
    return smt::slice(T, std::move(Seed), Uses);
  }
  /// Tables whose rows this migration has followed; others hold any rows
  /// their constraints allow.
  llvm::StringMap<std::vector<Source>> Rows;
  /// The rows of the insert insertedRowUnique is looking at, each encoded
  /// once (with the errors computing it may raise): row R is compared with
  /// every row before it.
  const ir::Op *RowsOf = nullptr;
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

  // ------------------------------------------------ the solver (Solver.cpp)
  /// Z3 starts a timer thread for each check with a timeout, which costs
  /// more than most of our queries. So a query first runs under a resource
  /// limit (no thread, and deterministic); only one that exhausts it runs
  /// again under the wall-clock timeout the user set.
  static constexpr unsigned QuickRlimit = 100000;
  void quick();
  void patient();
  z3::check_result check(const z3::expr_vector &Lits);

  z3::context &ctx() { return T.Ctx; }

  /// Is Facts satisfiable? With Assumptions, an unsat answer names the
  /// assumptions of its core. Describe fills a Fails answer from the model.
  Answer solve(const std::vector<z3::expr> &Facts, const NamedLits &Assumptions,
               llvm::function_ref<void(const z3::model &, Answer &)> Describe,
               bool SatIsBad = true, bool WantModel = false);
  /// The positions in Lits of an unsat core with nothing to spare: Z3's
  /// core less each assumption the rest are unsat without. (Only for
  /// answers that are errors or notes, so the extra checks are rare.)
  std::vector<unsigned> minimalCore(const z3::expr_vector &Lits);
  /// The answer a query's result gives, in the names of this query's
  /// columns and constraints.
  Answer answer(const Cached &C, const NamedLits &Assumptions,
                llvm::function_ref<void(const z3::model &, Answer &)> Describe);
  /// Whether some row satisfies Facts: Holds if one does, Fails with the
  /// core of Named if none can. Witness, when given, reads the row found.
  Answer possible(
      const std::vector<z3::expr> &Facts, const NamedLits &Named,
      llvm::function_ref<void(const z3::model &, Answer &)> Witness = nullptr);

  /// `lower`/`upper` applications of the query being described.
  Applications Applied;
  void collectApplications(const z3::expr_vector &Terms);
  static std::vector<z3::expr> roots(const z3::expr_vector &Terms);
  /// Whether some term is an `approx_` function (Encoder::MaxNonLinear).
  bool approximated(const z3::expr_vector &Terms);
  void dump(const z3::expr_vector &Lits);

  // ---------------------------------------------- rows as terms (Facts.cpp)
  /// A row of T with a fresh variable per column, so that the same question
  /// about other columns is the same query (and a cache hit): named after
  /// the column, or with Positional after its place in Tb (for a slice made
  /// for one question; a table's rows followed through a migration keep
  /// column names, as their questions see different slices).
  Source anyRow(const ir::Table &Tb, bool NullVars = false,
                bool Positional = false);
  /// Facts every current row of Tb satisfies: column domains, NOT NULL
  /// and validated checks. With Named, each check is guarded by a literal
  /// for unsat cores instead (and Except is left out).
  /// `not valid` checks bind new and updated rows, not the rows that
  /// were there when they were added: ExistingRows leaves them out.
  std::vector<z3::expr> tableFacts(const ir::Table &Tb, const Source &S,
                                   const ir::Constraint *Except = nullptr,
                                   NamedLits *Named = nullptr,
                                   bool ExistingRows = false);
  /// The literal that names a query's I-th constraint for its unsat core:
  /// by place, not by name, like the columns.
  z3::expr assumption(size_t I);
  Encoder encoder(const Source &S);
  /// The row R of insert O into Tb; Errors gets the conditions under which
  /// computing its values fails.
  Source insertedRow(const ir::Table &Tb, const ir::Op &O, unsigned R,
                     std::vector<z3::expr> &Errors);
  /// What a row gets for C when the insert (or add column) does not say.
  Val defaultValue(Encoder &E, const ir::Column &C);

  /// The source's original row, as the model has it. Only the columns
  /// Cone mentions are shown (all of an inserted row).
  Example describe(const Source &S, const z3::model &M, const z3::expr &Cone);
  static llvm::StringSet<> columnSet(const ir::Table &T);
  /// The uninterpreted constants E mentions.
  void constantsIn(const z3::expr &E, std::set<unsigned> &Out);
  std::string show(const Val &V, ir::Type Ty, const z3::model &M,
                   bool Computed = false);

  // ------------------------------------------- rows of a migration (Rows.cpp)
  std::vector<Source> &rowsOf(llvm::StringRef Table, const ir::Schema &S);
  /// The facts of S's initial table (its rows satisfied them when the
  /// migration began) about the columns Seed reaches through S's current
  /// values and S.Alive.
  std::vector<z3::expr> initialFacts(const Source &S,
                                     const llvm::StringSet<> &Seed);
  /// Asks, for every source of Table, whether some row makes Bad true;
  /// the first that does is the answer. Bad builds the formula from an
  /// encoder over the source's current row and adds facts to it.
  Answer forEachRow(
      std::vector<Source> &Rows, const ir::Table *Whole,
      const llvm::StringSet<> &Seed,
      llvm::function_ref<z3::expr(Source &, Encoder &, std::vector<z3::expr> &)>
          Bad,
      llvm::function_ref<void(Source &, const z3::model &, Answer &)> More =
          nullptr);
};

} // namespace migc::smt

#endif
