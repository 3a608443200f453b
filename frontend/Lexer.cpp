//===- Lexer.cpp - The .mig lexer -----------------------------------------===//

#include "frontend/Lexer.h"
#include "frontend/Parser.h"

#include "MigLexer.h"
#include "MigParser.h"

#include "llvm/ADT/StringMap.h"

namespace migc::frontend {

using L = migcgen::MigLexer;

/// Keyword spelling (lowercase) -> token type, from the grammar's own
/// vocabulary: the keyword tokens are those from MIGRATION to JSON, named
/// after their spelling (a `_KW` suffix avoids C++ macros).
const llvm::StringMap<size_t> &keywords() {
  static const llvm::StringMap<size_t> Map = [] {
    llvm::StringMap<size_t> M;
    antlr4::ANTLRInputStream Empty;
    migcgen::MigLexer Lexer(&Empty); // only for its vocabulary
    const antlr4::dfa::Vocabulary &V = Lexer.getVocabulary();
    for (size_t T = L::MIGRATION; T <= L::JSON; ++T) {
      std::string Name = V.getSymbolicName(T);
      if (llvm::StringRef(Name).endswith("_KW"))
        Name.resize(Name.size() - 3);
      M[llvm::StringRef(Name).lower()] = T;
    }
    return M;
  }();
  return Map;
}

namespace {

bool isWordStart(char C) {
  return (C >= 'a' && C <= 'z') || (C >= 'A' && C <= 'Z') || C == '_';
}
bool isDigit(char C) { return C >= '0' && C <= '9'; }
bool isWordChar(char C) { return isWordStart(C) || isDigit(C); }

} // namespace

void Tokenizer::advance(size_t N) {
  for (size_t End = Pos + N; Pos < End; ++Pos)
    if (Text[Pos] == '\n') {
      ++Line;
      LineStart = Pos + 1;
    }
}

/// A quoted string or name, Q doubled inside; to end of file if unclosed.
size_t Tokenizer::quoted(char Q, size_t Terminated, size_t Unterminated) {
  size_t I = Pos + 1;
  while (I < Text.size()) {
    if (Text[I] == Q) {
      if (I + 1 < Text.size() && Text[I + 1] == Q) {
        I += 2;
        continue;
      }
      advance(I + 1 - Pos);
      return Terminated;
    }
    ++I;
  }
  advance(Text.size() - Pos);
  return Unterminated;
}

size_t Tokenizer::word() {
  size_t I = Pos + 1;
  while (I < Text.size() && isWordChar(Text[I]))
    ++I;
  llvm::StringRef W = Text.slice(Pos, I);
  Pos = I;           // a word holds no newline
  if (W.size() > 24) // longer than any keyword (statement_timeout: 17)
    return L::IDENT;
  char Lower[25];
  for (size_t K = 0; K < W.size(); ++K)
    Lower[K] = W[K] >= 'A' && W[K] <= 'Z' ? char(W[K] + ('a' - 'A')) : W[K];
  auto It = keywords().find(llvm::StringRef(Lower, W.size()));
  return It == keywords().end() ? size_t(L::IDENT) : It->second;
}

/// Lexes one token at Pos (not whitespace); returns its type.
size_t Tokenizer::lexToken(size_t &Channel) {
  char C = Text[Pos];
  char N = Pos + 1 < Text.size() ? Text[Pos + 1] : '\0';
  auto Op = [&](size_t Len, size_t Type) {
    Pos += Len;
    return Type;
  };
  if (isWordStart(C))
    return word();
  if (isDigit(C) || (C == '.' && isDigit(N))) {
    size_t I = Pos;
    while (I < Text.size() && isDigit(Text[I]))
      ++I;
    bool Decimal = I < Text.size() && Text[I] == '.';
    if (Decimal) {
      ++I;
      while (I < Text.size() && isDigit(Text[I]))
        ++I;
    }
    Pos = I;
    return Decimal ? L::DECIMAL_LITERAL : L::INTEGER;
  }
  switch (C) {
  case '\'':
    return quoted('\'', L::STRING, L::UNTERMINATED_STRING);
  case '"':
    return quoted('"', L::QUOTED_IDENT, L::UNTERMINATED_QUOTED_IDENT);
  case '-':
    if (N != '-')
      return Op(1, L::MINUS);
    Channel = antlr4::Token::HIDDEN_CHANNEL;
    Pos = std::min(Text.find_first_of("\r\n", Pos), Text.size());
    return L::LINE_COMMENT;
  case '/': {
    if (N != '*')
      return Op(1, L::SLASH);
    size_t End = Text.find("*/", Pos + 2);
    if (End == llvm::StringRef::npos) {
      advance(Text.size() - Pos);
      return L::UNTERMINATED_COMMENT;
    }
    Channel = antlr4::Token::HIDDEN_CHANNEL;
    advance(End + 2 - Pos);
    return L::BLOCK_COMMENT;
  }
  case '=':
    return N == '=' ? Op(2, L::EQEQ) : Op(1, L::EQ);
  case '|':
    return N == '|' ? Op(2, L::CONCAT) : Op(1, L::BAD_CHAR);
  case '!':
    return N == '=' ? Op(2, L::BANG_EQ) : Op(1, L::BAD_CHAR);
  case '<':
    return N == '>' ? Op(2, L::NE) : N == '=' ? Op(2, L::LE) : Op(1, L::LT);
  case '>':
    return N == '=' ? Op(2, L::GE) : Op(1, L::GT);
  case '(':
    return Op(1, L::LPAREN);
  case ')':
    return Op(1, L::RPAREN);
  case '{':
    return Op(1, L::LBRACE);
  case '}':
    return Op(1, L::RBRACE);
  case ',':
    return Op(1, L::COMMA);
  case ';':
    return Op(1, L::SEMI);
  case '.':
    return Op(1, L::DOT);
  case '+':
    return Op(1, L::PLUS);
  case '*':
    return Op(1, L::STAR);
  case '%':
    return Op(1, L::PERCENT);
  default:
    // Newlines were skipped as whitespace, so one byte never spans a line.
    return Op(1, L::BAD_CHAR);
  }
}

std::unique_ptr<antlr4::Token> Tokenizer::nextToken() {
  while (Pos < Text.size()) {
    char C = Text[Pos];
    if (C != ' ' && C != '\t' && C != '\r' && C != '\n' && C != '\f')
      break;
    advance(1);
  }
  size_t Start = Pos, StartLine = Line, StartCol = Pos - LineStart;
  size_t Channel = antlr4::Token::DEFAULT_CHANNEL;
  size_t Type = Pos < Text.size() ? lexToken(Channel) : antlr4::Token::EOF;
  auto T = std::make_unique<antlr4::CommonToken>(
      std::make_pair(static_cast<antlr4::TokenSource *>(this), Input), Type,
      Channel, Start, Type == antlr4::Token::EOF ? Start - 1 : Pos - 1);
  T->setLine(StartLine);
  T->setCharPositionInLine(StartCol);
  return T;
}

} // namespace migc::frontend

namespace migc {

bool isKeyword(llvm::StringRef Word) {
  return frontend::keywords().count(Word.lower()) != 0;
}

namespace {
class Bytes : public antlr4::ANTLRInputStream {
public:
  explicit Bytes(llvm::StringRef Text) {
    _data.assign(Text.bytes_begin(), Text.bytes_end());
    p = 0;
  }
};
} // namespace

std::string crossCheckLexers(llvm::StringRef Text) {
  // migc skips a byte order mark; the reference sees it as white space.
  std::string Ref = Text.str();
  if (Text.startswith("\xEF\xBB\xBF"))
    Ref.replace(0, 3, "   ");
  Bytes A(Ref), B(Text);
  migcgen::MigLexer Reference(&A);
  Reference.removeErrorListeners();
  frontend::Tokenizer Ours(Text, &B);
  for (size_t I = 0;; ++I) {
    std::unique_ptr<antlr4::Token> R = Reference.nextToken();
    std::unique_ptr<antlr4::Token> O = Ours.nextToken();
    auto Show = [&](antlr4::Token &T) {
      return std::string(
                 Reference.getVocabulary().getSymbolicName(T.getType())) +
             "[" + std::to_string(T.getStartIndex()) + "," +
             std::to_string(T.getStopIndex()) + "] line " +
             std::to_string(T.getLine()) + ":" +
             std::to_string(T.getCharPositionInLine()) + " channel " +
             std::to_string(T.getChannel());
    };
    if (R->getType() != O->getType() ||
        R->getStartIndex() != O->getStartIndex() ||
        (R->getType() != antlr4::Token::EOF &&
         R->getStopIndex() != O->getStopIndex()) ||
        R->getLine() != O->getLine() ||
        R->getCharPositionInLine() != O->getCharPositionInLine() ||
        R->getChannel() != O->getChannel())
      return "token " + std::to_string(I) + ": generated lexer gives " +
             Show(*R) + ", migc's gives " + Show(*O);
    if (R->getType() == antlr4::Token::EOF)
      return "";
  }
}

} // namespace migc
