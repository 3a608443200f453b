//===- Lexer.h - The .mig lexer (private to frontend/) --------*- C++ -*-===//
//
// A hand-written lexer for the lexical rules of grammar/Mig.g4, producing
// the same tokens as the ANTLR-generated MigLexer. ANTLR's C++ lexer is the
// bottleneck of parsing (and takes process-wide locks per character, so it
// cannot run on two cores); this one is a plain loop over bytes. The
// generated lexer stays the reference: crossCheckLexers() compares the two,
// and a unit test runs it over a corpus.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_FRONTEND_LEXER_H
#define MIGC_FRONTEND_LEXER_H

#include "antlr4-runtime.h"

#include "llvm/ADT/StringRef.h"

namespace migc::frontend {

class Tokenizer : public antlr4::TokenSource {
public:
  /// Input is the stream tokens refer to (for ANTLR's error recovery); its
  /// indexes are byte offsets into Text.
  /// A UTF-8 byte order mark at the start is skipped like white space.
  Tokenizer(llvm::StringRef Text, antlr4::CharStream *Input)
      : Text(Text), Input(Input) {
    if (Text.startswith("\xEF\xBB\xBF"))
      Pos = 3;
  }

  std::unique_ptr<antlr4::Token> nextToken() override;
  size_t getLine() const override { return Line; }
  size_t getCharPositionInLine() override { return Pos - LineStart; }
  antlr4::CharStream *getInputStream() override { return Input; }
  std::string getSourceName() override { return "<mig>"; }
  antlr4::TokenFactory<antlr4::CommonToken> *getTokenFactory() override {
    return antlr4::CommonTokenFactory::DEFAULT.get();
  }

private:
  size_t lexToken(size_t &Channel);
  size_t quoted(char Q, size_t Terminated, size_t Unterminated);
  size_t word();
  void advance(size_t N);

  llvm::StringRef Text;
  antlr4::CharStream *Input;
  size_t Pos = 0, Line = 1, LineStart = 0;
};

} // namespace migc::frontend

namespace migc {
/// Lexes Text with both lexers; returns a description of the first
/// difference, or an empty string when the token streams are the same.
std::string crossCheckLexers(llvm::StringRef Text);
} // namespace migc

#endif
