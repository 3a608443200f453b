//===- Encode.h - IR expressions as Z3 terms (inside smt/ only) -*- C++ -*-===//
//
// The encoding of docs/smt.md. A value is a pair: its term and a NULL flag.
// Its sort follows its type:
//   integers, dates and times  Int (dates and times in microseconds)
//   decimal, real, double      Real (decimal(p,s): |v| < 10^(p-s), v*10^s
//                              integral)
//   bool                       Bool
//   text, varchar, char, bytes Int, an identity: equal strings have equal
//                              identities, a literal's identity is fixed, and
//                              len(identity) is an uninterpreted function
//   uuid, json                 Int, an identity
// A boolean's NULL flag carries SQL's third truth value (Kleene's logic): a
// check passes unless it is false, a `where` selects a row only when true.
//
// Evaluation errors (overflow of an integer type, division by zero, a value
// that does not fit the type it is stored in) are collected as conditions.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_SMT_ENCODE_H
#define MIGC_SMT_ENCODE_H

#include "ir/Expr.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"

#include <z3++.h>

#include <functional>
#include <optional>
#include <set>

namespace migc::smt {

// Boolean connectives that fold constants as they build, so NULL flags of
// literals (false) and long IN lists stay small terms.
inline z3::expr mkAnd(const z3::expr &A, const z3::expr &B) {
  if (A.is_false() || B.is_true())
    return A;
  if (B.is_false() || A.is_true())
    return B;
  return A && B;
}
inline z3::expr mkOr(const z3::expr &A, const z3::expr &B) {
  if (A.is_true() || B.is_false())
    return A;
  if (B.is_true() || A.is_false())
    return B;
  return A || B;
}
inline z3::expr mkNot(const z3::expr &A) {
  if (A.is_true())
    return A.ctx().bool_val(false);
  if (A.is_false())
    return A.ctx().bool_val(true);
  return !A;
}

/// Visits every subterm of Roots once (terms are DAGs); Visit returns true
/// to stop the walk.
void walkTerms(const std::vector<z3::expr> &Roots,
               llvm::function_ref<bool(const z3::expr &)> Visit);

enum class Sort : uint8_t { Int, Real, Bool, Str, Opaque, Any };

Sort sortOf(ir::Type T);

struct Val {
  z3::expr V, Null;
  Sort S;
};

/// What the encodings share: the context, the length function and the
/// identities of literal strings.
class Terms {
public:
  z3::context Ctx;

  Terms();
  z3::expr len(const z3::expr &Id) { return Len(Id); }
  /// The identity of a string (or uuid/json) literal, with its length fact
  /// added to Side.
  z3::expr literal(llvm::StringRef Text, std::vector<z3::expr> &Side,
                   bool WithFunctions = true);
  /// The literal whose identity is Id, if any.
  std::optional<std::string> literalText(int64_t Id) const;
  z3::expr fresh(Sort S, llvm::StringRef Hint = "f");
  z3::expr zero(Sort S);
  z3::sort sort(Sort S);
  z3::func_decl function(llvm::StringRef Name, unsigned Arity, Sort Result);

private:
  z3::func_decl Len;
  llvm::StringMap<int64_t> LiteralIds;
  std::vector<std::string> LiteralTexts;
  unsigned FreshCount = 0;
};

/// Encodes expressions of one row: Column gives each column's value.
class Encoder {
public:
  Encoder(Terms &T, std::function<std::optional<Val>(llvm::StringRef)> Column);

  Val encode(const ir::Expr &E, std::optional<ir::Type> Hint = {});

  /// A boolean value is true (a `where` selects the row).
  z3::expr isTrue(const Val &B);
  /// A check passes: true or NULL.
  z3::expr passes(const Val &B);
  /// The value stored into a column of type T: converted to T's sort,
  /// rounded to a decimal's scale; an error if it does not fit.
  Val store(const Val &V, ir::Type T);
  /// The value's domain constraint for type T (true for NULL).
  z3::expr domain(const Val &V, ir::Type T);
  /// Whether V, converted to T as an assignment cast, fits it.
  z3::expr fits(const Val &V, ir::Type T);
  /// V converted to sort S (no rounding facts).
  Val as(const Val &V, Sort S);

  /// Definitional facts of the terms built so far (lengths, patterns).
  std::vector<z3::expr> Side;
  /// Conditions under which the evaluation raises an error.
  std::vector<z3::expr> Errors;
  z3::expr error();

  /// Nonlinear products and quotients kept exact per encoder; past this,
  /// they become uninterpreted `approx_` functions (Z3's nonlinear
  /// preprocessing does not heed the timeout on long products).
  static constexpr unsigned MaxNonLinear = 12;
  /// Branches of one `case` encoded exactly; a longer one is approximated.
  static constexpr size_t MaxCaseBranches = 256;

private:
  unsigned NonLinear = 0;
  Terms &T;
  z3::context &C;
  std::function<std::optional<Val>(llvm::StringRef)> Column;
  z3::expr Guard;

  Val literal(const ir::Expr &E, std::optional<ir::Type> Hint);
  Val typedString(llvm::StringRef Text, ir::Type Ty);
  Val binary(const ir::Expr &E);
  Val compare(ast::OpCode Op, Val A, Val B);
  Val call(const ir::Expr &E);
  Val cast(const Val &A, ir::Type From, ir::Type To);
  Val notV(const Val &A);
  Val andV(const Val &A, const Val &B);
  Val orV(const Val &A, const Val &B);
  Val ite(const z3::expr &Cond, const Val &A, const Val &B, Sort S);
  void fail(const z3::expr &Cond);
  z3::expr inRange(const z3::expr &V, ir::Type T);
  z3::expr round(const z3::expr &Real, unsigned Scale);
  Val unify(Val A, Val &B);
};

/// A date, time or timestamp literal in microseconds (dates from
/// 2000-01-01, PostgreSQL's epoch); nullopt for special values.
std::optional<int64_t> parseDateTime(llvm::StringRef Text, ir::Type T);
/// The .mig literal of a model value of type T.
/// Applied lists the (function, argument id) pairs of `lower`, `upper` the
/// query mentions, so a made-up string agrees with those that matter.
using Applications = std::set<std::pair<std::string, unsigned>>;
/// With ByLength, a string that is no literal is described by its length
/// only (for values computed from others, whose letters the encoding does
/// not follow).
std::string showValue(Terms &T, const z3::expr &V, ir::Type Ty,
                      const z3::model &M, const Applications *Applied = nullptr,
                      bool ByLength = false);

} // namespace migc::smt

#endif
