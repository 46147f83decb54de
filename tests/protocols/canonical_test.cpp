// Canonical rendering and hash: formatting does not matter, meaning does. Claim diff.
#include "rigor/protocols/canonical.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace rigor::protocols::test {
namespace {

std::string hash_of(const std::string& text) {
  return canonical_hash(parse_protocol(text, "p.toml"));
}

TEST(Sha256, MatchesFips180Vectors) {
  // FIPS 180-2, appendix B.1 and the empty message.
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CanonicalHash, IgnoresKeyOrderFormattingAndComments) {
  const std::string h = hash_of(kBase);
  EXPECT_EQ(h.size(), 64u);
  // Keys reordered, comments, inline table instead of dotted keys, 5e-2 for 0.05.
  std::string t =
      with("name = \"t\"\nauthor = \"me\"", "# a comment\nauthor = \"me\"   # who\nname = 't'");
  t = with("alpha = 0.05", "alpha = 5e-2", t);
  t = with("model = { name = \"mlp\" }\n\n", "[arms.model]\nname = \"mlp\"\n\n", t);
  EXPECT_EQ(hash_of(t), h);
  // Spelling out a default does not change the meaning either.
  EXPECT_EQ(hash_of(with("dropout = 0.5", "dropout = 0.5\nepochs = 1\nbatch_size = 64")), h);
  EXPECT_EQ(hash_of(with("min_effect = 0.01",
                         "min_effect = 0.01\nfamily = \"c\"\ncorrection = \"holm\"")),
            h);
  // Arms in another order: same study.
  const std::string swapped = with(
      "[[arms]]\nname = \"a\"\nmodel = { name = \"mlp\" }\n\n[[arms]]\nname = \"b\"\nmodel = { "
      "name = \"mlp\" }\ndropout = 0.5\n",
      "[[arms]]\nname = \"b\"\nmodel = { name = \"mlp\" }\ndropout = 0.5\n\n[[arms]]\nname = "
      "\"a\"\nmodel = { name = \"mlp\" }\n");
  EXPECT_EQ(hash_of(swapped), h);
}

TEST(CanonicalHash, ChangesWithAnyChangeOfMeaning) {
  const std::string h = hash_of(kBase);
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"alpha = 0.05", "alpha = 0.01"},
      {"replicates = 5", "replicates = 6"},
      {"alternative = \"greater\"", "alternative = \"two-sided\""},
      {"test = \"welch\"", "test = \"mwu\""},
      {"min_effect = 0.01", "min_effect = 0.02"},
      {"dropout = 0.5", "dropout = 0.4"},
      {"seed = 1", "seed = 2"},
      {"samples = 100", "samples = 101"},
      {"randomize = [\"init\", \"data_order\"]",
       "randomize = [\"init\"]\nfixed = [\"data_order\"]"},
      {"statement = \"b beats a\"", "statement = \"b beats a clearly\""},
      {"model = { name = \"mlp\" }\ndropout",
       "model = { name = \"mlp\", options = { hidden = 3 } }\ndropout"},
      {"min_effect = 0.01", "min_effect = 0.01\nconfigurations = 4"},
  };
  for (const auto& [from, to] : edits) {
    SCOPED_TRACE(to);
    if (from.rfind("randomize", 0) == 0) {
      EXPECT_NE(hash_of(with("fixed = [\"split\", \"dropout\", \"augmentation\"]",
                             "fixed = [\"split\", \"dropout\", \"augmentation\", \"data_order\"]",
                             with(from, "randomize = [\"init\"]"))),
                h);
    } else {
      EXPECT_NE(hash_of(with(from, to)), h);
    }
  }
  // An integer option and a float option of the same value differ for a model registry.
  EXPECT_NE(hash_of(with("model = { name = \"mlp\" }\ndropout",
                         "model = { name = \"mlp\", options = { k = 1 } }\ndropout")),
            hash_of(with("model = { name = \"mlp\" }\ndropout",
                         "model = { name = \"mlp\", options = { k = 1.0 } }\ndropout")));
}

TEST(CanonicalHash, PinnedForTheTinyExample) {
  // Pinned: a change here means every registered study's hash changed. Bump the canonical format
  // version ("rigor-protocol-canonical 1") when that is intended.
  const Protocol p = load_protocol(example("synthetic_tiny.toml"));
  const std::string text = canonical_text(p);
  EXPECT_THAT(text,
              ::testing::StartsWith("rigor-protocol-canonical 1\nstudy.name = \"tiny-moons\"\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("\narms[\"wide\"].model.options[\"hidden\"] = [64]\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("\nclaims[\"wide-beats-narrow\"].alpha = 0.05\n"));
  EXPECT_EQ(canonical_hash(p), "ada86ec3d186c2744f1808dc4f72c80575820caffbff63d9dbc28202cee11127");
}

TEST(RequireHash, AcceptsTheSameMeaningAndRejectsAnother) {
  const Protocol p = parse_protocol(kBase, "p.toml");
  const std::string h = canonical_hash(p);
  EXPECT_NO_THROW(require_hash(p, h));
  std::string upper = h;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_NO_THROW(require_hash(p, upper));
  const Protocol q = parse_protocol(with("alpha = 0.05", "alpha = 0.1"), "q.toml");
  try {
    require_hash(q, h);
    FAIL() << "no throw";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(std::string(e.what()), "q.toml: protocol hash is " + canonical_hash(q) +
                                         " but the study was registered with " + h +
                                         "; the protocol's meaning changed since registration: "
                                         "restore the registered protocol, or register "
                                         "the amendment as a new protocol (its new and changed "
                                         "claims are then reported as exploratory)");
  }
}

const std::string kSecondClaim =
    "\n[[claims]]\nid = \"d\"\nstatement = \"a beats b\"\na = \"a\"\nb = \"b\"\nmetric = "
    "\"acc\"\ntest = \"mwu\"\n"
    "alternative = \"greater\"\nalpha = 0.05\nmin_effect = 0.0\n";

TEST(DiffClaims, IdenticalProtocolsHaveOnlyUnchangedClaims) {
  const Protocol p = parse_protocol(kBase);
  const ClaimDiff d = diff_claims(p, p);
  EXPECT_TRUE(d.identical);
  EXPECT_EQ(d.unchanged, (std::vector<std::string>{"c"}));
  EXPECT_TRUE(d.added.empty() && d.changed.empty() && d.removed.empty());
}

TEST(DiffClaims, MarksNewChangedAndRemovedClaims) {
  const Protocol stored = parse_protocol(kBase + kSecondClaim);
  // New claim "e"; "d" changes its alpha; "c" untouched.
  std::string amended = kBase + with("alpha = 0.05", "alpha = 0.01", kSecondClaim) +
                        with("id = \"d\"", "id = \"e\"", kSecondClaim);
  const ClaimDiff d = diff_claims(stored, parse_protocol(amended));
  EXPECT_FALSE(d.identical);
  EXPECT_EQ(d.unchanged, (std::vector<std::string>{"c"}));
  EXPECT_EQ(d.changed, (std::vector<std::string>{"d"}));
  EXPECT_EQ(d.added, (std::vector<std::string>{"e"}));
  EXPECT_TRUE(d.removed.empty());
  const ClaimDiff back = diff_claims(parse_protocol(amended), stored);
  EXPECT_EQ(back.removed, (std::vector<std::string>{"e"}));
}

TEST(DiffClaims, AClaimChangesWhenItsArmOrTheSeedsChange) {
  const Protocol stored = parse_protocol(kBase + kSecondClaim);
  const ClaimDiff arm =
      diff_claims(stored, parse_protocol(with("dropout = 0.5", "dropout = 0.4") + kSecondClaim));
  EXPECT_EQ(arm.changed, (std::vector<std::string>{"c", "d"}));  // both compare arm b
  const ClaimDiff seeds =
      diff_claims(stored, parse_protocol(with("replicates = 5", "replicates = 9") + kSecondClaim));
  EXPECT_EQ(seeds.changed, (std::vector<std::string>{"c", "d"}));
  // Joining a family changes its size, so the family's existing claim changes too.
  const ClaimDiff family = diff_claims(
      parse_protocol(with("min_effect = 0.01", "min_effect = 0.01\nfamily = \"f\"") + kSecondClaim),
      parse_protocol(with("min_effect = 0.01", "min_effect = 0.01\nfamily = \"f\"") +
                     with("min_effect = 0.0", "min_effect = 0.0\nfamily = \"f\"", kSecondClaim)));
  EXPECT_EQ(family.changed, (std::vector<std::string>{"c", "d"}));
}

}  // namespace
}  // namespace rigor::protocols::test
