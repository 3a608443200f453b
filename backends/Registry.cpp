//===- Registry.cpp - The table of Backends.def ---------------------------===//

#include "backends/Backend.h"

namespace migc::backends {

llvm::ArrayRef<BackendInfo> backendRegistry() {
  static const BackendInfo Registry[] = {
#define MIGC_BACKEND(Id, Name, Description)                                    \
  {BackendId::Id, Name, Description, create##Id##Backend},
#include "backends/Backends.def"
  };
  return Registry;
}

const BackendInfo &backendInfo(BackendId Id) {
  return backendRegistry()[unsigned(Id)];
}

} // namespace migc::backends
