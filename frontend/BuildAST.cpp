//===- BuildAST.cpp - Files, migrations, names and types ------------------===//

#include "frontend/BuildAST.h"

#include "antlr4-runtime.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

namespace migc::frontend {

llvm::SMLoc BuildContext::loc(const antlr4::Token *T) const {
  return llvm::SMLoc::getFromPointer(BufferStart + T->getStartIndex());
}

llvm::SMRange BuildContext::range(const antlr4::Token *T) const {
  size_t B = T->getStartIndex(), E = T->getStopIndex();
  if (B == size_t(-1))
    return {};
  size_t End = (E == size_t(-1) || E < B) ? B : E + 1;
  return {llvm::SMLoc::getFromPointer(BufferStart + B),
          llvm::SMLoc::getFromPointer(BufferStart + End)};
}

llvm::SMRange BuildContext::range(antlr4::ParserRuleContext *C) const {
  antlr4::Token *Start = C->getStart(), *Stop = C->getStop();
  llvm::SMRange R = range(Start);
  if (Stop && Stop->getStopIndex() != size_t(-1) &&
      Stop->getStopIndex() >= Start->getStartIndex())
    R.End = llvm::SMLoc::getFromPointer(BufferStart + Stop->getStopIndex() + 1);
  return R;
}

llvm::StringRef BuildContext::text(const antlr4::Token *T) const {
  size_t B = T->getStartIndex(), E = T->getStopIndex();
  if (B == size_t(-1) || E == size_t(-1) || E < B)
    return {};
  return {BufferStart + B, E + 1 - B};
}

bool BuildContext::broken(antlr4::tree::ParseTree *T) const {
  if (!HadSyntaxErrors || !T)
    return T == nullptr;
  if (auto *E = dynamic_cast<antlr4::tree::ErrorNode *>(T)) {
    // Punctuation the parser inserted (`missing ;`) leaves a complete
    // statement, which is still worth checking; anything else does not.
    antlr4::Token *Tok = E->getSymbol();
    size_t Type = Tok->getType();
    bool Inserted = Tok->getTokenIndex() == size_t(-1); // conjured
    return !(Inserted &&
             (Type == MigParser::SEMI || Type == MigParser::RPAREN ||
              Type == MigParser::RBRACE));
  }
  // Every rule of the grammar reads at least one token: an empty one was
  // conjured by error recovery (a token set repaired by insertion).
  if (auto *C = dynamic_cast<antlr4::ParserRuleContext *>(T))
    if (C->exception || C->children.empty())
      return true;
  for (antlr4::tree::ParseTree *Child : T->children)
    if (broken(Child))
      return true;
  return false;
}

std::string unquote(llvm::StringRef Quoted, char Q) {
  llvm::StringRef Inner = Quoted.drop_front().drop_back();
  std::string Out;
  Out.reserve(Inner.size());
  for (size_t I = 0; I < Inner.size(); ++I) {
    Out.push_back(Inner[I]);
    if (Inner[I] == Q && I + 1 < Inner.size() && Inner[I + 1] == Q)
      ++I;
  }
  return Out;
}

ast::Name buildName(MigParser::IdentifierContext *C, BuildContext &Ctx) {
  ast::Name N;
  if (!C || !C->getStart())
    return N;
  antlr4::Token *T = C->getStart();
  N.Range = Ctx.range(T);
  llvm::StringRef Text = Ctx.text(T);
  N.Text =
      T->getType() == MigParser::QUOTED_IDENT ? unquote(Text, '"') : Text.str();
  return N;
}

ast::TypeName buildType(MigParser::TypeNameContext *C, BuildContext &Ctx) {
  ast::TypeName T;
  T.Range = Ctx.range(C);
  if (C->DOUBLE()) {
    T.Keyword = "double";
    return T;
  }
  T.Keyword = Ctx.text(C->getStart()).lower();
  for (antlr4::tree::TerminalNode *N : C->INTEGER()) {
    long long V = 0;
    if (Ctx.text(N->getSymbol()).getAsInteger(10, V))
      V = -1; // too large; reported as an invalid parameter
    T.Params.push_back(V);
  }
  return T;
}

namespace {

std::optional<std::string> stringOf(antlr4::tree::TerminalNode *N,
                                    BuildContext &Ctx) {
  if (!N)
    return std::nullopt;
  return unquote(Ctx.text(N->getSymbol()), '\'');
}

void buildBlock(const std::vector<MigParser::StatementContext *> &Stmts,
                std::vector<ast::Op> &Out, BuildContext &Ctx) {
  for (MigParser::StatementContext *S : Stmts) {
    if (Ctx.broken(S))
      continue;
    if (std::optional<ast::Op> O = buildStatement(S, Ctx))
      Out.push_back(std::move(*O));
  }
}

void duplicateItem(llvm::SMRange At, llvm::StringRef What, BuildContext &Ctx) {
  Ctx.Diags.emplace_back(Rule::MalformedMigration, At,
                         "a migration has at most one `" + What.str() +
                             "`; this one repeats it");
}

/// A timeout clause's value, or a diagnostic at it.
std::optional<ast::Timeout> timeoutOf(llvm::StringRef Clause,
                                      antlr4::tree::TerminalNode *N,
                                      BuildContext &Ctx) {
  std::optional<std::string> Text = stringOf(N, Ctx);
  if (!Text)
    return std::nullopt;
  llvm::SMRange At = Ctx.range(N->getSymbol());
  std::optional<uint64_t> Ms = ast::parseTimeout(*Text);
  if (!Ms) {
    Ctx.Diags
        .emplace_back(Rule::MalformedMigration, At,
                      "`" + Clause.str() +
                          "` takes a duration such as '2s', "
                          "'500ms' or '1min'; " +
                          quote(*Text) + " is not one that PostgreSQL accepts")
        .note(At, "write digits and a unit (ms, s, min, h or d), at most "
                  "2147483647ms; '0' turns the timeout off");
    return std::nullopt;
  }
  return ast::Timeout{*Text, *Ms, At};
}

void buildItem(MigParser::MigrationItemContext *I, ast::Migration &M,
               BuildContext &Ctx) {
  llvm::SMRange R = Ctx.range(I);
  if (auto *Q = dynamic_cast<MigParser::RequiresItemContext *>(I)) {
    for (MigParser::IdentifierContext *Id : Q->identifier())
      M.Requires.push_back(buildName(Id, Ctx));
  } else if (auto *A = dynamic_cast<MigParser::AuthorItemContext *>(I)) {
    if (M.Author)
      duplicateItem(R, "author", Ctx);
    M.Author = stringOf(A->STRING(), Ctx);
  } else if (auto *D = dynamic_cast<MigParser::DescriptionItemContext *>(I)) {
    if (M.Description)
      duplicateItem(R, "description", Ctx);
    M.Description = stringOf(D->STRING(), Ctx);
  } else if (auto *Irr =
                 dynamic_cast<MigParser::IrreversibleItemContext *>(I)) {
    if (M.Irreversible)
      duplicateItem(R, "irreversible", Ctx);
    M.Irreversible = stringOf(Irr->STRING(), Ctx).value_or("");
    M.IrreversibleRange = R;
  } else if (auto *LT = dynamic_cast<MigParser::LockTimeoutItemContext *>(I)) {
    if (M.LockTimeout)
      duplicateItem(R, "lock_timeout", Ctx);
    M.LockTimeout = timeoutOf("lock_timeout", LT->STRING(), Ctx);
  } else if (auto *ST =
                 dynamic_cast<MigParser::StatementTimeoutItemContext *>(I)) {
    if (M.StatementTimeout)
      duplicateItem(R, "statement_timeout", Ctx);
    M.StatementTimeout = timeoutOf("statement_timeout", ST->STRING(), Ctx);
  } else if (auto *Tx = dynamic_cast<MigParser::TransactionItemContext *>(I)) {
    if (M.NoTransaction)
      duplicateItem(R, "transaction", Ctx);
    ast::Name Mode = buildName(Tx->identifier(), Ctx);
    if (llvm::StringRef(Mode.Text).equals_insensitive("none"))
      M.NoTransaction = R;
    else
      Ctx.Diags
          .emplace_back(Rule::MalformedMigration, Mode.Range,
                        "unknown transaction mode " + quote(Mode.Text) +
                            "; the one mode is `none`")
          .note(Mode.Range, "`transaction none;` runs the migration outside a "
                            "transaction; without it, a migration runs in "
                            "one where the target can");
  } else if (auto *U = dynamic_cast<MigParser::UpItemContext *>(I)) {
    if (M.HasUp)
      duplicateItem(R, "up", Ctx);
    M.HasUp = true;
    buildBlock(U->statement(), M.Up, Ctx);
  } else if (auto *Dn = dynamic_cast<MigParser::DownItemContext *>(I)) {
    if (M.Down)
      duplicateItem(R, "down", Ctx);
    M.Down.emplace();
    M.DownRange = R;
    buildBlock(Dn->statement(), *M.Down, Ctx);
  }
}

void checkShape(const ast::Migration &M, BuildContext &Ctx) {
  // After a syntax error the block may be there but unreadable.
  if (!M.HasUp && !Ctx.HadSyntaxErrors)
    Ctx.Diags.emplace_back(Rule::MalformedMigration, M.MigName.Range,
                           "migration " + quote(M.MigName.Text) +
                               " has no `up` block, so it does nothing");
  if (M.Irreversible && M.Down)
    Ctx.Diags
        .emplace_back(Rule::MalformedMigration, M.DownRange,
                      "an irreversible migration cannot have a `down` block")
        .note(M.IrreversibleRange, "declared irreversible here");
}

} // namespace

ast::File buildFile(MigParser::FileContext *Tree, BuildContext &Ctx) {
  ast::File F;
  for (MigParser::MigrationContext *MC : Tree->migration()) {
    if (!MC->identifier() ||
        (Ctx.HadSyntaxErrors && MC->exception && !MC->identifier()->getStart()))
      continue;
    ast::Migration M;
    M.MigName = buildName(MC->identifier(), Ctx);
    if (M.MigName.Text.empty())
      continue;
    M.Range = Ctx.range(MC);
    for (MigParser::MigrationItemContext *I : MC->migrationItem())
      if (!Ctx.broken(I) || dynamic_cast<MigParser::UpItemContext *>(I) ||
          dynamic_cast<MigParser::DownItemContext *>(I))
        buildItem(I, M, Ctx);
    checkShape(M, Ctx);
    F.Migrations.push_back(std::move(M));
  }
  return F;
}

} // namespace migc::frontend

namespace migc::ast {

std::optional<uint64_t> parseTimeout(llvm::StringRef Text) {
  llvm::StringRef Digits = Text.take_while(llvm::isDigit);
  llvm::StringRef Unit = Text.drop_front(Digits.size());
  uint64_t N = 0;
  if (Digits.empty() || Digits.size() > 12 || Digits.getAsInteger(10, N))
    return std::nullopt;
  uint64_t Scale = llvm::StringSwitch<uint64_t>(Unit)
                       .Case("", 1)
                       .Case("ms", 1)
                       .Case("s", 1000)
                       .Case("min", 60000)
                       .Case("h", 3600000)
                       .Case("d", 86400000)
                       .Default(0);
  if (!Scale || N > 2147483647 / Scale)
    return std::nullopt;
  return N * Scale;
}

} // namespace migc::ast
