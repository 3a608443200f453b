//===- Features.cpp - Symbols, definition, hover and completion -----------===//
//
// The requests that read a document's last analysis (lsp/Analysis.h).
//
//===----------------------------------------------------------------------===//

#include "lsp/Server.h"

#include "ir/OpPrinter.h"

#include "llvm/ADT/StringExtras.h"

namespace migc::lsp {

namespace json = llvm::json;

std::optional<Server::Reply> Server::target(const std::string &Uri,
                                            std::optional<Position> Pos,
                                            Target &Out) {
  auto It = Docs.find(Uri);
  if (It == Docs.end())
    return Reply::error(ErrorCode::InvalidParams,
                        "the document is not open: " + jsonText(Uri));
  const Document &D = It->second;
  const Analysis *A = D.Last.get();
  Out.A = A;
  Out.Buffer = A && D.Path ? A->bufferOf(*D.Path) : 0;
  if (!Out.Buffer)
    return Reply(); // nothing is known of this document: a null answer
  if (!Pos)
    return std::nullopt;
  std::optional<llvm::SMLoc> L = A->location(Out.Buffer, *Pos);
  if (!L)
    return Reply::error(ErrorCode::InvalidParams,
                        "line " + std::to_string(Pos->Line) + ", character " +
                            std::to_string(Pos->Character) +
                            " is past the end of the line or of the document");
  Out.Loc = *L;
  return std::nullopt;
}

namespace {
bool within(llvm::SMRange Inner, llvm::SMRange Outer) {
  return Outer.Start.isValid() && Outer.End.isValid() &&
         Outer.Start.getPointer() <= Inner.Start.getPointer() &&
         Inner.End.getPointer() <= Outer.End.getPointer();
}
} // namespace

Server::Reply Server::documentSymbol(const DocumentParams &P) {
  Target Tg;
  if (std::optional<Reply> R = target(P.Uri, std::nullopt, Tg))
    return R->Code ? *R : Reply{json::Array(), {}, {}};
  const Analysis &A = *Tg.A;
  json::Array Out;
  for (const ast::File &F : A.C.Files) {
    if (F.Buffer != Tg.Buffer)
      continue;
    for (const ast::Migration &M : F.Migrations) {
      if (!M.MigName.Range.Start.isValid())
        continue;
      DocumentSymbol S;
      S.Name = jsonText(M.MigName.Text);
      S.Kind = SymbolKind::Module;
      llvm::SMRange Whole =
          within(M.MigName.Range, M.Range) ? M.Range : M.MigName.Range;
      S.Rng = A.range(Whole);
      S.Selection = A.range(M.MigName.Range);
      for (const ast::Op &O : M.Up) {
        if (O.Kind != ast::OpKind::CreateTable ||
            !within(O.Table.Range, O.Range) || !within(O.Range, Whole))
          continue;
        DocumentSymbol C;
        C.Name = jsonText(O.Table.Text);
        C.Kind = SymbolKind::Class;
        C.Detail = "create table";
        C.Rng = A.range(O.Range);
        C.Selection = A.range(O.Table.Range);
        S.Children.push_back(std::move(C));
      }
      Out.push_back(toJSON(S));
    }
  }
  return Reply{std::move(Out), {}, {}};
}

Server::Reply Server::definition(const PositionParams &P) {
  Target Tg;
  if (std::optional<Reply> R = target(P.Uri, P.Pos, Tg))
    return *R;
  const Occurrence *O = Tg.A->occurrenceAt(Tg.Loc);
  if (!O || !O->Def.Start.isValid())
    return Reply();
  unsigned B = findBuffer(Tg.A->C.SM, O->Def.Start);
  Location L{uriOf(B, *Tg.A), Tg.A->range(O->Def)};
  return Reply{json::Array{toJSON(L)}, {}, {}};
}

namespace {

std::string codeBlock(llvm::StringRef Text) {
  return "```mig\n" + jsonText(Text) + "\n```";
}

std::optional<std::string> describe(const Analysis &A, const Occurrence &O) {
  if (O.K == Occurrence::What::Migration) {
    for (const ir::Migration &M : A.C.Migrations)
      if (M.Name == O.Table) {
        std::string S = codeBlock("migration " + ir::printName(M.Name));
        if (!M.Requires.empty())
          S += "\n\nrequires " + jsonText(llvm::join(M.Requires, ", "));
        return S;
      }
    return std::nullopt;
  }
  if (O.Point < 0)
    return std::nullopt;
  // The object as it is before the operation, or as the operation makes it
  // (a table being created, a column being renamed to this name).
  const SchemaPoint &P = A.Points[size_t(O.Point)];
  for (const ir::Schema *S : {&P.Before, &P.After}) {
    const ir::Table *T = S->findTable(O.Table);
    if (!T)
      continue;
    if (O.K == Occurrence::What::Table)
      return codeBlock(ir::printCreateTable(*T));
    if (const ir::Column *C = T->findColumn(O.Column))
      return codeBlock(describeColumn(*T, *C));
  }
  return std::nullopt;
}

} // namespace

Server::Reply Server::hover(const PositionParams &P) {
  Target Tg;
  if (std::optional<Reply> R = target(P.Uri, P.Pos, Tg))
    return *R;
  const Occurrence *O = Tg.A->occurrenceAt(Tg.Loc);
  if (!O)
    return Reply();
  std::optional<std::string> Text = describe(*Tg.A, *O);
  if (!Text)
    return Reply();
  return Reply{json::Object{{"contents", json::Object{{"kind", "markdown"},
                                                      {"value", *Text}}},
                            {"range", Tg.A->range(O->Range)}},
               {},
               {}};
}

namespace {

bool isIdentChar(char C) { return llvm::isAlnum(C) || C == '_'; }

/// The table a statement being written names, from its text up to the
/// cursor: the word after `table`, `update`, `into`, `on`, `from` or
/// `column`. Finds it when the statement does not parse yet.
std::string tableOfStatement(llvm::StringRef Before) {
  size_t Start = Before.find_last_of(";{");
  llvm::StringRef Stmt =
      Start == llvm::StringRef::npos ? Before : Before.drop_front(Start + 1);
  std::string Table;
  bool Next = false;
  while (!Stmt.empty()) {
    Stmt = Stmt.drop_while([](char C) { return !isIdentChar(C); });
    llvm::StringRef Word = Stmt.take_while(isIdentChar);
    Stmt = Stmt.drop_front(Word.size());
    if (Word.empty())
      break;
    if (Next && !Stmt.empty())
      Table = Word.str();
    std::string W = Word.lower();
    Next = W == "table" || W == "update" || W == "into" || W == "on" ||
           W == "from" || W == "column";
  }
  return Table;
}

void addColumns(const ir::Table &T, json::Array &Items) {
  for (const ir::Column &C : T.Columns) {
    CompletionItem I;
    I.Label = jsonText(C.Name);
    I.Kind = CompletionKind::Field;
    I.Detail = jsonText(C.Ty.str() + (C.Nullable ? "" : " not null"));
    Items.push_back(toJSON(I));
  }
}

} // namespace

Server::Reply Server::completion(const PositionParams &P) {
  Target Tg;
  if (std::optional<Reply> R = target(P.Uri, P.Pos, Tg))
    return R->Code ? *R : Reply{json::Array(), {}, {}};
  const Analysis &A = *Tg.A;
  llvm::StringRef Text = A.C.SM.getMemoryBuffer(Tg.Buffer)->getBuffer();
  llvm::StringRef Before =
      Text.take_front(size_t(Tg.Loc.getPointer() - Text.data()));
  // The word being typed, and the qualifier before a dot.
  llvm::StringRef Line = Before.substr(Before.find_last_of('\n') + 1);
  auto DropWord = [](llvm::StringRef T) {
    size_t K = T.size();
    while (K && isIdentChar(T[K - 1]))
      --K;
    return T.take_front(K);
  };
  llvm::StringRef Rest = DropWord(Line);
  const SchemaPoint *Op = nullptr;
  const ir::Schema &S = A.schemaAt(Tg.Buffer, Tg.Loc, &Op);
  json::Array Items;
  if (Rest.endswith(".")) {
    llvm::StringRef Q = Rest.drop_back();
    llvm::StringRef Qualifier = Q.drop_front(DropWord(Q).size());
    if (const ir::Table *T = S.findTable(Qualifier))
      addColumns(*T, Items);
    return Reply{
        json::Object{{"isIncomplete", false}, {"items", std::move(Items)}},
        {},
        {}};
  }
  // Columns of the table the statement works on, then every table.
  std::string Table = Op ? Op->Table : tableOfStatement(Before);
  const ir::Table *T = S.findTable(Table);
  if (!T && Op) // a table being created
    T = Op->After.findTable(Table);
  if (T)
    addColumns(*T, Items);
  for (llvm::StringRef Name : S.tableNames()) {
    CompletionItem I;
    I.Label = jsonText(Name);
    I.Kind = CompletionKind::Class;
    I.Detail = "table";
    Items.push_back(toJSON(I));
  }
  return Reply{
      json::Object{{"isIncomplete", false}, {"items", std::move(Items)}},
      {},
      {}};
}

} // namespace migc::lsp
