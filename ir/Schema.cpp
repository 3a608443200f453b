//===- Schema.cpp - Look-ups in the schema model --------------------------===//

#include "ir/Schema.h"

#include "diag/Diagnostic.h"

namespace migc::ir {

const Column *Table::findColumn(llvm::StringRef N) const {
  for (const Column &C : Columns)
    if (C.Name == N)
      return &C;
  return nullptr;
}

Column *Table::findColumn(llvm::StringRef N) {
  // Only the column's chunk is unshared (ir/CowVector.h).
  const Column *C = std::as_const(*this).findColumn(N);
  return C ? &Columns[Columns.indexOf(*C)] : nullptr;
}

const Constraint *Table::findConstraint(llvm::StringRef N) const {
  for (const Constraint &C : Constraints)
    if (C.Name == N)
      return &C;
  return nullptr;
}

Constraint *Table::findConstraint(llvm::StringRef N) {
  for (size_t I = 0; I < Constraints.size(); ++I)
    if (std::as_const(Constraints)[I].Name == N)
      return &Constraints[I];
  return nullptr;
}

const Constraint *Table::primaryKey() const {
  for (const Constraint &C : Constraints)
    if (C.Kind == ConstraintKind::PrimaryKey)
      return &C;
  return nullptr;
}

std::vector<llvm::StringRef> Table::columnNames() const {
  std::vector<llvm::StringRef> Out;
  for (const Column &C : Columns)
    Out.push_back(C.Name);
  return Out;
}

const Table *Schema::findTable(llvm::StringRef N) const {
  const std::shared_ptr<Table> *T = Tables.find(N);
  return T ? T->get() : nullptr;
}

Table *Schema::editTable(llvm::StringRef N) {
  std::shared_ptr<Table> *T = Tables.edit(N);
  if (!T)
    return nullptr;
  if (T->use_count() > 1)
    *T = std::make_shared<Table>(**T);
  return T->get();
}

bool Schema::addTable(Table T) {
  if (findTable(T.Name))
    return false;
  CowVector<Constraint> Cs = std::move(T.Constraints);
  T.Constraints.clear();
  std::string Name = T.Name;
  Tables.insert(Name, std::make_shared<Table>(std::move(T)));
  Table &Placed = *editTable(Name);
  for (const Constraint &C : Cs)
    addConstraint(Placed, C);
  return true;
}

void Schema::addTo(CowMap<std::vector<std::string>> &M, llvm::StringRef K,
                   llvm::StringRef V) {
  if (std::vector<std::string> *L = M.edit(K))
    L->push_back(V.str());
  else
    M.insert(K, {V.str()});
}

void Schema::removeFrom(CowMap<std::vector<std::string>> &M, llvm::StringRef K,
                        llvm::StringRef V) {
  std::vector<std::string> *L = M.edit(K);
  if (!L)
    return;
  auto It = std::find(L->begin(), L->end(), V);
  if (It != L->end())
    L->erase(It);
  if (L->empty())
    M.erase(K);
}

void Schema::removeTable(llvm::StringRef N) {
  const Table *T = findTable(N);
  if (!T)
    return;
  for (const Constraint &C : T->Constraints)
    unregisterConstraint(*T, C);
  for (const Index *I : indexesOn(N))
    Indexes.erase(std::string(I->Name));
  IndexesByTable.erase(N);
  Tables.erase(N);
}

void Schema::renameTable(llvm::StringRef From, llvm::StringRef To) {
  // Who references the table, read before anything moves.
  std::vector<std::string> Referencing;
  if (const std::vector<std::string> *L = ReferencedBy.find(From))
    Referencing = *L;
  std::vector<std::string> IndexNames;
  if (const std::vector<std::string> *L = IndexesByTable.find(From))
    IndexNames = *L;

  auto T = std::make_shared<Table>(**Tables.find(From));
  Tables.erase(From);
  T->Name = To.str();
  for (Constraint &C : T->Constraints.edit()) {
    if (C.hasIndex())
      *KeyIndexes.edit(C.Name) = To.str();
    if (C.Kind != ConstraintKind::ForeignKey)
      continue;
    removeFrom(ReferencedBy, C.RefTable, From);
    if (C.RefTable == From)
      C.RefTable = To.str();
    addTo(ReferencedBy, C.RefTable, To);
  }
  Tables.insert(To, T);

  // Foreign keys of other tables follow the new name.
  ReferencedBy.erase(From);
  for (const std::string &R : Referencing) {
    if (R == From)
      continue; // the table itself, done above
    addTo(ReferencedBy, To, R);
    for (Constraint &C : editTable(R)->Constraints.edit())
      if (C.Kind == ConstraintKind::ForeignKey && C.RefTable == From)
        C.RefTable = To.str();
  }
  IndexesByTable.erase(From);
  for (const std::string &Name : IndexNames) {
    editIndex(Name)->Table = To.str();
    addTo(IndexesByTable, To, Name);
  }
}

void Schema::forEachTableChange(
    const Schema &Other,
    llvm::function_ref<void(llvm::StringRef, const Table *, const Table *)> F)
    const {
  Tables.forEachDifference(Other.Tables, [&](const std::string &N,
                                             const std::shared_ptr<Table> *A,
                                             const std::shared_ptr<Table> *B) {
    const Table *TA = A ? A->get() : nullptr, *TB = B ? B->get() : nullptr;
    if (TA != TB)
      F(N, TA, TB);
  });
}

void Schema::forEachIndexChange(
    const Schema &Other,
    llvm::function_ref<void(llvm::StringRef, const Index *, const Index *)> F)
    const {
  Indexes.forEachDifference(Other.Indexes,
                            [&](const std::string &N, const Index *A,
                                const Index *B) { F(N, A, B); });
}

std::vector<const Table *> Schema::tables() const {
  std::vector<const Table *> Out;
  for (auto [Name, T] : Tables.sorted())
    Out.push_back(T->get());
  return Out;
}

std::vector<llvm::StringRef> Schema::tableNames() const {
  std::vector<llvm::StringRef> Out;
  Tables.forEach([&](const std::string &N, const auto &) { Out.push_back(N); });
  std::sort(Out.begin(), Out.end());
  return Out;
}

const Index *Schema::findIndex(llvm::StringRef N) const {
  return Indexes.find(N);
}

Index *Schema::editIndex(llvm::StringRef N) { return Indexes.edit(N); }

bool Schema::addIndex(Index I) {
  std::string Name = I.Name, Table = I.Table;
  if (!Indexes.insert(Name, std::move(I)))
    return false;
  addTo(IndexesByTable, Table, Name);
  return true;
}

void Schema::removeIndex(llvm::StringRef N) {
  if (const Index *I = findIndex(N))
    removeFrom(IndexesByTable, std::string(I->Table), N);
  Indexes.erase(N);
}

std::vector<const Index *> Schema::indexes() const {
  std::vector<const Index *> Out;
  for (auto [Name, I] : Indexes.sorted())
    Out.push_back(I);
  return Out;
}

std::vector<const Index *> Schema::indexesOn(llvm::StringRef Table) const {
  std::vector<const Index *> Out;
  if (const std::vector<std::string> *Names = IndexesByTable.find(Table))
    for (const std::string &N : *Names)
      Out.push_back(findIndex(N));
  std::sort(Out.begin(), Out.end(),
            [](const Index *A, const Index *B) { return A->Name < B->Name; });
  return Out;
}

void Schema::registerConstraint(const Table &T, const Constraint &C) {
  if (C.Kind == ConstraintKind::ForeignKey)
    addTo(ReferencedBy, C.RefTable, T.Name);
  if (unsigned *N = ConstraintNames.edit(C.Name))
    ++*N;
  else
    ConstraintNames.insert(C.Name, 1);
  if (C.hasIndex())
    KeyIndexes.insert(C.Name, T.Name);
}

void Schema::unregisterConstraint(const Table &T, const Constraint &C) {
  if (C.Kind == ConstraintKind::ForeignKey)
    removeFrom(ReferencedBy, C.RefTable, T.Name);
  if (unsigned *N = ConstraintNames.edit(C.Name); N && --*N == 0)
    ConstraintNames.erase(C.Name);
  if (C.hasIndex())
    KeyIndexes.erase(C.Name);
}

void Schema::addConstraint(Table &T, Constraint C) {
  registerConstraint(T, C);
  T.Constraints.push_back(std::move(C));
}

void Schema::removeConstraint(Table &T, size_t I) {
  unregisterConstraint(T, T.Constraints[I]);
  T.Constraints.erase(T.Constraints.begin() + I);
}

std::optional<Schema::RelationHolder>
Schema::relationUsing(llvm::StringRef N) const {
  if (const Table *T = findTable(N))
    return RelationHolder{"table " + quote(N), T->Range, true, false};
  if (const Index *I = findIndex(N))
    return RelationHolder{"index " + quote(N) + " on " + quote(I->Table),
                          I->Range, false, false};
  if (const std::string *T = KeyIndexes.find(N)) {
    llvm::SMRange Where;
    if (const Table *Owner = findTable(*T))
      for (const Constraint &C : Owner->Constraints)
        if (C.Name == N)
          Where = C.Range;
    return RelationHolder{"the index of constraint " + quote(N) + " on " +
                              quote(*T),
                          Where, false, true};
  }
  return std::nullopt;
}

bool Schema::constraintNameUsed(llvm::StringRef N) const {
  return ConstraintNames.find(N) != nullptr;
}

std::vector<std::pair<const Table *, const Constraint *>>
Schema::referencesTo(llvm::StringRef Target) const {
  std::vector<std::pair<const Table *, const Constraint *>> Out;
  const std::vector<std::string> *From = ReferencedBy.find(Target);
  if (!From)
    return Out;
  std::vector<std::string> Names = *From;
  std::sort(Names.begin(), Names.end());
  Names.erase(std::unique(Names.begin(), Names.end()), Names.end());
  for (const std::string &N : Names)
    if (const Table *T = findTable(N))
      for (const Constraint &C : T->Constraints)
        if (C.Kind == ConstraintKind::ForeignKey && C.RefTable == Target)
          Out.push_back({T, &C});
  std::sort(Out.begin(), Out.end(), [](const auto &A, const auto &B) {
    return A.first->Name < B.first->Name;
  });
  return Out;
}

std::vector<std::pair<llvm::StringRef, const ast::Timeout *>>
timeoutSettings(const Migration &M) {
  std::vector<std::pair<llvm::StringRef, const ast::Timeout *>> Out;
  if (M.LockTimeout)
    Out.push_back({"lock_timeout", &*M.LockTimeout});
  if (M.StatementTimeout)
    Out.push_back({"statement_timeout", &*M.StatementTimeout});
  return Out;
}

bool forbidsTransaction(const Op &O) {
  if (O.Kind == OpKind::Update)
    return O.BatchSize.has_value();
  return O.Concurrently &&
         (O.Kind == OpKind::CreateIndex || O.Kind == OpKind::DropIndex);
}

bool runsInTransaction(const Migration &M, const std::vector<Op> &Block) {
  return !M.NoTransaction && llvm::none_of(Block, forbidsTransaction);
}

ColumnDependents columnDependents(const Schema &S, const Table &T,
                                  llvm::StringRef Column) {
  ColumnDependents D;
  for (const Index *I : S.indexesOn(T.Name)) {
    bool Uses = I->Where && usesColumn(*I->Where, Column);
    for (const IndexKey &K : I->Keys)
      Uses |= K.Column == Column;
    if (Uses)
      D.Indexes.push_back(I->Name);
  }
  for (const Constraint &C : T.Constraints)
    if (llvm::is_contained(C.Columns, Column) ||
        (C.Check && usesColumn(*C.Check, Column)))
      D.Constraints.push_back(C.Name);
  for (auto [From, FK] : S.referencesTo(T.Name))
    if (llvm::is_contained(FK->RefColumns, Column))
      D.ReferencedBy.emplace_back(From->Name, FK->Name);
  return D;
}

llvm::StringRef opName(OpKind K) {
  switch (K) {
#define MIGC_OP(Id, Text)                                                      \
  case OpKind::Id:                                                             \
    return Text;
#include "ir/Ops.def"
  }
  return "operation";
}

llvm::StringRef constraintKindName(ConstraintKind K) {
  switch (K) {
  case ConstraintKind::PrimaryKey:
    return "primary_key";
  case ConstraintKind::Unique:
    return "unique";
  case ConstraintKind::Check:
    return "check";
  case ConstraintKind::ForeignKey:
    return "foreign_key";
  }
  return "check";
}

llvm::StringRef refActionName(RefAction A) {
  switch (A) {
  case RefAction::NoAction:
    return "no action";
  case RefAction::Restrict:
    return "restrict";
  case RefAction::Cascade:
    return "cascade";
  case RefAction::SetNull:
    return "set null";
  case RefAction::SetDefault:
    return "set default";
  }
  return "no action";
}

llvm::SMRange Op::rowRange(unsigned R) const {
  if (R >= Rows.size() || Rows[R].empty())
    return Range;
  return {Rows[R].front()->Range.Start, Rows[R].back()->Range.End};
}

const ExprPtr *Op::given(unsigned R, const CowVector<Column> &Columns,
                         size_t I) const {
  if (R >= Rows.size() || I >= Columns.size())
    return nullptr;
  if (InsertColumns.empty())
    return I < Rows[R].size() ? &Rows[R][I] : nullptr;
  for (size_t J = 0; J < InsertColumns.size(); ++J)
    if (InsertColumns[J] == Columns[I].Name)
      return J < Rows[R].size() ? &Rows[R][J] : nullptr;
  return nullptr;
}

} // namespace migc::ir
