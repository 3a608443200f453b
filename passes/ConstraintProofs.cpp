//===- ConstraintProofs.cpp - Constraint preservation (Z3) ----------------===//
//
// Spec sections 8.3 (the data part) and 8.5, issue 6's obligations a-g:
// constraints that can hold together, type changes every row fits, new
// checks and not nulls every row passes (after the backfills before them),
// updates that keep every constraint, defaults and inserted rows that
// satisfy their table, redundant checks, and update pairs that undo each
// other. Each failure comes with a counterexample row in a note.
//
// A deferred pass: the walk gives it the schema before and after every
// operation of a migration that raises a question, and a proof thread
// answers them with Z3 beside the walk.
//
//===----------------------------------------------------------------------===//

#include "ir/OpPrinter.h"
#include "passes/Pass.h"

#include "llvm/ADT/StringSet.h"

namespace migc::passes {

using namespace ir;
using smt::Answer;

namespace {
bool isLiteral(const ast::Expr *E) {
  using K = ast::ExprKind;
  return E && (E->Kind == K::IntLit || E->Kind == K::DecimalLit ||
               E->Kind == K::StringLit || E->Kind == K::BoolLit);
}

/// A column whose definition raises a question: a check, or a default
/// that is computed. (A literal default was checked by the type checker,
/// and `not null` alone is answered without a solver.)
bool columnAsks(const ast::ColumnDef &C) {
  return (C.Default && !isLiteral(C.Default.get())) ||
         llvm::any_of(C.Constraints, [](const ast::TableConstraint &K) {
           return K.Kind == ConstraintKind::Check;
         });
}
/// Whether a migration with these `up` operations has an obligation (the
/// others need no snapshots).
bool hasObligations(const std::vector<ast::Op> &Up) {
  for (const ast::Op &O : Up) {
    switch (O.Kind) {
    case OpKind::CreateTable:
      if (llvm::any_of(O.Columns, columnAsks) ||
          llvm::any_of(O.Constraints, [](const ast::TableConstraint &K) {
            return K.Kind == ConstraintKind::Check;
          }))
        return true;
      break;
    case OpKind::AddColumn:
      // A not-null column on a table with rows is a question too.
      if (llvm::any_of(O.Columns, [](const ast::ColumnDef &C) {
            return columnAsks(C) || (C.NotNull && !C.Default && !C.Identity);
          }))
        return true;
      break;
    case OpKind::AddConstraint:
      if (llvm::any_of(O.Constraints, [](const ast::TableConstraint &K) {
            return K.Kind == ConstraintKind::Check;
          }))
        return true;
      break;
    case OpKind::AlterColumnType:
    case OpKind::SetNotNull:
    case OpKind::SetDefault:
    case OpKind::Update:
    case OpKind::Insert:
    // Its constraint may be a check (the syntax does not say).
    case OpKind::ValidateConstraint:
      return true;
    case OpKind::DropTable:
    case OpKind::RenameTable:
    case OpKind::DropColumn:
    case OpKind::RenameColumn:
    case OpKind::DropNotNull:
    case OpKind::DropDefault:
    case OpKind::CreateIndex:
    case OpKind::DropIndex:
    case OpKind::DropConstraint:
    case OpKind::Delete:
    case OpKind::Sql:
      break;
    }
  }
  return false;
}

/// The schema before each operation of `up`, and the one it ends with; the
/// same for a written `down` when update pairs are followed through it.
struct ProofSnapshots {
  std::vector<Schema> Up, Down;
  /// Whether Down's operations are proven like up's (a `down` is a
  /// migration too); Synthesized: the down is migc's.
  bool ProveDown = false, DownSynthesized = false;
};

/// Whether undoing Up (a synthesized down) asks a question of the rows: the
/// inverse of a wider type is a narrower one, of `drop not null` a `set not
/// null`, of a dropped check the check again.
bool undoingAsks(const std::vector<ast::Op> &Up) {
  return llvm::any_of(Up, [](const ast::Op &O) {
    return O.Kind == OpKind::AlterColumnType || O.Kind == OpKind::DropNotNull ||
           O.Kind == OpKind::DropConstraint;
  });
}

llvm::StringSet<> columnsOf(const Expr &E) {
  llvm::StringSet<> Out;
  forEachColumn(E, [&](const Expr &C) { Out.insert(C.Column); });
  return Out;
}

std::string dotted(llvm::StringRef Table, llvm::StringRef Column) {
  return quote((Table + "." + Column).str());
}

/// `check `x``, `not null on `y``, `the type of `z` (smallint)` or
/// `primary key `t_pkey``: a blamed item for a message.
std::string describe(const smt::Blame &B) {
  using K = smt::Blame::Kind;
  switch (B.K) {
  case K::Check:
    return "check " + quote(B.Constraint);
  case K::NotNull:
    return "not null on " + quote(B.Column);
  case K::ColumnType:
    return "the type of " + quote(B.Column) + " (" + B.Type + ")";
  case K::PrimaryKey:
    return "primary key " + quote(B.Constraint);
  case K::UniqueConstraint:
    return "unique constraint " + quote(B.Constraint);
  case K::UniqueIndex:
    return "unique index " + quote(B.Constraint);
  case K::Error:
    return "an error (a division by zero or an overflow) while computing the "
           "new values";
  }
  return "";
}

/// `check `a` and not null on `b``: the constraints of an answer's core.
std::string listCore(const std::vector<smt::Blame> &Core) {
  std::string Out;
  for (size_t I = 0; I < Core.size(); ++I) {
    const char *Sep = I == 0 ? "" : I + 1 == Core.size() ? " and " : ", ";
    Out += Sep + describe(Core[I]);
  }
  return Out;
}

/// What an answer says a row violates, for a message.
std::string describeViolated(const std::optional<smt::Blame> &V) {
  return V ? describe(*V) : "";
}

class Prover {
public:
  Prover(smt::Prover &P, const Migration &M, DiagList &Out, bool Postgres)
      : P(P), M(M), Out(Out), Postgres(Postgres) {}

  void run(const ProofSnapshots &Snaps) {
    P.beginMigration();
    for (size_t K = 0; K < M.Up.size(); ++K) {
      const Op &O = M.Up[K];
      const Schema &Before = Snaps.Up[K], &After = Snaps.Up[K + 1];
      before(O, Before);
      P.apply(O, Before);
      // Only `add column` looks at the table as it was.
      const Table *Prev =
          O.Kind == OpKind::AddColumn ? Before.findTable(O.TableName) : nullptr;
      after(O, Prev, After);
      if (O.Kind == OpKind::Update || O.Kind == OpKind::Delete ||
          O.Kind == OpKind::Insert)
        DataChanged.insert(O.TableName);
    }
    if (!Snaps.Down.empty() && !Snaps.DownSynthesized)
      checkUpdatePairs(Snaps);
    if (Snaps.ProveDown && M.Down && Snaps.Down.size() == M.Down->size() + 1)
      proveDown(Snaps);
  }

private:
  smt::Prover &P;
  const Migration &M;
  DiagList &Out;
  /// Whether the project targets PostgreSQL: a not-null column without a
  /// default fails there, where MySQL fills it (mysql-implicit-default).
  bool Postgres;
  /// Proving the operations of `down`: only whether each can fail on the
  /// rows `up` allows, said as such.
  bool InDown = false;

  /// A `down` runs on what `up` left, with rows the application wrote in
  /// between: every row the schema after `up` allows, whatever up's
  /// backfills did. Its type changes, `set not null`s, checks and updates
  /// get up's questions (spec section 8.4); a synthesized one is reported
  /// at the operation of `up` it undoes.
  void proveDown(const ProofSnapshots &Snaps) {
    P.beginMigration();
    DataChanged.clear();
    InDown = true;
    size_t First = Out.size();
    for (size_t K = 0; K < M.Down->size(); ++K) {
      const Op &O = (*M.Down)[K];
      before(O, Snaps.Down[K]);
      P.apply(O, Snaps.Down[K]);
      if (O.Kind == OpKind::Update || O.Kind == OpKind::Delete ||
          O.Kind == OpKind::Insert)
        DataChanged.insert(O.TableName);
    }
    InDown = false;
    // A synthesized down undoes up from its end: its findings are put back
    // in the order of the operations they are reported at.
    if (Snaps.DownSynthesized)
      std::stable_sort(Out.begin() + First, Out.end(),
                       [](const Diagnostic &A, const Diagnostic &B) {
                         return A.Range.Start.getPointer() <
                                B.Range.Start.getPointer();
                       });
    for (size_t I = First; I < Out.size(); ++I) {
      // One rule for a down's hazards, so that a team that never runs a
      // down on production data can silence them and keep up's proofs.
      if (Out[I].TheRule != Rule::SmtTimeout &&
          Out[I].TheRule != Rule::BatchedUpdateMayNotEnd) {
        Out[I].TheRule = Rule::DownMayFail;
        Out[I].Sev = ruleDefaultSeverity(Rule::DownMayFail);
      }
      std::string &Msg = Out[I].Message;
      size_t At = Msg.find("a row allowed today");
      if (At != std::string::npos)
        Msg.replace(At, 19, "a row allowed after `up`");
      if (Snaps.DownSynthesized)
        Msg = "in the synthesized `down`, " + Msg;
    }
  }
  /// Tables whose rows an earlier operation of this migration changed.
  llvm::StringSet<> DataChanged;

  /// Reports an unknown answer; true if A is decided.
  bool decided(const Answer &A, llvm::SMRange At, const std::string &What) {
    if (!A.unknown())
      return true;
    Out.emplace_back(Rule::SmtTimeout, At,
                     "migc could not prove that " + What + " (Z3: " + A.Reason +
                         "), so it is not proven");
    return false;
  }

  /// `for example age = 32768 satisfies every constraint on `users``, or
  /// the inserted row.
  void noteExample(Diagnostic &D, const Answer &A, llvm::StringRef Table,
                   llvm::SMRange At, llvm::StringRef Tail = "") {
    if (A.Origin.isValid()) {
      D.note(A.Origin, "for example the row inserted here" +
                           (A.Row.empty() ? "" : " (" + A.Row.str() + ")") +
                           Tail.str());
      return;
    }
    std::string Row = A.Row.empty() ? "any row" : A.Row.str();
    std::string Msg =
        "for example " + Row + " satisfies every constraint on " + quote(Table);
    if (DataChanged.count(Table))
      Msg += " (the operations before this one in the migration do not rule "
             "it out)";
    D.note(At, Msg + Tail.str());
  }

  /// A batched update ends only if no batch picks a row an earlier batch
  /// wrote: the update must make its `where` false on every row it writes.
  /// Not a question of this migration's rows: rows the application writes
  /// between batches are picked too.
  void batchEnds(const Op &O, const Schema &S) {
    const Table *T = S.findTable(O.TableName);
    if (!T)
      return;
    if (!O.Value) {
      Diagnostic &D = Out.emplace_back(
          Rule::BatchedUpdateMayNotEnd, O.BatchRange,
          "this update in batches has no `where`, so it never ends: every "
          "batch picks rows again, the ones it wrote too");
      D.note(O.Range, safeBatches(O));
      return;
    }
    Answer A = P.batchEnds(*T, O);
    if (!decided(A, O.Value->Range, "this update in batches ends") ||
        !A.fails())
      return;
    Diagnostic &D = Out.emplace_back(
        Rule::BatchedUpdateMayNotEnd, O.Value->Range,
        "this update in batches may never end: its `where` still selects a "
        "row the update has written, so every batch can pick it again");
    D.note(O.Value->Range,
           "for example " + (A.Row.empty() ? "any row" : A.Row.str()) +
               " is selected, and the update makes it " + A.After.str() +
               ", which the `where` selects again");
    D.note(O.Range, safeBatches(O));
  }

  /// The note with the safe form: a `where` the update makes false.
  static std::string safeBatches(const Op &O) {
    std::string Msg = "select only the rows the update has not written yet, "
                      "with a `where` its new values make false";
    for (auto &[Col, X] : O.Assignments)
      if (X->Kind == ast::ExprKind::IntLit ||
          X->Kind == ast::ExprKind::DecimalLit ||
          X->Kind == ast::ExprKind::StringLit ||
          X->Kind == ast::ExprKind::BoolLit) {
        std::string C = printName(Col);
        std::string Not = C + " is null or " + C + " <> " + print(*X);
        return Msg + (O.Value ? ", e.g. add `and (" + Not + ")` to the `where`"
                              : ", e.g. `where " + Not + "`");
      }
    return Msg;
  }

  void before(const Op &O, const Schema &S) {
    switch (O.Kind) {
    case OpKind::AlterColumnType: {
      const Table *T = S.findTable(O.TableName);
      const Column *C = T ? T->findColumn(O.ColumnName) : nullptr;
      if (!C || !P.mayHaveRows(O.TableName))
        return;
      std::string What =
          dotted(O.TableName, O.ColumnName) + " fits " + O.NewType->str();
      Answer A = P.rowsFit(S, O);
      if (!decided(A, O.Range, "every row of " + What) || !A.fails())
        return;
      Diagnostic &D = Out.emplace_back(
          Rule::NarrowingType, O.Range,
          "changing " + dotted(O.TableName, O.ColumnName) + " from " +
              C->Ty.str() + " to " + O.NewType->str() +
              " may fail: a row allowed today does not fit");
      std::string Tail;
      if (!A.After.empty())
        Tail = "; `using` gives " + A.After.str();
      noteExample(D, A, O.TableName, O.Range, Tail);
      return;
    }
    case OpKind::SetNotNull: {
      if (!P.mayHaveRows(O.TableName))
        return;
      Answer A = P.rowsNotNull(S, O.TableName, O.ColumnName);
      if (!decided(A, O.Range,
                   "no row has NULL in " + dotted(O.TableName, O.ColumnName)) ||
          !A.fails())
        return;
      Diagnostic &D = Out.emplace_back(
          Rule::ConstraintMayFail, O.Range,
          "setting " + dotted(O.TableName, O.ColumnName) +
              " not null may fail: a row allowed today has NULL there");
      noteExample(D, A, O.TableName, O.Range);
      return;
    }
    case OpKind::AddConstraint: {
      const Constraint &K = O.Constraints.front();
      const Table *T = S.findTable(O.TableName);
      if (K.Kind != ConstraintKind::Check || !T)
        return;
      Table With = *T;
      With.Constraints.push_back(K);
      llvm::StringSet<> Used = columnsOf(*K.Check);
      // A down's check was there before `up`: its satisfiability and
      // redundancy were judged when it was added.
      if (!InDown && !satisfiable(With, O.Range, &Used))
        return;
      if (!InDown && redundant(*T, K, O.Range))
        return;
      if (K.NotValid || !P.mayHaveRows(O.TableName))
        return;
      Answer A = P.rowsPass(S, O.TableName, K);
      if (!decided(A, O.Range,
                   "every row of " + quote(O.TableName) + " passes check " +
                       quote(K.Name)) ||
          !A.fails())
        return;
      Diagnostic &D = Out.emplace_back(
          Rule::ConstraintMayFail, O.Range,
          "adding check " + quote(K.Name) + " to " + quote(O.TableName) +
              " may fail: a row allowed today violates it");
      noteExample(D, A, O.TableName, O.Range);
      return;
    }
    case OpKind::ValidateConstraint: {
      // The same question as adding the check valid: a `not valid` check
      // binds new and updated rows only, so it is no premise here.
      const Table *T = S.findTable(O.TableName);
      const Constraint *K = T ? T->findConstraint(O.Name) : nullptr;
      if (!K || K->Kind != ConstraintKind::Check || !K->NotValid ||
          !P.mayHaveRows(O.TableName))
        return;
      Answer A = P.rowsPass(S, O.TableName, *K);
      if (!decided(A, O.Range,
                   "every row of " + quote(O.TableName) + " passes check " +
                       quote(K->Name)) ||
          !A.fails())
        return;
      Diagnostic &D = Out.emplace_back(
          Rule::ConstraintMayFail, O.Range,
          "validating check " + quote(K->Name) + " on " + quote(O.TableName) +
              " may fail: a row allowed today violates it");
      noteExample(D, A, O.TableName, O.Range);
      return;
    }
    case OpKind::Update: {
      if (O.BatchSize)
        batchEnds(O, S);
      if (!P.mayHaveRows(O.TableName))
        return;
      Answer A = P.updateKeeps(S, O);
      if (!decided(A, O.Range,
                   "this update keeps every constraint of " +
                       quote(O.TableName)) ||
          !A.fails())
        return;
      Diagnostic &D = Out.emplace_back(
          Rule::UpdateViolatesConstraint, O.Range,
          "this update may fail: a row allowed today would violate " +
              describeViolated(A.Violated));
      noteExample(D, A, O.TableName, O.Range,
                  A.After.empty() ? ""
                                  : "; this update makes it " + A.After.str());
      return;
    }
    case OpKind::Insert: {
      const Table *T = S.findTable(O.TableName);
      if (!T)
        return;
      for (unsigned R = 0; R < O.Rows.size() && R < 64; ++R) {
        Answer A = P.insertedRowOk(*T, O, R);
        llvm::SMRange At = O.rowRange(R);
        if (!decided(A, At,
                     "this row satisfies the constraints of " +
                         quote(O.TableName)))
          continue;
        if (A.fails()) {
          Out.emplace_back(
              Rule::InsertViolatesConstraint, At,
              "this row violates " +
                  (A.Core.empty()
                       ? "the types of " + quote(O.TableName)
                       : listCore(A.Core) + " of " + quote(O.TableName)) +
                  ": the insert fails");
          continue;
        }
        Answer K = P.insertedRowUnique(S, O, R);
        if (!K.fails())
          continue;
        std::string Key;
        for (size_t I = 0; I < K.Key.size(); ++I)
          Key += (I ? ", " : "") + quote(K.Key[I]);
        if (K.Key.size() > 1)
          Key = "(" + Key + ")";
        Diagnostic &D = Out.emplace_back(
            Rule::InsertViolatesConstraint, At,
            "this row violates " + describeViolated(K.Violated) + " of " +
                quote(O.TableName) +
                ": a row inserted before it in this migration has the same " +
                Key + ", so the insert fails");
        D.note(K.Origin, "the row with the same " + Key);
      }
      return;
    }
    case OpKind::CreateTable:
    case OpKind::DropTable:
    case OpKind::RenameTable:
    case OpKind::AddColumn:
    case OpKind::DropColumn:
    case OpKind::RenameColumn:
    case OpKind::DropNotNull:
    case OpKind::SetDefault:
    case OpKind::DropDefault:
    case OpKind::CreateIndex:
    case OpKind::DropIndex:
    case OpKind::DropConstraint:
    case OpKind::Delete:
    case OpKind::Sql:
      return;
    }
  }

  void after(const Op &O, const Table *Old, const Schema &S) {
    switch (O.Kind) {
    case OpKind::CreateTable: {
      const Table *T = S.findTable(O.NewTable.Name);
      if (!T || !satisfiable(*T, O.Range))
        return;
      for (const Column &C : T->Columns)
        if (C.Default)
          checkDefault(*T, C, C.Range.isValid() ? C.Range : O.Range);
      // A check that the others imply.
      for (size_t I = 0; I < T->Constraints.size(); ++I) {
        const Constraint &K = T->Constraints[I];
        if (K.Kind != ConstraintKind::Check)
          continue;
        // Against the checks before it only: of two checks that imply
        // each other, the second is the redundant one.
        Table Others = *T;
        Others.Constraints.erase(Others.Constraints.begin() + long(I),
                                 Others.Constraints.end());
        redundant(Others, K, K.Range.isValid() ? K.Range : O.Range);
      }
      return;
    }
    case OpKind::AddColumn: {
      const Table *T = S.findTable(O.TableName);
      if (!T || !Old)
        return;
      bool HasCheck = llvm::any_of(O.Constraints, [](const Constraint &K) {
        return K.Kind == ConstraintKind::Check;
      });
      llvm::StringSet<> New;
      New.insert(O.NewColumn.Name);
      if ((HasCheck || !O.NewColumn.Nullable) &&
          !satisfiable(*T, O.Range, &New))
        return;
      if (const Column *C = T->findColumn(O.NewColumn.Name); C && C->Default)
        if (!checkDefault(*T, *C, O.Range))
          return;
      if (!P.mayHaveRows(O.TableName))
        return;
      Answer A = P.newColumnHolds(*Old, O);
      if (!decided(A, O.Range,
                   "the rows of " + quote(O.TableName) +
                       " satisfy the new column's constraints") ||
          !A.fails())
        return;
      if (!O.NewColumn.Nullable && !O.NewColumn.Default &&
          !O.NewColumn.Identity) {
        if (!Postgres)
          return;
        Out.emplace_back(
            Rule::ConstraintMayFail, O.Range,
            "adding not-null column " + dotted(O.TableName, O.NewColumn.Name) +
                " without a default fails if " + quote(O.TableName) +
                " has any row: each would get NULL");
        return;
      }
      Diagnostic &D = Out.emplace_back(
          Rule::ConstraintMayFail, O.Range,
          "adding column " + dotted(O.TableName, O.NewColumn.Name) +
              " may fail: a row allowed today would violate its " +
              (HasCheck ? "constraints" : "not null") + " with " +
              (O.NewColumn.Default ? "the default" : "NULL"));
      noteExample(D, A, O.TableName, O.Range);
      return;
    }
    case OpKind::AlterColumnType: // a narrower type can leave checks no value
    case OpKind::SetNotNull: {    // a check may allow only NULL
      llvm::StringSet<> Col;
      Col.insert(O.ColumnName);
      if (const Table *T = S.findTable(O.TableName))
        satisfiable(*T, O.Range, &Col);
      return;
    }
    case OpKind::AddConstraint: {
      // A new check can rule out a column's default.
      const Constraint &K = O.Constraints.front();
      const Table *T = S.findTable(O.TableName);
      if (K.Kind != ConstraintKind::Check || !T)
        return;
      llvm::StringSet<> Used = columnsOf(*K.Check);
      for (const Column &C : T->Columns)
        if (C.Default && Used.count(C.Name))
          checkDefault(*T, C, O.Range);
      return;
    }
    case OpKind::SetDefault: {
      const Table *T = S.findTable(O.TableName);
      const Column *C = T ? T->findColumn(O.ColumnName) : nullptr;
      if (C && C->Default)
        checkDefault(*T, *C, O.Range);
      return;
    }
    case OpKind::DropTable:
    case OpKind::RenameTable:
    case OpKind::DropColumn:
    case OpKind::RenameColumn:
    case OpKind::DropNotNull:
    case OpKind::DropDefault:
    case OpKind::CreateIndex:
    case OpKind::DropIndex:
    case OpKind::DropConstraint:
    case OpKind::ValidateConstraint: // new rows were bound already
    case OpKind::Update:
    case OpKind::Delete:
    case OpKind::Insert:
    case OpKind::Sql:
      return;
    }
  }

  /// (a) Reports a table whose constraints no row can satisfy, or a column
  /// that can only be NULL. False when no row can be inserted.
  bool satisfiable(const Table &T, llvm::SMRange At,
                   const llvm::StringSet<> *Only = nullptr) {
    // With Only, the table was satisfiable before the change on those
    // columns: only their part of it is asked about again.
    std::vector<std::string> Focus;
    if (Only)
      for (const auto &C : *Only)
        Focus.push_back(C.getKey().str());
    Answer A = P.satisfiable(T, Only ? &Focus : nullptr);
    if (!decided(A, At,
                 "some row can satisfy the constraints of " + quote(T.Name)))
      return false;
    if (A.fails()) {
      Out.emplace_back(Rule::UnsatisfiableConstraints, At,
                       "no row can ever be inserted into " + quote(T.Name) +
                           ": " + listCore(A.Core) +
                           (A.Core.size() == 1 ? " can never hold"
                                               : " contradict each other"));
      return false;
    }
    for (const Column &C : T.Columns) {
      if (!C.Nullable || (Only && !Only->count(C.Name)) ||
          llvm::is_contained(A.NonNull, C.Name))
        continue;
      Answer V = P.canHoldValue(T, C.Name);
      if (!decided(V, At, dotted(T.Name, C.Name) + " can hold a value") ||
          !V.fails())
        continue;
      Out.emplace_back(
          Rule::NullOnlyColumn, At,
          dotted(T.Name, C.Name) +
              " can only ever be NULL: every other value violates " +
              listCore(V.Core));
    }
    return true;
  }

  /// (f) Reports check K if the constraints of Others imply it.
  bool redundant(const Table &Others, const Constraint &K, llvm::SMRange At) {
    Answer A = P.implied(Others, *K.Check);
    if (!A.holds())
      return false;
    std::string By =
        A.Core.empty() ? "it can never be false"
                       : listCore(A.Core) + " already " +
                             (A.Core.size() == 1 ? "implies" : "imply") + " it";
    Out.emplace_back(Rule::RedundantCheck, At,
                     "check " + quote(K.Name) + " on " + quote(Others.Name) +
                         " is redundant: " + By);
    return true;
  }

  /// (e) A default no row can use. False when reported.
  bool checkDefault(const Table &T, const Column &C, llvm::SMRange At) {
    Answer A = P.defaultAllowed(T, C);
    if (!decided(A, At,
                 "the default of " + dotted(T.Name, C.Name) +
                     " satisfies its table's constraints") ||
        !A.fails())
      return true;
    // The default's own type: a literal that does not fit is
    // literal-out-of-range already.
    bool OnlyType = llvm::all_of(A.Core, [](const smt::Blame &B) {
      return B.is(smt::Blame::Kind::ColumnType);
    });
    if (OnlyType && (C.Default->Kind == ast::ExprKind::IntLit ||
                     C.Default->Kind == ast::ExprKind::DecimalLit ||
                     C.Default->Kind == ast::ExprKind::StringLit))
      return true;
    std::string Why = OnlyType ? "does not fit " + C.Ty.str()
                               : "violates " + listCore(A.Core);
    Out.emplace_back(Rule::DefaultViolatesConstraint, At,
                     "the default of " + dotted(T.Name, C.Name) + " " + Why +
                         ": every insert that omits " + quote(C.Name) +
                         " fails");
    return false;
  }

  /// (g) Down's updates give back the values up's updates changed, for
  /// every row the constraints allow.
  void checkUpdatePairs(const ProofSnapshots &Snaps) {
    const Schema &Before = Snaps.Up.front();
    llvm::StringMap<std::vector<std::string>> Changed;
    for (const Op &O : M.Up)
      if (O.Kind == OpKind::Update)
        for (auto &[Col, X] : O.Assignments)
          Changed[O.TableName].push_back(Col);
    if (Changed.empty() || llvm::none_of(*M.Down, [](const Op &O) {
          return O.Kind == OpKind::Update;
        }))
      return;
    // Rows are followed through up and down; only tables that existed
    // before and whose columns keep their names are compared.
    for (const Op &O : M.Up)
      if (O.Kind == OpKind::RenameTable || O.Kind == OpKind::RenameColumn ||
          O.Kind == OpKind::Delete || O.Kind == OpKind::Sql)
        return;
    P.beginMigration();
    for (size_t K = 0; K < M.Up.size(); ++K)
      P.apply(M.Up[K], Snaps.Up[K]);
    for (size_t K = 0; K < M.Down->size(); ++K)
      P.apply((*M.Down)[K], Snaps.Down[K]);
    for (auto &Entry : Changed) {
      llvm::StringRef Table = Entry.getKey();
      const std::vector<std::string> &Cols = Entry.getValue();
      const ir::Table *T = Before.findTable(Table);
      if (!T)
        continue;
      std::vector<std::string> Kept;
      for (const std::string &C : Cols)
        if (T->findColumn(C) && !llvm::is_contained(Kept, C))
          Kept.push_back(C);
      const Op *DownUpdate = nullptr;
      for (const Op &O : *M.Down)
        if (O.Kind == OpKind::Update && O.TableName == Table)
          DownUpdate = &O;
      const Op *UpUpdate = nullptr;
      for (const Op &O : M.Up)
        if (O.Kind == OpKind::Update && O.TableName == Table && !UpUpdate)
          UpUpdate = &O;
      if (!DownUpdate || Kept.empty())
        continue;
      Answer A = P.restores(Table, Kept);
      if (!decided(A, DownUpdate->Range,
                   "`down` gives back the values `up` changed in " +
                       quote(Table)) ||
          !A.fails())
        continue;
      Diagnostic &D = Out.emplace_back(
          Rule::DownDataMismatch, DownUpdate->Range,
          "`down` does not give back the values `up` changed in " +
              quote(Table) + ": some row allowed today comes back different");
      D.note(UpUpdate->Range,
             "for example " +
                 (A.Row.empty() ? std::string("a row") : A.Row.str()) +
                 " comes back as " + A.After.str() + " after `up` then `down`");
    }
  }
};

class ConstraintProofsPass;

/// A migration's proofs, run on a proof thread with the snapshots the walk
/// took.
class ProofWork : public DeferredWork {
public:
  ProofWork(ConstraintProofsPass &Owner, const Migration &M,
            ProofSnapshots Snaps)
      : Owner(Owner), M(M), Snaps(std::move(Snaps)) {}
  void run(unsigned Thread, DiagList &Out) override;

private:
  ConstraintProofsPass &Owner;
  const Migration &M;
  ProofSnapshots Snaps;
};

class ConstraintProofsPass : public Pass {
public:
  using Pass::Pass;

  void beginMigration(const MigrationStep &M, const Schema &S) override {
    Taking.reset();
    if (!Ctx.Prove)
      return;
    const std::vector<ast::Op> *Down =
        M.Syntax.Down ? &*M.Syntax.Down : nullptr;
    // A written down is proven when it asks; a synthesized one when undoing
    // up does.
    bool ProveDown = Down ? hasObligations(*Down) : undoingAsks(M.Syntax.Up);
    if (!hasObligations(M.Syntax.Up) && !ProveDown)
      return;
    Taking.emplace();
    Taking->Up.push_back(S);
    Taking->ProveDown = ProveDown;
    Taking->DownSynthesized = !Down;
    // Update pairs are followed through a written down.
    TakeDown = ProveDown || (Down && llvm::any_of(*Down, [](const ast::Op &O) {
                               return O.Kind == OpKind::Update;
                             }));
  }

  bool wantsSynthesizedDown(const MigrationStep &M) const override {
    return Taking && Taking->ProveDown && Taking->DownSynthesized;
  }

  void beforeOp(const OpStep &O, const Schema &Before) override {
    if (Taking && TakeDown && O.Block == BlockKind::Down && O.Index == 0)
      Taking->Down.push_back(Before);
  }

  void afterOp(const OpStep &O, const Schema &After, bool Applied) override {
    if (!Taking)
      return;
    if (O.Block == BlockKind::Up)
      Taking->Up.push_back(After);
    else if (TakeDown)
      Taking->Down.push_back(After);
  }

  std::unique_ptr<DeferredWork> defer(const MigrationStep &M) override {
    if (!Taking)
      return nullptr;
    ProofSnapshots Snaps = std::move(*Taking);
    Taking.reset();
    // A migration with errors is not what will run: its proofs would be
    // about something else.
    if (llvm::any_of(M.Diags, [](const Diagnostic &D) {
          return D.Sev == Severity::Error;
        }))
      return nullptr;
    return std::make_unique<ProofWork>(*this, M.IR, std::move(Snaps));
  }

  void endThread(unsigned Thread) override {
    smt::Prover *&P = Provers[Thread];
    if (!P)
      return;
    Stats[Thread] = P->stats();
    if (Ctx.FreeSolvers) {
      delete P;
      P = nullptr;
    }
  }

  void finishProject(DiagList &Out) override {
    for (const smt::Stats &S : Stats)
      Ctx.SmtStats.add(S);
  }

private:
  std::optional<ProofSnapshots> Taking;
  bool TakeDown = false;
  /// One solver per proof thread, made at its first task (a Z3 context
  /// costs memory) and, in a command, never destroyed: tearing down a Z3
  /// context with large terms takes seconds, and the process ends without
  /// freeing (see main.cpp).
  smt::Prover *Provers[DeferredThreads] = {};
  smt::Stats Stats[DeferredThreads];

  friend class ProofWork;
  /// Thread's solver (only that thread calls this).
  smt::Prover &prover(unsigned Thread) {
    smt::Prover *&P = Provers[Thread];
    if (!P) {
      smt::Options O = Ctx.Smt;
      O.DumpName = "thread" + std::to_string(Thread) + "-query";
      P = new smt::Prover(O);
    }
    return *P;
  }
};

void ProofWork::run(unsigned Thread, DiagList &Out) {
  Prover(Owner.prover(Thread), M, Out, Owner.Ctx.Targets.Postgres).run(Snaps);
}

} // namespace

std::unique_ptr<Pass> createConstraintProofsPass(PassContext &Ctx) {
  return std::make_unique<ConstraintProofsPass>(Ctx);
}

} // namespace migc::passes
