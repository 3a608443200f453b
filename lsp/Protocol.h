//===- Protocol.h - The LSP types migc's server speaks ---------*- C++ -*-===//
//
// Each type has fromJSON (for what the client sends) or toJSON (for what the
// server answers), as clangd's Protocol.h does; positions are LSP's: 0-based
// lines and UTF-16 code units.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_LSP_PROTOCOL_H
#define MIGC_LSP_PROTOCOL_H

#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace migc::lsp {

/// JSON-RPC and LSP error codes.
enum class ErrorCode {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
};

struct Position {
  int64_t Line = 0, Character = 0;
};
bool fromJSON(const llvm::json::Value &V, Position &P, llvm::json::Path Path);
llvm::json::Value toJSON(const Position &P);

struct Range {
  Position Start, End;
};
llvm::json::Value toJSON(const Range &R);

struct Location {
  std::string Uri;
  Range Rng;
};
llvm::json::Value toJSON(const Location &L);

struct TextDocumentItem {
  std::string Uri, Text;
  int64_t Version = 0;
};
bool fromJSON(const llvm::json::Value &V, TextDocumentItem &D,
              llvm::json::Path Path);

struct DidOpenParams {
  TextDocumentItem Doc;
};
bool fromJSON(const llvm::json::Value &V, DidOpenParams &P,
              llvm::json::Path Path);

/// Full-text sync: the last change holds the whole text.
struct DidChangeParams {
  std::string Uri;
  int64_t Version = 0;
  std::string Text;
};
bool fromJSON(const llvm::json::Value &V, DidChangeParams &P,
              llvm::json::Path Path);

/// didClose, documentSymbol: a text document alone.
struct DocumentParams {
  std::string Uri;
};
bool fromJSON(const llvm::json::Value &V, DocumentParams &P,
              llvm::json::Path Path);

/// definition, hover, completion.
struct PositionParams {
  std::string Uri;
  Position Pos;
};
bool fromJSON(const llvm::json::Value &V, PositionParams &P,
              llvm::json::Path Path);

enum class DiagSeverity { Error = 1, Warning = 2, Information = 3, Hint = 4 };

struct RelatedInfo {
  Location Loc;
  std::string Message;
};

struct LspDiagnostic {
  Range Rng;
  DiagSeverity Severity = DiagSeverity::Error;
  std::string Code, Message;
  std::vector<RelatedInfo> Related;
};
llvm::json::Value toJSON(const LspDiagnostic &D);

/// LSP's SymbolKind values migc uses.
enum class SymbolKind { Module = 2, Namespace = 3, Class = 5, Field = 8 };

struct DocumentSymbol {
  std::string Name, Detail;
  SymbolKind Kind = SymbolKind::Module;
  Range Rng, Selection;
  std::vector<DocumentSymbol> Children;
};
llvm::json::Value toJSON(const DocumentSymbol &S);

/// LSP's CompletionItemKind values migc uses.
enum class CompletionKind { Field = 5, Class = 7 };

struct CompletionItem {
  std::string Label, Detail;
  CompletionKind Kind = CompletionKind::Class;
};
llvm::json::Value toJSON(const CompletionItem &C);

/// A string for JSON: invalid UTF-8 (from a file on disk) is replaced, as
/// llvm::json::Value requires valid text.
std::string jsonText(llvm::StringRef S);

/// The path of a file:// URI (percent-decoded), or none for other schemes
/// and malformed URIs.
std::optional<std::string> uriToPath(llvm::StringRef Uri);
/// The file:// URI of an absolute path.
std::string pathToUri(llvm::StringRef Path);

} // namespace migc::lsp

#endif
