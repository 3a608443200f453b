//===- DropLosesData.cpp - Drops of tables and columns that hold data -----===//
//
// Spec section 8.4 (issue 12): `drop table` and `drop column` delete data,
// whether or not the migration has a `down`. Only what existed before the
// migration may hold data (passes/NewObjects.h): a table or column the
// migration created and drops again held nothing a user wrote before it.
//
// In `up`, the drop of an older object is reported always. In a written
// `down`, dropping what `up` created is the undo of `up` and is not; what
// the `down` drops that existed before the migration is data a rollback
// deletes, and is reported. A synthesized `down` is migc's: what it cannot
// restore is said once, in the note of the drop's diagnostic, whose
// fallback is the lossy-down warning of old (reported instead when
// drop-loses-data is turned off; a `migc-ignore: lossy-down` still
// silences the drop). One drop, one diagnostic.
//
//===----------------------------------------------------------------------===//

#include "ir/OpPrinter.h"
#include "passes/NewObjects.h"
#include "passes/Pass.h"

#include <cassert>

namespace migc::passes {

namespace {
/// What a drop of an older object deletes, taken before the drop.
struct Dropped {
  bool IsTable = false;
  std::string Table, Column;
  /// For a column: what the synthesized `down` fills it with.
  ir::ExprPtr Default;
  bool Nullable = true;
};

class DropLosesDataPass : public NewObjectsPass {
public:
  using NewObjectsPass::NewObjectsPass;

  void beginMigration(const ir::MigrationStep &M,
                      const ir::Schema &S) override {
    NewObjectsPass::beginMigration(M, S);
    UpDrops.clear();
    DownDrops.clear();
  }

  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    Current.reset();
    if (O.Synthesized)
      return;
    const ir::Op &Op = O.IR;
    const ir::Table *T = Before.findTable(Op.TableName);
    if (!T)
      return;
    if (Op.Kind == ir::OpKind::DropTable && !New.isNewTable(T->Name)) {
      Current = Dropped{true, T->Name, "", nullptr, true};
    } else if (Op.Kind == ir::OpKind::DropColumn) {
      const ir::Column *C = T->findColumn(Op.ColumnName);
      if (C && !New.isNewColumn(T->Name, C->Name))
        Current = Dropped{false, T->Name, C->Name, C->Default, C->Nullable};
    }
  }

  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    // A synthesized down is migc's, not the author's; an operation that
    // failed was reported by the replay and changed nothing.
    if (O.Synthesized || !Applied)
      return;
    if (Current)
      report(O, *Current);
    New.record(O.IR);
  }

  void endBlock(const ir::MigrationStep &M, ir::BlockKind B, bool Synthesized,
                const ir::Schema &After) override {
    if (Synthesized)
      return;
    if (B == ir::BlockKind::Down) {
      reportDown(M, After);
      return;
    }
    // Down synthesis, an earlier pass, has decided by now whether `up` gets
    // a synthesized down.
    if (!M.IR.DownSynthesized)
      return;
    for (const auto &[At, What] : UpDrops) {
      Diagnostic &D = M.Diags[At];
      assert(D.TheRule == Rule::DropLosesData && "a pass moved diagnostics");
      D.note(D.Range, "the synthesized `down` re-creates " + restored(What) +
                          ", not the data this drops");
      D.Fallback = std::make_shared<Diagnostic>(
          Rule::LossyDown, D.Range,
          "the synthesized `down` re-creates " + object(What) +
              ", but not the data this drops");
    }
  }

private:
  static std::string object(const Dropped &What) {
    return What.IsTable ? "table " + quote(What.Table)
                        : "column " + quote(What.Table + "." + What.Column);
  }

  /// A written `down` that drops what existed before the migration and
  /// brings it back by its end re-creates it without its data. One that
  /// does not bring it back gets down-mismatch, which says what is missing.
  void reportDown(const ir::MigrationStep &M, const ir::Schema &After) {
    for (auto It = DownDrops.rbegin(); It != DownDrops.rend(); ++It) {
      const Dropped &What = It->What;
      const ir::Table *T = After.findTable(What.Table);
      if (!T || (!What.IsTable && !T->findColumn(What.Column)))
        continue;
      Diagnostic D(Rule::DropLosesData, It->Range,
                   "this `down` drops " + object(What) +
                       ", which existed before the migration, and re-creates "
                       "it: rolling back deletes " +
                       holds(What));
      D.note(It->Range, "give back in place what `up` changed (`alter "
                        "column`, `rename`) instead of re-creating " +
                            object(What));
      M.Diags.insert(M.Diags.begin() + It->At, std::move(D));
    }
  }

  /// How the synthesized down brings the object back.
  static std::string restored(const Dropped &What) {
    if (What.IsTable)
      return object(What) + " empty";
    if (What.Default)
      return object(What) + " with its default `" + ir::print(*What.Default) +
             "` in every row";
    if (What.Nullable)
      return object(What) + " with NULL in every row";
    return object(What);
  }

  static std::string holds(const Dropped &What) {
    return What.IsTable ? "the rows it holds" : "its values";
  }

  void report(const ir::OpStep &O, const Dropped &What) {
    if (O.Block == ir::BlockKind::Down) {
      DownDrops.push_back({O.M.Diags.size(), O.IR.Range, What});
      return;
    }
    UpDrops.emplace_back(O.M.Diags.size(), What);
    O.M.Diags
        .emplace_back(Rule::DropLosesData, O.IR.Range,
                      "dropping " + object(What) + " deletes " + holds(What) +
                          ", and no `down` can bring them back")
        .note(O.IR.Range, "if the data may still be needed, keep " +
                              object(What) +
                              " until a later migration; if not, say why with "
                              "`-- migc-ignore: drop-loses-data <reason>`. "
                              "Either way, drop it only once no running "
                              "version of the application reads it (during "
                              "a rolling deploy the old one still does)");
  }

  /// The older object the current operation drops.
  std::optional<Dropped> Current;
  /// The drops of `up`, by their place in the migration's diagnostics.
  std::vector<std::pair<size_t, Dropped>> UpDrops;
  /// The drops of a written `down`, judged at its end.
  struct DownDrop {
    size_t At;
    llvm::SMRange Range;
    Dropped What;
  };
  std::vector<DownDrop> DownDrops;
};
} // namespace

std::unique_ptr<Pass> createDropLosesDataPass(PassContext &Ctx) {
  return std::make_unique<DropLosesDataPass>(Ctx);
}

} // namespace migc::passes
