//===- MySQL.cpp - MySQL / MariaDB DDL from the IR ------------------------===//
//
// The script of one migration for MariaDB 10.11 (and MySQL 8 wherever the
// two share a syntax); docs/targets/mysql.md is the user's description of
// every choice made here. In short:
//
//  * identifiers in backticks (` doubled); string literals that hold only
//    printable ASCII other than a backslash are single-quoted (' doubled),
//    every other one is written as _utf8mb4 X'<hex>', so no literal depends
//    on sql_mode's NO_BACKSLASH_ESCAPES or on the client's character set;
//  * expressions are printed by a walk of their own, translated so that
//    MySQL computes PostgreSQL's value (DIV, MOD, CONCAT, CHAR_LENGTH, ...);
//  * the walk gives the schema around each operation, which tells what the
//    IR operation does not (the whole column for MODIFY COLUMN, the table
//    of an index, the kind of a constraint to drop, the index MySQL keeps
//    behind each foreign key);
//  * DDL is not transactional: consecutive clauses on one table are merged
//    into one ALTER TABLE (applied atomically), runs of data changes are
//    wrapped in START TRANSACTION / COMMIT, and losses are stated in
//    `-- warning:` lines.
//
//===----------------------------------------------------------------------===//

#include "backends/MySQL.h"
#include "backends/Backend.h"
#include "backends/MySQLKeys.h"
#include "backends/MySQLTypes.h"
#include "backends/SqlText.h"
#include "ir/SchemaPrinter.h"

#include "llvm/ADT/StringExtras.h"

#include <set>

namespace migc::backends {

using namespace ir;

namespace {

/// The collation every table gets: binary, so `=` and `unique` on text
/// compare like PostgreSQL does (case- and accent-sensitive).
constexpr const char *TableOptions =
    " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

std::string q(llvm::StringRef Name) { return quoteDoubling(Name, '`'); }

/// A string literal that means the same under every sql_mode and client
/// character set: plain when it is printable ASCII without a backslash,
/// otherwise the UTF-8 bytes in hexadecimal with a character set introducer.
std::string lit(llvm::StringRef Text) {
  bool Plain = llvm::all_of(Text, [](char C) {
    auto U = static_cast<unsigned char>(C);
    return U >= 0x20 && U < 0x7f && C != '\\';
  });
  if (Plain)
    return quoteLiteral(Text);
  if (Text.empty())
    return "''";
  return "_utf8mb4 X'" + llvm::toHex(Text) + "'";
}

std::string names(const std::vector<std::string> &Ns) {
  return joinQuoted(Ns, q);
}

std::string num(unsigned N) { return std::to_string(N); }

} // namespace

/// The column type of spec section 4.
std::string mysqlType(Type T) {
  switch (T.Kind) {
  case TypeKind::SmallInt:
    return "SMALLINT";
  case TypeKind::Int:
    return "INT";
  case TypeKind::BigInt:
    return "BIGINT";
  case TypeKind::Decimal:
    // An unconstrained numeric gets MySQL's widest decimal.
    return T.Length ? "DECIMAL(" + num(T.Length) + "," + num(T.Scale) + ")"
                    : "DECIMAL(65,30)";
  case TypeKind::Real:
    return "FLOAT";
  case TypeKind::Double:
    return "DOUBLE";
  case TypeKind::Bool:
    return "BOOLEAN";
  case TypeKind::Text:
    return "LONGTEXT";
  case TypeKind::Varchar:
    return T.Length ? "VARCHAR(" + num(T.Length) + ")" : "LONGTEXT";
  case TypeKind::Char:
    return "CHAR(" + num(T.Length ? T.Length : 1) + ")";
  case TypeKind::Bytes:
    return "LONGBLOB";
  case TypeKind::Date:
    return "DATE";
  case TypeKind::Time:
    return "TIME(6)";
  case TypeKind::Timestamp:
    return "DATETIME(6)";
  case TypeKind::Timestamptz:
    return "TIMESTAMP(6)";
  case TypeKind::Uuid:
    return "CHAR(36)";
  case TypeKind::Json:
    return "JSON";
  default:
    return "LONGTEXT";
  }
}

unsigned mysqlRowBytes(Type T) {
  // DECIMAL packs 9 digits in 4 bytes, and the rest in 0 to 4.
  auto DecimalBytes = [](unsigned Digits) {
    static const unsigned Rest[] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
    return Digits / 9 * 4 + Rest[Digits % 9];
  };
  switch (T.Kind) {
  case TypeKind::SmallInt:
    return 2;
  case TypeKind::Int:
  case TypeKind::Real:
    return 4;
  case TypeKind::BigInt:
  case TypeKind::Double:
    return 8;
  case TypeKind::Decimal: {
    unsigned P = T.Length ? T.Length : 65, S = T.Length ? T.Scale : 30;
    return DecimalBytes(P - S) + DecimalBytes(S);
  }
  case TypeKind::Bool:
    return 1;
  case TypeKind::Varchar:
    if (!T.Length)
      return 12; // LONGTEXT
    return 4 * T.Length + (4 * T.Length > 255 ? 2 : 1);
  case TypeKind::Char:
    return 4 * (T.Length ? T.Length : 1);
  case TypeKind::Date:
    return 3;
  case TypeKind::Time:
    return 6; // TIME(6): 3 bytes and 3 of fractional seconds
  case TypeKind::Timestamp:
    return 8; // DATETIME(6)
  case TypeKind::Timestamptz:
    return 7; // TIMESTAMP(6)
  case TypeKind::Uuid:
    return 4 * 36; // CHAR(36)
  case TypeKind::Text:
  case TypeKind::Bytes:
  case TypeKind::Json:
    return 12;
  default:
    return 12; // written as LONGTEXT (mysqlType)
  }
}

bool mysqlStoredOffRow(Type T) {
  return T.Kind == TypeKind::Text || T.Kind == TypeKind::Bytes ||
         T.Kind == TypeKind::Json ||
         (T.Kind == TypeKind::Varchar && T.Length == 0);
}

namespace {

bool isLob(Type T) { return mysqlStoredOffRow(T); }

//===--- Expressions
//-------------------------------------------------------===//

/// Binding strength, highest binds tightest (MySQL's order).
enum Level {
  LOr = 1,
  LAnd = 2,
  LNot = 3,
  LCmp = 5,
  LAdd = 7,
  LMul = 8,
  LUnary = 9,
  LAtom = 10
};

struct Printed {
  std::string Text;
  int Lvl;
};

class ExprPrinter {
public:
  std::vector<std::string> Warnings;

  std::string print(const Expr &E) { return walk(E).Text; }

private:
  std::string at(const Expr &E, int Min) {
    Printed P = walk(E);
    return P.Lvl < Min ? "(" + P.Text + ")" : P.Text;
  }

  std::string list(const std::vector<ExprPtr> &Args, size_t From = 0) {
    std::string Out;
    for (size_t I = From; I < Args.size(); ++I)
      Out += (I > From ? ", " : "") + print(*Args[I]);
    return Out;
  }

  static void concatArgs(const Expr &E, std::vector<const Expr *> &Out) {
    if (E.Kind == ExprKind::Binary && E.Op == OpCode::Concat) {
      concatArgs(*E.Args[0], Out);
      concatArgs(*E.Args[1], Out);
    } else {
      Out.push_back(&E);
    }
  }

  /// The cast type of MySQL's CAST(), for targets other than bool.
  static std::string castType(Type T) {
    switch (T.Kind) {
    case TypeKind::SmallInt:
    case TypeKind::Int:
    case TypeKind::BigInt:
      return "SIGNED";
    case TypeKind::Decimal:
      return mysqlType(T);
    case TypeKind::Real:
      return "FLOAT";
    case TypeKind::Double:
      return "DOUBLE";
    case TypeKind::Varchar:
    case TypeKind::Char:
      return T.Length ? "CHAR(" + num(T.Length) + ")" : "CHAR";
    case TypeKind::Bytes:
      return "BINARY";
    case TypeKind::Date:
      return "DATE";
    case TypeKind::Time:
      return "TIME(6)";
    case TypeKind::Timestamp:
    case TypeKind::Timestamptz:
      return "DATETIME(6)";
    case TypeKind::Uuid:
      return "CHAR(36)";
    default:
      return "CHAR"; // text, json
    }
  }

  Printed cast(const Expr &E) {
    const Expr &X = *E.Args[0];
    Type From = X.Ty, To = E.CastType;
    if (To.Kind == TypeKind::Bool) {
      if (From.Kind == TypeKind::Bool)
        return walk(X);
      if (From.isNumeric())
        return {"(" + at(X, LAdd) + " <> 0)", LAtom};
      // PostgreSQL's spellings of true; anything else is false here where
      // PostgreSQL raises an error.
      return {"(LOWER(TRIM(" + print(X) +
                  ")) IN ('t', 'true', 'y', 'yes', 'on', '1'))",
              LAtom};
    }
    if (From.Kind == TypeKind::Bool && To.isString())
      return {"CASE WHEN " + at(X, LNot) + " THEN 'true' WHEN NOT " +
                  at(X, LAtom) + " THEN 'false' END",
              LAtom};
    return {"CAST(" + print(X) + " AS " + castType(To) + ")", LAtom};
  }

  Printed call(const Expr &E) {
    std::string F = llvm::StringRef(E.Text).lower();
    if (F == "now")
      return {"CURRENT_TIMESTAMP(6)", LAtom};
    // The volatile functions, each evaluated per call (so per row) as in
    // PostgreSQL: SYSDATE is the time of the call, NOW the statement's.
    if (F == "clock_timestamp")
      return {"SYSDATE(6)", LAtom};
    if (F == "random")
      return {"RAND()", LAtom};
    if (F == "gen_random_uuid")
      return {"UUID()", LAtom};
    if (F == "length")
      // PostgreSQL counts characters (bytes for bytea); MySQL's LENGTH
      // counts bytes.
      return {(!E.Args.empty() && E.Args[0]->Ty.Kind == TypeKind::Bytes
                   ? "LENGTH("
                   : "CHAR_LENGTH(") +
                  list(E.Args) + ")",
              LAtom};
    if ((F == "greatest" || F == "least") && E.Args.size() > 1) {
      // PostgreSQL ignores NULL arguments, MySQL returns NULL: each argument
      // falls back to the others, which cannot change the result.
      std::vector<std::string> A;
      for (const ExprPtr &X : E.Args)
        A.push_back(print(*X));
      std::string Out = llvm::StringRef(F).upper() + "(";
      for (size_t I = 0; I < A.size(); ++I) {
        Out += I ? ", COALESCE(" : "COALESCE(";
        for (size_t J = 0; J < A.size(); ++J)
          Out += (J ? ", " : "") + A[(I + J) % A.size()];
        Out += ")";
      }
      return {Out + ")", LAtom};
    }
    return {llvm::StringRef(F).upper() + "(" + list(E.Args) + ")", LAtom};
  }

  Printed binary(const Expr &E) {
    const Expr &L = *E.Args[0], &R = *E.Args[1];
    auto Arith = [&](const char *Op, int Lvl) {
      return Printed{at(L, Lvl) + Op + at(R, Lvl + 1), Lvl};
    };
    auto Cmp = [&](const char *Op) {
      return Printed{at(L, LAdd) + Op + at(R, LAdd), LCmp};
    };
    switch (E.Op) {
    case OpCode::Mul:
      return Arith(" * ", LMul);
    case OpCode::Div:
      // PostgreSQL's integer division truncates; MySQL's `/` would not.
      return Arith(L.Ty.isInteger() && R.Ty.isInteger() ? " DIV " : " / ",
                   LMul);
    case OpCode::Mod:
      return {"MOD(" + print(L) + ", " + print(R) + ")", LAtom};
    case OpCode::Add:
      return Arith(" + ", LAdd);
    case OpCode::Sub:
      return Arith(" - ", LAdd);
    case OpCode::Concat: {
      std::vector<const Expr *> Parts;
      concatArgs(E, Parts);
      std::string Out = "CONCAT(";
      for (size_t I = 0; I < Parts.size(); ++I)
        Out += (I ? ", " : "") + print(*Parts[I]);
      return {Out + ")", LAtom};
    }
    case OpCode::Eq:
      return Cmp(" = ");
    case OpCode::Ne:
      return Cmp(" <> ");
    case OpCode::Lt:
      return Cmp(" < ");
    case OpCode::Le:
      return Cmp(" <= ");
    case OpCode::Gt:
      return Cmp(" > ");
    case OpCode::Ge:
      return Cmp(" >= ");
    case OpCode::And:
      return {at(L, LAnd) + " AND " + at(R, LAnd + 1), LAnd};
    case OpCode::Or:
      return {at(L, LOr) + " OR " + at(R, LOr + 1), LOr};
    default:
      return {"", LAtom};
    }
  }

  Printed walk(const Expr &E) {
    switch (E.Kind) {
    case ExprKind::IntLit:
    case ExprKind::DecimalLit:
      return {E.Text, !E.Text.empty() && E.Text[0] == '-' ? LUnary : LAtom};
    case ExprKind::BoolLit:
      return {llvm::StringRef(E.Text).equals_insensitive("true") ? "TRUE"
                                                                 : "FALSE",
              LAtom};
    case ExprKind::StringLit:
      return {lit(E.Text), LAtom};
    case ExprKind::NullLit:
      return {"NULL", LAtom};
    case ExprKind::CurrentDate:
      return {"CURRENT_DATE", LAtom};
    case ExprKind::Column:
      return {q(E.Column), LAtom};
    case ExprKind::Call:
      return call(E);
    case ExprKind::Unary: {
      if (E.Op == OpCode::Not)
        return {"NOT " + at(*E.Args[0], LAtom), LNot};
      std::string Inner = at(*E.Args[0], LAtom);
      if (!Inner.empty() && (Inner[0] == '-' || Inner[0] == '+'))
        Inner = "(" + Inner + ")"; // `--` would start a comment
      return {(E.Op == OpCode::Neg ? "-" : "+") + Inner, LUnary};
    }
    case ExprKind::Binary:
      return binary(E);
    case ExprKind::IsNull:
      return {at(*E.Args[0], LAdd) + (E.Negated ? " IS NOT NULL" : " IS NULL"),
              LCmp};
    case ExprKind::In:
      return {at(*E.Args[0], LAdd) + (E.Negated ? " NOT IN (" : " IN (") +
                  list(E.Args, 1) + ")",
              LCmp};
    case ExprKind::Between:
      return {at(*E.Args[0], LAdd) +
                  (E.Negated ? " NOT BETWEEN " : " BETWEEN ") +
                  at(*E.Args[1], LAdd) + " AND " + at(*E.Args[2], LAdd),
              LCmp};
    case ExprKind::Like: {
      std::string Out = at(*E.Args[0], LAdd) +
                        (E.Negated ? " NOT LIKE " : " LIKE ") +
                        at(*E.Args[1], LAdd);
      // A backslash escapes, as in PostgreSQL; said explicitly when the
      // pattern has one, so that it holds under NO_BACKSLASH_ESCAPES too.
      if (E.Args[1]->Kind != ExprKind::StringLit ||
          llvm::StringRef(E.Args[1]->Text).contains('\\'))
        Out += " ESCAPE CHAR(92)";
      return {Out, LCmp};
    }
    case ExprKind::Case: {
      std::string Out = "CASE";
      size_t Pairs = (E.Args.size() - (E.HasElse ? 1 : 0)) / 2;
      for (size_t I = 0; I < Pairs; ++I)
        Out += " WHEN " + print(*E.Args[2 * I]) + " THEN " +
               print(*E.Args[2 * I + 1]);
      if (E.HasElse)
        Out += " ELSE " + print(*E.Args.back());
      return {Out + " END", LAtom};
    }
    case ExprKind::Cast:
      return cast(E);
    }
    return {"", LAtom};
  }
};

//===--- Statements
//--------------------------------------------------------===//

/// One statement of the script, or one ALTER TABLE clause group that may be
/// merged with its neighbours on the same table.
struct Unit {
  enum KindT { Alter, Ddl, Dml, Note } Kind = Ddl;
  std::string Table;                   // Alter
  std::vector<std::string> Clauses;    // Alter
  std::string Text;                    // Ddl, Dml, Note (verbatim)
  std::set<std::string> Reads, Writes; // Alter: "c:col", "n:name"
  std::vector<std::string> Warnings;   // printed before the statement
};

class ScriptBuilder {
public:
  /// Before and After: the schema around O, from the walk.
  void op(const Op &O, const Schema &Before, const Schema &After);
  void write(llvm::raw_ostream &OS);

  /// What the target cannot express at all: target-unsupported errors.
  DiagList Refused;
  /// What the script does otherwise than PostgreSQL would, each also said in
  /// a `-- warning:` or `-- note:` line: mysql-unsupported, for `migc check`
  /// (mysqlUnsupported). The other comments are said by other rules
  /// (mysql-key-too-long, mysql-row-too-large, opaque-sql) or change nothing
  /// a migration could see (docs/decisions.md).
  DiagList Unsupported;

private:
  Schema S;                // the schema before the operation being emitted
  const Op *Cur = nullptr; // the operation being emitted
  /// Columns whose type the operation introduces (a new column, a type
  /// change): their type's caveats are reported once, there; every later
  /// MODIFY COLUMN restates them in the script only.
  std::set<std::string> NewTypes;
  /// Writing again the keys and indexes an operation did not create.
  bool Restating = false;
  std::vector<Unit> Units;
  std::vector<std::string> Pending; // warnings for the next unit

  std::string expr(const ExprPtr &E) {
    ExprPrinter P;
    return P.print(*E);
  }

  Unit &alter(llvm::StringRef Table) {
    Units.push_back(Unit{Unit::Alter, Table.str(), {}, "", {}, {}, {}});
    return Units.back();
  }
  void stmt(Unit::KindT K, std::string Text) {
    Units.push_back(Unit{K, "", {}, std::move(Text), {}, {}, {}});
  }
  void warn(std::string W) { Pending.push_back(std::move(W)); }
  /// A comment of the script and the diagnostic saying the same: At (or
  /// the operation) and the note on what the script does instead.
  /// Null while restating (the diagnostic went with the operation that
  /// wrote the object).
  Diagnostic *unsupported(std::string Comment, llvm::SMRange At,
                          std::string Message, std::string Instead) {
    warn(std::move(Comment));
    if (Restating)
      return nullptr;
    if (!At.isValid())
      At = Cur ? Cur->Range : llvm::SMRange();
    return &Unsupported.emplace_back(Rule::MySqlUnsupported, At, Message)
                .note(At, std::move(Instead));
  }

  std::string defaultClause(const Column &C);
  std::string columnDef(const Column &C, llvm::StringRef Table);
  std::string keyParts(const Table &T, const std::vector<std::string> &Cols,
                       const std::vector<bool> &Desc, bool Unique, bool Primary,
                       llvm::StringRef What);
  std::string constraintDef(const Table &T, const Constraint &C);
  std::string dropConstraint(const Constraint &C);
  void indexClauses(const Index &I, const Table &T, Unit &U);
  void fkIndexes(const Schema &After, llvm::StringRef Table, Unit &U);
  void createTable(const Table &T, const Schema &After);
  void alterType(const Op &O, const Schema &After);
  void update(const Op &O);
};

std::string ScriptBuilder::defaultClause(const Column &C) {
  const Expr &D = *C.Default;
  if (D.Kind == ExprKind::Call &&
      llvm::StringRef(D.Text).equals_insensitive("now"))
    return "CURRENT_TIMESTAMP(6)";
  bool Literal = D.Kind == ExprKind::IntLit || D.Kind == ExprKind::DecimalLit ||
                 D.Kind == ExprKind::StringLit || D.Kind == ExprKind::BoolLit ||
                 D.Kind == ExprKind::NullLit;
  // MySQL 8 takes a default of TEXT, BLOB and JSON only as an expression.
  if (Literal && !isLob(C.Ty))
    return expr(C.Default);
  return "(" + expr(C.Default) + ")";
}

std::string ScriptBuilder::columnDef(const Column &C, llvm::StringRef Table) {
  std::string S = q(C.Name) + " " + mysqlType(C.Ty);
  if (!C.Nullable)
    S += " NOT NULL";
  else if (C.Ty.Kind == TypeKind::Timestamptz)
    S += " NULL"; // never the implicit defaults of an old TIMESTAMP
  if (C.Identity)
    S += " AUTO_INCREMENT";
  if (C.Default)
    S += " DEFAULT " + defaultClause(C);
  if (C.Ty.Kind == TypeKind::Timestamptz) {
    std::string Comment = "warning: " + Table.str() + "." + C.Name +
                          " is TIMESTAMP(6): MySQL stores only 1970-01-01 "
                          "00:00:01 .. 2038-01-19 03:14:07 UTC";
    if (NewTypes.erase(C.Name))
      unsupported(std::move(Comment),
                  Cur && Cur->Kind == OpKind::CreateTable ? C.Range
                                                          : llvm::SMRange(),
                  quote(Table.str() + "." + C.Name) +
                      " (timestamptz) is MySQL's TIMESTAMP(6), which holds "
                      "only 1970-01-01 00:00:01 to 2038-01-19 03:14:07 UTC: "
                      "MySQL cannot store a time outside them, which "
                      "PostgreSQL can",
                  "the script keeps TIMESTAMP(6) for its time zone "
                  "conversion; a `timestamp` column (DATETIME(6)) holds the "
                  "years 1000 to 9999, without a time zone");
    else
      warn(std::move(Comment));
  }
  if (C.Ty.Kind == TypeKind::Varchar && C.Ty.Length > 16383)
    warn("warning: " + Table.str() + "." + C.Name + " is VARCHAR(" +
         num(C.Ty.Length) + "): more than a MySQL row may hold in utf8mb4");
  return S;
}

/// The key parts of an index or key: LONGTEXT, LONGBLOB and long VARCHAR
/// columns get a prefix length where MySQL needs one. Unique keys get none:
/// MariaDB enforces a too-long unique key exactly, through a hash.
std::string ScriptBuilder::keyParts(const Table &T,
                                    const std::vector<std::string> &Cols,
                                    const std::vector<bool> &Desc, bool Unique,
                                    bool Primary, llvm::StringRef What) {
  MySqlKey K = mysqlKey(T, Cols, Desc, Unique);
  std::string Out;
  for (size_t I = 0; I < K.Parts.size(); ++I) {
    const MySqlKeyPart &P = K.Parts[I];
    Out += (I ? ", " : "") + q(P.Column);
    if (P.Prefix)
      Out += "(" + num(P.Prefix) + ")";
    if (P.Desc)
      Out += " DESC";
  }
  if (Primary) {
    // No prefix and no hash for a primary key: the statement fails
    // (mysql-key-too-long says so in `migc check`).
    if (mysqlKeyRefused(K, MySqlKeyKind::Primary, true))
      warn("warning: " + What.str() +
           " is too long for a MySQL index key: MySQL and MariaDB refuse "
           "this primary key");
  } else if (K.TooLong && Unique)
    warn("note: " + What.str() +
         " is too long for a MySQL index key: MariaDB (10.4 and later) "
         "enforces it through a hash; MySQL 8 rejects it");
  else if (K.TooLong)
    warn("note: " + What.str() + " indexes the first " + num(K.Prefix) +
         " characters of its long columns (MySQL needs a prefix)");
  return Out;
}

std::string action(const char *Event, RefAction A, std::string &Warn) {
  switch (A) {
  case RefAction::NoAction:
    // Said explicitly: MySQL's default shows as RESTRICT in the catalog.
    return std::string(" ON ") + Event + " NO ACTION";
  case RefAction::Restrict:
    return std::string(" ON ") + Event + " RESTRICT";
  case RefAction::Cascade:
    return std::string(" ON ") + Event + " CASCADE";
  case RefAction::SetNull:
    return std::string(" ON ") + Event + " SET NULL";
  case RefAction::SetDefault:
    Warn = std::string("warning: InnoDB rejects ON ") + Event +
           " SET DEFAULT: emitted as NO ACTION";
    return std::string(" ON ") + Event + " NO ACTION";
  }
  return "";
}

std::string ScriptBuilder::constraintDef(const Table &T, const Constraint &C) {
  std::string Head = "CONSTRAINT " + q(C.Name) + " ";
  std::string What = "constraint " + C.Name + " on " + T.Name;
  if (C.NotValid)
    unsupported("note: MySQL has no NOT VALID: " + What +
                    " is checked against every row now",
                C.Range,
                "MySQL has no `not valid`: the script adds constraint " +
                    quote(C.Name) + " on " + quote(T.Name) +
                    " checked against every existing row, and a row that "
                    "violates it makes the `ALTER TABLE` fail there",
                "PostgreSQL checks only the new rows until `validate "
                "constraint`; on MySQL, fix the rows that violate it before "
                "this migration");
  switch (C.Kind) {
  case ConstraintKind::PrimaryKey:
    return Head + "PRIMARY KEY (" +
           keyParts(T, C.Columns, {}, true, true, What) + ")";
  case ConstraintKind::Unique:
    return Head + "UNIQUE (" + keyParts(T, C.Columns, {}, true, false, What) +
           ")";
  case ConstraintKind::Check:
    // MariaDB and MySQL refuse a function whose value changes in a check
    // ("Function or expression 'rand()' cannot be used in the CHECK
    // clause"): a script with it would fail.
    if (const Expr *V = mutableCall(*C.Check))
      Refused
          .emplace_back(Rule::TargetUnsupported, C.Range,
                        "check " + quote(C.Name) + " on " + quote(T.Name) +
                            " calls `" + print(*V) +
                            "`, which MySQL and MariaDB refuse in a check "
                            "constraint")
          .note(C.Range, "emit this project with --target=postgres, or "
                         "make the check use only the row's values");
    return Head + "CHECK (" + expr(C.Check) + ")";
  case ConstraintKind::ForeignKey: {
    std::string W1, W2;
    std::string S =
        Head + "FOREIGN KEY (" + names(C.Columns) + ") REFERENCES " +
        q(C.RefTable) + " (" + names(C.RefColumns) + ")" +
        action("DELETE", C.OnDelete, W1) + action("UPDATE", C.OnUpdate, W2);
    for (auto [W, Event] : {std::pair(&W1, "delete"), {&W2, "update"}})
      if (!W->empty())
        unsupported(*W + " (" + What + ")", C.Range,
                    "foreign key " + quote(C.Name) + " on " + quote(T.Name) +
                        " has `on " + Event +
                        " set default`, which InnoDB does not carry out (MySQL "
                        "refuses it, MariaDB ignores it): the script writes "
                        "NO ACTION, so the " +
                        Event + " of a referenced row fails there",
                    std::string("`on ") + Event +
                        " set null` or `cascade` mean the same on both "
                        "servers");
    return S;
  }
  }
  return "";
}

std::string ScriptBuilder::dropConstraint(const Constraint &C) {
  switch (C.Kind) {
  case ConstraintKind::PrimaryKey:
    return "DROP PRIMARY KEY";
  case ConstraintKind::Unique:
    return "DROP INDEX " + q(C.Name);
  case ConstraintKind::Check:
    return "DROP CONSTRAINT " + q(C.Name);
  case ConstraintKind::ForeignKey:
    return "DROP FOREIGN KEY " + q(C.Name);
  }
  return "";
}

void ScriptBuilder::indexClauses(const Index &I, const Table &T, Unit &U) {
  std::vector<std::string> Cols;
  std::vector<bool> Desc;
  for (const IndexKey &K : I.Keys) {
    Cols.push_back(K.Column);
    Desc.push_back(K.Desc);
    U.Reads.insert("c:" + K.Column);
  }
  if (I.Where) {
    Diagnostic *D = unsupported(
        "warning: MySQL has no partial indexes: " + I.Name +
            " indexes every row, not only those where (" + expr(I.Where) + ")",
        I.Range,
        "MySQL has no partial indexes: the script's index " + quote(I.Name) +
            " on " + quote(T.Name) +
            " indexes every row, not only those its `where` selects",
        "the index is as large as one without `where`");
    if (I.Unique) {
      warn("warning: so unique index " + I.Name +
           " also rejects duplicates among the rows outside its where: "
           "it does not keep its PostgreSQL meaning");
      if (D)
        D->note(D->Range, "and as a unique index it rejects duplicates among "
                          "the rows outside its `where`, which PostgreSQL "
                          "accepts");
    }
  }
  U.Clauses.push_back(
      std::string("ADD ") + (I.Unique ? "UNIQUE " : "") + "INDEX " + q(I.Name) +
      " (" + keyParts(T, Cols, Desc, I.Unique, false, "index " + I.Name) + ")");
  U.Writes.insert("n:" + I.Name);
}

/// Whether MySQL keeps an index of the foreign key's own name behind it:
/// InnoDB needs an index whose first columns are the key's, creates one
/// named after the constraint when there is none, and drops it silently when
/// another one comes. The emitter keeps that invariant explicit.
bool ownIndex(const Schema &S, const Table &T, const Constraint &FK) {
  auto Covers = [&](const std::vector<std::string> &Cols) {
    return Cols.size() >= FK.Columns.size() &&
           std::equal(FK.Columns.begin(), FK.Columns.end(), Cols.begin());
  };
  for (const Constraint &C : T.Constraints)
    if (C.hasIndex() && Covers(C.Columns))
      return false;
  for (const Index *I : S.indexesOn(T.Name)) {
    std::vector<std::string> Cols;
    for (const IndexKey &K : I->Keys)
      Cols.push_back(K.Column);
    if (Covers(Cols))
      return false;
  }
  // An earlier foreign key's own index serves this one too.
  for (const Constraint &G : T.Constraints) {
    if (G.Name == FK.Name)
      break;
    if (G.Kind == ConstraintKind::ForeignKey && Covers(G.Columns) &&
        ownIndex(S, T, G))
      return false;
  }
  return true;
}

/// Clauses keeping the foreign keys of Table indexed across the operation
/// (S before it, After after it).
void ScriptBuilder::fkIndexes(const Schema &After, llvm::StringRef Table,
                              Unit &U) {
  const ir::Table *T0 = S.findTable(Table), *T1 = After.findTable(Table);
  if (!T0 || !T1)
    return;
  for (const Constraint &C : T0->Constraints) {
    if (C.Kind != ConstraintKind::ForeignKey)
      continue;
    bool Before = ownIndex(S, *T0, C);
    const Constraint *Now = nullptr;
    for (const Constraint &D : T1->Constraints)
      if (D.Name == C.Name && D.Kind == ConstraintKind::ForeignKey)
        Now = &D;
    bool AfterOwn = Now && ownIndex(After, *T1, *Now);
    if (Before && !AfterOwn)
      U.Clauses.push_back("DROP INDEX " + q(C.Name));
    else if (!Before && AfterOwn)
      U.Clauses.push_back("ADD INDEX " + q(C.Name) + " (" +
                          names(Now->Columns) + ")");
    if (Before != AfterOwn)
      U.Writes.insert("n:" + C.Name);
  }
  // A new foreign key gets its index explicitly: one MySQL made up itself
  // could be renamed or dropped behind the script's back.
  for (const Constraint &D : T1->Constraints)
    if (D.Kind == ConstraintKind::ForeignKey &&
        llvm::none_of(T0->Constraints,
                      [&](const Constraint &C) { return C.Name == D.Name; }) &&
        ownIndex(After, *T1, D)) {
      U.Clauses.insert(U.Clauses.begin(), "ADD INDEX " + q(D.Name) + " (" +
                                              names(D.Columns) + ")");
      U.Writes.insert("n:" + D.Name);
    }
}

void ScriptBuilder::createTable(const Table &T, const Schema &After) {
  std::string Out = "CREATE TABLE " + q(T.Name) + " (";
  bool First = true;
  auto Item = [&](const std::string &Text) {
    Out += (First ? "\n  " : ",\n  ") + Text;
    First = false;
  };
  for (const Column &C : T.Columns)
    Item(columnDef(C, T.Name));
  const Table *Now = After.findTable(T.Name);
  for (const Constraint &C : Now ? Now->Constraints : T.Constraints)
    if (Now && C.Kind == ConstraintKind::ForeignKey && ownIndex(After, *Now, C))
      Item("INDEX " + q(C.Name) + " (" + names(C.Columns) + ")");
  for (const Constraint &C : T.Constraints)
    Item(constraintDef(T, C));
  for (const Column &C : T.Columns)
    if (C.Identity) {
      bool Keyed = llvm::any_of(T.Constraints, [&](const Constraint &K) {
        return K.hasIndex() && !K.Columns.empty() && K.Columns[0] == C.Name;
      });
      if (!Keyed) {
        warn("note: MySQL needs an AUTO_INCREMENT column to lead a key: "
             "index " +
             T.Name + "_" + C.Name + "_auto added");
        Item("KEY " + q(T.Name + "_" + C.Name + "_auto") + " (" + q(C.Name) +
             ")");
      }
    }
  stmt(Unit::Ddl, Out + "\n)" + TableOptions + ";");
}

/// MODIFY COLUMN converts the values as a cast would. A `using` other than
/// the column itself (or a cast of it) goes through a new column: add it,
/// fill it, then in one ALTER TABLE drop the old column (and what uses it)
/// and put the new one in its place.
void ScriptBuilder::alterType(const Op &O, const Schema &After) {
  const Table *T1 = After.findTable(O.TableName);
  const Table *T0 = S.findTable(O.TableName);
  const Column *C = T1 ? T1->findColumn(O.ColumnName) : nullptr;
  if (!C || !T0)
    return;
  const Expr *U = O.Value.get();
  bool Plain =
      !U || (U->Kind == ExprKind::Column && U->Column == C->Name) ||
      (U->Kind == ExprKind::Cast && U->Args[0]->Kind == ExprKind::Column &&
       U->Args[0]->Column == C->Name);
  if (Plain) {
    Unit &A = alter(O.TableName);
    A.Clauses.push_back("MODIFY COLUMN " + columnDef(*C, O.TableName));
    A.Writes.insert("c:" + C->Name);
    return;
  }
  std::string Tmp = C->Name + "__migc_new";
  Column New = *C;
  New.Name = Tmp;
  New.Nullable = true;
  New.Default = nullptr;
  New.Identity = false;
  warn("note: the values of " + O.TableName + "." + C->Name +
       " are computed into a new column " + Tmp +
       ", which then replaces it (MySQL has no USING)");
  Unit &A1 = alter(O.TableName);
  A1.Clauses.push_back("ADD COLUMN " + columnDef(New, O.TableName));
  A1.Writes.insert("c:" + Tmp);
  stmt(Unit::Dml, "UPDATE " + q(O.TableName) + " SET " + q(Tmp) + " = " +
                      expr(O.Value) + ";");
  Unit &A2 = alter(O.TableName);
  A2.Writes.insert("c:" + C->Name);
  A2.Writes.insert("c:" + Tmp);
  // Keys, checks and indexes on the column go and come back around it.
  auto UsesCol = [&](const Constraint &K) {
    return llvm::is_contained(K.Columns, C->Name) ||
           (K.Check && usesColumn(*K.Check, C->Name));
  };
  for (const Constraint &K : T0->Constraints)
    if (UsesCol(K)) {
      A2.Clauses.push_back(dropConstraint(K));
      A2.Writes.insert("n:" + K.Name);
    }
  for (const Index *I : S.indexesOn(O.TableName))
    if (llvm::any_of(I->Keys,
                     [&](const IndexKey &K) { return K.Column == C->Name; })) {
      A2.Clauses.push_back("DROP INDEX " + q(I->Name));
      A2.Writes.insert("n:" + I->Name);
    }
  A2.Clauses.push_back("DROP COLUMN " + q(C->Name));
  std::string Pos = "FIRST";
  for (const Column &Prev : T1->Columns) {
    if (Prev.Name == C->Name)
      break;
    Pos = "AFTER " + q(Prev.Name);
  }
  A2.Clauses.push_back("CHANGE COLUMN " + q(Tmp) + " " +
                       columnDef(*C, O.TableName) + " " + Pos);
  Restating = true;
  for (const Constraint &K : T1->Constraints)
    if (UsesCol(K))
      A2.Clauses.push_back("ADD " + constraintDef(*T1, K));
  for (const Index *I : After.indexesOn(O.TableName))
    if (llvm::any_of(I->Keys,
                     [&](const IndexKey &K) { return K.Column == C->Name; }))
      indexClauses(*I, *T1, A2);
  Restating = false;
  for (auto [RT, FK] : After.referencesTo(O.TableName))
    if (llvm::is_contained(FK->RefColumns, C->Name))
      unsupported("warning: foreign key " + FK->Name + " on " + RT->Name +
                      " references " + O.TableName + "." + C->Name +
                      ": MySQL refuses to drop the column; change the type "
                      "without USING",
                  {},
                  "MySQL has no `using`: the script computes the values "
                  "into a new column that replaces " +
                      quote(O.TableName + "." + C->Name) +
                      ", but MySQL refuses to drop a column that foreign "
                      "key " +
                      quote(FK->Name) + " on " + quote(RT->Name) +
                      " references, so the `ALTER TABLE` fails there",
                  "change the type without `using` (MySQL converts the "
                  "values as a cast does), or drop the foreign key first "
                  "and add it again after");
}

/// MySQL assigns left to right, each expression seeing the assignments
/// before it; PostgreSQL evaluates every expression on the old row. An
/// assignment that others read goes after them.
void ScriptBuilder::update(const Op &O) {
  size_t N = O.Assignments.size();
  std::vector<size_t> Order;
  std::vector<bool> Done(N, false);
  bool Cycle = false;
  while (Order.size() < N) {
    bool Progress = false;
    for (size_t I = 0; I < N; ++I) {
      if (Done[I])
        continue;
      // I may go once no pending assignment reads its column.
      bool Read = false;
      for (size_t J = 0; J < N; ++J)
        if (J != I && !Done[J] &&
            usesColumn(*O.Assignments[J].second, O.Assignments[I].first))
          Read = true;
      if (Read && !Cycle)
        continue;
      Order.push_back(I);
      Done[I] = true;
      Progress = true;
    }
    if (!Progress)
      Cycle = true;
  }
  if (Cycle)
    unsupported("warning: MySQL evaluates SET left to right, and these "
                "assignments read each other's columns: the result differs "
                "from PostgreSQL's",
                {},
                "MySQL evaluates `set` left to right, each assignment "
                "seeing the ones before it, and these read each other's "
                "columns: the `update` stores other values than "
                "PostgreSQL, which reads the old row",
                "the script orders the assignments so that each reads the "
                "old row where it can; for a cycle (a swap), go through a "
                "new column");
  std::string Out = "UPDATE " + q(O.TableName) + " SET ";
  for (size_t K = 0; K < N; ++K)
    Out += (K ? ", " : "") + q(O.Assignments[Order[K]].first) + " = " +
           expr(O.Assignments[Order[K]].second);
  Out += O.Value ? " WHERE " + expr(O.Value) : "";
  if (!O.BatchSize) {
    stmt(Unit::Dml, Out + ";");
    return;
  }
  // MariaDB runs a compound statement outside a procedure (BEGIN NOT
  // ATOMIC; MySQL 8 has none). The count is kept in a user variable, which
  // no column name can shadow, before COMMIT resets ROW_COUNT(). The client
  // needs another delimiter for the block; it finds it outside quotes only.
  warn("note: " + O.TableName + " is updated in batches of " +
       std::to_string(*O.BatchSize) +
       ", each committed on its own (MariaDB's BEGIN NOT ATOMIC)");
  stmt(Unit::Ddl, "DELIMITER //\n"
                  "BEGIN NOT ATOMIC\n"
                  "  REPEAT\n"
                  "    " +
                      Out + " LIMIT " + std::to_string(*O.BatchSize) +
                      ";\n"
                      "    SET @migc_rows = ROW_COUNT();\n"
                      "    COMMIT;\n"
                      "  UNTIL @migc_rows = 0 END REPEAT;\n"
                      "END //\n"
                      "DELIMITER ;");
}

void ScriptBuilder::op(const Op &O, const Schema &Before, const Schema &After) {
  S = Before;
  Cur = &O;
  NewTypes.clear();
  if (O.Kind == OpKind::CreateTable)
    for (const Column &C : O.NewTable.Columns)
      NewTypes.insert(C.Name);
  else if (O.Kind == OpKind::AddColumn)
    NewTypes.insert(O.NewColumn.Name);
  else if (O.Kind == OpKind::AlterColumnType)
    NewTypes.insert(O.ColumnName);
  const std::string &TN = O.TableName;
  const Table *T0 = S.findTable(TN);
  const Table *T1 = After.findTable(TN);
  size_t First = Units.size();

  switch (O.Kind) {
  case OpKind::CreateTable:
    createTable(O.NewTable, After);
    break;
  case OpKind::DropTable:
    stmt(Unit::Ddl, "DROP TABLE " + q(TN) + ";");
    break;
  case OpKind::RenameTable:
    stmt(Unit::Ddl, "RENAME TABLE " + q(TN) + " TO " + q(O.Name) + ";");
    break;
  case OpKind::AddColumn: {
    Unit &A = alter(TN);
    A.Clauses.push_back("ADD COLUMN " + columnDef(O.NewColumn, TN));
    A.Writes.insert("c:" + O.NewColumn.Name);
    if (O.NewColumn.Default && volatileCall(*O.NewColumn.Default)) {
      // MariaDB's in-place ADD COLUMN evaluates RAND() once for every
      // existing row; a copy evaluates it per row, as PostgreSQL does.
      warn("note: " + TN + "." + O.NewColumn.Name +
           " has a volatile default: ALGORITHM=COPY gives each existing row "
           "its own value");
      A.Clauses.push_back("ALGORITHM=COPY");
      A.Writes.insert("a:algorithm");
    }
    const Table &T = T1 ? *T1 : O.NewTable;
    for (const Constraint &C : O.Constraints) {
      A.Clauses.push_back("ADD " + constraintDef(T, C));
      A.Writes.insert("n:" + C.Name);
    }
    fkIndexes(After, TN, A);
    break;
  }
  case OpKind::DropColumn: {
    Unit &A = alter(TN);
    // MySQL shrinks an index of several columns instead of dropping it, and
    // refuses to drop a column that a key or check of several columns, or a
    // foreign key, uses: the script first drops what PostgreSQL (and the
    // model) drops with the column (test/integration/mariadb.py, part
    // dropcolumn).
    if (T0) {
      ir::ColumnDependents D = ir::columnDependents(S, *T0, O.ColumnName);
      for (const std::string &N : D.Constraints) {
        A.Clauses.push_back(dropConstraint(*T0->findConstraint(N)));
        A.Writes.insert("n:" + N);
      }
      for (const std::string &N : D.Indexes) {
        A.Clauses.push_back("DROP INDEX " + q(N));
        A.Writes.insert("n:" + N);
      }
      fkIndexes(After, TN, A);
    }
    A.Clauses.push_back("DROP COLUMN " + q(O.ColumnName));
    A.Writes.insert("c:" + O.ColumnName);
    break;
  }
  case OpKind::RenameColumn: {
    Unit &A = alter(TN);
    A.Clauses.push_back("RENAME COLUMN " + q(O.ColumnName) + " TO " +
                        q(O.Name));
    A.Writes.insert("c:" + O.ColumnName);
    A.Writes.insert("c:" + O.Name);
    break;
  }
  case OpKind::AlterColumnType:
    alterType(O, After);
    break;
  case OpKind::SetNotNull:
  case OpKind::DropNotNull:
    if (const Column *C = T1 ? T1->findColumn(O.ColumnName) : nullptr) {
      Unit &A = alter(TN);
      A.Clauses.push_back("MODIFY COLUMN " + columnDef(*C, TN));
      A.Writes.insert("c:" + C->Name);
    }
    break;
  case OpKind::SetDefault:
  case OpKind::DropDefault:
    if (const Column *C = T1 ? T1->findColumn(O.ColumnName) : nullptr) {
      Unit &A = alter(TN);
      A.Clauses.push_back("ALTER COLUMN " + q(C->Name) +
                          (C->Default ? " SET DEFAULT " + defaultClause(*C)
                                      : std::string(" DROP DEFAULT")));
      A.Writes.insert("c:" + C->Name);
    }
    break;
  case OpKind::CreateIndex: {
    const Index &I = O.NewIndex;
    const Table *T = After.findTable(I.Table);
    if (!T)
      break;
    if (O.Concurrently)
      warn("note: MySQL builds indexes online (ALGORITHM=INPLACE, "
           "LOCK=NONE where it can); `concurrently` has no other spelling");
    Unit &A = alter(I.Table);
    indexClauses(I, *T, A);
    fkIndexes(After, I.Table, A);
    break;
  }
  case OpKind::DropIndex: {
    const Index *I = S.findIndex(O.Name);
    if (!I)
      break;
    Unit &A = alter(I->Table);
    A.Clauses.push_back("DROP INDEX " + q(O.Name));
    A.Writes.insert("n:" + O.Name);
    fkIndexes(After, I->Table, A);
    break;
  }
  case OpKind::AddConstraint: {
    if (!T1 || O.Constraints.empty())
      break;
    const Constraint &K = O.Constraints.front();
    // `using index`: on MySQL the unique index already is the unique key,
    // under its own name; a primary key is always a separate index.
    bool Using = !K.UsingIndex.empty();
    if (Using && K.Kind == ConstraintKind::Unique && K.Name == K.UsingIndex) {
      warn("note: on MySQL unique index " + K.UsingIndex + " on " + TN +
           " already is the unique key; nothing to run");
      break;
    }
    Unit &A = alter(TN);
    if (Using && K.Kind == ConstraintKind::Unique) {
      A.Clauses.push_back("RENAME INDEX " + q(K.UsingIndex) + " TO " +
                          q(K.Name));
    } else {
      if (Using)
        A.Clauses.push_back("DROP INDEX " + q(K.UsingIndex));
      A.Clauses.push_back("ADD " + constraintDef(*T1, K));
    }
    if (Using)
      A.Writes.insert("n:" + K.UsingIndex);
    for (const std::string &C : K.Columns)
      A.Reads.insert("c:" + C);
    A.Writes.insert("n:" + K.Name);
    fkIndexes(After, TN, A);
    break;
  }
  case OpKind::DropConstraint: {
    const Constraint *C = nullptr;
    if (T0)
      for (const Constraint &K : T0->Constraints)
        if (K.Name == O.Name)
          C = &K;
    if (!C)
      break;
    Unit &A = alter(TN);
    A.Clauses.push_back(dropConstraint(*C));
    A.Writes.insert("n:" + C->Name);
    fkIndexes(After, TN, A);
    break;
  }
  case OpKind::ValidateConstraint:
    // `not valid` became a constraint checked when it was added.
    warn("note: MySQL has no NOT VALID: constraint " + O.Name + " on " + TN +
         " was checked against every row when it was added; nothing to "
         "validate");
    break;
  case OpKind::Update:
    update(O);
    break;
  case OpKind::Delete:
    stmt(Unit::Dml, "DELETE FROM " + q(TN) +
                        (O.Value ? " WHERE " + expr(O.Value) : "") + ";");
    break;
  case OpKind::Insert: {
    stmt(Unit::Dml,
         "INSERT INTO " + q(TN) + insertValues(O, q, [&](const ExprPtr &E) {
           return expr(E);
         }) + ";");
    break;
  }
  case OpKind::Sql:
    if (!O.Dialect.empty() && O.Dialect != "mysql" && O.Dialect != "mariadb") {
      stmt(Unit::Note,
           sqlComment("(sql for " + O.Dialect + " only, not emitted here)"));
    } else {
      warn("note: opaque sql, emitted verbatim");
      stmt(Unit::Ddl, llvm::StringRef(O.Sql).rtrim(" \t\r\n;").str() + ";");
    }
    break;
  }

  // Warnings go with the first statement of the operation.
  if (Units.size() > First)
    Units[First].Warnings.insert(Units[First].Warnings.begin(), Pending.begin(),
                                 Pending.end());
  else
    for (std::string &W : Pending)
      Units.push_back(Unit{Unit::Note, "", {}, sqlComment(W), {}, {}, {}});
  Pending.clear();
}

bool conflicts(const Unit &A, const Unit &B) {
  auto Meets = [](const std::set<std::string> &X,
                  const std::set<std::string> &Y) {
    return llvm::any_of(X, [&](const std::string &K) { return Y.count(K); });
  };
  return Meets(B.Writes, A.Writes) || Meets(B.Reads, A.Writes) ||
         Meets(B.Writes, A.Reads);
}

void ScriptBuilder::write(llvm::raw_ostream &OS) {
  // Consecutive ALTER TABLE clauses on one table that touch different
  // columns and names become one statement.
  std::vector<Unit> Merged;
  for (Unit &U : Units) {
    if (U.Kind == Unit::Alter && !Merged.empty()) {
      Unit &P = Merged.back();
      if (P.Kind == Unit::Alter && P.Table == U.Table && !conflicts(P, U)) {
        P.Clauses.insert(P.Clauses.end(), U.Clauses.begin(), U.Clauses.end());
        P.Reads.insert(U.Reads.begin(), U.Reads.end());
        P.Writes.insert(U.Writes.begin(), U.Writes.end());
        P.Warnings.insert(P.Warnings.end(), U.Warnings.begin(),
                          U.Warnings.end());
        continue;
      }
    }
    Merged.push_back(std::move(U));
  }
  bool InTransaction = false;
  for (const Unit &U : Merged) {
    if (U.Kind == Unit::Dml && !InTransaction) {
      OS << "START TRANSACTION;\n";
      InTransaction = true;
    } else if (U.Kind != Unit::Dml && U.Kind != Unit::Note && InTransaction) {
      OS << "COMMIT;\n";
      InTransaction = false;
    }
    for (const std::string &W : U.Warnings)
      OS << sqlComment(W) << "\n";
    if (U.Kind == Unit::Alter) {
      if (U.Clauses.empty())
        continue;
      OS << "ALTER TABLE " << q(U.Table);
      if (U.Clauses.size() == 1) {
        OS << " " << U.Clauses[0] << ";\n";
        continue;
      }
      for (size_t I = 0; I < U.Clauses.size(); ++I)
        OS << "\n  " << U.Clauses[I] << (I + 1 < U.Clauses.size() ? "," : ";");
      OS << "\n";
    } else {
      OS << U.Text << "\n";
    }
  }
  if (InTransaction)
    OS << "COMMIT;\n";
}

} // namespace

namespace {
void writeTimeouts(const Migration &M, llvm::raw_ostream &OS);

void writeHeader(const Migration &M, llvm::StringRef Direction,
                 llvm::raw_ostream &OS) {
  OS << sqlComment("migration " + M.Name + " (" + Direction.str() + ")")
     << "\n";
  if (M.Description)
    OS << sqlComment(*M.Description) << "\n";
  OS << "-- MySQL/MariaDB: DDL is not transactional, each statement commits "
        "on its own;\n"
        "-- clauses on one table are merged into one atomic ALTER TABLE and "
        "data changes\n"
        "-- run in one transaction, so a failure leaves every statement "
        "before it applied.\n"
        "-- Tables use utf8mb4_bin: `=` and `unique` on text are case- and "
        "accent-sensitive\n"
        "-- as in PostgreSQL (trailing spaces still compare equal). Literals "
        "are valid with\n"
        "-- and without NO_BACKSLASH_ESCAPES.\n"
        "SET NAMES utf8mb4 COLLATE utf8mb4_bin;\n";
  writeTimeouts(M, OS);
}

/// Whole seconds, rounded up: MySQL's lock waits count seconds, from 1.
std::string seconds(uint64_t Ms) { return std::to_string((Ms + 999) / 1000); }

/// The migration's timeouts as session settings (MySQL has no SET LOCAL:
/// DDL commits on its own). lock_timeout bounds the wait for a table's
/// metadata lock (DDL) and for row locks (data changes); statement_timeout
/// is MariaDB's max_statement_time, in a comment only MariaDB runs (MySQL
/// 8.0's max_execution_time bounds SELECT alone). '0' leaves the server's
/// own setting.
void writeTimeouts(const Migration &M, llvm::raw_ostream &OS) {
  if (M.LockTimeout && M.LockTimeout->Ms) {
    if (M.LockTimeout->Ms % 1000)
      OS << sqlComment("lock_timeout " + M.LockTimeout->Text +
                       ": MySQL counts whole seconds, rounded up")
         << "\n";
    OS << "SET SESSION lock_wait_timeout = " << seconds(M.LockTimeout->Ms)
       << ", innodb_lock_wait_timeout = " << seconds(M.LockTimeout->Ms)
       << ";\n";
  }
  if (M.StatementTimeout && M.StatementTimeout->Ms)
    OS << "/*M! SET SESSION max_statement_time = "
       << M.StatementTimeout->Ms / 1000 << "."
       << std::to_string(1000 + M.StatementTimeout->Ms % 1000).substr(1)
       << " */;\n";
}

/// The session settings writeTimeouts changed, put back.
void resetTimeouts(const Migration &M, llvm::raw_ostream &OS) {
  if (M.LockTimeout && M.LockTimeout->Ms)
    OS << "SET SESSION lock_wait_timeout = DEFAULT, "
          "innodb_lock_wait_timeout = DEFAULT;\n";
  if (M.StatementTimeout && M.StatementTimeout->Ms)
    OS << "/*M! SET SESSION max_statement_time = DEFAULT */;\n";
}

/// MySQL needs the schema around each operation (a MODIFY COLUMN restates
/// the whole column; a foreign key keeps the index it needs), for `up`, a
/// written `down` and a synthesized one alike.
class MySQLBackend : public SteppedBackend<ScriptBackend> {
  void writeMigration(const ir::MigrationStep &M, const std::vector<Step> &Up,
                      const std::vector<Step> *Down) override {
    write(M, false, Up);
    if (Down)
      write(M, true, *Down);
  }

  void write(const ir::MigrationStep &M, bool Down,
             const std::vector<Step> &Ops) {
    llvm::raw_string_ostream OS(scriptOf(M.Index, Down));
    writeHeader(M.IR, Down ? "down" : "up", OS);
    ScriptBuilder B;
    for (const Step &St : Ops)
      B.op(*St.IR, St.Before, St.After);
    B.write(OS);
    resetTimeouts(M.IR, OS);
    OS << "\n";
    for (Diagnostic &D : B.Refused)
      M.Diags.push_back(std::move(D));
  }
};
} // namespace

DiagList mysqlUnsupported(const Op &O, const Schema &Before,
                          const Schema &After) {
  ScriptBuilder B;
  B.op(O, Before, After);
  return std::move(B.Unsupported);
}

std::unique_ptr<Backend> createMySQLBackend() {
  return std::make_unique<MySQLBackend>();
}

} // namespace migc::backends
