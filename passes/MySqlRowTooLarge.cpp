//===- MySqlRowTooLarge.cpp - Rows over MySQL's 65,535 bytes --------------===//
//
// Spec section 8.6 (issue 12): MySQL and MariaDB refuse a table whose row
// can take more than 65,535 bytes: every column counts the most bytes its
// type may take (in the backend's utf8mb4 tables a character counts 4), a
// VARCHAR its length bytes too, LONGTEXT, LONGBLOB and JSON only their
// 12-byte pointer, and the bitmap of nullable columns one byte per eight.
// The emitted `CREATE TABLE` or `ALTER TABLE` then fails at that migration,
// although PostgreSQL accepts it. backends/MySQLTypes.h counts each type as
// the backend writes it; test/integration/mariadb.py checks the verdicts on
// MariaDB 10.11, at the limit and one byte over.
//
// Only projects that target MySQL (`[check] targets`) hear of it, at the
// operation that takes the row over the limit: the ones after it on the same
// table would fail for the same reason and are not reported again.
//
//===----------------------------------------------------------------------===//

#include "backends/MySQLTypes.h"
#include "passes/Pass.h"

namespace migc::passes {

namespace {

struct RowSize {
  unsigned Bytes = 0;
  /// The column that counts the most bytes.
  const ir::Column *Widest = nullptr;
  unsigned WidestBytes = 0;
};

RowSize rowSize(const ir::Table &T) {
  RowSize R;
  unsigned Nullable = 0;
  for (size_t I = 0; I < T.Columns.size(); ++I) {
    const ir::Column &C = T.Columns[I];
    unsigned B = backends::mysqlRowBytes(C.Ty);
    R.Bytes += B;
    Nullable += C.Nullable;
    if (B > R.WidestBytes) {
      R.WidestBytes = B;
      R.Widest = &C;
    }
  }
  R.Bytes += (Nullable + 7) / 8;
  return R;
}

/// 65540 as "65,540".
std::string grouped(unsigned N) {
  std::string S = std::to_string(N);
  for (int I = int(S.size()) - 3; I > 0; I -= 3)
    S.insert(size_t(I), ",");
  return S;
}

class MySqlRowTooLargePass : public Pass {
public:
  using Pass::Pass;

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    Fit = true;
    if (!Ctx.Targets.MySql || !grows(O.IR))
      return;
    if (const ir::Table *T = Before.findTable(tableOf(O.IR)))
      Fit = rowSize(*T).Bytes <= backends::MySqlMaxRowBytes;
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    // A synthesized down re-creates what existed before: it fitted then.
    if (!Ctx.Targets.MySql || O.Synthesized || !Applied || !Fit)
      return;
    const ir::Op &Op = O.IR;
    const ir::Table *T = grows(Op) ? After.findTable(tableOf(Op)) : nullptr;
    if (!T)
      return;
    RowSize R = rowSize(*T);
    if (R.Bytes <= backends::MySqlMaxRowBytes)
      return;
    std::string Statement =
        Op.Kind == ir::OpKind::CreateTable ? "`CREATE TABLE`" : "`ALTER TABLE`";
    Diagnostic &D = O.M.Diags.emplace_back(
        Rule::MySqlRowTooLarge, Op.Range,
        "a row of " + quote(T->Name) + " can take " + grouped(R.Bytes) +
            " bytes on MySQL and MariaDB, over their limit of 65,535, so " +
            Statement + " fails there");
    if (R.Widest)
      D.note(R.Widest->Range,
             quote(R.Widest->Name) + " (" + R.Widest->Ty.str() + ") counts " +
                 grouped(R.WidestBytes) +
                 " of them (4 bytes a character in utf8mb4); a `text` column "
                 "is stored off the row and counts 12");
  }

private:
  /// Not a switch: only these operations add bytes to a row (a table, a
  /// column, a wider type, a nullable column's bit).
  static bool grows(const ir::Op &Op) {
    return Op.Kind == ir::OpKind::CreateTable ||
           Op.Kind == ir::OpKind::AddColumn ||
           Op.Kind == ir::OpKind::AlterColumnType ||
           Op.Kind == ir::OpKind::DropNotNull;
  }

  static llvm::StringRef tableOf(const ir::Op &Op) {
    return Op.Kind == ir::OpKind::CreateTable
               ? llvm::StringRef(Op.NewTable.Name)
               : llvm::StringRef(Op.TableName);
  }

  /// Whether the table fitted before the operation (or did not exist).
  bool Fit = true;
};

} // namespace

std::unique_ptr<Pass> createMySqlRowTooLargePass(PassContext &Ctx) {
  return std::make_unique<MySqlRowTooLargePass>(Ctx);
}

} // namespace migc::passes
