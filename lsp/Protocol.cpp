//===- Protocol.cpp - The LSP types migc's server speaks ------------------===//

#include "lsp/Protocol.h"

#include "llvm/ADT/StringExtras.h"

namespace migc::lsp {

namespace json = llvm::json;

bool fromJSON(const json::Value &V, Position &P, json::Path Path) {
  json::ObjectMapper O(V, Path);
  if (!O || !O.map("line", P.Line) || !O.map("character", P.Character))
    return false;
  if (P.Line < 0 || P.Character < 0) {
    Path.report("a position is not negative");
    return false;
  }
  return true;
}

json::Value toJSON(const Position &P) {
  return json::Object{{"line", P.Line}, {"character", P.Character}};
}

json::Value toJSON(const Range &R) {
  return json::Object{{"start", R.Start}, {"end", R.End}};
}

json::Value toJSON(const Location &L) {
  return json::Object{{"uri", L.Uri}, {"range", L.Rng}};
}

bool fromJSON(const json::Value &V, TextDocumentItem &D, json::Path Path) {
  json::ObjectMapper O(V, Path);
  return O && O.map("uri", D.Uri) && O.map("text", D.Text) &&
         O.mapOptional("version", D.Version);
}

bool fromJSON(const json::Value &V, DidOpenParams &P, json::Path Path) {
  json::ObjectMapper O(V, Path);
  return O && O.map("textDocument", P.Doc);
}

namespace {
struct VersionedDoc {
  std::string Uri;
  int64_t Version = 0;
};
bool fromJSON(const json::Value &V, VersionedDoc &D, json::Path Path) {
  json::ObjectMapper O(V, Path);
  if (!O || !O.map("uri", D.Uri))
    return false;
  // An identifier's version may be null; only a number is kept.
  if (const json::Value *Ver = V.getAsObject()->get("version"))
    D.Version = Ver->getAsInteger().getValueOr(0);
  return true;
}
struct Change {
  std::string Text;
  bool HasRange = false;
};
bool fromJSON(const json::Value &V, Change &C, json::Path Path) {
  json::ObjectMapper O(V, Path);
  if (!O || !O.map("text", C.Text))
    return false;
  C.HasRange = V.getAsObject()->get("range") != nullptr;
  return true;
}
} // namespace

bool fromJSON(const json::Value &V, DidChangeParams &P, json::Path Path) {
  json::ObjectMapper O(V, Path);
  VersionedDoc D;
  std::vector<Change> Changes;
  if (!O || !O.map("textDocument", D) || !O.map("contentChanges", Changes))
    return false;
  if (Changes.empty()) {
    Path.field("contentChanges").report("no change given");
    return false;
  }
  // The server asked for full-text sync: a ranged change is a client bug.
  if (Changes.back().HasRange) {
    Path.field("contentChanges").report("the server takes full text only");
    return false;
  }
  P.Uri = std::move(D.Uri);
  P.Version = D.Version;
  P.Text = std::move(Changes.back().Text);
  return true;
}

bool fromJSON(const json::Value &V, DocumentParams &P, json::Path Path) {
  json::ObjectMapper O(V, Path);
  VersionedDoc D;
  if (!O || !O.map("textDocument", D))
    return false;
  P.Uri = std::move(D.Uri);
  return true;
}

bool fromJSON(const json::Value &V, PositionParams &P, json::Path Path) {
  json::ObjectMapper O(V, Path);
  VersionedDoc D;
  if (!O || !O.map("textDocument", D) || !O.map("position", P.Pos))
    return false;
  P.Uri = std::move(D.Uri);
  return true;
}

json::Value toJSON(const LspDiagnostic &D) {
  json::Object O{{"range", D.Rng},
                 {"severity", int(D.Severity)},
                 {"code", D.Code},
                 {"source", "migc"},
                 {"message", D.Message}};
  if (!D.Related.empty()) {
    json::Array Rel;
    for (const RelatedInfo &R : D.Related)
      Rel.push_back(json::Object{{"location", R.Loc}, {"message", R.Message}});
    O["relatedInformation"] = std::move(Rel);
  }
  return O;
}

json::Value toJSON(const DocumentSymbol &S) {
  json::Object O{{"name", S.Name},
                 {"kind", int(S.Kind)},
                 {"range", S.Rng},
                 {"selectionRange", S.Selection}};
  if (!S.Detail.empty())
    O["detail"] = S.Detail;
  if (!S.Children.empty()) {
    json::Array C;
    for (const DocumentSymbol &Child : S.Children)
      C.push_back(toJSON(Child));
    O["children"] = std::move(C);
  }
  return O;
}

json::Value toJSON(const CompletionItem &C) {
  json::Object O{{"label", C.Label}, {"kind", int(C.Kind)}};
  if (!C.Detail.empty())
    O["detail"] = C.Detail;
  return O;
}

std::string jsonText(llvm::StringRef S) {
  return json::isUTF8(S) ? S.str() : json::fixUTF8(S);
}

std::optional<std::string> uriToPath(llvm::StringRef Uri) {
  if (!Uri.consume_front_insensitive("file://"))
    return std::nullopt;
  // file://host/path: only the local host is ours.
  if (!Uri.startswith("/")) {
    if (!Uri.consume_front_insensitive("localhost"))
      return std::nullopt;
  }
  std::string Path;
  for (size_t I = 0; I < Uri.size(); ++I) {
    char C = Uri[I];
    if (C != '%') {
      Path.push_back(C);
      continue;
    }
    if (I + 2 >= Uri.size() || !llvm::isHexDigit(Uri[I + 1]) ||
        !llvm::isHexDigit(Uri[I + 2]))
      return std::nullopt;
    Path.push_back(char(llvm::hexDigitValue(Uri[I + 1]) * 16 +
                        llvm::hexDigitValue(Uri[I + 2])));
    I += 2;
  }
  // A NUL would cut the path short when it reaches the file system.
  if (Path.empty() || Path[0] != '/' || Path.find('\0') != std::string::npos)
    return std::nullopt;
  return Path;
}

std::string pathToUri(llvm::StringRef Path) {
  std::string Uri = "file://";
  for (unsigned char C : Path) {
    if (llvm::isAlnum(C) || llvm::StringRef("/-_.~").contains(char(C)))
      Uri.push_back(char(C));
    else {
      Uri.push_back('%');
      Uri.push_back(llvm::hexdigit(C >> 4));
      Uri.push_back(llvm::hexdigit(C & 15));
    }
  }
  return Uri;
}

} // namespace migc::lsp
