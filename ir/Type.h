//===- Type.h - Column types and their value domains ----------*- C++ -*-===//
//
// Spec section 4. A Type is a small value: a kind and up to two parameters
// (varchar length; decimal precision and scale). Its domain is what the
// analyses reason about.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_IR_TYPE_H
#define MIGC_IR_TYPE_H

#include "llvm/ADT/APInt.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace migc::ir {

enum class TypeKind : uint8_t {
  SmallInt,
  Int,
  BigInt,
  Decimal,
  Real,
  Double,
  Bool,
  Text,
  Varchar,
  Char,
  Bytes,
  Date,
  Time,
  Timestamp,
  Timestamptz,
  Uuid,
  Json,
  // Types of expressions only:
  Null,    // the literal null: fits any column
  Unknown, // a string literal not yet given a type (PostgreSQL's unknown)
  Error,   // an ill-typed expression; silences follow-up errors
};

enum class TypeFamily {
  Numeric,
  String,
  Bool,
  Bytes,
  DateTime,
  Uuid,
  Json,
  Null,
  Unknown,
  Error
};

struct Type {
  TypeKind Kind = TypeKind::Error;
  /// varchar/char: length (0 = unlimited varchar). decimal: precision
  /// (0 = unconstrained numeric).
  uint32_t Length = 0;
  uint16_t Scale = 0;

  static Type of(TypeKind K, uint32_t Len = 0, uint16_t Scale = 0) {
    return Type{K, Len, Scale};
  }
  bool operator==(const Type &O) const = default;

  TypeFamily family() const;
  bool isInteger() const {
    return Kind == TypeKind::SmallInt || Kind == TypeKind::Int ||
           Kind == TypeKind::BigInt;
  }
  bool isNumeric() const { return family() == TypeFamily::Numeric; }
  bool isString() const { return family() == TypeFamily::String; }
  bool isError() const { return Kind == TypeKind::Error; }
  /// Null, Unknown and Error adapt to their context.
  bool isFlexible() const {
    return Kind == TypeKind::Null || Kind == TypeKind::Unknown || isError();
  }

  /// The .mig spelling: `varchar(50)`, `decimal(10,2)`, `bigint`.
  std::string str() const;

  /// Integer range of integer kinds.
  int64_t minInt() const;
  int64_t maxInt() const;
};

/// The type named by a keyword and its parameters, or an error message.
struct TypeOrError {
  std::optional<Type> Ty;
  std::string Error;
};
TypeOrError typeFromSpelling(llvm::StringRef Keyword,
                             const std::vector<long long> &Params);

/// Whether a value of type From can be stored in a column of type To without
/// an explicit cast (PostgreSQL's assignment casts, within a family).
bool isAssignable(Type From, Type To);
/// Whether two types can be compared with = < etc.
bool isComparable(Type A, Type B);
/// Whether cast(x as To) is accepted for x of type From.
bool isCastable(Type From, Type To);
/// The common type of two operands (case branches, coalesce), if any.
std::optional<Type> commonType(Type A, Type B);

/// Whether a literal's text is a value of type T; returns a reason if not
/// (`32768 is outside smallint's range -32768..32767`).
std::optional<std::string> literalFits(llvm::StringRef Text, bool IsString,
                                       Type T);

} // namespace migc::ir

#endif
