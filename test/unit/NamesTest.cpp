//===- NamesTest.cpp - PostgreSQL's names for unnamed objects -------------===//
//
// makeObjectName is checked against examples worked out by hand and against a
// transcription of PostgreSQL's own makeObjectName, pg_mbcliplen and
// ChooseIndexNameAddition (src/backend/commands/indexcmds.c), run over many
// lengths.
//
//===----------------------------------------------------------------------===//

#include "ir/Names.h"

#include "gtest/gtest.h"

#include <set>

using namespace migc::ir;

namespace {

constexpr int NAMEDATALEN = 64;

/// pg_mbcliplen for UTF-8: the longest prefix of at most Limit bytes that
/// does not split a character, found walking forward as PostgreSQL does.
int pgMbClipLen(const std::string &S, int Len, int Limit) {
  int Clip = 0;
  int I = 0;
  while (I < Len && I < int(S.size())) {
    unsigned char C = S[I];
    int CharLen = C < 0x80 ? 1 : C < 0xE0 ? 2 : C < 0xF0 ? 3 : 4;
    if (Clip + CharLen > Limit)
      break;
    Clip += CharLen;
    I += CharLen;
  }
  return Clip;
}

/// PostgreSQL's makeObjectName; Name2 == nullptr is its NULL.
std::string pgMakeObjectName(const std::string &Name1, const std::string *Name2,
                             const std::string &Label) {
  int Overhead = 0;
  int Name1Chars = Name1.size(), Name2Chars = 0;
  if (Name2) {
    Name2Chars = Name2->size();
    ++Overhead;
  }
  if (!Label.empty())
    Overhead += Label.size() + 1;
  int Avail = NAMEDATALEN - 1 - Overhead;
  while (Name1Chars + Name2Chars > Avail) {
    if (Name1Chars > Name2Chars)
      --Name1Chars;
    else
      --Name2Chars;
  }
  Name1Chars = pgMbClipLen(Name1, Name1Chars, Name1Chars);
  if (Name2)
    Name2Chars = pgMbClipLen(*Name2, Name2Chars, Name2Chars);
  std::string Out = Name1.substr(0, Name1Chars);
  if (Name2)
    Out += "_" + Name2->substr(0, Name2Chars);
  if (!Label.empty())
    Out += "_" + Label;
  return Out;
}

/// PostgreSQL's ChooseIndexNameAddition /
/// ChooseForeignKeyConstraintNameAddition.
std::string pgNameAddition(const std::vector<std::string> &Cols) {
  std::string Buf;
  for (const std::string &C : Cols) {
    if (!Buf.empty())
      Buf += '_';
    Buf += C.substr(0, NAMEDATALEN - 1);
    if (Buf.size() >= size_t(NAMEDATALEN))
      break;
  }
  return Buf;
}

std::string repeat(const std::string &Unit, size_t N) {
  std::string Out;
  for (size_t I = 0; I < N; ++I)
    Out += Unit;
  return Out;
}

/// A name of N bytes, distinct per Seed so that truncation shows.
std::string ascii(size_t N, char Seed) {
  std::string Out;
  for (size_t I = 0; I < N; ++I)
    Out += char(Seed + I % 10);
  return Out;
}

bool isValidUtf8(const std::string &S) {
  for (size_t I = 0; I < S.size();) {
    unsigned char C = S[I];
    size_t Len = C < 0x80         ? 1
                 : (C >> 5) == 6  ? 2
                 : (C >> 4) == 14 ? 3
                 : (C >> 3) == 30 ? 4
                                  : 0;
    if (!Len || I + Len > S.size())
      return false;
    for (size_t K = 1; K < Len; ++K)
      if ((static_cast<unsigned char>(S[I + K]) >> 6) != 2)
        return false;
    I += Len;
  }
  return true;
}

// ------------------------------------------------------------ examples

struct NameCase {
  std::string Name1, Name2, Label, Expected;
};

TEST(MakeObjectName, Examples) {
  const std::string T60 = ascii(60, 'a'), C10 = ascii(10, 'A');
  const std::string T40 = ascii(40, 'a'), C40 = ascii(40, 'A');
  const std::string T63 = ascii(63, 'a');
  const NameCase Cases[] = {
      {"users", "", "pkey", "users_pkey"},
      {"users", "email", "key", "users_email_key"},
      {"orders", "customer_id", "fkey", "orders_customer_id_fkey"},
      {"products", "price", "check", "products_price_check"},
      {"coupons", "", "check", "coupons_check"},
      {"t", "a_b", "idx", "t_a_b_idx"},
      // 60 + 10 bytes do not fit: the longer table name is cut to 48, the
      // 10-byte column stays whole, and the result is exactly 63 bytes.
      {T60, C10, "key", T60.substr(0, 48) + "_" + C10 + "_key"},
      // Equal lengths: the second name is cut first, then they alternate.
      {T40, C40, "fkey", T40.substr(0, 29) + "_" + C40.substr(0, 28) + "_fkey"},
      {C10, T60, "key", C10 + "_" + T60.substr(0, 48) + "_key"},
      // No second name: no underscore for it, the table name takes 58.
      {T63, "", "pkey", T63.substr(0, 58) + "_pkey"},
      {T63, "", "check", T63.substr(0, 57) + "_check"},
  };
  for (const NameCase &C : Cases) {
    std::string Got = makeObjectName(C.Name1, C.Name2, C.Label);
    EXPECT_EQ(Got, C.Expected)
        << C.Name1 << " / " << C.Name2 << " / " << C.Label;
    EXPECT_LE(Got.size(), 63u);
  }
}

TEST(MakeObjectName, ExactlySixtyThreeBytesIsNotCut) {
  std::string T = ascii(63 - 9, 'a'); // + "_x_check" would be 62
  std::string Got = makeObjectName(T, "xy", "check");
  EXPECT_EQ(Got.size(), 63u);
  EXPECT_EQ(Got, T + "_xy_check");
  EXPECT_EQ(makeObjectName(T, "xyz", "check"),
            T.substr(0, T.size() - 1) + "_xyz_check");
}

TEST(MakeObjectName, NeverSplitsAUtf8Character) {
  // 31 two-byte characters (62 bytes): cut to 57 bytes, which falls inside
  // a character, so 56 bytes (28 characters) remain.
  std::string E31 = repeat("\xc3\xa9", 31);
  std::string Got = makeObjectName(E31, "c", "key");
  EXPECT_EQ(Got, repeat("\xc3\xa9", 28) + "_c_key");
  EXPECT_TRUE(isValidUtf8(Got));
  // Three-byte characters in the second name.
  std::string Euro = repeat("\xe2\x82\xac", 21); // 63 bytes
  Got = makeObjectName("t", Euro, "idx");
  EXPECT_TRUE(isValidUtf8(Got));
  EXPECT_LE(Got.size(), 63u);
  // 1 + 57 bytes fit the 58 available: exactly 19 characters.
  EXPECT_EQ(Got, "t_" + repeat("\xe2\x82\xac", 19) + "_idx");
  // With a 2-byte table name, 56 bytes are left: 18 characters (54 bytes).
  Got = makeObjectName("tt", Euro, "idx");
  EXPECT_EQ(Got, "tt_" + repeat("\xe2\x82\xac", 18) + "_idx");
}

// ------------------------------------------------------------ against PG

TEST(MakeObjectName, MatchesPostgresOverManyLengths) {
  const char *Labels[] = {"pkey", "key", "fkey", "check", "idx", "key12"};
  for (const char *Label : Labels)
    for (size_t L1 = 1; L1 <= 63; ++L1)
      for (size_t L2 = 0; L2 <= 70; L2 += (L2 < 10 ? 1 : 3)) {
        std::string N1 = ascii(L1, 'a'), N2 = ascii(L2, 'A');
        std::string Want = pgMakeObjectName(N1, L2 ? &N2 : nullptr, Label);
        ASSERT_EQ(makeObjectName(N1, N2, Label), Want)
            << L1 << " / " << L2 << " / " << Label;
      }
}

TEST(MakeObjectName, MatchesPostgresWithMultibyteNames) {
  const char *Units[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
  for (const char *U1 : Units)
    for (const char *U2 : Units)
      for (size_t N1 = 1; N1 <= 20; ++N1)
        for (size_t N2 = 0; N2 <= 20; ++N2) {
          // Mix one ASCII byte in so that character boundaries shift.
          std::string A = "a" + repeat(U1, N1), B = repeat(U2, N2);
          std::string Want = pgMakeObjectName(A, N2 ? &B : nullptr, "key");
          std::string Got = makeObjectName(A, B, "key");
          ASSERT_EQ(Got, Want)
              << N1 << " x " << U1 << " / " << N2 << " x " << U2;
          ASSERT_TRUE(isValidUtf8(Got));
        }
}

// ------------------------------------------------------------ chooseName

TEST(ChooseName, FirstFreeNumericSuffix) {
  std::set<std::string> Used;
  auto IsUsed = [&](llvm::StringRef N) { return Used.count(N.str()) > 0; };
  const char *Expected[] = {"orders_status_check", "orders_status_check1",
                            "orders_status_check2", "orders_status_check3"};
  for (const char *Want : Expected) {
    std::string Got = chooseName("orders", "status", "check", IsUsed);
    EXPECT_EQ(Got, Want);
    Used.insert(Got);
  }
}

TEST(ChooseName, SkipsTakenSuffixesAndAsksOncePerCandidate) {
  std::set<std::string> Used = {"users_pkey", "users_pkey1", "users_pkey3"};
  std::vector<std::string> Asked;
  std::string Got = chooseName("users", "", "pkey", [&](llvm::StringRef N) {
    Asked.push_back(N.str());
    return Used.count(N.str()) > 0;
  });
  EXPECT_EQ(Got, "users_pkey2");
  EXPECT_EQ(Asked, (std::vector<std::string>{"users_pkey", "users_pkey1",
                                             "users_pkey2"}));
}

TEST(ChooseName, SuffixIsPartOfTheLabelSoLongNamesShrink) {
  // PostgreSQL appends the number to the label before makeObjectName, so a
  // name at the 63-byte limit is cut one byte more rather than overflowing.
  const std::string T60 = ascii(60, 'a'), C10 = ascii(10, 'A');
  std::string First = makeObjectName(T60, C10, "key");
  ASSERT_EQ(First.size(), 63u);
  std::string Got = chooseName(T60, C10, "key",
                               [&](llvm::StringRef N) { return N == First; });
  EXPECT_EQ(Got, T60.substr(0, 47) + "_" + C10 + "_key1");
  EXPECT_EQ(Got.size(), 63u);
  std::string Second = Got;
  Got = chooseName(T60, C10, "key", [&](llvm::StringRef N) {
    return N == First || N == Second;
  });
  EXPECT_EQ(Got, T60.substr(0, 47) + "_" + C10 + "_key2");
  // Ten and beyond take two digits.
  unsigned Asked = 0;
  Got = chooseName(T60, C10, "key",
                   [&](llvm::StringRef) { return ++Asked <= 10; });
  EXPECT_EQ(Got, T60.substr(0, 46) + "_" + C10 + "_key10");
}

// ------------------------------------------------------------ joinColumns

TEST(JoinColumns, Examples) {
  struct {
    std::vector<std::string> Cols;
    std::string Expected;
  } Cases[] = {
      {{}, ""},
      {{"email"}, "email"},
      {{"product_id", "customer_id"}, "product_id_customer_id"},
      {{"a", "b", "c"}, "a_b_c"},
      // PostgreSQL stops adding names once the buffer passes the limit.
      {{ascii(40, 'a'), ascii(40, 'A'), "tail"},
       ascii(40, 'a') + "_" + ascii(40, 'A')},
  };
  for (const auto &C : Cases)
    EXPECT_EQ(joinColumns(C.Cols), C.Expected);
}

TEST(JoinColumns, GivesPostgresNamesForKeysAndIndexes) {
  // Whatever joinColumns keeps past the limit, the name built from it must
  // be PostgreSQL's for every split of a long column list.
  const char *Labels[] = {"key", "fkey", "idx"};
  for (const char *Label : Labels)
    for (size_t A = 1; A <= 63; A += 2)
      for (size_t B = 1; B <= 63; B += 2) {
        std::vector<std::string> Cols = {ascii(A, 'a'), ascii(B, 'A'), "c",
                                         ascii(20, 'k')};
        for (size_t TableLen : {size_t(1), size_t(5), size_t(30), size_t(63)}) {
          std::string Table = ascii(TableLen, 'p');
          std::string PgAdd = pgNameAddition(Cols);
          ASSERT_EQ(makeObjectName(Table, joinColumns(Cols), Label),
                    pgMakeObjectName(Table, &PgAdd, Label))
              << A << " / " << B << " / " << TableLen << " / " << Label;
        }
      }
}

} // namespace
