//===- TypeCheck.cpp - Types of expressions (spec section 6) --------------===//

#include "ir/TypeCheck.h"

#include <atomic>

namespace migc::ir {

static std::atomic<unsigned> SuggestionBudget{300};

bool suggestionsLeft() {
  return SuggestionBudget.load(std::memory_order_relaxed) != 0;
}

std::string didYouMean(llvm::StringRef Name,
                       llvm::ArrayRef<llvm::StringRef> Candidates) {
  // Each suggestion compares the name with every candidate; thousands of
  // unknown names against thousands of candidates would take minutes, and
  // past the error limit nobody reads them. The first few hundred get one.
  if (!suggestionsLeft())
    return "";
  SuggestionBudget.fetch_sub(1, std::memory_order_relaxed);
  // A name that differs only in case is almost surely the one meant.
  for (llvm::StringRef C : Candidates)
    if (C != Name && C.equals_insensitive(Name))
      return "; did you mean " + quote(C) + "?";
  // Clang's threshold: about a third of the name may differ.
  unsigned Best = (unsigned(Name.size()) + 2) / 3 + 1;
  llvm::StringRef Choice;
  std::string Lower = Name.lower();
  for (llvm::StringRef C : Candidates) {
    unsigned D = llvm::StringRef(Lower).edit_distance(C.lower(), true, Best);
    if (D < Best) {
      Best = D;
      Choice = C;
    }
  }
  return Choice.empty() ? "" : "; did you mean " + quote(Choice) + "?";
}

namespace {

Type errorType() { return Type::of(TypeKind::Error); }

class Checker {
public:
  Checker(const ColumnScope &S, DiagList &Diags) : S(S), Diags(Diags) {}

  Type check(Expr &E) {
    E.Ty = compute(E);
    return E.Ty;
  }

private:
  void error(const Expr &At, std::string Msg) {
    Diags.emplace_back(Rule::TypeMismatch, At.Range, std::move(Msg));
  }

  std::string describe(const Expr &E) {
    std::string Text = print(E);
    if (Text.size() > 40)
      Text = Text.substr(0, 40) + "...";
    return "`" + Text + "` (" + E.Ty.str() + ")";
  }

  Type &argType(Expr &E, size_t I) { return const_cast<Expr &>(*E.Args[I]).Ty; }

  Type checkArg(Expr &E, size_t I) {
    return check(const_cast<Expr &>(*E.Args[I]));
  }

  /// A string literal compared with or given to a value of type T must be
  /// one of T's values.
  void literalAgainst(const Expr &Lit, Type T) {
    if (Lit.Kind != ExprKind::StringLit || T.isString())
      return;
    if (std::optional<std::string> Why = literalFits(Lit.Text, true, T))
      Diags.emplace_back(Rule::TypeMismatch, Lit.Range, *Why);
  }

  Type compute(Expr &E) {
    switch (E.Kind) {
    case ExprKind::IntLit: {
      if (!literalFits(E.Text, false, Type::of(TypeKind::Int)))
        return Type::of(TypeKind::Int);
      if (!literalFits(E.Text, false, Type::of(TypeKind::BigInt)))
        return Type::of(TypeKind::BigInt);
      return Type::of(TypeKind::Decimal);
    }
    case ExprKind::DecimalLit:
      return Type::of(TypeKind::Decimal);
    case ExprKind::StringLit:
      return Type::of(TypeKind::Unknown);
    case ExprKind::BoolLit:
      return Type::of(TypeKind::Bool);
    case ExprKind::NullLit:
      return Type::of(TypeKind::Null);
    case ExprKind::CurrentDate:
      return Type::of(TypeKind::Date);
    case ExprKind::Column:
      return column(E);
    case ExprKind::Call:
      return call(E);
    case ExprKind::Unary:
      return unary(E);
    case ExprKind::Binary:
      return binary(E);
    case ExprKind::IsNull:
      checkArg(E, 0);
      return Type::of(TypeKind::Bool);
    case ExprKind::In:
    case ExprKind::Between:
      return membership(E);
    case ExprKind::Like:
      return like(E);
    case ExprKind::Case:
      return caseExpr(E);
    case ExprKind::Cast:
      return cast(E);
    }
    return errorType();
  }

  Type column(Expr &E) {
    if (!S.ColumnsAllowed) {
      Diags.emplace_back(Rule::TypeMismatch, E.Range,
                         std::string(S.What) + " cannot refer to column " +
                             quote(E.Column) +
                             "; it is computed without a row");
      return errorType();
    }
    for (const Column &C : S.Columns)
      if (C.Name == E.Column)
        return C.Ty;
    std::vector<llvm::StringRef> Names;
    for (const Column &C : S.Columns)
      Names.push_back(C.Name);
    Diags.emplace_back(Rule::UnknownColumn, E.Range,
                       "table " + quote(S.Table) + " has no column " +
                           quote(E.Column) + didYouMean(E.Column, Names));
    return errorType();
  }

  bool arity(Expr &E, size_t Min, size_t Max) {
    size_t N = E.Args.size();
    if (N >= Min && N <= Max)
      return true;
    std::string Want = Min == Max ? std::to_string(Min)
                       : Max == SIZE_MAX
                           ? "at least " + std::to_string(Min)
                           : std::to_string(Min) + " to " + std::to_string(Max);
    bool One = Min == 1 && (Max == 1 || Max == SIZE_MAX);
    error(E, "`" + E.Text + "` takes " + Want + " argument" + (One ? "" : "s") +
                 ", but is given " + std::to_string(N));
    return false;
  }

  Type call(Expr &E) {
    for (size_t I = 0; I < E.Args.size(); ++I)
      checkArg(E, I);
    llvm::StringRef F = E.Text;
    if (F == "now" || F == "clock_timestamp")
      return arity(E, 0, 0) ? Type::of(TypeKind::Timestamptz) : errorType();
    if (F == "random")
      return arity(E, 0, 0) ? Type::of(TypeKind::Double) : errorType();
    if (F == "gen_random_uuid")
      return arity(E, 0, 0) ? Type::of(TypeKind::Uuid) : errorType();
    if (F == "length" || F == "lower" || F == "upper" || F == "trim") {
      if (!arity(E, 1, 1))
        return errorType();
      Type A = argType(E, 0);
      bool Ok = A.isFlexible() || A.isString() ||
                (F == "length" && A.Kind == TypeKind::Bytes);
      if (!Ok) {
        error(*E.Args[0], "`" + F.str() + "` needs text, but " +
                              describe(*E.Args[0]) + " is not");
        return errorType();
      }
      return Type::of(F == "length" ? TypeKind::Int : TypeKind::Text);
    }
    if (F == "abs") {
      if (!arity(E, 1, 1))
        return errorType();
      Type A = argType(E, 0);
      if (!A.isFlexible() && !A.isNumeric()) {
        error(*E.Args[0],
              "`abs` needs a number, but " + describe(*E.Args[0]) + " is not");
        return errorType();
      }
      literalAgainst(*E.Args[0], Type::of(TypeKind::Decimal));
      return A.Kind == TypeKind::Unknown ? Type::of(TypeKind::Decimal) : A;
    }
    if (F == "coalesce" || F == "greatest" || F == "least")
      return arity(E, 1, SIZE_MAX) ? common(E, 0, 1) : errorType();
    if (F == "nullif") {
      if (!arity(E, 2, 2))
        return errorType();
      comparable(E, *E.Args[0], *E.Args[1]);
      return argType(E, 0);
    }
    Diags.emplace_back(
        Rule::UnknownFunction, E.Range,
        "unknown function " + quote(E.Text) +
            didYouMean(F, {"length", "lower", "upper", "trim", "abs",
                           "coalesce", "nullif", "greatest", "least", "now",
                           "clock_timestamp", "random", "gen_random_uuid"}));
    return errorType();
  }

  /// The common type of Args[From], Args[From+Step], ...
  Type common(Expr &E, size_t From, size_t Step, size_t End = SIZE_MAX) {
    End = std::min(End, E.Args.size());
    std::optional<Type> T = Type::of(TypeKind::Null);
    for (size_t I = From; I < End; I += Step) {
      std::optional<Type> Next = commonType(*T, argType(E, I));
      if (!Next) {
        error(*E.Args[I], describe(*E.Args[I]) + " does not match the other " +
                              "values, which are " + T->str());
        return errorType();
      }
      T = Next;
    }
    for (size_t I = From; I < End; I += Step)
      literalAgainst(*E.Args[I], *T);
    return *T;
  }

  void comparable(const Expr &At, const Expr &A, const Expr &B) {
    if (!isComparable(A.Ty, B.Ty)) {
      error(At, "cannot compare " + describe(A) + " with " + describe(B));
      return;
    }
    literalAgainst(A, B.Ty);
    literalAgainst(B, A.Ty);
  }

  bool expectBoolArg(const Expr &A, llvm::StringRef Op) {
    if (A.Ty.isFlexible() || A.Ty.Kind == TypeKind::Bool)
      return true;
    error(A,
          "`" + Op.str() + "` needs a boolean, but " + describe(A) + " is not");
    return false;
  }

  Type unary(Expr &E) {
    Type A = checkArg(E, 0);
    if (E.Op == OpCode::Not)
      return expectBoolArg(*E.Args[0], "not") ? Type::of(TypeKind::Bool)
                                              : errorType();
    if (A.isFlexible() || A.isNumeric())
      return A.Kind == TypeKind::Unknown ? Type::of(TypeKind::Decimal) : A;
    error(*E.Args[0],
          "a sign needs a number, but " + describe(*E.Args[0]) + " is not");
    return errorType();
  }

  Type binary(Expr &E) {
    Type L = checkArg(E, 0), R = checkArg(E, 1);
    const Expr &A = *E.Args[0], &B = *E.Args[1];
    switch (E.Op) {
    case OpCode::And:
    case OpCode::Or: {
      bool Ok = expectBoolArg(A, E.Op == OpCode::And ? "and" : "or");
      Ok &= expectBoolArg(B, E.Op == OpCode::And ? "and" : "or");
      return Ok ? Type::of(TypeKind::Bool) : errorType();
    }
    case OpCode::Eq:
    case OpCode::Ne:
    case OpCode::Lt:
    case OpCode::Le:
    case OpCode::Gt:
    case OpCode::Ge:
      comparable(E, A, B);
      return Type::of(TypeKind::Bool);
    case OpCode::Concat:
      if (L.isFlexible() || R.isFlexible() || L.isString() || R.isString())
        return Type::of(TypeKind::Text);
      error(E, "`||` joins text, but " + describe(A) + " and " + describe(B) +
                   " are not text");
      return errorType();
    default:
      return arithmetic(E, L, R);
    }
  }

  Type arithmetic(Expr &E, Type L, Type R) {
    if (L.isError() || R.isError())
      return errorType();
    // date + integer and date - integer move a date by days.
    if (L.Kind == TypeKind::Date && (R.isInteger() || R.isFlexible()) &&
        (E.Op == OpCode::Add || E.Op == OpCode::Sub))
      return L;
    auto Num = [](Type T) { return T.isNumeric() || T.isFlexible(); };
    if (!Num(L) || !Num(R)) {
      const Expr &Bad = Num(L) ? *E.Args[1] : *E.Args[0];
      error(Bad, "arithmetic needs numbers, but " + describe(Bad) + " is not");
      return errorType();
    }
    literalAgainst(*E.Args[0], Type::of(TypeKind::Decimal));
    literalAgainst(*E.Args[1], Type::of(TypeKind::Decimal));
    if (L.isFlexible() && R.isFlexible())
      return Type::of(TypeKind::Decimal);
    return commonType(L.isFlexible() ? R : L, R.isFlexible() ? L : R)
        .value_or(errorType());
  }

  Type membership(Expr &E) {
    for (size_t I = 0; I < E.Args.size(); ++I)
      checkArg(E, I);
    for (size_t I = 1; I < E.Args.size(); ++I)
      comparable(*E.Args[I], *E.Args[0], *E.Args[I]);
    return Type::of(TypeKind::Bool);
  }

  Type like(Expr &E) {
    for (size_t I = 0; I < 2; ++I) {
      Type T = checkArg(E, I);
      if (!T.isFlexible() && !T.isString()) {
        error(*E.Args[I], "`like` matches text, but " + describe(*E.Args[I]) +
                              " is not text");
        return errorType();
      }
    }
    return Type::of(TypeKind::Bool);
  }

  Type caseExpr(Expr &E) {
    size_t Pairs = (E.Args.size() - (E.HasElse ? 1 : 0)) / 2;
    for (size_t I = 0; I < E.Args.size(); ++I)
      checkArg(E, I);
    for (size_t I = 0; I < Pairs; ++I)
      expectBoolArg(*E.Args[2 * I], "when");
    Type T = common(E, 1, 2, 2 * Pairs);
    if (E.HasElse && !T.isError()) {
      std::optional<Type> All = commonType(T, argType(E, E.Args.size() - 1));
      if (!All) {
        error(*E.Args.back(), describe(*E.Args.back()) +
                                  " does not match the `then` values, which "
                                  "are " +
                                  T.str());
        return errorType();
      }
      T = *All;
      for (size_t I = 1; I < E.Args.size(); I += 2)
        literalAgainst(*E.Args[I], T);
      literalAgainst(*E.Args.back(), T);
    }
    return T;
  }

  Type cast(Expr &E) {
    Type From = checkArg(E, 0);
    if (E.CastType.isError())
      return errorType();
    if (!isCastable(From, E.CastType)) {
      error(E,
            "cannot cast " + describe(*E.Args[0]) + " to " + E.CastType.str());
      return errorType();
    }
    literalAgainst(*E.Args[0], E.CastType);
    return E.CastType;
  }

  const ColumnScope &S;
  DiagList &Diags;
};

std::shared_ptr<Expr> deepCopy(const Expr &E) {
  auto N = std::make_shared<Expr>(E);
  for (ExprPtr &A : N->Args)
    A = deepCopy(*A);
  return N;
}

} // namespace

ExprPtr typeCheck(const ast::Expr &E, const ColumnScope &S, DiagList &Diags) {
  std::shared_ptr<Expr> N = fromAst(E, &Diags);
  Checker(S, Diags).check(*N);
  return N;
}

ExprPtr retype(const Expr &E, const ColumnScope &S, DiagList &Diags) {
  std::shared_ptr<Expr> N = deepCopy(E);
  Checker(S, Diags).check(*N);
  return N;
}

/// An expression quoted for a message, shortened when long.
static std::string shortText(const Expr &E) {
  std::string Text = print(E);
  if (Text.size() > 40)
    Text = Text.substr(0, 40) + "...";
  return "`" + Text + "`";
}

void expectBool(const Expr &E, llvm::StringRef What, DiagList &Diags) {
  if (E.Ty.isFlexible() || E.Ty.Kind == TypeKind::Bool)
    return;
  Diags.emplace_back(Rule::TypeMismatch, E.Range,
                     What.str() + " must be a boolean condition, but " +
                         shortText(E) + " is " + E.Ty.str());
}

bool expectAssignable(const Expr &E, Type To, llvm::StringRef What,
                      DiagList &Diags) {
  if (!isAssignable(E.Ty, To)) {
    std::string T = To.str();
    bool Vowel = llvm::StringRef("aeiou").contains(T[0]);
    Diags.emplace_back(Rule::TypeMismatch, E.Range,
                       What.str() + " " + shortText(E) + " is " + E.Ty.str() +
                           ", which cannot be stored in " +
                           (Vowel ? "an " : "a ") + T + " column");
    return false;
  }
  bool IsLiteral = E.Kind == ExprKind::StringLit ||
                   E.Kind == ExprKind::IntLit || E.Kind == ExprKind::DecimalLit;
  if (!IsLiteral)
    return true;
  std::optional<std::string> Why =
      literalFits(E.Text, E.Kind == ExprKind::StringLit, To);
  if (!Why)
    return true;
  Diags.emplace_back(Rule::LiteralOutOfRange, E.Range,
                     What.str() + " does not fit the column: " + *Why);
  return false;
}

} // namespace migc::ir
