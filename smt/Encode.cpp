//===- Encode.cpp - IR expressions as Z3 terms ----------------------------===//

#include "smt/Encode.h"

#include "ir/Literal.h"
#include "ir/SchemaPrinter.h"

#include "llvm/ADT/StringExtras.h"

#include <cstdio>

namespace migc::smt {

using namespace ir;
using ast::ExprKind;
using ast::OpCode;

namespace {

constexpr int64_t MicrosPerDay = 86400LL * 1000000LL;

/// "1" followed by N zeros.
std::string pow10(unsigned N) { return "1" + std::string(N, '0'); }

/// A number's text (`12.5`, `-3`, `1e3`, `.5`) as an exact rational
/// numeral Z3 reads (`125/10`).
std::optional<std::string> rational(llvm::StringRef Text) {
  std::optional<NumberText> N = parseNumber(Text);
  if (!N)
    return std::nullopt;
  return N->fraction();
}

int64_t daysFromCivil(int64_t Y, unsigned M, unsigned D) {
  // Howard Hinnant's algorithm; days since 1970-01-01.
  Y -= M <= 2;
  const int64_t Era = (Y >= 0 ? Y : Y - 399) / 400;
  const unsigned Yoe = unsigned(Y - Era * 400);
  const unsigned Doy = (153 * (M + (M > 2 ? -3 : 9)) + 2) / 5 + D - 1;
  const unsigned Doe = Yoe * 365 + Yoe / 4 - Yoe / 100 + Doy;
  return Era * 146097 + int64_t(Doe) - 719468;
}

void civilFromDays(int64_t Z, int64_t &Y, unsigned &M, unsigned &D) {
  Z += 719468;
  const int64_t Era = (Z >= 0 ? Z : Z - 146096) / 146097;
  const unsigned Doe = unsigned(Z - Era * 146097);
  const unsigned Yoe = (Doe - Doe / 1460 + Doe / 36524 - Doe / 146096) / 365;
  Y = int64_t(Yoe) + Era * 400;
  const unsigned Doy = Doe - (365 * Yoe + Yoe / 4 - Yoe / 100);
  const unsigned Mp = (5 * Doy + 2) / 153;
  D = Doy - (153 * Mp + 2) / 5 + 1;
  M = Mp < 10 ? Mp + 3 : Mp - 9;
  Y += M <= 2;
}

constexpr int64_t EpochShift = 10957; // days from 1970-01-01 to 2000-01-01

bool isDateTime(Type T) {
  return T.Kind == TypeKind::Date || T.Kind == TypeKind::Time ||
         T.Kind == TypeKind::Timestamp || T.Kind == TypeKind::Timestamptz;
}

/// SQL LIKE on ASCII text (PostgreSQL's backslash escape); nullopt when
/// either side is not ASCII.
std::optional<bool> likeMatches(llvm::StringRef Text, llvm::StringRef Pat) {
  auto Ascii = [](llvm::StringRef S) {
    return llvm::all_of(
        S, [](char C) { return static_cast<unsigned char>(C) < 0x80; });
  };
  if (!Ascii(Text) || !Ascii(Pat) || Text.size() > 4096 || Pat.size() > 4096)
    return std::nullopt;
  // Match[i][j]: Text[i..] matches Pat[j..].
  std::vector<std::vector<char>> Memo(Text.size() + 1,
                                      std::vector<char>(Pat.size() + 1, -1));
  std::function<bool(size_t, size_t)> Go = [&](size_t I, size_t J) -> bool {
    char &M = Memo[I][J];
    if (M >= 0)
      return M;
    bool R;
    if (J == Pat.size())
      R = I == Text.size();
    else if (Pat[J] == '%')
      R = Go(I, J + 1) || (I < Text.size() && Go(I + 1, J));
    else if (I == Text.size())
      R = false;
    else if (Pat[J] == '_')
      R = Go(I + 1, J + 1);
    else if (Pat[J] == '\\' && J + 1 < Pat.size())
      R = Text[I] == Pat[J + 1] && Go(I + 1, J + 2);
    else
      R = Text[I] == Pat[J] && Go(I + 1, J + 1);
    M = R;
    return R;
  };
  if (Text.size() * Pat.size() > 1000000)
    return std::nullopt;
  return Go(0, 0);
}

/// The integer numerals of E (the identities of the literals it may be).
std::vector<int64_t> literalsIn(const z3::expr &E) {
  std::vector<int64_t> Out;
  walkTerms({E}, [&](const z3::expr &X) {
    int64_t N;
    if (X.is_numeral() && X.is_int() && X.is_numeral_i64(N))
      Out.push_back(N);
    return Out.size() >= 64;
  });
  return Out;
}

} // namespace

void walkTerms(const std::vector<z3::expr> &Roots,
               llvm::function_ref<bool(const z3::expr &)> Visit) {
  std::set<unsigned> Seen;
  std::vector<z3::expr> Work(Roots.begin(), Roots.end());
  while (!Work.empty()) {
    z3::expr X = Work.back();
    Work.pop_back();
    if (!X.is_app() || !Seen.insert(Z3_get_ast_id(X.ctx(), X)).second)
      continue;
    if (Visit(X))
      return;
    for (unsigned I = 0; I < X.num_args(); ++I)
      Work.push_back(X.arg(I));
  }
}

Sort sortOf(Type T) {
  switch (T.Kind) {
  case TypeKind::SmallInt:
  case TypeKind::Int:
  case TypeKind::BigInt:
  case TypeKind::Date:
  case TypeKind::Time:
  case TypeKind::Timestamp:
  case TypeKind::Timestamptz:
    return Sort::Int;
  case TypeKind::Decimal:
  case TypeKind::Real:
  case TypeKind::Double:
    return Sort::Real;
  case TypeKind::Bool:
    return Sort::Bool;
  case TypeKind::Text:
  case TypeKind::Varchar:
  case TypeKind::Char:
  case TypeKind::Bytes:
  case TypeKind::Unknown:
    return Sort::Str;
  case TypeKind::Uuid:
  case TypeKind::Json:
    return Sort::Opaque;
  case TypeKind::Null:
  case TypeKind::Error:
    return Sort::Any;
  }
  return Sort::Any;
}

std::optional<int64_t> parseDateTime(llvm::StringRef Text, Type T) {
  Text = Text.trim();
  int64_t Micros = 0;
  if (T.Kind != TypeKind::Time) {
    unsigned Y, M, D;
    if (Text.size() < 10 || Text[4] != '-' || Text[7] != '-' ||
        Text.substr(0, 4).getAsInteger(10, Y) ||
        Text.substr(5, 2).getAsInteger(10, M) ||
        Text.substr(8, 2).getAsInteger(10, D) || M < 1 || M > 12 || D < 1 ||
        D > 31)
      return std::nullopt;
    Micros = (daysFromCivil(Y, M, D) - EpochShift) * MicrosPerDay;
    Text = Text.drop_front(10).ltrim(" T");
    if (T.Kind == TypeKind::Date || Text.empty())
      return Micros;
  }
  unsigned H = 0, Mi = 0, S = 0;
  if (Text.size() < 5 || Text[2] != ':' ||
      Text.substr(0, 2).getAsInteger(10, H) ||
      Text.substr(3, 2).getAsInteger(10, Mi))
    return std::nullopt;
  Text = Text.drop_front(5);
  if (Text.consume_front(":")) {
    if (Text.size() < 2 || Text.substr(0, 2).getAsInteger(10, S))
      return std::nullopt;
    Text = Text.drop_front(2);
  }
  int64_t Frac = 0;
  if (Text.consume_front(".")) {
    llvm::StringRef Digits = Text.take_while(llvm::isDigit);
    std::string Six = (Digits.take_front(6) + std::string(6, '0')).str();
    Frac = std::stoll(Six.substr(0, 6));
    Text = Text.drop_front(Digits.size());
  }
  // A time zone offset is accepted and ignored: comparisons between
  // literals of one zone keep their order.
  return Micros + ((int64_t(H) * 60 + Mi) * 60 + S) * 1000000 + Frac;
}

// ------------------------------------------------------------------ Terms

Terms::Terms() : Len(z3::function("len", Ctx.int_sort(), Ctx.int_sort())) {}

z3::expr Terms::literal(llvm::StringRef Text, std::vector<z3::expr> &Side,
                        bool WithFunctions) {
  auto [It, New] =
      LiteralIds.try_emplace(Text, int64_t(LiteralTexts.size()) + 1);
  if (New)
    LiteralTexts.push_back(Text.str());
  z3::expr Id = Ctx.int_val(It->second);
  Side.push_back(Len(Id) == Ctx.int_val(uint64_t(charCount(Text))));
  // What lower, upper and trim make of a literal is known (ASCII only:
  // other letters depend on the collation).
  if (WithFunctions && llvm::all_of(Text, [](char Ch) {
        return static_cast<unsigned char>(Ch) < 0x80;
      })) {
    auto Known = [&](const char *F, const std::string &Result) {
      z3::expr R = Result == Text ? Id : literal(Result, Side, false);
      Side.push_back(function(F, 1, Sort::Int)(Id) == R);
    };
    Known("lower", Text.lower());
    Known("upper", Text.upper());
    Known("trim", Text.trim(" ").str());
  }
  return Id;
}

std::optional<std::string> Terms::literalText(int64_t Id) const {
  if (Id >= 1 && size_t(Id) <= LiteralTexts.size())
    return LiteralTexts[size_t(Id) - 1];
  return std::nullopt;
}

z3::sort Terms::sort(Sort S) {
  switch (S) {
  case Sort::Real:
    return Ctx.real_sort();
  case Sort::Bool:
    return Ctx.bool_sort();
  default:
    return Ctx.int_sort();
  }
}

z3::expr Terms::fresh(Sort S, llvm::StringRef Hint) {
  std::string Name = (Hint + "!" + llvm::Twine(FreshCount++)).str();
  return Ctx.constant(Name.c_str(), sort(S));
}

z3::expr Terms::zero(Sort S) {
  switch (S) {
  case Sort::Real:
    return Ctx.real_val(0);
  case Sort::Bool:
    return Ctx.bool_val(false);
  default:
    return Ctx.int_val(0);
  }
}

z3::func_decl Terms::function(llvm::StringRef Name, unsigned Arity,
                              Sort Result) {
  z3::sort_vector Domain(Ctx);
  for (unsigned I = 0; I < Arity; ++I)
    Domain.push_back(Ctx.int_sort());
  return Ctx.function(Name.str().c_str(), Domain, sort(Result));
}

// ---------------------------------------------------------------- Encoder

Encoder::Encoder(Terms &T,
                 std::function<std::optional<Val>(llvm::StringRef)> Column)
    : T(T), C(T.Ctx), Column(std::move(Column)), Guard(T.Ctx.bool_val(true)) {}

z3::expr Encoder::error() {
  z3::expr R = C.bool_val(false);
  for (const z3::expr &E : Errors)
    R = mkOr(R, E);
  return R;
}

void Encoder::fail(const z3::expr &Cond) {
  // Not simplified: Z3's simplifier normalizes polynomials, which costs
  // exponential time on a long product.
  Errors.push_back(Guard.is_true() ? Cond : Guard && Cond);
}

z3::expr Encoder::isTrue(const Val &B) {
  if (B.S != Sort::Bool)
    return C.bool_val(false);
  return mkAnd(mkNot(B.Null), B.V);
}

z3::expr Encoder::passes(const Val &B) {
  if (B.S != Sort::Bool)
    return B.Null;
  return mkOr(B.Null, B.V);
}

Val Encoder::as(const Val &V, Sort S) {
  if (V.S == S)
    return V;
  if (V.S == Sort::Any)
    return {T.zero(S), V.Null, S};
  if (V.S == Sort::Int && S == Sort::Real)
    return {z3::to_real(V.V), V.Null, S};
  if (V.S == Sort::Real && S == Sort::Int)
    return {z3::expr(C, Z3_mk_real2int(C, round(V.V, 0))), V.Null, S};
  if (V.S == Sort::Bool && (S == Sort::Int || S == Sort::Real))
    return {z3::ite(V.V, T.zero(S) + 1, T.zero(S)), V.Null, S};
  if (S == Sort::Bool && (V.S == Sort::Int || V.S == Sort::Real))
    return {V.V != T.zero(V.S), V.Null, S};
  // Across families (text and numbers, say): nothing is known.
  return {T.fresh(S, "conv"), V.Null, S};
}

z3::expr Encoder::round(const z3::expr &Real, unsigned Scale) {
  // PostgreSQL rounds numeric half away from zero.
  z3::expr K = C.real_val(pow10(Scale).c_str());
  z3::expr Y = Real * K;
  z3::expr Half = C.real_val(1, 2);
  z3::expr Up = z3::expr(C, Z3_mk_real2int(C, Y + Half));
  z3::expr Down = z3::expr(C, Z3_mk_real2int(C, -Y + Half));
  z3::expr R = z3::ite(Y >= 0, Up, -Down);
  return z3::to_real(R) / K;
}

z3::expr Encoder::inRange(const z3::expr &V, Type Ty) {
  if (Ty.isInteger())
    return V >= C.int_val(Ty.minInt()) && V <= C.int_val(Ty.maxInt());
  if (Ty.Kind == TypeKind::Decimal && Ty.Length > 0) {
    z3::expr Bound = C.real_val(pow10(Ty.Length - Ty.Scale).c_str());
    return V > -Bound && V < Bound;
  }
  return C.bool_val(true);
}

z3::expr Encoder::domain(const Val &V, Type Ty) {
  if (V.S == Sort::Any)
    return C.bool_val(true);
  z3::expr D = C.bool_val(true);
  if (Ty.isInteger() && V.S == Sort::Int)
    D = inRange(V.V, Ty);
  else if (Ty.Kind == TypeKind::Decimal && Ty.Length > 0 && V.S == Sort::Real)
    D = inRange(V.V, Ty) &&
        z3::expr(C, Z3_mk_is_int(C, V.V * C.real_val(pow10(Ty.Scale).c_str())));
  else if (V.S == Sort::Str) {
    D = T.len(V.V) >= 0;
    if ((Ty.Kind == TypeKind::Varchar || Ty.Kind == TypeKind::Char) &&
        Ty.Length)
      D = D && T.len(V.V) <= C.int_val(uint64_t(Ty.Length));
  }
  return V.Null || D;
}

z3::expr Encoder::fits(const Val &V, Type Ty) {
  Sort S = sortOf(Ty);
  if (V.S == Sort::Any)
    return C.bool_val(true);
  if (Ty.isInteger()) {
    if (V.S == Sort::Int)
      return V.Null || inRange(V.V, Ty);
    if (V.S == Sort::Real)
      return V.Null ||
             inRange(z3::expr(C, Z3_mk_real2int(C, round(V.V, 0))), Ty);
  }
  if (Ty.Kind == TypeKind::Decimal && Ty.Length > 0 &&
      (V.S == Sort::Real || V.S == Sort::Int))
    return V.Null || inRange(round(as(V, Sort::Real).V, Ty.Scale), Ty);
  if (S == Sort::Str && V.S == Sort::Str &&
      (Ty.Kind == TypeKind::Varchar || Ty.Kind == TypeKind::Char) && Ty.Length)
    return V.Null || T.len(V.V) <= C.int_val(uint64_t(Ty.Length));
  return C.bool_val(true);
}

Val Encoder::store(const Val &V, Type Ty) {
  Sort S = sortOf(Ty);
  if (S == Sort::Any)
    return V;
  fail(!fits(V, Ty));
  Val Out = as(V, S);
  if (Ty.Kind == TypeKind::Decimal && Ty.Length > 0 && Out.S == Sort::Real)
    Out.V = round(Out.V, Ty.Scale);
  if (Ty.Kind == TypeKind::Date && Out.S == Sort::Int && V.S == Sort::Int)
    Out.V = Out.V; // timestamps stored as dates keep their value (documented)
  return Out;
}

Val Encoder::notV(const Val &A) {
  if (A.S != Sort::Bool)
    return {C.bool_val(false), A.Null, Sort::Bool};
  return {mkNot(A.V), A.Null, Sort::Bool};
}

Val Encoder::andV(const Val &A, const Val &B) {
  Val X = as(A, Sort::Bool), Y = as(B, Sort::Bool);
  z3::expr Null = mkOr(X.Null, Y.Null);
  if (!Null.is_false()) {
    z3::expr XF = mkAnd(mkNot(X.Null), mkNot(X.V));
    z3::expr YF = mkAnd(mkNot(Y.Null), mkNot(Y.V));
    Null = mkAnd(mkAnd(mkNot(XF), mkNot(YF)), Null);
  }
  return {mkAnd(X.V, Y.V), Null, Sort::Bool};
}

Val Encoder::orV(const Val &A, const Val &B) {
  Val X = as(A, Sort::Bool), Y = as(B, Sort::Bool);
  z3::expr XT = mkAnd(mkNot(X.Null), X.V), YT = mkAnd(mkNot(Y.Null), Y.V);
  z3::expr Null = mkOr(X.Null, Y.Null);
  if (!Null.is_false())
    Null = mkAnd(mkAnd(mkNot(XT), mkNot(YT)), Null);
  return {mkOr(XT, YT), Null, Sort::Bool};
}

Val Encoder::ite(const z3::expr &Cond, const Val &A, const Val &B, Sort S) {
  Val X = as(A, S), Y = as(B, S);
  return {z3::ite(Cond, X.V, Y.V), z3::ite(Cond, X.Null, Y.Null), S};
}

/// Brings two values to one sort (Int and Real meet in Real).
Val Encoder::unify(Val A, Val &B) {
  if (A.S == B.S)
    return A;
  if (A.S == Sort::Any)
    return as(A, B.S);
  if (B.S == Sort::Any) {
    B = as(B, A.S);
    return A;
  }
  if ((A.S == Sort::Int || A.S == Sort::Real) &&
      (B.S == Sort::Int || B.S == Sort::Real)) {
    B = as(B, Sort::Real);
    return as(A, Sort::Real);
  }
  B = as(B, A.S);
  return A;
}

Val Encoder::compare(OpCode Op, Val A, Val B) {
  A = unify(A, B);
  z3::expr Null = mkOr(A.Null, B.Null);
  z3::expr Eq = A.V == B.V;
  auto Ordered = [&](const z3::expr &L, const z3::expr &R, bool Strict) {
    if (A.S == Sort::Int || A.S == Sort::Real)
      return Strict ? L < R : L <= R;
    if (A.S == Sort::Bool)
      return Strict ? (!L && R) : (!L || R);
    // Text order depends on the collation: an uninterpreted order.
    z3::func_decl Lt = T.function("text_lt", 2, Sort::Bool);
    return Strict ? Lt(L, R) : (Lt(L, R) || L == R);
  };
  z3::expr V = C.bool_val(false);
  switch (Op) {
  case OpCode::Eq:
    V = Eq;
    break;
  case OpCode::Ne:
    V = !Eq;
    break;
  case OpCode::Lt:
    V = Ordered(A.V, B.V, true);
    break;
  case OpCode::Le:
    V = Ordered(A.V, B.V, false);
    break;
  case OpCode::Gt:
    V = Ordered(B.V, A.V, true);
    break;
  case OpCode::Ge:
    V = Ordered(B.V, A.V, false);
    break;
  default:
    break;
  }
  return {V, Null, Sort::Bool};
}

Val Encoder::typedString(llvm::StringRef Text, Type Ty) {
  z3::expr F = C.bool_val(false);
  switch (sortOf(Ty)) {
  case Sort::Int:
    if (isDateTime(Ty)) {
      if (std::optional<int64_t> V = parseDateTime(Text, Ty))
        return {C.int_val(*V), F, Sort::Int};
      return {T.fresh(Sort::Int, "special"), F, Sort::Int};
    }
    [[fallthrough]];
  case Sort::Real:
    if (std::optional<std::string> R = rational(Text.trim()))
      return as({C.real_val(R->c_str()), F, Sort::Real}, sortOf(Ty));
    return {T.fresh(sortOf(Ty), "lit"), F, sortOf(Ty)};
  case Sort::Bool: {
    std::string L = Text.trim().lower();
    if (L == "true" || L == "t" || L == "yes" || L == "on" || L == "1")
      return {C.bool_val(true), F, Sort::Bool};
    if (L == "false" || L == "f" || L == "no" || L == "off" || L == "0")
      return {C.bool_val(false), F, Sort::Bool};
    return {T.fresh(Sort::Bool, "lit"), F, Sort::Bool};
  }
  case Sort::Opaque:
    return {T.literal((Ty.Kind == TypeKind::Uuid ? "uuid:" : "json:") +
                          Text.lower(),
                      Side),
            F, Sort::Opaque};
  default:
    return {T.literal(Text, Side), F, Sort::Str};
  }
}

Val Encoder::literal(const Expr &E, std::optional<Type> Hint) {
  z3::expr F = C.bool_val(false);
  switch (E.Kind) {
  case ExprKind::IntLit:
  case ExprKind::DecimalLit: {
    std::optional<std::string> R = rational(E.Text);
    if (!R)
      return {T.fresh(Sort::Real, "lit"), F, Sort::Real};
    Val V{C.real_val(R->c_str()), F, Sort::Real};
    if (E.Kind == ExprKind::IntLit && E.Ty.Kind != TypeKind::Decimal)
      V = {C.int_val(E.Text.c_str()), F, Sort::Int};
    if (Hint && sortOf(*Hint) == Sort::Real)
      return as(V, Sort::Real);
    return V;
  }
  case ExprKind::StringLit: {
    Type Ty = Hint && !Hint->isFlexible() ? *Hint : Type::of(TypeKind::Text);
    return typedString(E.Text, Ty);
  }
  case ExprKind::BoolLit:
    return {C.bool_val(E.Text == "true"), F, Sort::Bool};
  default:
    return {T.zero(Sort::Int), C.bool_val(true), Sort::Any};
  }
}

Val Encoder::encode(const Expr &E, std::optional<Type> Hint) {
  z3::expr F = C.bool_val(false);
  switch (E.Kind) {
  case ExprKind::IntLit:
  case ExprKind::DecimalLit:
  case ExprKind::StringLit:
  case ExprKind::BoolLit:
  case ExprKind::NullLit:
    return literal(E, Hint);
  case ExprKind::Column:
    if (std::optional<Val> V = Column(E.Column))
      return *V;
    return {T.fresh(sortOf(E.Ty), "col"), T.fresh(Sort::Bool, "colnull"),
            sortOf(E.Ty)};
  case ExprKind::CurrentDate:
    return {T.fresh(Sort::Int, "today"), F, Sort::Int};
  case ExprKind::Call:
    return call(E);
  case ExprKind::Unary: {
    if (E.Op == OpCode::Not)
      return notV(encode(*E.Args[0]));
    Val A = encode(*E.Args[0], E.Ty);
    if (E.Op == OpCode::Plus || (A.S != Sort::Int && A.S != Sort::Real))
      return A;
    Val R{-A.V, A.Null, A.S};
    if (E.Ty.isInteger() && R.S == Sort::Int)
      fail(!R.Null && !inRange(R.V, E.Ty));
    return R;
  }
  case ExprKind::Binary:
    return binary(E);
  case ExprKind::IsNull: {
    Val A = encode(*E.Args[0]);
    return {E.Negated ? !A.Null : A.Null, F, Sort::Bool};
  }
  case ExprKind::In: {
    // Built flat: true if some comparison is true, NULL if none is but
    // one is NULL. (Nested ORs would grow with every item of a long list.)
    Val X = encode(*E.Args[0], E.Args.size() > 1 ? E.Args[1]->Ty : Type());
    z3::expr_vector Trues(C), Nulls(C);
    // Integer literals become ranges: `in (0, 1, ..., 99999)` is one.
    std::vector<int64_t> Ints;
    for (size_t I = 1; I < E.Args.size(); ++I) {
      int64_t N;
      if (X.S != Sort::Int || E.Args[I]->Kind != ExprKind::IntLit ||
          llvm::StringRef(E.Args[I]->Text).getAsInteger(10, N))
        break;
      Ints.push_back(N);
    }
    if (E.Args.size() > 8 && Ints.size() + 1 == E.Args.size()) {
      llvm::sort(Ints);
      for (size_t I = 0; I < Ints.size();) {
        size_t J = I;
        while (J + 1 < Ints.size() && Ints[J + 1] - Ints[J] <= 1)
          ++J;
        Trues.push_back(Ints[I] == Ints[J] ? X.V == C.int_val(Ints[I])
                                           : X.V >= C.int_val(Ints[I]) &&
                                                 X.V <= C.int_val(Ints[J]));
        I = J + 1;
      }
      z3::expr AnyTrue = mkAnd(mkNot(X.Null), z3::mk_or(Trues));
      Val R{AnyTrue, X.Null, Sort::Bool};
      return E.Negated ? notV(R) : R;
    }
    if (E.Args.size() > 16 * MaxCaseBranches)
      return {T.fresh(Sort::Bool, "approx_in"),
              T.fresh(Sort::Bool, "approx_in_null"), Sort::Bool};
    for (size_t I = 1; I < E.Args.size(); ++I) {
      Val Eq = compare(OpCode::Eq, X, encode(*E.Args[I], E.Args[0]->Ty));
      Trues.push_back(mkAnd(mkNot(Eq.Null), Eq.V));
      if (!Eq.Null.is_false())
        Nulls.push_back(Eq.Null);
    }
    z3::expr AnyTrue = Trues.empty() ? F : z3::mk_or(Trues);
    z3::expr Null = Nulls.empty() ? F : mkAnd(mkNot(AnyTrue), z3::mk_or(Nulls));
    Val R{AnyTrue, Null, Sort::Bool};
    return E.Negated ? notV(R) : R;
  }
  case ExprKind::Between: {
    Type XT = E.Args[0]->Ty;
    Val X = encode(*E.Args[0], E.Args[1]->Ty);
    Val R = andV(compare(OpCode::Ge, X, encode(*E.Args[1], XT)),
                 compare(OpCode::Le, X, encode(*E.Args[2], XT)));
    return E.Negated ? notV(R) : R;
  }
  case ExprKind::Like: {
    Val X = as(encode(*E.Args[0]), Sort::Str);
    const Expr &P = *E.Args[1];
    Val R{C.bool_val(false), F, Sort::Bool};
    if (P.Kind != ExprKind::StringLit) {
      Val Pat = as(encode(P), Sort::Str);
      R = {T.function("like", 2, Sort::Bool)(X.V, Pat.V), X.Null || Pat.Null,
           Sort::Bool};
    } else {
      // PostgreSQL's default escape character is the backslash.
      std::string Plain;
      unsigned Fixed = 0;
      bool Percent = false, Underscore = false;
      for (size_t I = 0; I < P.Text.size(); ++I) {
        char Ch = P.Text[I];
        if (Ch == '\\' && I + 1 < P.Text.size()) {
          Plain += P.Text[++I];
          ++Fixed;
        } else if (Ch == '%') {
          Percent = true;
        } else if (Ch == '_') {
          Underscore = true;
          ++Fixed;
        } else {
          Plain += Ch;
          if ((static_cast<unsigned char>(Ch) & 0xC0) != 0x80)
            ++Fixed;
        }
      }
      if (!Percent && !Underscore) {
        R = {X.V == T.literal(Plain, Side), X.Null, Sort::Bool};
      } else {
        std::string Name = "like:" + P.Text;
        z3::func_decl Like = T.function(Name, 1, Sort::Bool);
        z3::expr M = Like(X.V);
        z3::expr N = C.int_val(Fixed);
        Side.push_back(
            z3::implies(M, Percent ? T.len(X.V) >= N : T.len(X.V) == N));
        // The literals the value can be (a backfill's, say) match or not.
        for (int64_t Id : literalsIn(X.V))
          if (std::optional<std::string> Text = T.literalText(Id))
            if (std::optional<bool> Match = likeMatches(*Text, P.Text))
              Side.push_back(Like(C.int_val(Id)) == C.bool_val(*Match));
        R = {M, X.Null, Sort::Bool};
      }
    }
    return E.Negated ? notV(R) : R;
  }
  case ExprKind::Case: {
    Sort S = sortOf(E.Ty);
    size_t Pairs = (E.Args.size() - (E.HasElse ? 1 : 0)) / 2;
    if (Pairs > MaxCaseBranches) {
      // Z3 takes time quadratic in a long chain of ite: an unknown value
      // stands for it (answers that rest on it are not taken as proofs).
      Sort K = S == Sort::Any ? Sort::Int : S;
      return {T.fresh(K, "approx_case"),
              T.fresh(Sort::Bool, "approx_case_null"), K};
    }
    z3::expr Saved = Guard;
    std::vector<z3::expr> Conds, NoneBefore;
    z3::expr None = C.bool_val(true);
    for (size_t I = 0; I < Pairs; ++I) {
      NoneBefore.push_back(None);
      Guard = mkAnd(Saved, None);
      Conds.push_back(isTrue(encode(*E.Args[2 * I])));
      None = mkAnd(None, mkNot(Conds.back()));
    }
    Val R{T.zero(S == Sort::Any ? Sort::Int : S), C.bool_val(true), S};
    if (E.HasElse) {
      Guard = mkAnd(Saved, None);
      R = as(encode(*E.Args.back(), E.Ty), S);
    }
    for (size_t I = Pairs; I-- > 0;) {
      Guard = mkAnd(mkAnd(Saved, NoneBefore[I]), Conds[I]);
      R = ite(Conds[I], encode(*E.Args[2 * I + 1], E.Ty), R, S);
    }
    Guard = Saved;
    return R;
  }
  case ExprKind::Cast: {
    Val A = encode(*E.Args[0], E.CastType);
    return cast(A, E.Args[0]->Ty, E.CastType);
  }
  }
  return {T.fresh(Sort::Int), F, Sort::Int};
}

Val Encoder::binary(const Expr &E) {
  OpCode Op = E.Op;
  if (Op == OpCode::And || Op == OpCode::Or) {
    Val A = encode(*E.Args[0]), B = encode(*E.Args[1]);
    return Op == OpCode::And ? andV(A, B) : orV(A, B);
  }
  const Expr &LE = *E.Args[0], &RE = *E.Args[1];
  if (Op >= OpCode::Eq && Op <= OpCode::Ge)
    return compare(Op, encode(LE, RE.Ty), encode(RE, LE.Ty));
  if (Op == OpCode::Concat) {
    auto Text = [&](const Expr &X) {
      Val V = encode(X, Type::of(TypeKind::Text));
      if (V.S == Sort::Str || V.S == Sort::Any)
        return as(V, Sort::Str);
      z3::expr S = T.function("to_text", 1, Sort::Int)(as(V, Sort::Int).V);
      Side.push_back(T.len(S) >= 0);
      return Val{S, V.Null, Sort::Str};
    };
    Val A = Text(LE), B = Text(RE);
    z3::expr R = T.function("concat", 2, Sort::Int)(A.V, B.V);
    Side.push_back(T.len(R) == T.len(A.V) + T.len(B.V));
    return {R, A.Null || B.Null, Sort::Str};
  }
  // Arithmetic, in the expression's type: integer, numeric or a date.
  Sort S = sortOf(E.Ty);
  if (S != Sort::Int && S != Sort::Real)
    S = Sort::Real;
  Val A = as(encode(LE, E.Ty), S), B = as(encode(RE, E.Ty), S);
  z3::expr Null = mkOr(A.Null, B.Null);
  if (E.Ty.Kind == TypeKind::Date && S == Sort::Int &&
      (Op == OpCode::Add || Op == OpCode::Sub)) {
    z3::expr Days = B.V * C.int_val(MicrosPerDay);
    return {Op == OpCode::Add ? A.V + Days : A.V - Days, Null, S};
  }
  z3::expr Zero = T.zero(S);
  z3::expr R = Zero;
  if ((Op == OpCode::Mul || Op == OpCode::Div || Op == OpCode::Mod) &&
      !B.V.is_numeral() && !A.V.is_numeral() && ++NonLinear > MaxNonLinear) {
    if (Op != OpCode::Mul)
      fail(!Null && B.V == Zero);
    std::string Name = std::string("approx_") +
                       (Op == OpCode::Mul   ? "mul"
                        : Op == OpCode::Div ? "div"
                                            : "mod") +
                       (S == Sort::Int ? "_int" : "_real");
    z3::sort_vector Domain(C);
    Domain.push_back(T.sort(S));
    Domain.push_back(T.sort(S));
    R = C.function(Name.c_str(), Domain, T.sort(S))(A.V, B.V);
    if (E.Ty.isInteger() && S == Sort::Int)
      fail(!Null && !inRange(R, E.Ty));
    return {R, Null, S};
  }
  switch (Op) {
  case OpCode::Add:
    R = A.V + B.V;
    break;
  case OpCode::Sub:
    R = A.V - B.V;
    break;
  case OpCode::Mul:
    R = A.V * B.V;
    break;
  case OpCode::Div:
  case OpCode::Mod:
    fail(!Null && B.V == Zero);
    if (S == Sort::Int) {
      // Truncation toward zero (Z3's div is Euclidean).
      z3::expr AbsA = z3::ite(A.V >= 0, A.V, -A.V);
      z3::expr AbsB = z3::ite(B.V >= 0, B.V, -B.V);
      z3::expr Q0 = z3::ite(B.V == Zero, Zero, AbsA / AbsB);
      z3::expr Q = z3::ite((A.V >= 0) == (B.V > 0), Q0, -Q0);
      R = Op == OpCode::Div ? Q : A.V - B.V * Q;
    } else if (Op == OpCode::Div) {
      R = A.V / B.V;
    } else {
      z3::expr Q = A.V / B.V;
      z3::expr QT = z3::ite(Q >= 0, z3::expr(C, Z3_mk_real2int(C, Q)),
                            -z3::expr(C, Z3_mk_real2int(C, -Q)));
      R = A.V - B.V * z3::to_real(QT);
    }
    break;
  default:
    break;
  }
  if (E.Ty.isInteger() && S == Sort::Int)
    fail(!Null && !inRange(R, E.Ty));
  return {R, Null, S};
}

Val Encoder::call(const Expr &E) {
  const std::string &F = E.Text;
  z3::expr False = C.bool_val(false);
  if (F == "now")
    return {T.fresh(Sort::Int, "now"), False, Sort::Int};
  // A volatile function gives each call its own value, never NULL: a fresh
  // term per encoding, about which nothing is known beyond its sort.
  if (F == "clock_timestamp")
    return {T.fresh(Sort::Int, "clock"), False, Sort::Int};
  if (F == "random")
    return {T.fresh(Sort::Real, "random"), False, Sort::Real};
  if (F == "gen_random_uuid")
    return {T.fresh(Sort::Opaque, "uuid"), False, Sort::Opaque};
  if (F == "length" && !E.Args.empty()) {
    Val A = encode(*E.Args[0], Type::of(TypeKind::Text));
    if (A.S != Sort::Str)
      return {T.fresh(Sort::Int, "length"), A.Null, Sort::Int};
    return {T.len(A.V), A.Null, Sort::Int};
  }
  if ((F == "lower" || F == "upper" || F == "trim") && !E.Args.empty()) {
    Val A = as(encode(*E.Args[0], Type::of(TypeKind::Text)), Sort::Str);
    z3::expr R = T.function(F, 1, Sort::Int)(A.V);
    // The empty string is the only one of length 0.
    Side.push_back(z3::implies(T.len(A.V) == 0, R == A.V));
    if (F == "trim")
      Side.push_back(T.len(R) <= T.len(A.V) && T.len(R) >= 0);
    else
      Side.push_back(T.len(R) == T.len(A.V));
    return {R, A.Null, Sort::Str};
  }
  if (F == "abs" && !E.Args.empty()) {
    Val A = encode(*E.Args[0], E.Ty);
    if (A.S != Sort::Int && A.S != Sort::Real)
      return A;
    Val R{z3::ite(A.V < T.zero(A.S), -A.V, A.V), A.Null, A.S};
    if (E.Ty.isInteger())
      fail(!R.Null && !inRange(R.V, E.Ty));
    return R;
  }
  Sort S = sortOf(E.Ty);
  if (E.Args.size() > MaxCaseBranches) {
    // As for a long `case`: an unknown value stands for it.
    Sort K = S == Sort::Any ? Sort::Int : S;
    return {T.fresh(K, "approx_call"), T.fresh(Sort::Bool, "approx_call_null"),
            K};
  }
  if (F == "coalesce" && !E.Args.empty()) {
    Val R = as(encode(*E.Args.back(), E.Ty), S);
    for (size_t I = E.Args.size() - 1; I-- > 0;) {
      Val A = as(encode(*E.Args[I], E.Ty), S);
      R = ite(!A.Null, A, R, S);
    }
    return R;
  }
  if (F == "nullif" && E.Args.size() == 2) {
    Val A = encode(*E.Args[0], E.Args[1]->Ty);
    Val Same = compare(OpCode::Eq, A, encode(*E.Args[1], E.Args[0]->Ty));
    return {A.V, A.Null || isTrue(Same), A.S};
  }
  if ((F == "greatest" || F == "least") && !E.Args.empty()) {
    // PostgreSQL ignores NULL arguments; NULL only when all are.
    Val R = as(encode(*E.Args[0], E.Ty), S);
    for (size_t I = 1; I < E.Args.size(); ++I) {
      Val A = as(encode(*E.Args[I], E.Ty), S);
      z3::expr ABetter =
          isTrue(compare(F == "greatest" ? OpCode::Gt : OpCode::Lt, A, R));
      z3::expr TakeA = (R.Null && !A.Null) || ABetter;
      R = ite(TakeA, A, R, S);
    }
    return R;
  }
  return {T.fresh(S == Sort::Any ? Sort::Int : S, "call"),
          T.fresh(Sort::Bool, "callnull"), S == Sort::Any ? Sort::Int : S};
}

Val Encoder::cast(const Val &A, Type From, Type To) {
  Sort S = sortOf(To);
  if (S == Sort::Any || A.S == Sort::Any)
    return as(A, S == Sort::Any ? A.S : S);
  if (To.isInteger() || (To.Kind == TypeKind::Decimal && To.Length > 0)) {
    if (A.S == Sort::Int || A.S == Sort::Real) {
      fail(!fits(A, To));
      Val R = as(A, S);
      if (S == Sort::Real && To.Kind == TypeKind::Decimal)
        R.V = round(R.V, To.Scale);
      return R;
    }
  }
  if (S == Sort::Str && A.S == Sort::Bool) {
    return {z3::ite(A.V, T.literal("true", Side), T.literal("false", Side)),
            A.Null, Sort::Str};
  }
  if (S == Sort::Str && A.S == Sort::Str) {
    if ((To.Kind == TypeKind::Varchar || To.Kind == TypeKind::Char) &&
        To.Length) {
      // An explicit cast cuts the string to the length.
      z3::expr R =
          T.function("cut" + std::to_string(To.Length), 1, Sort::Int)(A.V);
      z3::expr N = C.int_val(uint64_t(To.Length));
      Side.push_back(T.len(R) == z3::ite(T.len(A.V) <= N, T.len(A.V), N));
      Side.push_back(z3::implies(T.len(A.V) <= N, R == A.V));
      return {R, A.Null, Sort::Str};
    }
    return A;
  }
  if (S == Sort::Str || S == Sort::Opaque) {
    std::string Name = "cast_" + std::to_string(unsigned(A.S)) + "_" +
                       std::to_string(unsigned(S));
    z3::expr R = T.function(Name, 1, Sort::Int)(as(A, Sort::Int).V);
    if (S == Sort::Str) {
      // How long the text of a value can be: `-9223372036854775808` has 20
      // characters, a numeric its digits, sign and point, a timestamp 32.
      unsigned Max = 0;
      if (From.isInteger())
        Max = 20;
      else if (From.Kind == TypeKind::Decimal && From.Length)
        Max = From.Length + 2;
      else if (From.Kind == TypeKind::Real || From.Kind == TypeKind::Double)
        Max = 24;
      else if (isDateTime(From))
        Max = 40;
      else if (From.Kind == TypeKind::Uuid)
        Max = 36;
      Side.push_back(T.len(R) >= (A.S == Sort::Str ? 0 : 1));
      if (Max)
        Side.push_back(T.len(R) <= C.int_val(Max));
    }
    return {R, A.Null, S};
  }
  if (isDateTime(To) && A.S == Sort::Int && isDateTime(From))
    return A;
  return as(A, S);
}

// ------------------------------------------------------------ model values

std::string showValue(Terms &T, const z3::expr &V, Type Ty, const z3::model &M,
                      const Applications *Applied, bool ByLength) {
  z3::expr X = M.eval(V, true);
  Sort S = sortOf(Ty);
  if (S == Sort::Bool)
    return X.is_true() ? "true" : "false";
  if (S == Sort::Real) {
    std::string D = X.get_decimal_string(12);
    if (!D.empty() && D.back() == '?')
      D.pop_back();
    return D;
  }
  int64_t N = 0;
  bool Small = X.is_numeral_i64(N);
  if (S == Sort::Int) {
    if (!isDateTime(Ty) || !Small)
      return X.get_decimal_string(0);
    int64_t Days =
        N >= 0 ? N / MicrosPerDay : -((-N + MicrosPerDay - 1) / MicrosPerDay);
    int64_t Rest = N - Days * MicrosPerDay;
    char Buf[64];
    int64_t Y;
    unsigned Mo, D;
    civilFromDays(Days + EpochShift, Y, Mo, D);
    long long Secs = Rest / 1000000;
    if (Ty.Kind == TypeKind::Date) {
      snprintf(Buf, sizeof Buf, "'%04lld-%02u-%02u'", (long long)Y, Mo, D);
    } else if (Ty.Kind == TypeKind::Time) {
      snprintf(Buf, sizeof Buf, "'%02lld:%02lld:%02lld'", Secs / 3600 % 24,
               Secs / 60 % 60, Secs % 60);
    } else {
      snprintf(Buf, sizeof Buf, "'%04lld-%02u-%02u %02lld:%02lld:%02lld'",
               (long long)Y, Mo, D, Secs / 3600, Secs / 60 % 60, Secs % 60);
    }
    return Buf;
  }
  auto Quote = [](llvm::StringRef Text) { return quoteLiteral(Text); };
  if (Small)
    if (std::optional<std::string> Lit = T.literalText(N)) {
      llvm::StringRef L(*Lit);
      if (S == Sort::Opaque)
        L = L.split(':').second;
      // Identities are numbers: one that a literal of another query owns
      // stands for that literal only if the lengths agree.
      int64_t Len = -1;
      size_t Chars = 0;
      for (char Ch : *Lit)
        Chars += (static_cast<unsigned char>(Ch) & 0xC0) != 0x80;
      if (S == Sort::Opaque ||
          (M.eval(T.len(V), true).is_numeral_i64(Len) && size_t(Len) == Chars))
        return Quote(L);
    }
  if (S == Sort::Opaque) {
    char Buf[64];
    if (Ty.Kind == TypeKind::Uuid) {
      snprintf(Buf, sizeof Buf, "'00000000-0000-4000-8000-%012llx'",
               (unsigned long long)(N & 0xffffffffffffULL));
      return Buf;
    }
    snprintf(Buf, sizeof Buf, "'{\"value\": %lld}'", (long long)N);
    return Buf;
  }
  // A string no literal of the query equals: its length is what matters.
  z3::expr L = M.eval(T.len(V), true);
  int64_t Len = 0;
  if (!L.is_numeral_i64(Len) || Len < 0)
    return "a string";
  if (Len == 0)
    return "''";
  if (Len > 40 || ByLength)
    return "a string of " + std::to_string(Len) + " characters";
  // Letters whose case agrees with what the model says lower and upper do.
  auto Matters = [&](const char *F) {
    return Applied && Applied->count({F, Z3_get_ast_id(T.Ctx, V)});
  };
  auto Differs = [&](const char *F) {
    z3::func_decl D = T.function(F, 1, Sort::Int);
    return Matters(F) && M.eval(D(V) != V, true).is_true();
  };
  auto Keeps = [&](const char *F) {
    z3::func_decl D = T.function(F, 1, Sort::Int);
    return Matters(F) && M.eval(D(V) == V, true).is_true();
  };
  bool Lowers = Differs("lower"), Uppers = Differs("upper");
  std::vector<char> Fills{'x', 'y', 'z', 'q'};
  if (Lowers && Uppers && Len >= 2)
    Fills = {'X'}; // patched below into "Xx..."
  else if (Lowers || Keeps("upper"))
    Fills = Keeps("lower") ? std::vector<char>{'0', '1', '2'}
                           : std::vector<char>{'X', 'Y', 'Z', 'Q'};
  for (char Fill : Fills) {
    std::string Str(size_t(Len), Fill);
    if (Lowers && Uppers && Len >= 2)
      Str[1] = 'x';
    bool Taken = false;
    for (int64_t Id = 1; T.literalText(Id); ++Id)
      Taken |= *T.literalText(Id) == Str;
    if (!Taken)
      return Quote(Str);
  }
  return "a string of " + std::to_string(Len) + " characters";
}

} // namespace migc::smt
