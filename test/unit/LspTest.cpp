//===- LspTest.cpp - The language server's framing, URIs and positions ----===//

#include "lsp/Analysis.h"
#include "lsp/Protocol.h"
#include "lsp/Transport.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <unistd.h>

using namespace migc;
using namespace migc::lsp;

namespace {

TEST(LspUri, PathsRoundTrip) {
  struct Case {
    const char *Path, *Uri;
  } Cases[] = {
      {"/a/b.mig", "file:///a/b.mig"},
      {"/with space/ü.mig", "file:///with%20space/%C3%BC.mig"},
      {"/x/%41#?.mig", "file:///x/%2541%23%3F.mig"},
  };
  for (const Case &C : Cases) {
    EXPECT_EQ(pathToUri(C.Path), C.Uri);
    std::optional<std::string> P = uriToPath(C.Uri);
    ASSERT_TRUE(P.has_value()) << C.Uri;
    EXPECT_EQ(*P, C.Path);
  }
  EXPECT_EQ(uriToPath("file://localhost/a.mig").value_or(""), "/a.mig");
  // Not a local file, or a path that cannot be one.
  for (const char *Bad :
       {"untitled:1", "file://host/a.mig", "file:///a%0", "file:///a%zz",
        "file:///a%00b", "http://x/a.mig", "file://"})
    EXPECT_FALSE(uriToPath(Bad).has_value()) << Bad;
}

/// The messages a transport reads from Input, and how each read ended.
std::vector<std::string> readAll(const std::string &Input) {
  // A file rather than a pipe: a pipe would block the writer past 64 KB.
  llvm::SmallString<128> Path;
  int Fd;
  EXPECT_FALSE(llvm::sys::fs::createTemporaryFile("lsp-test", "txt", Fd, Path));
  EXPECT_EQ(write(Fd, Input.data(), Input.size()), ssize_t(Input.size()));
  EXPECT_EQ(lseek(Fd, 0, SEEK_SET), 0);
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  Transport T(Fd, OS);
  std::vector<std::string> Seen;
  std::string Body, Why;
  for (;;) {
    Transport::Read R = T.read(Body, Why);
    if (R == Transport::Read::Eof)
      break;
    Seen.push_back(R == Transport::Read::Message ? "msg:" + Body
                                                 : "bad:" + Why);
  }
  close(Fd);
  llvm::sys::fs::remove(Path);
  return Seen;
}

TEST(LspTransport, Framing) {
  using V = std::vector<std::string>;
  EXPECT_EQ(readAll("Content-Length: 2\r\n\r\n{}"), V{"msg:{}"});
  // Other headers, bare \n line ends, any case, blank lines between.
  EXPECT_EQ(readAll("content-length: 1\nContent-Type: x\n\n1\r\n\r\n"
                    "Content-Length: 1\r\n\r\n2"),
            (V{"msg:1", "msg:2"}));
  EXPECT_EQ(readAll("Junk\r\n\r\nContent-Length: 1\r\n\r\nx"),
            (V{"bad:the header has no Content-Length", "msg:x"}));
  EXPECT_EQ(readAll("Content-Length: 1x\r\n\r\n"),
            V{"bad:Content-Length is not a number"});
  // A refused length does not read its body; the next header is found even
  // glued to the end of it.
  EXPECT_EQ(readAll("Content-Length: 99999999999\r\n\r\nbodyContent-Length: "
                    "1\r\n\r\ny"),
            (V{"bad:Content-Length 99999999999 is larger than 67108864 bytes",
               "msg:y"}));
  // A body cut short, and a header without its end: the input has ended.
  EXPECT_EQ(readAll("Content-Length: 10\r\n\r\nabc"), V{});
  EXPECT_EQ(readAll("Content-Length: 10"), V{});
  EXPECT_EQ(readAll(""), V{});
  // A header line of a megabyte is cut, not kept.
  EXPECT_EQ(readAll(std::string(1 << 20, 'a') + "\r\n\r\n"),
            V{"bad:the header has no Content-Length"});
}

TEST(LspTransport, SendFrames) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  Transport T(-1, OS);
  T.send(llvm::json::Object{{"a", "é"}});
  EXPECT_EQ(Out, "Content-Length: 10\r\n\r\n{\"a\":\"é\"}");
}

TEST(LspAnalysis, Utf16Positions) {
  Overlay Docs;
  std::string Path = "/migc-lsp-unit-test/a.mig";
  // `é` is 2 bytes and 1 UTF-16 unit; `𝄞` is 4 bytes and 2 units.
  Docs[Path] =
      "migration a {\n  up {\n    /* é𝄞 */ drop table nosuch;\n  }\n}\n";
  std::unique_ptr<Analysis> A = Analysis::run(Path, Docs);
  ASSERT_TRUE(A->ProjectError.empty()) << A->ProjectError;
  unsigned B = A->bufferOf(Path);
  ASSERT_NE(B, 0u);
  ASSERT_FALSE(A->Diags.empty());
  Range R = A->range(A->Diags.front().Range);
  EXPECT_EQ(R.Start.Line, 2);
  EXPECT_EQ(R.Start.Character, 25); // byte column 28
  EXPECT_EQ(R.End.Character, 31);
  // And back: each UTF-16 position of the line, and past its end.
  std::optional<llvm::SMLoc> L = A->location(B, {2, 25});
  ASSERT_TRUE(L.has_value());
  EXPECT_EQ(llvm::StringRef(L->getPointer(), 6), "nosuch");
  EXPECT_TRUE(A->location(B, {2, 32}).has_value()); // the line's end
  EXPECT_FALSE(A->location(B, {2, 33}).has_value());
  EXPECT_TRUE(A->location(B, {5, 0}).has_value()); // after the last newline
  EXPECT_FALSE(A->location(B, {6, 0}).has_value());
}

} // namespace
