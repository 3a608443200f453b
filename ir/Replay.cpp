//===- Replay.cpp - Applying IR operations to the schema ------------------===//

#include "ir/Replay.h"
#include "ir/TypeCheck.h"

#include <set>

namespace migc::ir {

namespace {

std::string qualified(llvm::StringRef T, llvm::StringRef C) {
  return quote(T.str() + "." + C.str());
}

class Applier {
public:
  Applier(Schema &S, DiagList &Diags) : S(S), Diags(Diags) {}
  bool apply(const Op &O);

private:
  Diagnostic &report(Rule R, llvm::SMRange At, std::string Msg) {
    Diags.emplace_back(R, At, std::move(Msg));
    return Diags.back();
  }

  Table *table(llvm::StringRef Name, llvm::SMRange At) {
    if (Table *T = S.editTable(Name))
      return T;
    report(Rule::UnknownTable, At,
           "table " + quote(Name) + " does not exist at this point" +
               (suggestionsLeft() ? didYouMean(Name, S.tableNames()) : ""));
    return nullptr;
  }

  Column *column(Table &T, llvm::StringRef Name, llvm::SMRange At) {
    if (Column *C = T.findColumn(Name))
      return C;
    report(Rule::UnknownColumn, At,
           "table " + quote(T.Name) + " has no column " + quote(Name) +
               didYouMean(Name, T.columnNames()));
    return nullptr;
  }

  bool relationFree(llvm::StringRef Name, llvm::SMRange At, Rule R) {
    std::optional<Schema::RelationHolder> User = S.relationUsing(Name);
    if (!User)
      return true;
    Diagnostic &D = report(R, At,
                           quote(Name) + " is already taken by " + User->What +
                               "; tables, indexes and keys share one "
                               "namespace");
    if (User->Where.isValid())
      D.note(User->Where, "it was created here");
    return false;
  }

  bool checkConstraint(const Table &T, const Constraint &C);
  bool checkForeignKey(const Table &T, const Constraint &C);
  bool keyStillUsed(const Table &T, const std::vector<std::string> &Cols,
                    llvm::StringRef What, llvm::SMRange At,
                    llvm::StringRef Skip);

  bool createTable(const Op &O);
  bool dropTable(const Op &O);
  bool renameTable(const Op &O);
  bool addColumn(const Op &O);
  bool dropColumn(const Op &O);
  bool renameColumn(const Op &O);
  bool alterType(const Op &O, Table &T, Column &C);
  bool alterNull(const Op &O, Table &T, Column &C);
  bool createIndex(const Op &O);
  bool dropIndex(const Op &O);
  bool addConstraint(const Op &O);
  const Index *keyIndex(const Table &T, const Constraint &C);
  bool addKeyUsingIndex(Table &T, const Constraint &C);
  Constraint *namedConstraint(const Op &O, Table &T, llvm::StringRef IfIndex);
  bool dropConstraint(const Op &O);
  bool validateConstraint(const Op &O);
  bool data(const Op &O);

  Schema &S;
  DiagList &Diags;
};

// ------------------------------------------------------------ constraints

/// Whether Cols of T are exactly the columns of a primary key, a unique
/// constraint or a unique index without predicate (what a foreign key may
/// reference), ignoring the one named Skip.
bool isUniqueKey(const Schema &S, const Table &T,
                 const std::vector<std::string> &Cols,
                 llvm::StringRef Skip = "") {
  std::multiset<std::string> Want(Cols.begin(), Cols.end());
  for (const Constraint &C : T.Constraints)
    if (C.hasIndex() && C.Name != Skip &&
        std::multiset<std::string>(C.Columns.begin(), C.Columns.end()) == Want)
      return true;
  for (const Index *I : S.indexesOn(T.Name)) {
    if (!I->Unique || I->Where || I->Name == Skip)
      continue;
    std::multiset<std::string> Have;
    for (const IndexKey &K : I->Keys)
      Have.insert(K.Column);
    if (Have == Want)
      return true;
  }
  return false;
}

bool Applier::checkForeignKey(const Table &T, const Constraint &C) {
  const Table *Target = C.RefTable == T.Name ? &T : S.findTable(C.RefTable);
  if (!Target) {
    table(C.RefTable, C.RefTableRange.isValid() ? C.RefTableRange : C.Range);
    return false;
  }
  for (const std::string &Col : C.RefColumns)
    if (!Target->findColumn(Col)) {
      report(Rule::UnknownColumn, C.Range,
             "referenced table " + quote(Target->Name) + " has no column " +
                 quote(Col) + didYouMean(Col, Target->columnNames()));
      return false;
    }
  if (C.RefColumns.empty())
    return false; // no primary key to default to; reported when lowering
  if (C.RefColumns.size() != C.Columns.size()) {
    auto Count = [](size_t N) {
      return std::to_string(N) + (N == 1 ? " column" : " columns");
    };
    report(Rule::FkTypeMismatch, C.Range,
           "foreign key " + quote(C.Name) + " has " + Count(C.Columns.size()) +
               " but references " + Count(C.RefColumns.size()));
    return false;
  }
  if (!isUniqueKey(S, *Target, C.RefColumns)) {
    std::string Cols;
    for (const std::string &Col : C.RefColumns)
      Cols += (Cols.empty() ? "" : ", ") + Col;
    report(Rule::FkTargetNotUnique, C.Range,
           "foreign key " + quote(C.Name) + " references " +
               quote(Target->Name + " (" + Cols + ")") +
               ", which is not a primary key or unique; the database "
               "rejects it")
        .note(Target->Range, "add `unique (" + Cols + ")` to " +
                                 quote(Target->Name) + " first");
    return false;
  }
  for (size_t I = 0; I < C.Columns.size(); ++I) {
    const Column *From = T.findColumn(C.Columns[I]);
    const Column *To = Target->findColumn(C.RefColumns[I]);
    if (!From || !To || From->Ty.isError() || To->Ty.isError() ||
        From->Ty.Kind == To->Ty.Kind)
      continue;
    report(Rule::FkTypeMismatch, C.Range,
           "foreign key " + quote(C.Name) + " joins " +
               qualified(T.Name, From->Name) + " (" + From->Ty.str() + ") to " +
               qualified(Target->Name, To->Name) + " (" + To->Ty.str() +
               "); the types must be the same")
        .note(To->Range, "referenced column declared here");
    return false;
  }
  return true;
}

bool Applier::checkConstraint(const Table &T, const Constraint &C) {
  for (const std::string &Col : C.Columns)
    if (!T.findColumn(Col)) {
      report(Rule::UnknownColumn, C.Range,
             "table " + quote(T.Name) + " has no column " + quote(Col) +
                 didYouMean(Col, T.columnNames()));
      return false;
    }
  for (const Constraint &Other : T.Constraints) {
    if (C.Kind == ConstraintKind::PrimaryKey &&
        Other.Kind == ConstraintKind::PrimaryKey) {
      report(Rule::MultiplePrimaryKeys, C.Range,
             "table " + quote(T.Name) + " already has primary key " +
                 quote(Other.Name))
          .note(Other.Range, "the primary key is declared here");
      return false;
    }
    if (Other.Name == C.Name) {
      report(Rule::DuplicateConstraint,
             C.NameRange.isValid() ? C.NameRange : C.Range,
             "table " + quote(T.Name) + " already has a constraint named " +
                 quote(C.Name))
          .note(Other.Range, "the other constraint is declared here");
      return false;
    }
  }
  if (C.hasIndex() && !relationFree(C.Name, C.Range, Rule::DuplicateIndex))
    return false;
  if (C.Kind == ConstraintKind::ForeignKey)
    return checkForeignKey(T, C);
  return true;
}

// ------------------------------------------------------------ tables

bool Applier::createTable(const Op &O) {
  const Table &New = O.NewTable;
  if (const Table *Old = S.findTable(New.Name)) {
    report(Rule::DuplicateTable, O.TableRange,
           "table " + quote(New.Name) + " already exists")
        .note(Old->Range, "it was created here");
    return false;
  }
  if (!relationFree(New.Name, O.TableRange, Rule::DuplicateTable))
    return false;
  Table T;
  T.Name = New.Name;
  T.Range = New.Range;
  for (const Column &C : New.Columns) {
    if (const Column *Prev = T.findColumn(C.Name)) {
      report(Rule::DuplicateColumn, C.Range,
             "column " + quote(C.Name) + " appears twice in " + quote(T.Name))
          .note(Prev->Range, "first declared here");
      continue;
    }
    T.Columns.push_back(C);
  }
  S.addTable(std::move(T));
  Table &Placed = *S.editTable(New.Name);
  // A repeated name is reported on the later declaration.
  std::vector<bool> Skip(New.Constraints.size());
  for (size_t I = 0; I < New.Constraints.size(); ++I)
    for (size_t J = 0; J < I && !Skip[I]; ++J)
      if (New.Constraints[J].Name == New.Constraints[I].Name) {
        const Constraint &C = New.Constraints[I];
        report(Rule::DuplicateConstraint,
               C.NameRange.isValid() ? C.NameRange : C.Range,
               "table " + quote(Placed.Name) +
                   " already has a constraint named " + quote(C.Name))
            .note(New.Constraints[J].Range,
                  "the other constraint is declared here");
        Skip[I] = true;
      }
  // Keys first, then foreign keys: one may reference the table's own key,
  // wherever it is declared.
  for (bool ForeignKeys : {false, true})
    for (size_t I = 0; I < New.Constraints.size(); ++I) {
      const Constraint &C = New.Constraints[I];
      if (!Skip[I] && (C.Kind == ConstraintKind::ForeignKey) == ForeignKeys &&
          checkConstraint(Placed, C))
        S.addConstraint(Placed, C);
    }
  // ...but the table keeps them in the order they were declared.
  auto Position = [&](const Constraint &C) {
    for (size_t I = 0; I < New.Constraints.size(); ++I)
      if (New.Constraints[I].Name == C.Name)
        return I;
    return New.Constraints.size();
  };
  std::vector<Constraint> Sorted(Placed.Constraints.begin(),
                                 Placed.Constraints.end());
  std::stable_sort(Sorted.begin(), Sorted.end(),
                   [&](const Constraint &A, const Constraint &B) {
                     return Position(A) < Position(B);
                   });
  Placed.Constraints = CowVector<Constraint>(Sorted);
  return true;
}

bool Applier::dropTable(const Op &O) {
  Table *T = table(O.TableName, O.TableRange);
  if (!T)
    return false;
  for (auto [From, FK] : S.referencesTo(T->Name)) {
    if (From == T)
      continue;
    report(Rule::DropStillUsed, O.Range,
           "cannot drop table " + quote(T->Name) + ": foreign key " +
               quote(FK->Name) + " on " + quote(From->Name) +
               " still references it")
        .note(FK->Range, "drop or change this foreign key first");
    return false;
  }
  S.removeTable(O.TableName);
  return true;
}

bool Applier::renameTable(const Op &O) {
  Table *T = table(O.TableName, O.TableRange);
  if (!T || !relationFree(O.Name, O.NameRange, Rule::DuplicateTable))
    return false;
  S.renameTable(O.TableName, O.Name);
  return true;
}

// ------------------------------------------------------------ columns

bool Applier::addColumn(const Op &O) {
  Table *T = table(O.TableName, O.TableRange);
  if (!T)
    return false;
  if (const Column *Prev = T->findColumn(O.NewColumn.Name)) {
    report(Rule::DuplicateColumn, O.ColumnRange,
           "table " + quote(T->Name) + " already has a column " +
               quote(Prev->Name))
        .note(Prev->Range, "it was added here");
    return false;
  }
  T->Columns.push_back(O.NewColumn);
  for (const Constraint &C : O.Constraints)
    if (checkConstraint(*T, C))
      S.addConstraint(*T, C);
  return true;
}

bool Applier::dropColumn(const Op &O) {
  Table *T = table(O.TableName, O.TableRange);
  Column *C = T ? column(*T, O.ColumnName, O.ColumnRange) : nullptr;
  if (!C)
    return false;
  // PostgreSQL drops the column's indexes and constraints with it, but
  // refuses while a foreign key references the column.
  ColumnDependents D = columnDependents(S, *T, C->Name);
  if (!D.ReferencedBy.empty()) {
    auto [From, Key] = D.ReferencedBy.front();
    const Constraint *FK = S.findTable(From)->findConstraint(Key);
    report(Rule::DropStillUsed, O.Range,
           "cannot drop column " + qualified(T->Name, C->Name) +
               ": foreign key " + quote(Key) + " on " + quote(From) +
               " still references it")
        .note(FK->Range, "drop the foreign key first");
    return false;
  }
  for (const std::string &Name : D.Indexes)
    S.removeIndex(Name);
  T = S.editTable(O.TableName);
  for (const std::string &Name : D.Constraints)
    S.removeConstraint(
        *T, T->Constraints.indexOf(*std::as_const(*T).findConstraint(Name)));
  C = T->findColumn(O.ColumnName);
  T->Columns.erase(T->Columns.begin() + T->Columns.indexOf(*C));
  return true;
}

bool Applier::renameColumn(const Op &O) {
  Table *T = table(O.TableName, O.TableRange);
  Column *C = T ? column(*T, O.ColumnName, O.ColumnRange) : nullptr;
  if (!C)
    return false;
  if (const Column *Prev = T->findColumn(O.Name)) {
    report(Rule::DuplicateColumn, O.NameRange,
           "table " + quote(T->Name) + " already has a column " + quote(O.Name))
        .note(Prev->Range, "it was added here");
    return false;
  }
  const std::string From = C->Name, To = O.Name;
  C->Name = To;
  for (Constraint &K : T->Constraints.edit()) {
    std::replace(K.Columns.begin(), K.Columns.end(), From, To);
    K.Check = ir::renameColumn(K.Check, From, To);
  }
  std::vector<std::string> Names;
  for (const Index *I : S.indexesOn(T->Name))
    Names.push_back(I->Name);
  for (const std::string &N : Names) {
    Index &I = *S.editIndex(N);
    for (IndexKey &K : I.Keys)
      if (K.Column == From)
        K.Column = To;
    I.Where = ir::renameColumn(I.Where, From, To);
  }
  Names.clear();
  for (auto [Other, FK] : S.referencesTo(T->Name))
    Names.push_back(Other->Name);
  for (const std::string &N : Names)
    for (Constraint &K : S.editTable(N)->Constraints.edit())
      if (K.Kind == ConstraintKind::ForeignKey && K.RefTable == T->Name)
        std::replace(K.RefColumns.begin(), K.RefColumns.end(), From, To);
  return true;
}

bool Applier::alterType(const Op &O, Table &T, Column &C) {
  Type To = *O.NewType;
  if (To.isError())
    return false;
  if (C.Identity && !To.isInteger()) {
    report(Rule::TypeMismatch, O.Range,
           qualified(T.Name, C.Name) + " is an identity column and must "
                                       "stay an integer");
    return false;
  }
  // Foreign keys on either side must keep matching types.
  auto Mismatch = [&](const Constraint &FK, const Table &Other,
                      llvm::StringRef OtherCol) {
    const Column *OC = Other.findColumn(OtherCol);
    if (!OC || OC->Ty.Kind == To.Kind)
      return false;
    report(Rule::FkTypeMismatch, O.Range,
           "after this change foreign key " + quote(FK.Name) + " would join " +
               qualified(T.Name, C.Name) + " (" + To.str() + ") to " +
               qualified(Other.Name, OtherCol) + " (" + OC->Ty.str() + ")")
        .note(FK.Range,
              "drop this key, change both columns, then add it again");
    return true;
  };
  for (const Constraint &K : T.Constraints)
    if (K.Kind == ConstraintKind::ForeignKey)
      for (size_t I = 0; I < K.Columns.size(); ++I)
        if (K.Columns[I] == C.Name && I < K.RefColumns.size())
          if (const Table *Target = S.findTable(K.RefTable))
            if (Mismatch(K, *Target, K.RefColumns[I]))
              return false;
  for (auto [From, FK] : S.referencesTo(T.Name))
    for (size_t I = 0; I < FK->RefColumns.size(); ++I)
      if (FK->RefColumns[I] == C.Name && I < FK->Columns.size())
        if (Mismatch(*FK, *From, FK->Columns[I]))
          return false;
  if (C.Default) {
    DiagList Inner;
    if (!expectAssignable(*C.Default, To, "the default", Inner)) {
      report(Rule::TypeMismatch, O.Range,
             "the default of " + qualified(T.Name, C.Name) + " (`" +
                 print(*C.Default) + "`) cannot be stored as " + To.str() +
                 "; drop or change the default first")
          .note(C.Range, "the column and its default are declared here");
      return false;
    }
  }
  // Checks and index predicates that read the column must still type-check;
  // nothing changes unless all of them do.
  Type Old = C.Ty;
  C.Ty = To;
  ColumnScope Scope{T.Name, T.Columns, true, "a check"};
  auto Retyped = [&](const Expr &E, llvm::StringRef What, llvm::SMRange Where,
                     ExprPtr &Out) {
    if (!usesColumn(E, C.Name))
      return true;
    // Only problems the change introduces count: any other was reported
    // where the expression was written.
    DiagList Before, After;
    C.Ty = Old;
    retype(E, Scope, Before);
    C.Ty = To;
    Out = retype(E, Scope, After);
    for (const Diagnostic &D : After) {
      if (llvm::any_of(Before, [&](const Diagnostic &B) {
            return B.Message == D.Message;
          }))
        continue;
      C.Ty = Old;
      report(Rule::TypeMismatch, O.Range,
             "after this change " + What.str() +
                 " no longer type-checks: " + D.Message)
          .note(Where, "it is declared here");
      return false;
    }
    return true;
  };
  std::vector<ExprPtr> Checks(T.Constraints.size());
  for (size_t I = 0; I < T.Constraints.size(); ++I) {
    const Constraint &K = T.Constraints[I];
    if (K.Check &&
        !Retyped(*K.Check, "check " + quote(K.Name), K.Range, Checks[I]))
      return false;
  }
  std::vector<std::pair<std::string, ExprPtr>> Wheres;
  for (const Index *I : S.indexesOn(T.Name)) {
    ExprPtr Re;
    if (I->Where &&
        !Retyped(*I->Where, "the predicate of index " + quote(I->Name),
                 I->Range, Re))
      return false;
    if (Re)
      Wheres.push_back({I->Name, Re});
  }
  for (size_t I = 0; I < T.Constraints.size(); ++I)
    if (Checks[I])
      T.Constraints[I].Check = Checks[I];
  for (auto &[Name, Where] : Wheres)
    S.editIndex(Name)->Where = Where;
  return true;
}

bool Applier::alterNull(const Op &O, Table &T, Column &C) {
  if (O.Kind == OpKind::SetNotNull) {
    C.Nullable = false;
    return true;
  }
  if (const Constraint *PK = T.primaryKey())
    if (llvm::is_contained(PK->Columns, C.Name)) {
      report(Rule::DropStillUsed, O.Range,
             qualified(T.Name, C.Name) + " is part of primary key " +
                 quote(PK->Name) + ", which keeps it not null")
          .note(PK->Range, "the primary key is declared here");
      return false;
    }
  if (C.Identity) {
    report(Rule::DropStillUsed, O.Range,
           qualified(T.Name, C.Name) +
               " is an identity column, which is always not null");
    return false;
  }
  C.Nullable = true;
  return true;
}

// ------------------------------------------------------------ indexes, keys

bool Applier::createIndex(const Op &O) {
  Table *T = table(O.TableName, O.TableRange);
  if (!T)
    return false;
  for (const IndexKey &K : O.NewIndex.Keys)
    if (!column(*T, K.Column, K.Range.isValid() ? K.Range : O.Range))
      return false;
  if (!relationFree(O.NewIndex.Name,
                    O.NameRange.isValid() ? O.NameRange : O.Range,
                    Rule::DuplicateIndex))
    return false;
  S.addIndex(O.NewIndex);
  return true;
}

bool Applier::keyStillUsed(const Table &T, const std::vector<std::string> &Cols,
                           llvm::StringRef What, llvm::SMRange At,
                           llvm::StringRef Skip) {
  std::multiset<std::string> Key(Cols.begin(), Cols.end());
  for (auto [From, FK] : S.referencesTo(T.Name)) {
    if (std::multiset<std::string>(FK->RefColumns.begin(),
                                   FK->RefColumns.end()) != Key ||
        isUniqueKey(S, T, Cols, Skip))
      continue;
    report(Rule::DropStillUsed, At,
           "cannot drop " + What.str() + ": foreign key " + quote(FK->Name) +
               " on " + quote(From->Name) + " depends on it")
        .note(FK->Range, "drop the foreign key first");
    return true;
  }
  return false;
}

bool Applier::dropIndex(const Op &O) {
  const Index *Found = S.findIndex(O.Name);
  if (!Found) {
    if (std::optional<Schema::RelationHolder> User = S.relationUsing(O.Name)) {
      report(Rule::UnknownIndex, O.NameRange,
             quote(O.Name) + " is not an index you can drop: it is " +
                 User->What +
                 (User->IsTable ? "; use `drop table`"
                                : "; drop the constraint instead"))
          .note(User->Where, "it was created here");
      return false;
    }
    std::vector<llvm::StringRef> Names;
    if (suggestionsLeft())
      for (const Index *I : S.indexes())
        Names.push_back(I->Name);
    report(Rule::UnknownIndex, O.NameRange,
           "index " + quote(O.Name) + " does not exist at this point" +
               didYouMean(O.Name, Names));
    return false;
  }
  const Index &I = *Found;
  if (const Table *T = S.findTable(I.Table); T && I.Unique && !I.Where) {
    std::vector<std::string> Cols;
    for (const IndexKey &K : I.Keys)
      Cols.push_back(K.Column);
    if (keyStillUsed(*T, Cols, "index " + quote(O.Name), O.Range, O.Name))
      return false;
  }
  S.removeIndex(O.Name);
  return true;
}

/// The index `add constraint ... using index` names, or null after saying
/// why PostgreSQL refuses it (test/integration/postgres.py, part keys).
const Index *Applier::keyIndex(const Table &T, const Constraint &C) {
  llvm::SMRange At = C.UsingIndexRange;
  const Index *I = S.findIndex(C.UsingIndex);
  if (!I) {
    std::optional<Schema::RelationHolder> User = S.relationUsing(C.UsingIndex);
    if (User && User->IsKey) {
      report(Rule::UnusableKeyIndex, At,
             quote(C.UsingIndex) + " is already " + User->What +
                 "; an index can back one key only")
          .note(User->Where, "it was created here");
      return nullptr;
    }
    if (User) {
      report(Rule::UnknownIndex, At,
             quote(C.UsingIndex) + " is not an index: it is " + User->What)
          .note(User->Where, "it was created here");
      return nullptr;
    }
    std::vector<llvm::StringRef> Names;
    if (suggestionsLeft())
      for (const Index *Other : S.indexesOn(T.Name))
        Names.push_back(Other->Name);
    report(Rule::UnknownIndex, At,
           "index " + quote(C.UsingIndex) + " does not exist at this point" +
               didYouMean(C.UsingIndex, Names));
    return nullptr;
  }
  std::string Why;
  if (I->Table != T.Name)
    Why = "is on " + quote(I->Table) + ", not on " + quote(T.Name);
  else if (!I->Unique)
    Why = "is not unique";
  else if (I->Where)
    Why = "is partial (it has a `where`), and a key covers every row";
  else
    for (const IndexKey &K : I->Keys)
      if (K.Desc) {
        Why = "sorts " + quote(K.Column) +
              " descending; a key's index sorts every column ascending";
        break;
      }
  if (Why.empty())
    return I;
  report(Rule::UnusableKeyIndex, At,
         "index " + quote(I->Name) + " cannot become " +
             (C.Kind == ConstraintKind::PrimaryKey ? "primary key "
                                                   : "unique constraint ") +
             quote(C.Name) + ": it " + Why + "; PostgreSQL refuses it")
      .note(I->Range, "the index is created here");
  return nullptr;
}

/// `add constraint ... using index`: the index becomes the key's, under the
/// key's name (PostgreSQL renames it), and no longer stands alone.
bool Applier::addKeyUsingIndex(Table &T, const Constraint &C) {
  const Index *I = keyIndex(T, C);
  if (!I)
    return false;
  Index Old = *I;
  std::string TableName = T.Name;
  // The key may take the index's own name.
  S.removeIndex(Old.Name);
  Table &Placed = *S.editTable(TableName);
  Constraint K = C;
  K.UsingIndex.clear();
  K.UsingIndexRange = llvm::SMRange();
  if (!checkConstraint(Placed, K)) {
    S.addIndex(std::move(Old));
    return false;
  }
  // A primary key makes its columns not null (PostgreSQL scans for NULLs).
  if (K.Kind == ConstraintKind::PrimaryKey)
    for (const std::string &Col : K.Columns)
      Placed.findColumn(Col)->Nullable = false;
  S.addConstraint(Placed, std::move(K));
  return true;
}

bool Applier::addConstraint(const Op &O) {
  Table *T = table(O.TableName, O.TableRange);
  const Constraint &C = O.Constraints.front();
  if (T && !C.UsingIndex.empty())
    return addKeyUsingIndex(*T, C);
  if (!T || !checkConstraint(*T, C))
    return false;
  // A primary key makes its columns not null, as in create table.
  if (C.Kind == ConstraintKind::PrimaryKey)
    for (const std::string &Col : C.Columns)
      T->findColumn(Col)->Nullable = false;
  S.addConstraint(*T, C);
  return true;
}

/// The constraint O names on T, or null after reporting why there is none
/// (IfIndex says what to do when the name is one of T's indexes).
Constraint *Applier::namedConstraint(const Op &O, Table &T,
                                     llvm::StringRef IfIndex) {
  if (Constraint *C = T.findConstraint(O.Name))
    return C;
  if (const Index *I = S.findIndex(O.Name); I && I->Table == T.Name) {
    report(Rule::UnknownConstraint, O.NameRange,
           quote(O.Name) + " is an index of " + quote(T.Name) +
               ", not a constraint; " + IfIndex.str())
        .note(I->Range, "the index is created here");
    return nullptr;
  }
  std::vector<llvm::StringRef> Names;
  for (const Constraint &K : T.Constraints)
    Names.push_back(K.Name);
  report(Rule::UnknownConstraint, O.NameRange,
         "table " + quote(T.Name) + " has no constraint " + quote(O.Name) +
             didYouMean(O.Name, Names));
  return nullptr;
}

bool Applier::dropConstraint(const Op &O) {
  Table *T = table(O.TableName, O.TableRange);
  Constraint *C =
      T ? namedConstraint(O, *T, "use `drop index " + O.Name + ";`") : nullptr;
  if (!C)
    return false;
  if (C->hasIndex() &&
      keyStillUsed(*T, C->Columns, "constraint " + quote(C->Name), O.Range,
                   C->Name))
    return false;
  S.removeConstraint(*T, T->Constraints.indexOf(*C));
  return true;
}

bool Applier::validateConstraint(const Op &O) {
  Table *T = table(O.TableName, O.TableRange);
  const char *Only = "only a check or a foreign key can be validated";
  Constraint *C = T ? namedConstraint(O, *T, Only) : nullptr;
  if (!C)
    return false;
  if (C->Kind != ConstraintKind::Check &&
      C->Kind != ConstraintKind::ForeignKey) {
    report(Rule::UnknownConstraint, O.NameRange,
           quote(C->Name) + " on " + quote(T->Name) + " is a " +
               (C->Kind == ConstraintKind::PrimaryKey ? "primary key"
                                                      : "unique constraint") +
               ", which is always valid; " + Only)
        .note(C->Range, "the constraint is declared here");
    return false;
  }
  // Validating a valid constraint changes nothing (PostgreSQL accepts it).
  C->NotValid = false;
  return true;
}

// ------------------------------------------------------------ data

bool Applier::data(const Op &O) {
  Table *T = table(O.TableName, O.TableRange);
  if (!T)
    return false;
  bool Ok = true;
  std::set<std::string> Seen;
  for (size_t I = 0; I < O.Assignments.size(); ++I) {
    const std::string &Col = O.Assignments[I].first;
    Ok &= column(*T, Col, O.AssignmentRanges[I]) != nullptr;
    if (!Seen.insert(Col).second) {
      report(Rule::DuplicateColumn, O.AssignmentRanges[I],
             "column " + quote(Col) + " is set twice in one update");
      Ok = false;
    }
  }
  for (size_t I = 0; I < O.InsertColumns.size(); ++I) {
    const std::string &Col = O.InsertColumns[I];
    llvm::SMRange At =
        I < O.InsertColumnRanges.size() ? O.InsertColumnRanges[I] : O.Range;
    Ok &= column(*T, Col, At) != nullptr;
    if (!Seen.insert(Col).second) {
      report(Rule::DuplicateColumn, At,
             "column " + quote(Col) + " is listed twice in one insert");
      Ok = false;
    }
  }
  return Ok;
}

bool Applier::apply(const Op &O) {
  switch (O.Kind) {
  case OpKind::CreateTable:
    return createTable(O);
  case OpKind::DropTable:
    return dropTable(O);
  case OpKind::RenameTable:
    return renameTable(O);
  case OpKind::AddColumn:
    return addColumn(O);
  case OpKind::DropColumn:
    return dropColumn(O);
  case OpKind::RenameColumn:
    return renameColumn(O);
  case OpKind::AlterColumnType:
  case OpKind::SetNotNull:
  case OpKind::DropNotNull:
  case OpKind::SetDefault:
  case OpKind::DropDefault: {
    Table *T = table(O.TableName, O.TableRange);
    Column *C = T ? column(*T, O.ColumnName, O.ColumnRange) : nullptr;
    if (!C)
      return false;
    if (O.Kind == OpKind::AlterColumnType)
      return alterType(O, *T, *C);
    if (O.Kind == OpKind::SetNotNull || O.Kind == OpKind::DropNotNull)
      return alterNull(O, *T, *C);
    if (C->Identity && O.Kind == OpKind::SetDefault) {
      report(Rule::TypeMismatch, O.Range,
             qualified(T->Name, C->Name) +
                 " is an identity column; it cannot also have a default");
      return false;
    }
    C->Default = O.Kind == OpKind::SetDefault ? O.Value : nullptr;
    return true;
  }
  case OpKind::CreateIndex:
    return createIndex(O);
  case OpKind::DropIndex:
    return dropIndex(O);
  case OpKind::AddConstraint:
    return addConstraint(O);
  case OpKind::DropConstraint:
    return dropConstraint(O);
  case OpKind::ValidateConstraint:
    return validateConstraint(O);
  case OpKind::Update:
  case OpKind::Delete:
  case OpKind::Insert:
    return data(O);
  case OpKind::Sql:
    report(Rule::OpaqueSql, O.Range,
           "migc cannot see what this `sql` does; every check after it "
           "assumes it changes no table, column, index or constraint");
    if (!S.OpaqueSince)
      S.OpaqueSince = O.Range;
    return true;
  }
  return false;
}

} // namespace

bool applyOp(const Op &O, Schema &S, DiagList &Diags) {
  return Applier(S, Diags).apply(O);
}

} // namespace migc::ir
