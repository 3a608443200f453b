//===- Server.h - migc's Language Server -----------------------*- C++ -*-===//
//
// The lifecycle, the open documents and one flat table of methods, as
// clangd's ClangdLSPServer. Every document change compiles its project
// again (lsp/Analysis.h) and publishes the diagnostics of its documents.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_LSP_SERVER_H
#define MIGC_LSP_SERVER_H

#include "lsp/Analysis.h"
#include "lsp/Transport.h"

#include "llvm/ADT/StringMap.h"

#include <functional>
#include <map>

namespace migc::lsp {

class Server {
public:
  explicit Server(Transport &T);

  /// Serves until `exit` or the end of input. Returns the exit status:
  /// 0 after `shutdown`, 1 without (LSP's rule).
  int run();

private:
  /// A request's answer: a result, or an error.
  struct Reply {
    llvm::json::Value Result = nullptr;
    std::optional<ErrorCode> Code;
    std::string Message;
    static Reply error(ErrorCode C, std::string Msg) {
      Reply R;
      R.Code = C;
      R.Message = std::move(Msg);
      return R;
    }
  };
  using RequestHandler = std::function<Reply(const llvm::json::Value &)>;
  using NotificationHandler = std::function<void(const llvm::json::Value &)>;

  struct Document {
    std::string Uri, Text;
    std::optional<std::string> Path; // file:// documents only
    int64_t Version = 0;
    /// The last compilation of the project holding it.
    std::shared_ptr<const Analysis> Last;
  };

  void handleMessage(llvm::StringRef Body);
  void sendError(llvm::json::Value Id, ErrorCode C, llvm::StringRef Msg);

  template <typename Param>
  void onRequest(llvm::StringRef Method, Reply (Server::*H)(const Param &));
  template <typename Param>
  void onNotification(llvm::StringRef Method, void (Server::*H)(const Param &));

  struct NoParams {};
  friend bool fromJSON(const llvm::json::Value &, NoParams &,
                       llvm::json::Path) {
    return true;
  }
  Reply initialize(const NoParams &);
  Reply shutdown(const NoParams &);
  void didOpen(const DidOpenParams &P);
  void didChange(const DidChangeParams &P);
  void didClose(const DocumentParams &P);
  Reply documentSymbol(const DocumentParams &P);
  Reply definition(const PositionParams &P);
  Reply hover(const PositionParams &P);
  Reply completion(const PositionParams &P);

  /// Compiles the project of Doc and publishes the diagnostics of every
  /// open document in it.
  void analyze(const std::string &Uri);
  void publish(const Document &Doc);
  /// The analysis holding an open document, and its buffer; or an error.
  struct Target {
    const Analysis *A = nullptr;
    unsigned Buffer = 0;
    llvm::SMLoc Loc;
  };
  std::optional<Reply> target(const std::string &Uri,
                              std::optional<Position> Pos, Target &Out);
  std::string uriOf(unsigned Buffer, const Analysis &A) const;

  Transport &T;
  llvm::StringMap<RequestHandler> Requests;
  llvm::StringMap<NotificationHandler> Notifications;
  std::map<std::string, Document> Docs; // by URI
  bool Initialized = false, ShutdownSeen = false, Exited = false;
};

} // namespace migc::lsp

#endif
