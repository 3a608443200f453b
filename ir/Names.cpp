//===- Names.cpp - PostgreSQL's names for unnamed objects -----------------===//

#include "ir/Names.h"

namespace migc::ir {

namespace {
constexpr size_t MaxName = 63; // NAMEDATALEN - 1

/// Cuts S to at most N bytes without splitting a UTF-8 character.
size_t clip(llvm::StringRef S, size_t N) {
  if (S.size() <= N)
    return S.size();
  while (N > 0 && (static_cast<unsigned char>(S[N]) & 0xC0) == 0x80)
    --N;
  return N;
}
} // namespace

std::string makeObjectName(llvm::StringRef Name1, llvm::StringRef Name2,
                           llvm::StringRef Label) {
  size_t Overhead =
      (Label.empty() ? 0 : Label.size() + 1) + (Name2.empty() ? 0 : 1);
  size_t Avail = MaxName > Overhead ? MaxName - Overhead : 0;
  size_t N1 = Name1.size(), N2 = Name2.size();
  while (N1 + N2 > Avail) {
    if (N1 > N2)
      --N1;
    else
      --N2;
  }
  N1 = clip(Name1, N1);
  N2 = clip(Name2, N2);
  std::string Out = Name1.take_front(N1).str();
  if (!Name2.empty())
    Out += "_" + Name2.take_front(N2).str();
  if (!Label.empty())
    Out += "_" + Label.str();
  return Out;
}

std::string chooseName(llvm::StringRef Name1, llvm::StringRef Name2,
                       llvm::StringRef Label,
                       llvm::function_ref<bool(llvm::StringRef)> Used) {
  std::string Name = makeObjectName(Name1, Name2, Label);
  for (unsigned Pass = 1; Used(Name); ++Pass)
    Name = makeObjectName(Name1, Name2, Label.str() + std::to_string(Pass));
  return Name;
}

std::string joinColumns(const std::vector<std::string> &Columns) {
  std::string Out;
  for (const std::string &C : Columns) {
    if (!Out.empty())
      Out += "_";
    Out += C;
    if (Out.size() >= MaxName)
      break;
  }
  return Out;
}

} // namespace migc::ir
