//===- Analysis.cpp - One project compiled for the language server --------===//

#include "lsp/Analysis.h"

#include "llvm/Support/ConvertUTF.h"

#include <map>

namespace migc::lsp {

namespace {

/// Keeps every diagnostic the engine lets through.
class Collector : public DiagnosticConsumer {
public:
  explicit Collector(DiagList &Out) : Out(Out) {}
  void handle(const Diagnostic &D) override { Out.push_back(D); }

private:
  DiagList &Out;
};

bool contains(llvm::SMRange R, llvm::SMLoc L) {
  return R.Start.isValid() && R.Start.getPointer() <= L.getPointer() &&
         L.getPointer() < R.End.getPointer();
}

/// UTF-16 code units of UTF-8 text (a stray byte counts as one).
int64_t utf16Length(llvm::StringRef S) {
  int64_t N = 0;
  for (size_t I = 0; I < S.size();) {
    unsigned char C = S[I];
    unsigned Len = llvm::getNumBytesForUTF8(C);
    if (Len < 1 || Len > 4 || I + Len > S.size())
      Len = 1;
    N += Len == 4 ? 2 : 1;
    I += Len;
  }
  return N;
}

} // namespace

unsigned Analysis::bufferOf(llvm::StringRef Path) const {
  for (unsigned B = 1, N = C.SM.getNumBuffers(); B <= N; ++B)
    if (C.SM.getMemoryBuffer(B)->getBufferIdentifier() == Path)
      return B;
  return 0;
}

Position Analysis::position(llvm::SMLoc L) const {
  if (!L.isValid())
    return {};
  unsigned B = findBuffer(C.SM, L);
  if (!B)
    return {};
  auto [Line, Col] = C.SM.getLineAndColumn(L, B);
  llvm::StringRef Prefix(L.getPointer() - (Col - 1), Col - 1);
  return {int64_t(Line) - 1, utf16Length(Prefix)};
}

Range Analysis::range(llvm::SMRange R) const {
  Position S = position(R.Start);
  Position E = R.End.isValid() ? position(R.End) : S;
  return {S, E};
}

std::optional<llvm::SMLoc> Analysis::location(unsigned Buffer,
                                              Position P) const {
  if (!Buffer || P.Line >= int64_t(1) << 31)
    return std::nullopt;
  llvm::StringRef Text = C.SM.getMemoryBuffer(Buffer)->getBuffer();
  // The line's start: FindLocForLineAndColumn would accept a column past
  // the line's end.
  size_t Start = 0;
  for (int64_t L = 0; L < P.Line; ++L) {
    size_t NL = Text.find('\n', Start);
    if (NL == llvm::StringRef::npos)
      return std::nullopt;
    Start = NL + 1;
  }
  llvm::StringRef Line = Text.substr(Start);
  Line = Line.take_until([](char Ch) { return Ch == '\n'; });
  int64_t Units = 0;
  size_t I = 0;
  while (Units < P.Character && I < Line.size()) {
    unsigned Len = llvm::getNumBytesForUTF8(Line[I]);
    if (Len < 1 || Len > 4 || I + Len > Line.size())
      Len = 1;
    Units += Len == 4 ? 2 : 1;
    I += Len;
  }
  if (Units < P.Character)
    return std::nullopt;
  return llvm::SMLoc::getFromPointer(Line.data() + I);
}

const Occurrence *Analysis::occurrenceAt(llvm::SMLoc L) const {
  const Occurrence *Touching = nullptr;
  for (const Occurrence &O : Occurrences) {
    if (contains(O.Range, L))
      return &O;
    // A cursor just after a name still names it.
    if (O.Range.End == L)
      Touching = &O;
  }
  return Touching;
}

const ir::Schema &Analysis::schemaAt(unsigned Buffer, llvm::SMLoc L,
                                     const SchemaPoint **Op) const {
  *Op = nullptr;
  const SchemaPoint *Last = nullptr, *First = nullptr;
  for (const SchemaPoint &P : Points) {
    if (!P.Range.Start.isValid() || findBuffer(C.SM, P.Range.Start) != Buffer)
      continue;
    if (!First)
      First = &P;
    if (contains(P.Range, L) || P.Range.End == L) {
      *Op = &P;
      return P.Before;
    }
    if (P.Range.End.getPointer() <= L.getPointer() &&
        (!Last || Last->Range.Start.getPointer() < P.Range.Start.getPointer()))
      Last = &P;
  }
  if (Last)
    return Last->After;
  if (First)
    return First->Before;
  return C.Final;
}

std::string describeColumn(const ir::Table &T, const ir::Column &Col) {
  std::string S = T.Name + "." + Col.Name + " " + Col.Ty.str();
  if (!Col.Nullable)
    S += " not null";
  if (Col.Identity)
    S += " identity";
  if (Col.Default)
    S += " default " + ir::print(*Col.Default);
  return S;
}

namespace {

/// Walks the migrations in replay order, recording each name with the
/// place that defined its object at that point, and the schema around
/// each operation.
/// Indexes names and keeps the schema around each operation, from the
/// compilation's walk.
class Indexer : public ir::WalkListener {
public:
  explicit Indexer(Analysis &A) : A(A) {}
  /// After the walk: the names of migrations and of what they require come
  /// first.
  void finish();

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override;
  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override;
  void endBlock(const ir::MigrationStep &M, ir::BlockKind B, bool Synthesized,
                const ir::Schema &After) override;

private:
  using ColumnKey = std::pair<std::string, std::string>;
  struct Defs {
    std::map<std::string, llvm::SMRange> Tables;
    std::map<ColumnKey, llvm::SMRange> Columns;
  };

  void names(const ast::Op &O, int Point);
  void define(const ast::Op &O, Defs &Into);
  void update(const ast::Op &O);
  void expr(const ast::Expr *E, const std::string &Table, int Point);
  void table(const ast::Name &N, int Point, bool Defines = false);
  void column(const std::string &Table, const ast::Name &N, int Point,
              bool Defines = false);

  /// The definition in First, else in Second; invalid in neither.
  template <typename Map, typename Key>
  static llvm::SMRange lookup(const Map &First, const Map &Second,
                              const Key &K) {
    auto It = First.find(K);
    if (It != First.end())
      return It->second;
    It = Second.find(K);
    return It == Second.end() ? llvm::SMRange() : It->second;
  }

  Analysis &A;
  Defs D, Pending;
  /// A down's definitions end with it.
  Defs Saved;
};

void Indexer::finish() {
  std::vector<Occurrence> Names;
  std::map<std::string, llvm::SMRange> Migrations;
  for (const ast::Migration *M : A.C.Syntax)
    Migrations.emplace(M->MigName.Text, M->MigName.Range);
  for (const ast::Migration *M : A.C.Syntax) {
    Names.push_back({Occurrence::What::Migration, M->MigName.Range,
                     M->MigName.Text, "", M->MigName.Range, -1});
    for (const ast::Name &R : M->Requires) {
      auto It = Migrations.find(R.Text);
      Names.push_back({Occurrence::What::Migration, R.Range, R.Text, "",
                       It == Migrations.end() ? llvm::SMRange() : It->second,
                       -1});
    }
  }
  A.Occurrences.insert(A.Occurrences.begin(), Names.begin(), Names.end());
}

void Indexer::beforeOp(const ir::OpStep &O, const ir::Schema &Before) {
  if (O.Synthesized)
    return;
  int Point = int(A.Points.size());
  A.Points.push_back({O.Syntax->Range, O.Syntax->Table.Text, Before, {}});
  names(*O.Syntax, Point);
}

void Indexer::afterOp(const ir::OpStep &O, const ir::Schema &After,
                      bool Applied) {
  if (O.Synthesized)
    return;
  A.Points.back().After = After;
  if (Applied)
    update(*O.Syntax);
}

void Indexer::endBlock(const ir::MigrationStep &M, ir::BlockKind B,
                       bool Synthesized, const ir::Schema &After) {
  if (B == ir::BlockKind::Up && M.Syntax.Down)
    Saved = D;
  else if (B == ir::BlockKind::Down && !Synthesized)
    D = std::move(Saved);
}

void Indexer::table(const ast::Name &N, int Point, bool Defines) {
  if (N.Text.empty() || !N.Range.Start.isValid())
    return;
  llvm::SMRange Def = N.Range;
  if (!Defines) {
    Def = lookup(Pending.Tables, D.Tables, N.Text);
  }
  A.Occurrences.push_back(
      {Occurrence::What::Table, N.Range, N.Text, "", Def, Point});
}

void Indexer::column(const std::string &Table, const ast::Name &N, int Point,
                     bool Defines) {
  if (N.Text.empty() || !N.Range.Start.isValid())
    return;
  llvm::SMRange Def = N.Range;
  if (!Defines) {
    Def = lookup(Pending.Columns, D.Columns, ColumnKey(Table, N.Text));
  }
  A.Occurrences.push_back(
      {Occurrence::What::Column, N.Range, Table, N.Text, Def, Point});
}

void Indexer::expr(const ast::Expr *E, const std::string &Table, int Point) {
  if (!E)
    return;
  if (E->Kind == ast::ExprKind::Column) {
    table(E->Table, Point);
    column(E->Table.Text.empty() ? Table : E->Table.Text, E->Column, Point);
  }
  for (const ast::ExprPtr &Arg : E->Args)
    expr(Arg.get(), Table, Point);
}

void Indexer::names(const ast::Op &O, int Point) {
  using ast::OpKind;
  const std::string &T = O.Table.Text;
  bool Creates = O.Kind == OpKind::CreateTable;
  table(O.Table, Point, Creates);
  if (O.Kind == OpKind::RenameTable)
    table(O.NewName, Point, true);
  column(T, O.Column, Point);
  if (O.Kind == OpKind::RenameColumn)
    column(T, O.NewName, Point, true);
  for (const ast::ColumnDef &Col : O.Columns) {
    column(T, Col.ColName, Point, true);
    expr(Col.Default.get(), T, Point);
  }
  // Constraints of a new table or column name its columns (and a foreign
  // key may reference the table itself) before the operation is applied.
  Pending = Defs();
  if (Creates || O.Kind == OpKind::AddColumn)
    define(O, Pending);
  auto Constraint = [&](const ast::TableConstraint &TC) {
    for (const ast::Name &N : TC.Columns)
      column(T, N, Point);
    expr(TC.Check.get(), T, Point);
    // A table's foreign key to itself references the table being created.
    table(TC.RefTable, Point, false);
    for (const ast::Name &N : TC.RefColumns)
      column(TC.RefTable.Text, N, Point);
  };
  for (const ast::ColumnDef &Col : O.Columns)
    for (const ast::TableConstraint &TC : Col.Constraints)
      Constraint(TC);
  for (const ast::TableConstraint &TC : O.Constraints)
    Constraint(TC);
  for (const ast::IndexColumn &K : O.IndexColumns)
    column(T, K.Col, Point);
  for (const ast::Assignment &As : O.Assignments) {
    column(T, As.Col, Point);
    expr(As.Value.get(), T, Point);
  }
  for (const ast::Name &N : O.InsertColumns)
    column(T, N, Point);
  for (const std::vector<ast::ExprPtr> &Row : O.Rows)
    for (const ast::ExprPtr &E : Row)
      expr(E.get(), T, Point);
  expr(O.Value.get(), T, Point);
  Pending = Defs();
}

void Indexer::define(const ast::Op &O, Defs &Into) {
  if (O.Kind == ast::OpKind::CreateTable)
    Into.Tables[O.Table.Text] = O.Table.Range;
  for (const ast::ColumnDef &Col : O.Columns)
    Into.Columns[{O.Table.Text, Col.ColName.Text}] = Col.ColName.Range;
}

void Indexer::update(const ast::Op &O) {
  using ast::OpKind;
  const std::string &T = O.Table.Text;
  auto DropColumnsOf = [&](const std::string &Table,
                           const std::string *MoveTo) {
    std::vector<std::pair<std::string, llvm::SMRange>> Moved;
    for (auto It = D.Columns.begin(); It != D.Columns.end();) {
      if (It->first.first != Table) {
        ++It;
        continue;
      }
      Moved.emplace_back(It->first.second, It->second);
      It = D.Columns.erase(It);
    }
    if (MoveTo)
      for (auto &[Col, Def] : Moved)
        D.Columns[{*MoveTo, Col}] = Def;
  };
  switch (O.Kind) {
  case OpKind::CreateTable:
  case OpKind::AddColumn:
    define(O, D);
    break;
  case OpKind::DropTable:
    D.Tables.erase(T);
    DropColumnsOf(T, nullptr);
    break;
  case OpKind::RenameTable:
    D.Tables.erase(T);
    D.Tables[O.NewName.Text] = O.NewName.Range;
    DropColumnsOf(T, &O.NewName.Text);
    break;
  case OpKind::DropColumn:
    D.Columns.erase({T, O.Column.Text});
    break;
  case OpKind::RenameColumn:
    D.Columns.erase({T, O.Column.Text});
    D.Columns[{T, O.NewName.Text}] = O.NewName.Range;
    break;
  case OpKind::AlterColumnType:
  case OpKind::SetNotNull:
  case OpKind::DropNotNull:
  case OpKind::SetDefault:
  case OpKind::DropDefault:
  case OpKind::CreateIndex:
  case OpKind::DropIndex:
  case OpKind::AddConstraint:
  case OpKind::DropConstraint:
  case OpKind::ValidateConstraint:
  case OpKind::Update:
  case OpKind::Delete:
  case OpKind::Insert:
  case OpKind::Sql:
    break;
  }
}

} // namespace

std::unique_ptr<Analysis> Analysis::run(llvm::StringRef File,
                                        const Overlay &Docs) {
  auto A = std::make_unique<Analysis>();
  llvm::Expected<Project> P = projectOfFile(File, Docs);
  if (!P) {
    A->ProjectError = llvm::toString(P.takeError());
    return A;
  }
  A->Proj = std::move(*P);
  DiagnosticOptions DOpts;
  // Every error of every file: the editor shows them per document.
  DOpts.ErrorLimit = 0;
  for (const std::string &F : A->Proj.WarningFlags)
    if (std::optional<std::string> Err = DOpts.applyFlag(F)) {
      A->ProjectError = "migc.toml: " + *Err;
      return A;
    }
  DiagnosticEngine Engine(A->C.SM, DOpts);
  Collector Sink(A->Diags);
  Engine.setConsumer(&Sink);
  A->C.load(A->Proj, Engine, &Docs);
  CompileOptions Opts;
  Opts.Jobs = 2;
  Opts.FreeSolvers = true;
  Opts.Smt.TimeoutMs = A->Proj.SmtTimeoutMs.value_or(2000);
  Opts.Targets = A->Proj.Targets;
  Opts.LockTimeout = A->Proj.LockTimeout;
  Opts.StatementTimeout = A->Proj.StatementTimeout;
  // The editor hides the applied history as `migc check` does.
  Opts.Applied = A->Proj.Applied;
  Indexer Index(*A);
  ir::WalkListener *Listener = &Index;
  if (!A->C.run(Engine, Opts, Listener) && A->C.AppliedUnknown)
    A->ProjectError =
        A->Proj.AppliedWhere +
        ": `[history] applied` names no migration: " + quote(*A->Proj.Applied);
  Engine.finish();
  Index.finish();
  return A;
}

} // namespace migc::lsp
