//===- Expr.cpp - Building, printing and rewriting expressions ------------===//

#include "ir/Expr.h"

#include "frontend/Parser.h"

#include "llvm/ADT/StringExtras.h"

namespace migc::ir {

std::shared_ptr<Expr> fromAst(const ast::Expr &E, DiagList *Diags) {
  auto N = std::make_shared<Expr>();
  N->Kind = E.Kind;
  N->Op = E.Op;
  N->Negated = E.Negated;
  N->HasElse = E.HasElse;
  N->Text = E.Text;
  N->Column = E.Column.Text;
  N->Range = E.Range;
  if (E.Kind == ExprKind::Cast) {
    TypeOrError T = typeFromSpelling(E.CastType.Keyword, E.CastType.Params);
    N->CastType = T.Ty.value_or(Type::of(TypeKind::Error));
    if (!T.Ty && Diags)
      Diags->emplace_back(Rule::InvalidType, E.CastType.Range, T.Error);
  }
  N->Args.reserve(E.Args.size());
  for (const ast::ExprPtr &A : E.Args)
    N->Args.push_back(fromAst(*A, Diags));
  return N;
}

namespace {

/// The weakest binding of a value expression (`||`): what predicates take.
constexpr int ValueLevel = 7;

/// Binding strength for printing, highest binds tightest (as in the grammar).
int precedence(const Expr &E) {
  switch (E.Kind) {
  case ExprKind::Binary:
    switch (E.Op) {
    case OpCode::Or:
      return 1;
    case OpCode::And:
      return 2;
    case OpCode::Eq:
    case OpCode::Ne:
    case OpCode::Lt:
    case OpCode::Le:
    case OpCode::Gt:
    case OpCode::Ge:
      return 5;
    case OpCode::Concat:
      return 7;
    case OpCode::Add:
    case OpCode::Sub:
      return 8;
    default:
      return 9;
    }
  case ExprKind::Unary:
    return E.Op == OpCode::Not ? 3 : 10;
  case ExprKind::IsNull:
    return 4;
  case ExprKind::In:
  case ExprKind::Between:
  case ExprKind::Like:
    return 6;
  default:
    return 11;
  }
}

const char *opText(OpCode Op) {
  switch (Op) {
  case OpCode::Neg:
    return "-";
  case OpCode::Plus:
    return "+";
  case OpCode::Not:
    return "not ";
  case OpCode::Mul:
    return " * ";
  case OpCode::Div:
    return " / ";
  case OpCode::Mod:
    return " % ";
  case OpCode::Add:
    return " + ";
  case OpCode::Sub:
    return " - ";
  case OpCode::Concat:
    return " || ";
  case OpCode::Eq:
    return " = ";
  case OpCode::Ne:
    return " <> ";
  case OpCode::Lt:
    return " < ";
  case OpCode::Le:
    return " <= ";
  case OpCode::Gt:
    return " > ";
  case OpCode::Ge:
    return " >= ";
  case OpCode::And:
    return " and ";
  case OpCode::Or:
    return " or ";
  case OpCode::None:
    return "";
  }
  return "";
}

} // namespace

bool isPlainName(llvm::StringRef N) {
  if (N.empty() || !(llvm::isAlpha(N[0]) || N[0] == '_') || isKeyword(N))
    return false;
  for (char C : N)
    if (!llvm::isAlnum(C) && C != '_')
      return false;
  return true;
}

namespace {

std::string quoted(llvm::StringRef S, char Q) {
  std::string Out(1, Q);
  for (char C : S) {
    Out.push_back(C);
    if (C == Q)
      Out.push_back(Q);
  }
  Out.push_back(Q);
  return Out;
}

void printInto(const Expr &E, std::string &Out, const PrintOptions &O);

/// Prints an operand, parenthesized when it binds less tightly than Min.
void operand(const Expr &E, int Min, std::string &Out, const PrintOptions &O) {
  bool Paren = precedence(E) < Min;
  if (Paren)
    Out += '(';
  printInto(E, Out, O);
  if (Paren)
    Out += ')';
}

void list(const std::vector<ExprPtr> &Args, size_t From, std::string &Out,
          const PrintOptions &O) {
  for (size_t I = From; I < Args.size(); ++I) {
    if (I > From)
      Out += ", ";
    printInto(*Args[I], Out, O);
  }
}

void printInto(const Expr &E, std::string &Out, const PrintOptions &O) {
  int P = precedence(E);
  switch (E.Kind) {
  case ExprKind::IntLit:
  case ExprKind::DecimalLit:
  case ExprKind::BoolLit:
    Out += E.Text;
    return;
  case ExprKind::StringLit:
    Out += quoted(E.Text, '\'');
    return;
  case ExprKind::NullLit:
    Out += "null";
    return;
  case ExprKind::CurrentDate:
    Out += "current_date";
    return;
  case ExprKind::Column:
    Out += !O.QuoteIdentifiers && isPlainName(E.Column) ? E.Column
                                                        : quoted(E.Column, '"');
    return;
  case ExprKind::Call:
    Out += E.Text + "(";
    list(E.Args, 0, Out, O);
    Out += ")";
    return;
  case ExprKind::Unary: {
    Out += opText(E.Op);
    // `- -x` must not print as `--x`, which starts a comment.
    std::string Inner;
    operand(*E.Args[0], P, Inner, O);
    if (E.Op != OpCode::Not && !Inner.empty() && Inner[0] == '-')
      Inner = "(" + Inner + ")";
    Out += Inner;
    return;
  }
  case ExprKind::Binary: {
    // Comparisons, like all predicates, take value expressions (`||` and
    // tighter): another predicate needs parentheses on either side.
    bool Predicate = P == 5;
    operand(*E.Args[0], Predicate ? ValueLevel : P, Out, O);
    Out += opText(E.Op);
    operand(*E.Args[1], Predicate ? ValueLevel : P + 1, Out, O);
    return;
  }
  case ExprKind::IsNull:
    operand(*E.Args[0], ValueLevel, Out, O);
    Out += E.Negated ? " is not null" : " is null";
    return;
  case ExprKind::In:
    operand(*E.Args[0], ValueLevel, Out, O);
    Out += E.Negated ? " not in (" : " in (";
    list(E.Args, 1, Out, O);
    Out += ")";
    return;
  case ExprKind::Between:
    operand(*E.Args[0], ValueLevel, Out, O);
    Out += E.Negated ? " not between " : " between ";
    operand(*E.Args[1], ValueLevel, Out, O);
    Out += " and ";
    operand(*E.Args[2], ValueLevel, Out, O);
    return;
  case ExprKind::Like:
    operand(*E.Args[0], ValueLevel, Out, O);
    Out += E.Negated ? " not like " : " like ";
    operand(*E.Args[1], ValueLevel, Out, O);
    return;
  case ExprKind::Case: {
    Out += "case";
    size_t Pairs = (E.Args.size() - (E.HasElse ? 1 : 0)) / 2;
    for (size_t I = 0; I < Pairs; ++I) {
      Out += " when ";
      printInto(*E.Args[2 * I], Out, O);
      Out += " then ";
      printInto(*E.Args[2 * I + 1], Out, O);
    }
    if (E.HasElse) {
      Out += " else ";
      printInto(*E.Args.back(), Out, O);
    }
    Out += " end";
    return;
  }
  case ExprKind::Cast:
    Out += "cast(";
    printInto(*E.Args[0], Out, O);
    Out += " as " +
           (O.TypeSpelling ? O.TypeSpelling(E.CastType) : E.CastType.str()) +
           ")";
    return;
  }
}

} // namespace

std::string print(const Expr &E, const PrintOptions &O) {
  std::string Out;
  printInto(E, Out, O);
  return Out;
}

void forEachColumn(const Expr &E, llvm::function_ref<void(const Expr &)> F) {
  if (E.Kind == ExprKind::Column)
    F(E);
  for (const ExprPtr &A : E.Args)
    forEachColumn(*A, F);
}

bool usesColumn(const Expr &E, llvm::StringRef Column) {
  bool Found = false;
  forEachColumn(E, [&](const Expr &C) { Found |= C.Column == Column; });
  return Found;
}

ExprPtr renameColumn(const ExprPtr &E, llvm::StringRef From,
                     llvm::StringRef To) {
  if (!E || !usesColumn(*E, From))
    return E;
  auto N = std::make_shared<Expr>(*E);
  if (N->Kind == ExprKind::Column && N->Column == From)
    N->Column = To.str();
  for (ExprPtr &A : N->Args)
    A = renameColumn(A, From, To);
  return N;
}

bool isVolatileFunction(llvm::StringRef Name) {
  return Name == "random" || Name == "gen_random_uuid" ||
         Name == "clock_timestamp";
}

bool isVolatile(const Expr &E) { return mutableCall(E) != nullptr; }

const Expr *volatileCall(const Expr &E) {
  if (E.Kind == ExprKind::Call && isVolatileFunction(E.Text))
    return &E;
  for (const ExprPtr &A : E.Args)
    if (const Expr *V = volatileCall(*A))
      return V;
  return nullptr;
}

const Expr *mutableCall(const Expr &E) {
  if (E.Kind == ExprKind::CurrentDate ||
      (E.Kind == ExprKind::Call &&
       (E.Text == "now" || isVolatileFunction(E.Text))))
    return &E;
  for (const ExprPtr &A : E.Args)
    if (const Expr *V = mutableCall(*A))
      return V;
  return nullptr;
}

} // namespace migc::ir
