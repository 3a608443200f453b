//===- Parser.cpp - Lexing, pre-scan and parsing of one .mig buffer -------===//
//
// Tokens come from migc's lexer (Lexer.h); their indexes are byte offsets
// into the SourceMgr buffer. UTF-8 is validated separately (strings and
// quoted names may hold any character). Before the
// parser runs, a pre-scan reports malformed tokens, over-long names and too
// deep nesting, and collects `migc-ignore` comments.
//
//===----------------------------------------------------------------------===//

#include "frontend/Parser.h"
#include "frontend/BuildAST.h"
#include "frontend/Lexer.h"

#include "MigLexer.h"
#include "antlr4-runtime.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/MemoryBuffer.h"

namespace migc {

using namespace frontend;
using migcgen::MigLexer;

namespace {

constexpr unsigned MaxErrorsPerFile = 200;
/// Beyond PostgreSQL's 63 bytes (checked where a database object is named),
/// no name of any kind is reasonable past this.
constexpr size_t MaxIdentifierBytes = 1024;

/// Reports the first invalid UTF-8 sequence and any NUL byte.
void checkEncoding(llvm::StringRef Text, const char *Base, DiagList &Diags) {
  size_t BadCount = 0, FirstBad = 0;
  bool SawNul = false;
  for (size_t I = 0; I < Text.size();) {
    unsigned char C = Text[I];
    if (C == 0 && !SawNul) {
      SawNul = true;
      llvm::SMLoc L = llvm::SMLoc::getFromPointer(Base + I);
      Diags.emplace_back(Rule::InvalidEncoding, llvm::SMRange(L, L),
                         "the file contains a NUL byte; .mig files are text");
    }
    if (C < 0x80) {
      ++I;
      continue;
    }
    // LLVM's check refuses overlong forms, surrogates and code points past
    // U+10FFFF, as PostgreSQL's UTF-8 validation does.
    unsigned Len = llvm::getNumBytesForUTF8(C);
    const auto *P = reinterpret_cast<const llvm::UTF8 *>(Text.data() + I);
    bool Ok = I + Len <= Text.size() && llvm::isLegalUTF8Sequence(P, P + Len);
    if (Ok) {
      I += Len;
      continue;
    }
    if (BadCount++ == 0)
      FirstBad = I;
    ++I;
  }
  if (!BadCount)
    return;
  llvm::SMLoc L = llvm::SMLoc::getFromPointer(Base + FirstBad);
  char Hex[8];
  snprintf(Hex, sizeof Hex, "0x%02x",
           static_cast<unsigned char>(Text[FirstBad]));
  Diags.emplace_back(Rule::InvalidEncoding, llvm::SMRange(L, L),
                     std::string("invalid UTF-8: byte ") + Hex +
                         (BadCount > 1
                              ? " is the first of " + std::to_string(BadCount) +
                                    " invalid bytes"
                              : std::string()) +
                         "; save the file as UTF-8");
}

/// A `-- migc-ignore:` comment waiting to learn what it covers.
struct PendingSuppression {
  Suppression S;
  const char *PrevEnd = nullptr; // end of the token before the comment
  bool PrevOnSameLine = false;
  const char *NextStart = nullptr;
};

bool sameLine(const char *A, const char *B) {
  for (const char *P = A; P < B; ++P)
    if (*P == '\n')
      return false;
  return true;
}

/// Parses `-- migc-ignore: rule, rule reason`.
std::optional<PendingSuppression> parseSuppression(llvm::StringRef Comment,
                                                   llvm::SMRange Range,
                                                   DiagList &Diags) {
  llvm::StringRef S = Comment.drop_front(2).ltrim();
  if (!S.consume_front("migc-ignore:"))
    return std::nullopt;
  PendingSuppression P;
  P.S.Comment = Range;
  while (true) {
    S = S.ltrim();
    size_t Len = S.find_first_not_of(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");
    llvm::StringRef Word = S.take_front(Len);
    if (Word.empty())
      break;
    if (std::optional<Rule> R = ruleByName(Word))
      P.S.Rules.push_back(*R);
    else
      Diags.emplace_back(Rule::UnknownRule, Range,
                         "migc-ignore names " + quote(Word) +
                             ", which is not a migc rule");
    S = S.drop_front(Word.size()).ltrim();
    if (!S.consume_front(","))
      break;
  }
  return P;
}

std::string describeByte(char C) {
  unsigned char U = static_cast<unsigned char>(C);
  if (U >= 0x21 && U < 0x7f)
    return std::string("`") + C + "`";
  char Buf[16];
  snprintf(Buf, sizeof Buf, "byte 0x%02x", U);
  return Buf;
}

/// The tokens the parser will see, and what the pre-scan learned.
struct ScanResult {
  std::vector<std::unique_ptr<antlr4::Token>> Tokens;
  std::vector<PendingSuppression> Suppressions;
  bool TooDeep = false;
};

class PreScanner {
public:
  PreScanner(const char *Base, DiagList &Diags) : Base(Base), Diags(Diags) {}

  ScanResult run(antlr4::TokenSource &Lexer) {
    ScanResult R;
    while (true) {
      std::unique_ptr<antlr4::Token> T = Lexer.nextToken();
      size_t Type = T->getType();
      if (Type != MigLexer::BAD_CHAR)
        flushBadRun();
      if (Type == antlr4::Token::EOF) {
        for (PendingSuppression &P : R.Suppressions)
          if (!P.NextStart)
            P.NextStart = Base + T->getStartIndex();
        R.Tokens.push_back(std::move(T));
        break;
      }
      if (!accept(*T, Type, R))
        continue;
      if (!R.TooDeep && !trackNesting(*T, Type))
        R.TooDeep = true;
      for (auto It = R.Suppressions.rbegin();
           It != R.Suppressions.rend() && !It->NextStart; ++It)
        It->NextStart = Base + T->getStartIndex();
      PrevEnd = Base + T->getStopIndex() + 1;
      R.Tokens.push_back(std::move(T));
    }
    return R;
  }

private:
  llvm::SMRange rangeOf(const antlr4::Token &T, size_t MaxLen = ~size_t(0)) {
    const char *B = Base + T.getStartIndex();
    size_t Len = std::min(T.getStopIndex() + 1 - T.getStartIndex(), MaxLen);
    return {llvm::SMLoc::getFromPointer(B),
            llvm::SMLoc::getFromPointer(B + Len)};
  }

  void error(Rule R, llvm::SMRange At, std::string Msg) {
    if (++Errors <= MaxErrorsPerFile)
      Diags.emplace_back(R, At, std::move(Msg));
  }

  /// Returns false for tokens the parser must not see.
  bool accept(const antlr4::Token &T, size_t Type, ScanResult &R) {
    switch (Type) {
    case MigLexer::BAD_CHAR:
      if (BadStart && Base + T.getStartIndex() == BadEnd) {
        ++BadEnd;
      } else {
        flushBadRun();
        BadStart = Base + T.getStartIndex();
        BadEnd = BadStart + 1;
      }
      return false;
    case MigLexer::UNTERMINATED_STRING:
      error(Rule::SyntaxError, rangeOf(T, 1),
            "unterminated string literal: the closing `'` is missing");
      return false;
    case MigLexer::UNTERMINATED_QUOTED_IDENT:
      error(Rule::SyntaxError, rangeOf(T, 1),
            "unterminated quoted name: the closing `\"` is missing");
      return false;
    case MigLexer::UNTERMINATED_COMMENT:
      error(Rule::SyntaxError, rangeOf(T, 2),
            "unterminated block comment: the closing `*/` is missing");
      return false;
    case MigLexer::LINE_COMMENT:
    case MigLexer::BLOCK_COMMENT: {
      llvm::StringRef Text(Base + T.getStartIndex(),
                           T.getStopIndex() + 1 - T.getStartIndex());
      if (Type == MigLexer::LINE_COMMENT)
        if (auto P = parseSuppression(Text, rangeOf(T), Diags)) {
          P->PrevEnd = PrevEnd;
          P->PrevOnSameLine = PrevEnd && sameLine(PrevEnd, Text.data());
          R.Suppressions.push_back(std::move(*P));
        }
      return false;
    }
    case MigLexer::IDENT:
    case MigLexer::QUOTED_IDENT: {
      size_t Len = T.getStopIndex() + 1 - T.getStartIndex();
      if (Type == MigLexer::QUOTED_IDENT)
        Len -= 2;
      if (Len > MaxIdentifierBytes)
        error(Rule::IdentifierTooLong, rangeOf(T, 64),
              "this name is " + std::to_string(Len) +
                  " bytes long; migc accepts names of at most " +
                  std::to_string(MaxIdentifierBytes) + " bytes");
      return true;
    }
    default:
      return true;
    }
  }

  void flushBadRun() {
    if (!BadStart)
      return;
    llvm::SMRange At(llvm::SMLoc::getFromPointer(BadStart),
                     llvm::SMLoc::getFromPointer(BadEnd));
    size_t N = BadEnd - BadStart;
    error(Rule::SyntaxError, At,
          N == 1
              ? "unexpected character " + describeByte(*BadStart)
              : std::to_string(N) + " unexpected characters, starting with " +
                    describeByte(*BadStart));
    BadStart = BadEnd = nullptr;
  }

  /// Returns false when a limit is passed (reported once). Both bound the
  /// depth of the syntax tree, which the parser and every later stage walk
  /// recursively: nesting (parentheses, `case`, prefix operators), and the
  /// length of an operator chain, which builds a tree as deep as it is long.
  bool trackNesting(const antlr4::Token &T, size_t Type) {
    switch (Type) {
    case MigLexer::LPAREN:
    case MigLexer::CASE:
      ++Depth;
      UnaryRun = 0;
      Chain.push_back(0);
      break;
    case MigLexer::RPAREN:
    case MigLexer::END:
      Depth -= Depth > 0;
      UnaryRun = 0;
      if (Chain.size() > 1)
        Chain.pop_back();
      break;
    case MigLexer::NOT:
    case MigLexer::MINUS:
    case MigLexer::PLUS:
      ++UnaryRun;
      ++Chain.back();
      break;
    // Operators that chain (comparisons cannot: `a = b = c` is no
    // expression, so they add no depth).
    case MigLexer::AND:
    case MigLexer::OR:
    case MigLexer::CONCAT:
    case MigLexer::STAR:
    case MigLexer::SLASH:
    case MigLexer::PERCENT:
      UnaryRun = 0;
      ++Chain.back();
      break;
    case MigLexer::COMMA:
    case MigLexer::WHEN:
    case MigLexer::THEN:
    case MigLexer::ELSE:
      UnaryRun = 0;
      Chain.back() = 0;
      break;
    case MigLexer::SEMI:
      UnaryRun = 0;
      Chain.assign(Chain.size(), 0);
      break;
    case MigLexer::LBRACE:
    case MigLexer::RBRACE:
      // Expressions live inside `up { }` and `down { }`; stray operators
      // outside are syntax errors, not trees.
      Braces = Type == MigLexer::LBRACE ? Braces + 1 : Braces - (Braces > 0);
      UnaryRun = 0;
      Chain.assign(Chain.size(), 0);
      break;
    default:
      UnaryRun = 0;
    }
    if (!Braces)
      Chain.back() = 0;
    if (Chain.back() > MaxOperatorChain) {
      Diags.emplace_back(Rule::NestingTooDeep, rangeOf(T),
                         "expression chains more than " +
                             std::to_string(MaxOperatorChain) +
                             " operators; split it (migc stops reading this "
                             "file here)");
      return false;
    }
    if (Depth + UnaryRun <= MaxNestingDepth)
      return true;
    Diags.emplace_back(Rule::NestingTooDeep, rangeOf(T),
                       "expression nested more than " +
                           std::to_string(MaxNestingDepth) +
                           " levels deep; migc stops reading this file here");
    return false;
  }

  const char *Base;
  DiagList &Diags;
  const char *PrevEnd = nullptr;
  const char *BadStart = nullptr, *BadEnd = nullptr;
  unsigned Depth = 0, UnaryRun = 0, Errors = 0, Braces = 0;
  std::vector<unsigned> Chain = {0}; // operators so far, per nesting level
};

} // namespace

// Defined in ErrorStrategy.cpp.
namespace frontend {
std::shared_ptr<antlr4::ANTLRErrorStrategy>
makeErrorStrategy(BuildContext &Ctx, unsigned MaxErrors);
}

static void resolveSuppressions(std::vector<PendingSuppression> &Pending,
                                const ast::File &F,
                                std::vector<Suppression> &Out) {
  if (Pending.empty())
    return;
  llvm::DenseMap<const char *, llvm::SMRange> ByStart, ByEnd;
  for (const ast::Migration &M : F.Migrations) {
    ByStart[M.Range.Start.getPointer()] = M.Range;
    auto AddOps = [&](const std::vector<ast::Op> &Ops) {
      for (const ast::Op &O : Ops) {
        ByStart[O.Range.Start.getPointer()] = O.Range;
        ByEnd[O.Range.End.getPointer()] = O.Range;
      }
    };
    AddOps(M.Up);
    if (M.Down)
      AddOps(*M.Down);
  }
  for (PendingSuppression &P : Pending) {
    auto E = P.PrevOnSameLine ? ByEnd.find(P.PrevEnd) : ByEnd.end();
    if (E != ByEnd.end())
      P.S.Scope = E->second;
    else if (auto S = ByStart.find(P.NextStart); S != ByStart.end())
      P.S.Scope = S->second;
    Out.push_back(std::move(P.S));
  }
}

ParseOutput parseBuffer(const llvm::SourceMgr &SM, unsigned Buffer) {
  ParseOutput Out;
  Out.File.Buffer = Buffer;
  llvm::StringRef Text = SM.getMemoryBuffer(Buffer)->getBuffer();
  const char *Base = Text.data();
  checkEncoding(Text, Base, Out.Diags);

  BuildContext Ctx{Base, Out.Diags};
  try {
    // The parser reads tokens only; their text is sliced from the buffer.
    antlr4::ANTLRInputStream Input;
    Tokenizer Lexer(Text, &Input);
    ScanResult Scan = PreScanner(Base, Out.Diags).run(Lexer);
    if (Scan.TooDeep)
      return Out;

    antlr4::ListTokenSource Source(std::move(Scan.Tokens));
    antlr4::CommonTokenStream Tokens(&Source);
    MigParser Parser(&Tokens);
    Parser.removeErrorListeners();
    // SLL prediction is much faster and almost always enough; only input it
    // cannot decide (or gets wrong) is parsed again with full LL.
    auto *Sim = Parser.getInterpreter<antlr4::atn::ParserATNSimulator>();
    Sim->setPredictionMode(antlr4::atn::PredictionMode::SLL);
    Parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    MigParser::FileContext *Tree = nullptr;
    try {
      Tree = Parser.file();
    } catch (antlr4::ParseCancellationException &) {
      Out.UsedFullLL = true;
      Tokens.seek(0);
      Parser.reset();
      Sim->setPredictionMode(antlr4::atn::PredictionMode::LL);
      Parser.setErrorHandler(makeErrorStrategy(Ctx, MaxErrorsPerFile));
      Tree = Parser.file();
    }
    Out.File = buildFile(Tree, Ctx);
    Out.File.Buffer = Buffer;
    resolveSuppressions(Scan.Suppressions, Out.File, Out.Suppressions);
  } catch (antlr4::ParseCancellationException &) {
    // The error strategy gave up after too many errors; they are reported.
    Out.File.Migrations.clear();
  } catch (std::exception &E) {
    llvm::SMLoc L = llvm::SMLoc::getFromPointer(Base);
    Out.Diags.emplace_back(Rule::SyntaxError, llvm::SMRange(L, L),
                           std::string("migc could not read this file: ") +
                               E.what());
    Out.File.Migrations.clear();
  }
  return Out;
}

} // namespace migc
