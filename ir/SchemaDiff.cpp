//===- SchemaDiff.cpp - Does `down` give back the schema before `up`? -----===//

#include "ir/Inverse.h"
#include "ir/OpPrinter.h"

#include "llvm/ADT/StringSet.h"

namespace migc::ir {

namespace {

class DownChecker {
public:
  DownChecker(llvm::SMRange DownAt, const std::vector<Touch> &UpTouches,
              const std::vector<Touch> &DownTouches, DiagList &Diags,
              llvm::ArrayRef<Op> Up)
      : DownAt(DownAt), UpTouches(UpTouches), DownTouches(DownTouches),
        Diags(Diags) {
    for (const Op &O : Up)
      if (O.Kind == OpKind::ValidateConstraint)
        Validated.insert("constraint:" + O.TableName + "." + O.Name);
  }

  void table(llvm::StringRef Name, const Table *Before, const Table *After);
  void index(llvm::StringRef Name, const Index *Before, const Index *After);

private:
  /// Reports at the down block; the note points at what `up` did to Key.
  void report(const std::string &Key, std::string Msg,
              Rule R = Rule::DownMismatch) {
    // A column or constraint of a table that was created or dropped whole
    // was touched through its table.
    std::string Owner = tableKeyOf(Key);
    llvm::SMRange At = DownAt;
    // In down, the last operation that changed it; in up, the first.
    if (const Touch *T = findWrite(DownTouches, Key, Owner, /*Last=*/true))
      At = T->At;
    Diagnostic &D = Diags.emplace_back(R, At, std::move(Msg));
    if (const Touch *T = findWrite(UpTouches, Key, Owner, /*Last=*/false))
      D.note(T->At, "`up` changes it here");
  }

  /// `column:t.c` and `constraint:t.k` belong to `table:t`.
  static std::string tableKeyOf(llvm::StringRef Key) {
    auto [Kind, Name] = Key.split(':');
    if (Kind != "column" && Kind != "constraint")
      return "";
    return "table:" + Name.split('.').first.str();
  }

  /// The first (or last) write of Key, else of its table.
  static const Touch *findWrite(const std::vector<Touch> &Ts,
                                llvm::StringRef Key, llvm::StringRef Owner,
                                bool Last) {
    const Touch *Found = nullptr, *OfOwner = nullptr;
    for (const Touch &T : Ts) {
      if (!T.Write)
        continue;
      if (T.Key == Key && (Last || !Found))
        Found = &T;
      else if (!Owner.empty() && T.Key == Owner && (Last || !OfOwner))
        OfOwner = &T;
    }
    return Found ? Found : OfOwner;
  }
  bool upWrote(const std::string &Key) const {
    return llvm::any_of(
        UpTouches, [&](const Touch &T) { return T.Key == Key && T.Write; });
  }
  void columns(const Table &B, const Table &A);
  void constraints(const Table &B, const Table &A);

  llvm::SMRange DownAt;
  const std::vector<Touch> &UpTouches, &DownTouches;
  DiagList &Diags;
  /// `constraint:t.k` of each constraint `up` validated.
  llvm::StringSet<> Validated;
};

/// Equal without printing: same fields, and the same shared check.
bool sameFields(const Constraint &A, const Constraint &B) {
  return A.Kind == B.Kind && A.Columns == B.Columns && A.Check == B.Check &&
         A.RefTable == B.RefTable && A.RefColumns == B.RefColumns &&
         A.OnDelete == B.OnDelete && A.OnUpdate == B.OnUpdate &&
         A.NotValid == B.NotValid;
}

std::string defaultText(const Column &C) {
  return C.Default ? "`" + print(*C.Default) + "`" : "no default";
}

void DownChecker::columns(const Table &B, const Table &A) {
  const std::string T = B.Name;
  for (const Column &CB : B.Columns) {
    std::string Key = "column:" + T + "." + CB.Name;
    std::string Name = quote(T + "." + CB.Name);
    const Column *CA = A.findColumn(CB.Name);
    if (!CA) {
      report(Key, "`down` does not restore column " + Name +
                      ", which existed before `up`");
      continue;
    }
    if (!(CA->Ty == CB.Ty))
      report(Key, "`down` restores " + Name + " as " + CA->Ty.str() +
                      ", but `up` found it " + CB.Ty.str());
    if (CA->Nullable != CB.Nullable)
      report(Key, "`down` leaves " + Name +
                      (CA->Nullable ? " nullable" : " not null") +
                      ", but `up` found it " +
                      (CB.Nullable ? "nullable" : "not null"));
    // Shared expressions are equal without printing them.
    if (CA->Default != CB.Default && defaultText(*CA) != defaultText(CB))
      report(Key, "`down` leaves " + Name + " with " + defaultText(*CA) +
                      ", but `up` found " + defaultText(CB));
    if (CA->Identity != CB.Identity)
      report(Key,
             "`down` leaves " + Name +
                 (CA->Identity ? " an identity column" : " without identity") +
                 ", unlike before `up`");
  }
  for (const Column &CA : A.Columns)
    if (!B.findColumn(CA.Name))
      report("column:" + T + "." + CA.Name,
             "`down` leaves column " + quote(T + "." + CA.Name) +
                 ", which did not exist before `up`");
  // Same columns, another order: worth knowing, harmless to queries that
  // name their columns.
  std::vector<std::string> OB, OA;
  for (const Column &C : B.Columns)
    if (A.findColumn(C.Name))
      OB.push_back(C.Name);
  for (const Column &C : A.Columns)
    if (B.findColumn(C.Name))
      OA.push_back(C.Name);
  if (OA != OB) {
    auto Join = [](const std::vector<std::string> &V) {
      std::string S;
      for (const std::string &N : V)
        S += (S.empty() ? "" : ", ") + N;
      return S;
    };
    report("table:" + T,
           "`down` restores the columns of " + quote(T) +
               " in another order: (" + Join(OA) + ") instead of (" + Join(OB) +
               ")",
           Rule::DownColumnOrder);
  }
}

void DownChecker::constraints(const Table &B, const Table &A) {
  const std::string T = B.Name;
  auto Text = [](const Constraint &C) {
    return printConstraintBody(C) + (C.NotValid ? " not valid" : "");
  };
  for (const Constraint &CB : B.Constraints) {
    std::string Key = "constraint:" + T + "." + CB.Name;
    const Constraint *CA = nullptr;
    for (const Constraint &K : A.Constraints)
      if (K.Name == CB.Name)
        CA = &K;
    if (!CA) {
      report(Key, "`down` does not restore constraint " + quote(CB.Name) +
                      " on " + quote(T) + " (" + Text(CB) + ")");
      continue;
    }
    // Left valid after `up` validated it: the rows were checked, and no
    // statement makes a constraint `not valid` again (decisions.md).
    Constraint Seen = *CA;
    if (CB.NotValid && !Seen.NotValid && Validated.count(Key))
      Seen.NotValid = true;
    if (!sameFields(Seen, CB) && Text(Seen) != Text(CB))
      report(Key, "`down` restores constraint " + quote(CB.Name) + " on " +
                      quote(T) + " as `" + Text(Seen) + "`, but `up` found `" +
                      Text(CB) + "`");
  }
  for (const Constraint &CA : A.Constraints)
    if (!llvm::any_of(B.Constraints,
                      [&](const Constraint &K) { return K.Name == CA.Name; }))
      report("constraint:" + T + "." + CA.Name,
             "`down` leaves constraint " + quote(CA.Name) + " on " + quote(T) +
                 ", which did not exist before `up`");
}

void DownChecker::table(llvm::StringRef Name, const Table *B, const Table *A) {
  std::string Key = "table:" + Name.str();
  if (!A) {
    report(Key, "`down` does not restore table " + quote(Name) +
                    ", which existed before `up`");
    return;
  }
  if (!B) {
    report(Key, upWrote(Key) ? "`down` does not drop table " + quote(Name) +
                                   ", which `up` created"
                             : "`down` leaves table " + quote(Name) +
                                   ", which did not exist before `up`");
    return;
  }
  columns(*B, *A);
  constraints(*B, *A);
}

void DownChecker::index(llvm::StringRef Name, const Index *B, const Index *A) {
  std::string Key = "index:" + Name.str();
  if (!A) {
    report(Key, "`down` does not restore index " + quote(Name) + " (" +
                    printCreateIndex(*B) + ")");
  } else if (!B) {
    report(Key, upWrote(Key) ? "`down` does not drop index " + quote(Name) +
                                   ", which `up` created"
                             : "`down` leaves index " + quote(Name) +
                                   ", which did not exist before `up`");
  } else if (printCreateIndex(*A) != printCreateIndex(*B)) {
    report(Key, "`down` restores index " + quote(Name) + " as `" +
                    printCreateIndex(*A) + "`, but `up` found `" +
                    printCreateIndex(*B) + "`");
  }
}

} // namespace

void checkDownRestores(const Schema &Before, const Schema &After,
                       llvm::SMRange DownAt,
                       const std::vector<Touch> &UpTouches,
                       const std::vector<Touch> &DownTouches, DiagList &Diags,
                       llvm::ArrayRef<Op> Up) {
  DownChecker C(DownAt, UpTouches, DownTouches, Diags, Up);
  // Both schemas come from one history: only what up and down rewrote is
  // compared, not the whole schema.
  Before.forEachTableChange(After, [&](llvm::StringRef N, const Table *B,
                                       const Table *A) { C.table(N, B, A); });
  Before.forEachIndexChange(After, [&](llvm::StringRef N, const Index *B,
                                       const Index *A) { C.index(N, B, A); });
}

} // namespace migc::ir
