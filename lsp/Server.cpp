//===- Server.cpp - migc's Language Server --------------------------------===//

#include "lsp/Server.h"

#include "llvm/Support/Path.h"

namespace migc::lsp {

namespace json = llvm::json;

namespace {
void log(const llvm::Twine &Msg) {
  llvm::errs() << "migc lsp: " << Msg << "\n";
}

/// Diagnostics published per document at most: a file of 20,000 syntax
/// errors must not make an editor crawl.
constexpr size_t MaxPublished = 1000;
} // namespace

template <typename Param>
void Server::onRequest(llvm::StringRef Method,
                       Reply (Server::*H)(const Param &)) {
  Requests[Method] = [this, H, Name = Method.str()](const json::Value &V) {
    Param P;
    json::Path::Root Root(Name);
    if (!fromJSON(V, P, Root))
      return Reply::error(ErrorCode::InvalidParams,
                          "invalid params: " + llvm::toString(Root.getError()));
    return (this->*H)(P);
  };
}

template <typename Param>
void Server::onNotification(llvm::StringRef Method,
                            void (Server::*H)(const Param &)) {
  Notifications[Method] = [this, H, Name = Method.str()](const json::Value &V) {
    Param P;
    json::Path::Root Root(Name);
    if (!fromJSON(V, P, Root)) {
      log("ignored " + Name + ": " + llvm::toString(Root.getError()));
      return;
    }
    (this->*H)(P);
  };
}

Server::Server(Transport &T) : T(T) {
  onRequest("initialize", &Server::initialize);
  onRequest("shutdown", &Server::shutdown);
  onRequest("textDocument/documentSymbol", &Server::documentSymbol);
  onRequest("textDocument/definition", &Server::definition);
  onRequest("textDocument/hover", &Server::hover);
  onRequest("textDocument/completion", &Server::completion);
  onNotification("textDocument/didOpen", &Server::didOpen);
  onNotification("textDocument/didChange", &Server::didChange);
  onNotification("textDocument/didClose", &Server::didClose);
}

int Server::run() {
  std::string Body, Why;
  for (;;) {
    switch (T.read(Body, Why)) {
    case Transport::Read::Eof:
      if (!ShutdownSeen)
        log("the input ended without `exit`");
      return ShutdownSeen ? 0 : 1;
    case Transport::Read::BadFrame:
      sendError(nullptr, ErrorCode::ParseError, Why);
      continue;
    case Transport::Read::Message:
      handleMessage(Body);
      if (Exited)
        return ShutdownSeen ? 0 : 1;
      continue;
    }
  }
}

void Server::sendError(json::Value Id, ErrorCode C, llvm::StringRef Msg) {
  T.send(json::Object{
      {"jsonrpc", "2.0"},
      {"id", std::move(Id)},
      {"error", json::Object{{"code", int(C)}, {"message", jsonText(Msg)}}}});
}

void Server::handleMessage(llvm::StringRef Body) {
  llvm::Expected<json::Value> V = json::parse(Body);
  if (!V)
    return sendError(nullptr, ErrorCode::ParseError,
                     "invalid JSON: " + llvm::toString(V.takeError()));
  const json::Object *O = V->getAsObject();
  if (!O)
    return sendError(nullptr, ErrorCode::InvalidRequest,
                     "a message is a JSON object");
  std::optional<json::Value> Id;
  if (const json::Value *IdV = O->get("id")) {
    if (IdV->kind() != json::Value::Number &&
        IdV->kind() != json::Value::String)
      return sendError(nullptr, ErrorCode::InvalidRequest,
                       "`id` is a number or a string");
    Id = *IdV;
  }
  llvm::Optional<llvm::StringRef> Method = O->getString("method");
  if (!Method) {
    // A response: the server sends no requests, so it expects none.
    if (Id && (O->get("result") || O->get("error")))
      return;
    return sendError(Id ? *Id : nullptr, ErrorCode::InvalidRequest,
                     "a request has a `method` string");
  }
  llvm::Optional<llvm::StringRef> Version = O->getString("jsonrpc");
  if (!Version || *Version != "2.0") {
    if (Id)
      return sendError(*Id, ErrorCode::InvalidRequest,
                       "`jsonrpc` must be \"2.0\"");
    return log("ignored a notification without `jsonrpc: \"2.0\"`");
  }
  // Absent (or, from lenient clients, null) params are an empty object.
  const json::Value *Params = O->get("params");
  json::Value NoParams = json::Object{};
  if (!Params || Params->kind() == json::Value::Null)
    Params = &NoParams;
  if (!Params->getAsObject() && !Params->getAsArray()) {
    if (Id)
      return sendError(*Id, ErrorCode::InvalidParams,
                       "`params` is an object or an array");
    return log("ignored " + *Method + ": `params` is not an object");
  }
  if (!Id) {
    if (*Method == "exit") {
      Exited = true;
      return;
    }
    auto It = Notifications.find(*Method);
    if (!Initialized || It == Notifications.end())
      return; // LSP: unknown notifications are ignored
    return It->second(*Params);
  }
  if (*Method == "initialize" && Initialized)
    return sendError(*Id, ErrorCode::InvalidRequest, "already initialized");
  if (!Initialized && *Method != "initialize")
    return sendError(*Id, ErrorCode::ServerNotInitialized,
                     "the server is not initialized");
  if (ShutdownSeen)
    return sendError(*Id, ErrorCode::InvalidRequest,
                     "the server is shutting down");
  auto It = Requests.find(*Method);
  if (It == Requests.end())
    return sendError(*Id, ErrorCode::MethodNotFound,
                     "no method " + jsonText(*Method));
  Reply R = It->second(*Params);
  if (R.Code)
    return sendError(*Id, *R.Code, R.Message);
  T.send(json::Object{
      {"jsonrpc", "2.0"}, {"id", *Id}, {"result", std::move(R.Result)}});
}

Server::Reply Server::initialize(const NoParams &) {
  Initialized = true;
  Reply R;
  R.Result =
      json::Object{{"capabilities",
                    json::Object{
                        {"textDocumentSync",
                         json::Object{{"openClose", true}, {"change", 1}}},
                        {"documentSymbolProvider", true},
                        {"definitionProvider", true},
                        {"hoverProvider", true},
                        {"completionProvider",
                         json::Object{{"triggerCharacters", json::Array{"."}}}},
                    }},
                   {"serverInfo", json::Object{{"name", "migc"}}}};
  return R;
}

Server::Reply Server::shutdown(const NoParams &) {
  ShutdownSeen = true;
  return Reply();
}

//===----------------------------------------------------------------------===//
// Documents and diagnostics
//===----------------------------------------------------------------------===//

void Server::didOpen(const DidOpenParams &P) {
  Document &D = Docs[P.Doc.Uri];
  D.Uri = P.Doc.Uri;
  D.Text = P.Doc.Text;
  D.Version = P.Doc.Version;
  D.Path.reset();
  if (std::optional<std::string> Path = uriToPath(P.Doc.Uri))
    D.Path = absolutePath(*Path);
  analyze(D.Uri);
}

void Server::didChange(const DidChangeParams &P) {
  auto It = Docs.find(P.Uri);
  if (It == Docs.end())
    return log("ignored a change of a document that is not open");
  It->second.Text = P.Text;
  It->second.Version = P.Version;
  analyze(P.Uri);
}

void Server::didClose(const DocumentParams &P) {
  auto It = Docs.find(P.Uri);
  if (It == Docs.end())
    return;
  std::shared_ptr<const Analysis> Last = It->second.Last;
  std::optional<std::string> Path = It->second.Path;
  Docs.erase(It);
  T.send(
      json::Object{{"jsonrpc", "2.0"},
                   {"method", "textDocument/publishDiagnostics"},
                   {"params", json::Object{{"uri", P.Uri},
                                           {"diagnostics", json::Array()}}}});
  // The file on disk replaces the closed text for the rest of its project.
  if (!Last || !Path || !Last->bufferOf(*Path))
    return;
  for (auto &[Uri, D] : Docs)
    if (D.Path && D.Last == Last)
      return analyze(Uri);
}

void Server::analyze(const std::string &Uri) {
  Document &Doc = Docs[Uri];
  if (!Doc.Path) {
    log("no diagnostics for " + Uri + ": only file:// documents are checked");
    Doc.Last.reset();
    return publish(Doc);
  }
  Overlay Texts;
  for (const auto &[U, D] : Docs)
    if (D.Path)
      Texts[*D.Path] = D.Text;
  std::shared_ptr<const Analysis> A = Analysis::run(*Doc.Path, Texts);
  Doc.Last = A;
  publish(Doc);
  // The other open documents of the project see the change too.
  for (auto &[U, D] : Docs)
    if (U != Uri && D.Path && A->bufferOf(*D.Path)) {
      D.Last = A;
      publish(D);
    }
}

std::string Server::uriOf(unsigned Buffer, const Analysis &A) const {
  llvm::StringRef Path = A.C.SM.getMemoryBuffer(Buffer)->getBufferIdentifier();
  for (const auto &[U, D] : Docs)
    if (D.Path && *D.Path == Path)
      return U;
  return pathToUri(Path);
}

void Server::publish(const Document &Doc) {
  json::Array Out;
  const Analysis *A = Doc.Last.get();
  if (A && !A->ProjectError.empty()) {
    LspDiagnostic L;
    L.Code = ruleName(Rule::IoError).str();
    L.Message = jsonText(A->ProjectError);
    Out.push_back(toJSON(L));
  }
  unsigned B = A && Doc.Path ? A->bufferOf(*Doc.Path) : 0;
  for (const Diagnostic &D : B ? A->Diags : DiagList()) {
    if (Out.size() >= MaxPublished)
      break;
    // Only this document's; those without a place (an unreadable file of
    // the project) go to every document.
    if (D.Range.Start.isValid() && findBuffer(A->C.SM, D.Range.Start) != B)
      continue;
    LspDiagnostic L;
    L.Rng = A->range(D.Range);
    L.Severity = D.Sev == Severity::Error     ? DiagSeverity::Error
                 : D.Sev == Severity::Warning ? DiagSeverity::Warning
                                              : DiagSeverity::Information;
    L.Code = ruleName(D.TheRule).str();
    L.Message = jsonText(D.Message);
    for (const DiagNote &N : D.Notes) {
      if (!N.Range.Start.isValid()) {
        L.Message += "\nnote: " + jsonText(N.Message);
        continue;
      }
      unsigned NB = findBuffer(A->C.SM, N.Range.Start);
      L.Related.push_back(
          {{uriOf(NB, *A), A->range(N.Range)}, jsonText(N.Message)});
    }
    Out.push_back(toJSON(L));
  }
  T.send(
      json::Object{{"jsonrpc", "2.0"},
                   {"method", "textDocument/publishDiagnostics"},
                   {"params", json::Object{{"uri", Doc.Uri},
                                           {"version", Doc.Version},
                                           {"diagnostics", std::move(Out)}}}});
}

} // namespace migc::lsp
