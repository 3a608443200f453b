//===- ErrorStrategy.cpp - Syntax errors in migc's words ------------------===//
//
// ANTLR's default recovery (single-token insertion and deletion, then
// resynchronisation) keeps going after an error so that every error of a
// file is reported; this strategy only rewrites the messages: `expected `;`
// after `)``, with the expected tokens named as a user writes them.
//
//===----------------------------------------------------------------------===//

#include "frontend/BuildAST.h"

#include "antlr4-runtime.h"

namespace migc::frontend {

namespace {

bool isSoftKeyword(size_t T) {
  using P = MigParser;
  switch (T) {
  case P::MIGRATION:
  case P::REQUIRES:
  case P::AUTHOR:
  case P::DESCRIPTION:
  case P::IRREVERSIBLE:
  case P::LOCK_TIMEOUT:
  case P::STATEMENT_TIMEOUT:
  case P::TRANSACTION:
  case P::UP:
  case P::DOWN:
  case P::CREATE:
  case P::TABLE:
  case P::DROP:
  case P::RENAME:
  case P::ADD:
  case P::COLUMN:
  case P::ALTER:
  case P::TYPE:
  case P::INDEX:
  case P::CONCURRENTLY:
  case P::VALID:
  case P::VALIDATE:
  case P::KEY:
  case P::UPDATE:
  case P::DELETE:
  case P::INSERT:
  case P::SQL:
  case P::DIALECT:
  case P::CASCADE:
  case P::RESTRICT:
  case P::NO:
  case P::ACTION:
  case P::ASC:
  case P::DESC:
  case P::PRECISION:
  case P::BATCHES:
  case P::OF:
  case P::SMALLINT:
  case P::INT:
  case P::INTEGER_KW:
  case P::BIGINT:
  case P::DECIMAL:
  case P::NUMERIC:
  case P::REAL:
  case P::FLOAT:
  case P::DOUBLE:
  case P::BOOL:
  case P::BOOLEAN:
  case P::TEXT:
  case P::VARCHAR:
  case P::CHAR:
  case P::BYTES:
  case P::DATE:
  case P::TIME:
  case P::TIMESTAMP:
  case P::TIMESTAMPTZ:
  case P::UUID:
  case P::JSON:
    return true;
  default:
    return false;
  }
}

std::string tokenName(const antlr4::dfa::Vocabulary &V, size_t T) {
  switch (T) {
  case antlr4::Token::EOF:
    return "end of file";
  case MigParser::IDENT:
    return "a name";
  case MigParser::STRING:
    return "a string";
  case MigParser::INTEGER:
    return "a number";
  case MigParser::EQEQ:
    return "`==`";
  }
  std::string Lit = V.getLiteralName(T);
  if (Lit.size() >= 2)
    return "`" + Lit.substr(1, Lit.size() - 2) + "`";
  std::string Sym = V.getSymbolicName(T);
  if (llvm::StringRef(Sym).endswith("_KW"))
    Sym.resize(Sym.size() - 3);
  for (char &C : Sym)
    C = char(std::tolower(static_cast<unsigned char>(C)));
  return "`" + Sym + "`";
}

class MigErrorStrategy : public antlr4::DefaultErrorStrategy {
public:
  MigErrorStrategy(BuildContext &Ctx, unsigned MaxErrors)
      : Ctx(Ctx), MaxErrors(MaxErrors) {}

protected:
  void
  reportNoViableAlternative(antlr4::Parser *P,
                            const antlr4::NoViableAltException &E) override {
    antlr4::Token *T = E.getOffendingToken();
    report(P, T, "unexpected " + show(T), P->getExpectedTokens(),
           /*AfterPrevious=*/T && T->getType() == antlr4::Token::EOF);
  }

  void reportInputMismatch(antlr4::Parser *P,
                           const antlr4::InputMismatchException &E) override {
    report(P, E.getOffendingToken(),
           "unexpected " + show(E.getOffendingToken()), E.getExpectedTokens(),
           /*AfterPrevious=*/true);
  }

  void reportUnwantedToken(antlr4::Parser *P) override {
    if (inErrorRecoveryMode(P))
      return;
    beginErrorCondition(P);
    antlr4::Token *T = P->getCurrentToken();
    report(P, T, "unexpected " + show(T), getExpectedTokens(P),
           T->getType() == antlr4::Token::EOF);
  }

  void reportMissingToken(antlr4::Parser *P) override {
    if (inErrorRecoveryMode(P))
      return;
    beginErrorCondition(P);
    antlr4::Token *T = P->getCurrentToken();
    report(P, T, "missing " + expected(P, getExpectedTokens(P)), {}, true);
  }

  /// Inside a statement, recovery stops at the statement's `;` instead of
  /// skipping to the next statement's first word, which would swallow an
  /// error in the statement after it. Once the statement rule itself has
  /// consumed its `;`, the next error is a new one and is reported.
  void recover(antlr4::Parser *P, std::exception_ptr E) override {
    bool InStatement = false;
    for (antlr4::RuleContext *C = P->getContext(); C && !InStatement;
         C = dynamic_cast<antlr4::RuleContext *>(C->parent))
      InStatement = C->getRuleIndex() == MigParser::RuleStatement;
    if (!InStatement) {
      DefaultErrorStrategy::recover(P, E);
      return;
    }
    antlr4::TokenStream *In = P->getTokenStream();
    if (lastErrorIndex == int(In->index()) &&
        lastErrorStates.contains(P->getState()))
      P->consume(); // ANTLR's guard against recovering forever in one place
    lastErrorIndex = int(In->index());
    lastErrorStates.add(P->getState());
    antlr4::misc::IntervalSet Stop = getErrorRecoverySet(P);
    Stop.add(MigParser::SEMI);
    consumeUntil(P, Stop);
    if (In->LA(1) == MigParser::SEMI &&
        P->getContext()->getRuleIndex() == MigParser::RuleStatement) {
      P->consume();
      endErrorCondition(P);
    }
  }

  /// Between migrations, anything that is not `migration` is reported once
  /// and skipped up to the next `migration`: ANTLR would otherwise give up
  /// at the outermost rule and read nothing after it.
  void sync(antlr4::Parser *P) override {
    if (P->getContext()->getRuleIndex() != MigParser::RuleFile) {
      DefaultErrorStrategy::sync(P);
      return;
    }
    antlr4::TokenStream *In = P->getTokenStream();
    size_t T = In->LA(1);
    if (T == MigParser::MIGRATION || T == antlr4::Token::EOF)
      return;
    antlr4::Token *First = P->getCurrentToken();
    Ctx.Diags.emplace_back(Rule::SyntaxError, Ctx.range(First),
                           "unexpected " + show(First) +
                               " outside a migration; expected `migration`");
    Ctx.HadSyntaxErrors = true;
    while (In->LA(1) != MigParser::MIGRATION && In->LA(1) != antlr4::Token::EOF)
      P->consume();
  }

  /// Never delete a `;` to repair a statement: the next statement's first
  /// word would then be read as a name (most keywords can be names).
  antlr4::Token *singleTokenDeletion(antlr4::Parser *P) override {
    if (P->getCurrentToken()->getType() == MigParser::SEMI)
      return nullptr;
    return DefaultErrorStrategy::singleTokenDeletion(P);
  }

private:
  std::string show(antlr4::Token *T) {
    if (!T || T->getType() == antlr4::Token::EOF)
      return "end of file";
    llvm::StringRef Text = Ctx.text(T);
    if (Text.size() > 40)
      return quote(Text.take_front(40)).insert(41, "...");
    return quote(Text);
  }

  std::string expected(antlr4::Parser *P, const antlr4::misc::IntervalSet &S) {
    const antlr4::dfa::Vocabulary &V = P->getVocabulary();
    bool HasName = S.contains(size_t(MigParser::IDENT));
    std::vector<std::string> Names;
    for (ssize_t T : S.toList()) {
      if ((HasName && isSoftKeyword(size_t(T))) ||
          T == ssize_t(MigParser::QUOTED_IDENT) ||
          T == ssize_t(MigParser::DECIMAL_LITERAL) ||
          T == ssize_t(MigParser::EQEQ))
        continue;
      Names.push_back(tokenName(V, size_t(T)));
    }
    if (Names.empty())
      return "something else";
    std::string Out;
    constexpr size_t Shown = 6;
    for (size_t I = 0; I < Names.size() && I < Shown; ++I)
      Out += (I ? (I + 1 == Names.size() ? " or " : ", ") : "") + Names[I];
    if (Names.size() > Shown)
      Out += ", ...";
    return Out;
  }

  void report(antlr4::Parser *P, antlr4::Token *T, std::string Msg,
              const antlr4::misc::IntervalSet &Expected, bool AfterPrevious) {
    if (!Expected.isEmpty())
      Msg += "; expected " + expected(P, Expected);
    llvm::SMRange At = T ? Ctx.range(T) : llvm::SMRange();
    // `expected ;` reads best just after the previous token when the next
    // one is already on another line, as clang does.
    antlr4::Token *Prev = P->getTokenStream()->LT(-1);
    if (AfterPrevious && Prev && T && Prev->getStopIndex() != size_t(-1) &&
        Prev->getType() != antlr4::Token::EOF) {
      const char *End = Ctx.BufferStart + Prev->getStopIndex() + 1;
      const char *Next = Ctx.BufferStart + T->getStartIndex();
      if (llvm::StringRef(End, Next > End ? Next - End : 0).contains('\n') ||
          T->getType() == antlr4::Token::EOF)
        At = {llvm::SMLoc::getFromPointer(End),
              llvm::SMLoc::getFromPointer(End)};
    }
    Ctx.Diags.emplace_back(Rule::SyntaxError, At, std::move(Msg));
    // The builders skip subtrees with errors only when this is set (ANTLR's
    // own count is not kept: its listeners are bypassed).
    Ctx.HadSyntaxErrors = true;
    if (++Count >= MaxErrors) {
      Ctx.Diags.emplace_back(Rule::SyntaxError, At,
                             "too many syntax errors in this file; migc stops "
                             "reading it here");
      throw antlr4::ParseCancellationException();
    }
  }

  BuildContext &Ctx;
  unsigned MaxErrors;
  unsigned Count = 0;
};

} // namespace

std::shared_ptr<antlr4::ANTLRErrorStrategy>
makeErrorStrategy(BuildContext &Ctx, unsigned MaxErrors) {
  return std::make_shared<MigErrorStrategy>(Ctx, MaxErrors);
}

} // namespace migc::frontend
