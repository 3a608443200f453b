//===- LspCommand.cpp - migc lsp
//-------------------------------------------===//

#include "tools/migc/Driver.h"

#include "lsp/Server.h"

#include "llvm/Support/raw_ostream.h"

namespace migc::driver {

llvm::cl::SubCommand LspCommand("lsp",
                                "Serve the Language Server Protocol on stdin "
                                "and stdout (for editors)");

int runLsp() {
  // stdout carries the protocol alone; logs go to stderr.
  lsp::Transport T(/*In=*/0, llvm::outs());
  lsp::Server S(T);
  return S.run() == 0 ? Success : Failure;
}

} // namespace migc::driver
