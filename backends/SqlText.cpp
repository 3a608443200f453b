//===- SqlText.cpp - Pieces of SQL text the SQL backends share ------------===//

#include "backends/SqlText.h"

namespace migc::backends {

std::string sqlComment(llvm::StringRef Text) {
  std::string Out = "-- ";
  for (char C : Text)
    Out += static_cast<unsigned char>(C) < 0x20 ? ' ' : C;
  return Out;
}

std::string joinQuoted(const std::vector<std::string> &Names,
                       llvm::function_ref<std::string(llvm::StringRef)> Quote) {
  std::string Out;
  for (const std::string &N : Names)
    Out += (Out.empty() ? "" : ", ") + Quote(N);
  return Out;
}

std::string
insertValues(const ir::Op &O,
             llvm::function_ref<std::string(llvm::StringRef)> Quote,
             llvm::function_ref<std::string(const ir::ExprPtr &)> Expr) {
  std::string Out;
  if (!O.InsertColumns.empty())
    Out += " (" + joinQuoted(O.InsertColumns, Quote) + ")";
  Out += " VALUES ";
  for (size_t R = 0; R < O.Rows.size(); ++R) {
    Out += R ? ", (" : "(";
    for (size_t I = 0; I < O.Rows[R].size(); ++I)
      Out += (I ? ", " : "") + Expr(O.Rows[R][I]);
    Out += ")";
  }
  return Out;
}

} // namespace migc::backends
