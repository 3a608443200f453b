//===- Schema.cpp - Look-ups in the schema model --------------------------===//

#include "ir/Schema.h"

#include "diag/Diagnostic.h"

namespace migc::ir {

Column *Table::findColumn(llvm::StringRef N) {
  for (Column &C : Columns)
    if (C.Name == N)
      return &C;
  return nullptr;
}

const Column *Table::findColumn(llvm::StringRef N) const {
  return const_cast<Table *>(this)->findColumn(N);
}

Constraint *Table::findConstraint(llvm::StringRef N) {
  for (Constraint &C : Constraints)
    if (C.Name == N)
      return &C;
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

Table *Schema::findTable(llvm::StringRef N) {
  auto It = Tables.find(N);
  return It == Tables.end() ? nullptr : &It->second;
}

const Table *Schema::findTable(llvm::StringRef N) const {
  return const_cast<Schema *>(this)->findTable(N);
}

const Index *Schema::findIndex(llvm::StringRef N) const {
  auto It = Indexes.find(N);
  return It == Indexes.end() ? nullptr : &It->second;
}

std::optional<std::string> Schema::relationUsing(llvm::StringRef N) const {
  if (findTable(N))
    return "table " + quote(N);
  if (const Index *I = findIndex(N))
    return "index " + quote(N) + " on " + quote(I->Table);
  for (const auto &[Name, T] : Tables)
    for (const Constraint &C : T.Constraints)
      if (C.hasIndex() && C.Name == N)
        return "the index of constraint " + quote(N) + " on " + quote(Name);
  return std::nullopt;
}

bool Schema::constraintNameUsed(llvm::StringRef N) const {
  for (const auto &[Name, T] : Tables)
    for (const Constraint &C : T.Constraints)
      if (C.Name == N)
        return true;
  return false;
}

std::vector<std::pair<const Table *, const Constraint *>>
Schema::referencesTo(llvm::StringRef Target) const {
  std::vector<std::pair<const Table *, const Constraint *>> Out;
  for (const auto &[Name, T] : Tables)
    for (const Constraint &C : T.Constraints)
      if (C.Kind == ConstraintKind::ForeignKey && C.RefTable == Target)
        Out.push_back({&T, &C});
  return Out;
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
  case ConstraintKind::PrimaryKey: return "primary_key";
  case ConstraintKind::Unique: return "unique";
  case ConstraintKind::Check: return "check";
  case ConstraintKind::ForeignKey: return "foreign_key";
  }
  return "check";
}

llvm::StringRef refActionName(RefAction A) {
  switch (A) {
  case RefAction::NoAction: return "no action";
  case RefAction::Restrict: return "restrict";
  case RefAction::Cascade: return "cascade";
  case RefAction::SetNull: return "set null";
  case RefAction::SetDefault: return "set default";
  }
  return "no action";
}

} // namespace migc::ir
