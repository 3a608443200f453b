//===- LexerTest.cpp - migc's lexer against the generated reference -------===//
//
// frontend/Lexer.cpp re-implements the lexer rules of grammar/Mig.g4 for
// speed. These tests lex a corpus with both and require the same tokens
// (type, offsets, line, column, channel).

#include "frontend/Lexer.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <random>

using migc::crossCheckLexers;

namespace {

TEST(LexerTest, HandWrittenCases) {
  const char *Cases[] = {
      "",
      "   \n\t\r\f  ",
      "migration m { up { create table t (id int); } }",
      "MIGRATION Up DOWN Create TaBlE current_date CURRENT_DATEx integer int",
      "'it''s' 'a''' '''' 'unterminated",
      "\"quoted\"\"name\" \"open",
      "-- comment\n/* block\n comment */ /* open",
      "1 42 3.14 1. .5 1.2.3 1..2 007",
      "= == <> != < <= > >= + - * / % || | ! ( ) { } , ; .",
      "a--b a-b a/*b*/c a/b",
      "\x80\xff\x00 caf\xc3\xa9 'caf\xc3\xa9' \"\xe2\x82\xac\"",
      "line1\nline2\r\nline3\rline3b\n'multi\nline' x",
      "_x x_1 X9 9x",
  };
  for (const char *C : Cases) {
    std::string Text(C, std::strlen(C));
    EXPECT_EQ(crossCheckLexers(Text), "") << "input: " << Text;
  }
  // A NUL byte inside the text.
  std::string Nul("a\0b 'c\0d'", 10);
  EXPECT_EQ(crossCheckLexers(Nul), "");
}

TEST(LexerTest, RandomBytes) {
  std::mt19937 Rng(12345);
  for (int Round = 0; Round < 200; ++Round) {
    std::string Text(size_t(Rng() % 400), '\0');
    for (char &C : Text)
      C = char(Rng() % 256);
    ASSERT_EQ(crossCheckLexers(Text), "") << "round " << Round;
  }
}

TEST(LexerTest, RandomTokenSoup) {
  // Pieces that sit on the boundaries between rules.
  const char *Pieces[] = {"a",
                          "Z",
                          "_",
                          "0",
                          "9",
                          ".",
                          "'",
                          "''",
                          "\"",
                          "-",
                          "--",
                          "/",
                          "*",
                          "/*",
                          "*/",
                          "=",
                          "<",
                          ">",
                          "!",
                          "|",
                          " ",
                          "\n",
                          "\r",
                          "up",
                          "UP",
                          "in",
                          "int",
                          "integer",
                          "null",
                          "true",
                          "current_date",
                          "\xc3\xa9",
                          "\x80",
                          "{",
                          ";"};
  std::mt19937 Rng(777);
  for (int Round = 0; Round < 2000; ++Round) {
    std::string Text;
    for (int I = 0, N = int(Rng() % 40); I < N; ++I)
      Text += Pieces[Rng() % std::size(Pieces)];
    ASSERT_EQ(crossCheckLexers(Text), "") << "input: " << Text;
  }
}

TEST(LexerTest, ExampleProjects) {
  llvm::SmallString<256> Dir(MIGC_SOURCE_DIR);
  llvm::sys::path::append(Dir, "examples");
  std::error_code EC;
  unsigned Files = 0;
  for (llvm::sys::fs::recursive_directory_iterator It(Dir, EC), End;
       It != End && !EC; It.increment(EC)) {
    if (!llvm::StringRef(It->path()).endswith(".mig"))
      continue;
    auto Buf = llvm::MemoryBuffer::getFile(It->path());
    ASSERT_TRUE(bool(Buf)) << It->path();
    EXPECT_EQ(crossCheckLexers((*Buf)->getBuffer()), "") << It->path();
    ++Files;
  }
  EXPECT_GE(Files, 12u);
}

} // namespace
