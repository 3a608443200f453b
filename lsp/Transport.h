//===- Transport.h - JSON-RPC messages framed by Content-Length -*- C++ -*-===//
//
// Framing only (LSP's base protocol): the server never sees headers, and the
// transport never looks inside a message.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_LSP_TRANSPORT_H
#define MIGC_LSP_TRANSPORT_H

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace migc::lsp {

class Transport {
public:
  /// Reads from the file descriptor In, writes to Out.
  Transport(int In, llvm::raw_ostream &Out) : In(In), Out(Out) {}

  enum class Read { Message, Eof, BadFrame };
  /// The next message's body. BadFrame: a header block without a usable
  /// Content-Length (Why says what was wrong); the next read starts after
  /// it, so one bad frame costs one message.
  Read read(std::string &Body, std::string &Why);

  /// Writes one message with its header, and flushes.
  void send(const llvm::json::Value &Message);

  /// Bodies longer than this are refused without being read.
  static constexpr size_t MaxBody = 64u << 20;

private:
  /// The next header line without its line break; false at end of input.
  bool readLine(std::string &Line);
  /// Exactly N bytes; false when the input ends first.
  bool readBytes(size_t N, std::string &Out);
  bool fill();

  int In;
  llvm::raw_ostream &Out;
  std::string Buf;
  size_t Pos = 0;
  bool AtEof = false;
};

} // namespace migc::lsp

#endif
