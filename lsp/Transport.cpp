//===- Transport.cpp - JSON-RPC messages framed by Content-Length ---------===//

#include "lsp/Transport.h"

#include "llvm/ADT/StringExtras.h"

#include <cerrno>
#include <optional>
#include <unistd.h>

namespace migc::lsp {

bool Transport::fill() {
  if (AtEof)
    return false;
  if (Pos == Buf.size()) {
    Buf.clear();
    Pos = 0;
  }
  char Chunk[65536];
  for (;;) {
    ssize_t N = ::read(In, Chunk, sizeof Chunk);
    if (N > 0) {
      Buf.append(Chunk, size_t(N));
      return true;
    }
    if (N < 0 && errno == EINTR)
      continue;
    AtEof = true;
    return false;
  }
}

bool Transport::readLine(std::string &Line) {
  // A header line longer than this is garbage; it is cut, not buffered
  // without end.
  constexpr size_t MaxLine = 4096;
  Line.clear();
  for (;;) {
    size_t NL = Buf.find('\n', Pos);
    size_t End = NL == std::string::npos ? Buf.size() : NL;
    size_t Take = std::min(End - Pos, MaxLine - std::min(MaxLine, Line.size()));
    Line.append(Buf, Pos, Take);
    Pos = End;
    if (NL != std::string::npos) {
      ++Pos;
      if (!Line.empty() && Line.back() == '\r')
        Line.pop_back();
      return true;
    }
    if (!fill())
      return !Line.empty();
  }
}

bool Transport::readBytes(size_t N, std::string &Out) {
  Out.clear();
  while (Out.size() < N) {
    if (Pos == Buf.size() && !fill())
      return false;
    size_t Take = std::min(N - Out.size(), Buf.size() - Pos);
    Out.append(Buf, Pos, Take);
    Pos += Take;
  }
  return true;
}

Transport::Read Transport::read(std::string &Body, std::string &Why) {
  std::optional<uint64_t> Length;
  bool Bad = false, SawLine = false;
  std::string Line;
  for (;;) {
    if (!readLine(Line))
      return Read::Eof;
    if (Line.empty()) {
      if (!SawLine)
        continue; // blank lines between messages
      break;
    }
    SawLine = true;
    // The header may be glued to the end of a message body that was not
    // read (after a bad frame): look for it anywhere on the line.
    llvm::StringRef L(Line);
    size_t At = L.find_insensitive("content-length:");
    if (At == llvm::StringRef::npos)
      continue; // other headers (Content-Type) and garbage
    llvm::StringRef Value = L.drop_front(At + 15).trim();
    uint64_t N;
    if (Value.getAsInteger(10, N)) {
      Bad = true;
      Why = "Content-Length is not a number";
    } else if (N > MaxBody) {
      Bad = true;
      Why = "Content-Length " + std::to_string(N) + " is larger than " +
            std::to_string(MaxBody) + " bytes";
    } else {
      Length = N;
      Bad = false;
    }
  }
  if (Bad)
    return Read::BadFrame;
  if (!Length) {
    Why = "the header has no Content-Length";
    return Read::BadFrame;
  }
  if (!readBytes(*Length, Body))
    return Read::Eof; // a truncated body: the input has ended
  return Read::Message;
}

void Transport::send(const llvm::json::Value &Message) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  OS << Message;
  OS.flush();
  Out << "Content-Length: " << Text.size() << "\r\n\r\n" << Text;
  Out.flush();
}

} // namespace migc::lsp
