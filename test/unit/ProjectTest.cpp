//===- ProjectTest.cpp - Finding a project's files ------------------------===//

#include "project/Project.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

using namespace migc;

namespace {

/// An editor's open documents below the root are the project's, except
/// where the folder walk would skip them (dot names, node_modules).
TEST(ProjectTest, OverlayDocumentsSkippedLikeTheWalk) {
  llvm::SmallString<128> Root;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("migc-project", Root));
  std::string R = absolutePath(Root);
  Overlay O;
  O[R + "/a.mig"] = "migration a { up { } }";
  O[R + "/.#a.mig"] = "migration broken {";
  O[R + "/node_modules/p/x.mig"] = "migration broken {";
  O[R + "/.cache/y.mig"] = "migration broken {";
  O[R + "/sub/b.mig"] = "migration b { requires a; up { } }";
  llvm::Expected<Project> P = projectOfFile(R + "/a.mig", O);
  ASSERT_TRUE(bool(P)) << llvm::toString(P.takeError());
  std::vector<std::string> Want = {R + "/a.mig", R + "/sub/b.mig"};
  EXPECT_EQ(P->Files, Want);
  // The document asked for is read wherever it lies.
  P = projectOfFile(R + "/node_modules/p/x.mig", O);
  ASSERT_TRUE(bool(P)) << llvm::toString(P.takeError());
  EXPECT_TRUE(llvm::is_contained(P->Files, R + "/node_modules/p/x.mig"));
  llvm::sys::fs::remove_directories(Root);
}

} // namespace
