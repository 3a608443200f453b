//===- Backend.h - What every target of `migc emit` is ----------*- C++ -*-===//
//
// A backend is a listener of the one walk over the history (ir/Walk.h): it
// writes each migration as the walk goes, from the IR and the schema around
// each operation, and never applies an operation itself. What a target cannot
// express it reports into the migration's diagnostics. The targets are listed
// in backends/Backends.def, which `emit` looks up.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_BACKENDS_BACKEND_H
#define MIGC_BACKENDS_BACKEND_H

#include "ir/Walk.h"

#include "llvm/ADT/STLExtras.h"

#include <array>
#include <memory>

namespace migc::backends {

class Backend : public ir::WalkListener {
public:
  /// SQL targets write a script per migration and direction; a changelog
  /// target writes one document.
  virtual bool writesScripts() const = 0;
  /// writesScripts(): migration I's script, or its down (which it has).
  virtual std::string script(unsigned I, bool Down) const { return ""; }
  /// !writesScripts(): the document of every walked migration, in replay
  /// order.
  virtual std::string document() const { return ""; }
};

/// The walk's IR of a migration with errors is not what will run, and may
/// be incomplete: a backend writes nothing for it (emit prints nothing when
/// the project has errors). An applied migration is what ran: it is
/// written as its operations say.
inline bool hasErrors(const ir::MigrationStep &M) {
  return !M.IR.Applied && llvm::any_of(M.Diags, [](const Diagnostic &D) {
    return D.Sev == Severity::Error;
  });
}

/// A target that writes a script per migration and direction.
class ScriptBackend : public Backend {
public:
  bool writesScripts() const override { return true; }
  std::string script(unsigned I, bool Down) const override {
    return I < Scripts.size() ? Scripts[I][Down] : "";
  }

protected:
  /// Where migration I's up (false) or down (true) script goes.
  std::string &scriptOf(unsigned I, bool Down) {
    if (Scripts.size() <= I)
      Scripts.resize(I + 1);
    return Scripts[I][Down];
  }

private:
  std::vector<std::array<std::string, 2>> Scripts;
};

/// One operation of a block with the schema around it.
struct Step {
  const ir::Op *IR;
  ir::Schema Before, After;
};

/// A backend that writes each migration at its end, from the steps of its
/// `up` and of its `down` (written or synthesized) that the walk gave; the
/// snapshots share their storage (ir/CowMap.h) and live until then.
template <typename Base> class SteppedBackend : public Base {
public:
  bool wantsSynthesizedDown(const ir::MigrationStep &M) const override {
    return true;
  }
  void beginMigration(const ir::MigrationStep &M,
                      const ir::Schema &S) override {
    Up.clear();
    Down.reset();
  }
  void beforeOp(const ir::OpStep &O, const ir::Schema &Before) override {
    block(O.Block).push_back({&O.IR, Before, {}});
  }
  void afterOp(const ir::OpStep &O, const ir::Schema &After,
               bool Applied) override {
    block(O.Block).back().After = After;
  }
  void endBlock(const ir::MigrationStep &M, ir::BlockKind B, bool Synthesized,
                const ir::Schema &After) override {
    block(B); // an empty down is a down
  }
  void endMigration(const ir::MigrationStep &M, const ir::Schema &S) override {
    if (!hasErrors(M))
      writeMigration(M, Up, Down ? &*Down : nullptr);
  }

protected:
  /// Down is null when the migration has none.
  virtual void writeMigration(const ir::MigrationStep &M,
                              const std::vector<Step> &Up,
                              const std::vector<Step> *Down) = 0;

private:
  std::vector<Step> Up;
  std::optional<std::vector<Step>> Down;

  std::vector<Step> &block(ir::BlockKind B) {
    if (B == ir::BlockKind::Up)
      return Up;
    if (!Down)
      Down.emplace();
    return *Down;
  }
};

enum class BackendId : unsigned {
#define MIGC_BACKEND(Id, Name, Description) Id,
#include "backends/Backends.def"
};

struct BackendInfo {
  BackendId Id;
  llvm::StringRef Name, Description;
  std::unique_ptr<Backend> (*Create)();
};

/// Every target, in the order of Backends.def.
llvm::ArrayRef<BackendInfo> backendRegistry();
const BackendInfo &backendInfo(BackendId Id);

#define MIGC_BACKEND(Id, Name, Description)                                    \
  std::unique_ptr<Backend> create##Id##Backend();
#include "backends/Backends.def"

} // namespace migc::backends

#endif
