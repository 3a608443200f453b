//===- Registry.cpp - The table of Passes.def -----------------------------===//

#include "passes/Pass.h"

namespace migc::passes {

DeferredWork::~DeferredWork() = default;

llvm::ArrayRef<PassInfo> passRegistry() {
  using enum Rule;
  using enum PassShape;
  using enum PassRuns;
  static const std::vector<PassInfo> Registry = {
#define MIGC_STAGE(Id, Name, Summary, ...)                                     \
  {Name, Stage, Inline, Summary, {__VA_ARGS__}},
#define MIGC_PASS(Id, Name, Shape, Runs, Summary, ...)                         \
  {Name, Shape, Runs, Summary, {__VA_ARGS__}},
#include "passes/Passes.def"
  };
  return Registry;
}

} // namespace migc::passes
