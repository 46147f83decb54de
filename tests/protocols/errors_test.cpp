// Every error path of the protocol parser, with its exact message ("file:line:col: key: problem;
// fix"). Each case breaks one thing in the small valid protocol of test_util.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace rigor::protocols::test {
namespace {

TEST(ProtocolErrors, BaseProtocolIsValid) { EXPECT_EQ(error_of(kBase), "no error"); }

TEST(ProtocolErrors, SyntaxError) {
  EXPECT_EQ(error_of(with("name = \"t\"", "name = \"t", kBase)),
            "p.toml:2:10: (syntax): Error while parsing string: unescaped control characters other "
            "than TAB (U+0009) are explicitly prohibited; fix the TOML syntax (https://toml.io)");
}

TEST(ProtocolErrors, UnknownTopLevelKey) {
  EXPECT_EQ(error_of(with("[data]", "[dat]", kBase)),
            "p.toml:7:1: dat: is not a known key; remove it or use one of: arms, budget, claims, "
            "data, defaults, metrics, seeds, study (see docs/protocol.md)");
}

TEST(ProtocolErrors, UnknownKeyInStudy) {
  EXPECT_EQ(error_of(with("seed = 1", "seed = 1\ncolour = \"red\"", kBase)),
            "p.toml:6:10: study.colour: is not a known key; remove it or use one of: author, "
            "description, name, preregistered, seed (see docs/protocol.md)");
}

TEST(ProtocolErrors, MissingStudyName) {
  EXPECT_EQ(error_of(with("name = \"t\"\n", "", kBase)),
            "p.toml:1:1: study.name: is required but missing; give the study a short name, e.g. "
            "name = \"dropout-mlp\"");
}

TEST(ProtocolErrors, StudyNameWrongType) {
  EXPECT_EQ(error_of(with("name = \"t\"", "name = 3", kBase)),
            "p.toml:2:8: study.name: is an integer, but must be a string; write it as a string");
}

TEST(ProtocolErrors, PreregisteredNotDateTime) {
  EXPECT_EQ(error_of(with("preregistered = 2026-01-01T00:00:00Z", "preregistered = \"yesterday\"",
                          kBase)),
            "p.toml:4:17: study.preregistered: is a string, but must be a TOML date-time with a "
            "time zone; write it unquoted, e.g. preregistered = 2026-11-23T12:00:00Z");
}

TEST(ProtocolErrors, PreregisteredWithoutZone) {
  EXPECT_EQ(error_of(with("preregistered = 2026-01-01T00:00:00Z",
                          "preregistered = 2026-01-01T00:00:00", kBase)),
            "p.toml:4:17: study.preregistered: has no time zone offset; append Z (UTC) or an "
            "offset such as +01:00");
}

TEST(ProtocolErrors, NegativeSeed) {
  EXPECT_EQ(error_of(with("seed = 1", "seed = -1", kBase)),
            "p.toml:5:8: study.seed: is -1, but must be >= 0; use a non-negative integer, or omit "
            "it to derive the seed from the protocol hash");
}

TEST(ProtocolErrors, UnknownDataset) {
  EXPECT_EQ(error_of(with("dataset = \"synthetic\"", "dataset = \"imagenet\"", kBase)),
            "p.toml:8:11: data.dataset: is \"imagenet\", which is not a known value; use one of "
            "\"fashion-mnist\", \"idx\", \"csv\", \"synthetic\"");
}

TEST(ProtocolErrors, SyntheticWithoutGenerator) {
  EXPECT_EQ(error_of(with("generator = \"blobs\"\n", "", kBase)),
            "p.toml:7:1: data.generator: is required for dataset \"synthetic\"; use one of "
            "\"blobs\", \"moons\", \"spirals\"");
}

TEST(ProtocolErrors, SyntheticWithoutSamples) {
  EXPECT_EQ(error_of(with("samples = 100\n", "", kBase)),
            "p.toml:7:1: data.samples: is required but missing; give a count in [1, 100000000]");
}

TEST(ProtocolErrors, FeaturesOnMoons) {
  EXPECT_EQ(error_of(with("generator = \"blobs\"", "generator = \"moons\"\nfeatures = 3", kBase)),
            "p.toml:10:12: data.features: applies only to generator \"blobs\" (moons and spirals "
            "are 2-D); remove it");
}

TEST(ProtocolErrors, CsvWithoutPath) {
  EXPECT_EQ(error_of(with("dataset = \"synthetic\"\ngenerator = \"blobs\"\nsamples = 100",
                          "dataset = \"csv\"\ntarget = \"y\"", kBase)),
            "p.toml:7:1: data.path: is required for dataset \"csv\"; give the CSV file");
}

TEST(ProtocolErrors, CsvWithoutTarget) {
  EXPECT_EQ(error_of(with("dataset = \"synthetic\"\ngenerator = \"blobs\"\nsamples = 100",
                          "dataset = \"csv\"\npath = \"d.csv\"", kBase)),
            "p.toml:7:1: data.target: is required for dataset \"csv\"; name the target column, "
            "e.g. target = \"label\"");
}

TEST(ProtocolErrors, TargetOnSynthetic) {
  EXPECT_EQ(error_of(with("samples = 100", "samples = 100\ntarget = \"y\"", kBase)),
            "p.toml:11:10: data.target: applies only to dataset \"csv\"; remove it");
}

TEST(ProtocolErrors, SplitDoesNotSumToOne) {
  EXPECT_EQ(
      error_of(with("samples = 100",
                    "samples = 100\nsplit = { train = 0.5, validation = 0.1, test = 0.1 }", kBase)),
      "p.toml:11:9: data.split: train + validation + test is 0.7, but must be 1; adjust the shares "
      "so that they add up to 1");
}

TEST(ProtocolErrors, SplitTrainOutOfRange) {
  EXPECT_EQ(
      error_of(with("samples = 100",
                    "samples = 100\nsplit = { train = 1.5, validation = 0.0, test = 0.0 }", kBase)),
      "p.toml:11:19: data.split.train: is 1.5, but must be in (0, 1); give the training share, "
      "e.g. 0.8");
}

TEST(ProtocolErrors, OfficialTestSetWithTestShare) {
  EXPECT_EQ(
      error_of(
          with("dataset = \"synthetic\"\ngenerator = \"blobs\"\nsamples = 100",
               "dataset = \"fashion-mnist\"\nsplit = { train = 0.8, validation = 0.1, test = 0.1 }",
               kBase)),
      "p.toml:9:49: data.split.test: is 0.1, but dataset \"fashion-mnist\" has an official test "
      "set; set test = 0 and share the training set between train and validation");
}

TEST(ProtocolErrors, SplitPerSeedButSplitFixed) {
  EXPECT_EQ(
      error_of(with("samples = 100", "samples = 100\nsplit = { mode = \"per_seed\" }", kBase)),
      "p.toml:22:1: seeds.randomize: holds \"split\" fixed, but data.split.mode is \"per_seed\"; "
      "make them agree: \"split\" in seeds.randomize with mode = \"per_seed\", or in seeds.fixed "
      "with mode = \"fixed\"");
}

TEST(ProtocolErrors, NoArms) {
  EXPECT_EQ(error_of(with("[[arms]]\nname = \"a\"\nmodel = { name = \"mlp\" }\n\n[[arms]]\nname = "
                          "\"b\"\nmodel = { name = \"mlp\" }\ndropout = 0.5\n",
                          "", kBase)),
            "p.toml:1:1: arms: is required but missing; declare at least one [[arms]] table");
}

TEST(ProtocolErrors, ArmWithoutModel) {
  EXPECT_EQ(error_of(with("name = \"a\"\nmodel = { name = \"mlp\" }", "name = \"a\"", kBase)),
            "p.toml:12:1: arms[0].model.name: is required but missing (in the arm and in "
            "[defaults]); name the registered model, e.g. model.name = \"mlp\"");
}

TEST(ProtocolErrors, DuplicateArm) {
  EXPECT_EQ(
      error_of(with("name = \"b\"\nmodel", "name = \"a\"\nmodel", kBase)),
      "p.toml:17:8: arms[1].name: \"a\" is already used by arms[0]; give each entry a unique name");
}

TEST(ProtocolErrors, ArmNameWithSlash) {
  EXPECT_EQ(error_of(with("name = \"b\"\nmodel", "name = \"b/c\"\nmodel", kBase)),
            "p.toml:17:8: arms[1].name: is \"b/c\", but must be 1 to 180 letters, digits, '-', '_' "
            "or '.' (not starting with '.'); rename the arm, e.g. \"lr-0.1\" instead of "
            "\"lr=0.1\"");
}

TEST(ProtocolErrors, ArmNameWithEqualsSign) {
  EXPECT_THAT(error_of(with("name = \"b\"\nmodel", "name = \"lr=0.1\"\nmodel", kBase)),
              testing::HasSubstr("arms[1].name: is \"lr=0.1\", but must be 1 to 180 letters"));
}

TEST(ProtocolErrors, DropoutOutOfRange) {
  EXPECT_EQ(error_of(with("dropout = 0.5", "dropout = 1.0", kBase)),
            "p.toml:19:11: arms[1].dropout: is 1, but must be in [0, 1); give the drop "
            "probability, e.g. 0.5");
}

TEST(ProtocolErrors, DropoutWrongType) {
  EXPECT_EQ(
      error_of(with("dropout = 0.5", "dropout = \"half\"", kBase)),
      "p.toml:19:11: arms[1].dropout: is a string, but must be a number; write it as a number");
}

TEST(ProtocolErrors, NegativeWeightDecay) {
  EXPECT_EQ(error_of(with("dropout = 0.5", "weight_decay = -1", kBase)),
            "p.toml:19:16: arms[1].weight_decay: is -1, but must be >= 0; give an L2 coefficient, "
            "e.g. 5e-4");
}

TEST(ProtocolErrors, UnknownAugmentation) {
  EXPECT_EQ(
      error_of(with("dropout = 0.5", "augmentation = [\"mixup\"]", kBase)),
      "p.toml:19:17: arms[1].augmentation[0]: is \"mixup\", which is not a known augmentation; use "
      "one of \"gaussian_noise\", \"horizontal_flip\", \"random_crop\", \"rotation\"");
}

TEST(ProtocolErrors, DuplicateAugmentation) {
  EXPECT_EQ(error_of(with("dropout = 0.5", "augmentation = [\"rotation\", \"rotation\"]", kBase)),
            "p.toml:19:17: arms[1].augmentation[0]: \"rotation\" is listed twice; list each "
            "augmentation once");
}

TEST(ProtocolErrors, UnknownOptimizer) {
  EXPECT_EQ(error_of(with("dropout = 0.5", "optimizer = { name = \"lbfgs\" }", kBase)),
            "p.toml:19:22: arms[1].optimizer.name: is \"lbfgs\", which is not a known value; use "
            "one of \"sgd\", \"adam\", \"adamw\"");
}

TEST(ProtocolErrors, MomentumWithAdam) {
  EXPECT_EQ(
      error_of(with("dropout = 0.5", "optimizer = { name = \"adam\", momentum = 0.9 }", kBase)),
      "p.toml:19:41: arms[1].optimizer.momentum: applies only to optimizer \"sgd\"; remove it or "
      "set name = \"sgd\"");
}

TEST(ProtocolErrors, NonPositiveLearningRate) {
  EXPECT_EQ(error_of(with("dropout = 0.5", "optimizer = { learning_rate = 0 }", kBase)),
            "p.toml:19:31: arms[1].optimizer.learning_rate: is 0, but must be > 0; give a positive "
            "learning rate, e.g. 0.01");
}

TEST(ProtocolErrors, StepScheduleWithoutStepSize) {
  EXPECT_EQ(error_of(with("dropout = 0.5", "schedule = { name = \"step\" }", kBase)),
            "p.toml:19:12: arms[1].schedule.step_size: is required for schedule \"step\"; give the "
            "epochs between decays");
}

TEST(ProtocolErrors, ZeroEpochs) {
  EXPECT_EQ(error_of(with("dropout = 0.5", "epochs = 0", kBase)),
            "p.toml:19:10: arms[1].epochs: is 0, but must be an integer in [1, 1000000]; give a "
            "positive count");
}

TEST(ProtocolErrors, UnknownArmKey) {
  EXPECT_EQ(error_of(with("dropout = 0.5", "dropuot = 0.5", kBase)),
            "p.toml:19:11: arms[1].dropuot: is not a known key; remove it or use one of: "
            "augmentation, batch_size, description, dropout, epochs, model, name, optimizer, "
            "schedule, weight_decay (see docs/protocol.md)");
}

TEST(ProtocolErrors, BadModelOption) {
  EXPECT_EQ(error_of(with("model = { name = \"mlp\" }\ndropout",
                          "model = { name = \"mlp\", options = { layers = [1, \"x\"] } }\ndropout",
                          kBase)),
            "p.toml:18:46: arms[1].model.options.layers: is an array, but a model option must be a "
            "boolean, number, string or list of numbers; write it as one of those");
}

TEST(ProtocolErrors, UnknownKeyInDefaults) {
  EXPECT_EQ(error_of(with("[[arms]]\nname = \"a\"",
                          "[defaults]\nlr = 0.1\n\n[[arms]]\nname = \"a\"", kBase)),
            "p.toml:13:6: defaults.lr: is not a known key; remove it or use one of: augmentation, "
            "batch_size, description, dropout, epochs, model, optimizer, schedule, weight_decay "
            "(see docs/protocol.md)");
}

TEST(ProtocolErrors, MissingReplicates) {
  EXPECT_EQ(error_of(with("replicates = 5\n", "", kBase)),
            "p.toml:21:1: seeds.replicates: is required but missing; give a count in [1, 100000]");
}

TEST(ProtocolErrors, ZeroReplicates) {
  EXPECT_EQ(error_of(with("replicates = 5", "replicates = 0", kBase)),
            "p.toml:22:14: seeds.replicates: is 0, but must be an integer in [1, 100000]; give a "
            "positive count");
}

TEST(ProtocolErrors, OneReplicate) {
  EXPECT_EQ(error_of(with("replicates = 5", "replicates = 1", kBase)),
            "p.toml:36:8: claims[0].test: cannot be tested with seeds.replicates = 1; a claim "
            "needs at least 2 replicates per arm; raise seeds.replicates");
}

TEST(ProtocolErrors, UnknownVarianceSource) {
  EXPECT_EQ(error_of(with("randomize = [\"init\", \"data_order\"]",
                          "randomize = [\"init\", \"data_order\", \"weather\"]", kBase)),
            "p.toml:23:36: seeds.randomize[2]: is \"weather\", which is not a variance source; use "
            "one of \"init\", \"data_order\", \"split\", \"dropout\", \"augmentation\"");
}

TEST(ProtocolErrors, VarianceSourceTwice) {
  EXPECT_EQ(error_of(with("fixed = [\"split\", \"dropout\", \"augmentation\"]",
                          "fixed = [\"split\", \"dropout\", \"augmentation\", \"init\"]", kBase)),
            "p.toml:24:46: seeds.fixed[3]: \"init\" is listed twice (in randomize or fixed); list "
            "each variance source once, in randomize or in fixed");
}

TEST(ProtocolErrors, VarianceSourceUndeclared) {
  EXPECT_EQ(error_of(with("fixed = [\"split\", \"dropout\", \"augmentation\"]",
                          "fixed = [\"split\", \"dropout\"]", kBase)),
            "p.toml:21:1: seeds: variance source \"augmentation\" is neither in randomize nor in "
            "fixed; declare every source explicitly: add it to randomize or to fixed");
}

TEST(ProtocolErrors, MetricWithoutDirection) {
  EXPECT_EQ(error_of(with("direction = \"higher\"\n", "", kBase)),
            "p.toml:26:1: metrics[0].direction: is required but missing; say whether \"higher\" or "
            "\"lower\" is better");
}

TEST(ProtocolErrors, UnknownDirection) {
  EXPECT_EQ(error_of(with("direction = \"higher\"", "direction = \"up\"", kBase)),
            "p.toml:28:13: metrics[0].direction: is \"up\", which is not a known value; use one of "
            "\"higher\", \"lower\"");
}

TEST(ProtocolErrors, MetricOnEmptySplit) {
  EXPECT_EQ(
      error_of(with(
          "samples = 100", "samples = 100\nsplit = { train = 0.9, validation = 0.0, test = 0.1 }",
          with("direction = \"higher\"", "direction = \"higher\"\nsplit = \"validation\"", kBase))),
      "p.toml:30:9: metrics[0].split: is \"validation\", but data.split.validation is 0; give that "
      "split a share in data.split, or measure on another split");
}

TEST(ProtocolErrors, DuplicateMetric) {
  EXPECT_EQ(
      error_of(with("[[claims]]",
                    "[[metrics]]\nname = \"acc\"\ndirection = \"lower\"\n\n[[claims]]", kBase)),
      "p.toml:31:8: metrics[1].name: \"acc\" is already used by metrics[0]; give each entry a "
      "unique name");
}

TEST(ProtocolErrors, ClaimUnknownArm) {
  EXPECT_EQ(error_of(with("a = \"b\"", "a = \"c\"", kBase)),
            "p.toml:33:5: claims[0].a: names arm \"c\", which is not declared; use one of the "
            "[[arms]] names: \"a\", \"b\"");
}

TEST(ProtocolErrors, ClaimSameArm) {
  EXPECT_EQ(error_of(with("b = \"a\"", "b = \"b\"", kBase)),
            "p.toml:34:5: claims[0].b: is \"b\", the same arm as a; compare two different arms");
}

TEST(ProtocolErrors, ClaimUnknownMetric) {
  EXPECT_EQ(error_of(with("metric = \"acc\"", "metric = \"f1\"", kBase)),
            "p.toml:35:10: claims[0].metric: names metric \"f1\", which is not declared; use one "
            "of: \"acc\"");
}

TEST(ProtocolErrors, ClaimUnknownTest) {
  EXPECT_EQ(error_of(with("test = \"welch\"", "test = \"ttest\"", kBase)),
            "p.toml:36:8: claims[0].test: is \"ttest\", which is not a known value; use one of "
            "\"welch\", \"mwu\", \"wilcoxon\", \"permutation\", \"aso\", \"p_outperform\"");
}

TEST(ProtocolErrors, ClaimAlphaOutOfRange) {
  EXPECT_EQ(error_of(with("alpha = 0.05", "alpha = 1.5", kBase)),
            "p.toml:38:9: claims[0].alpha: is 1.5, but must be in (0, 1); use e.g. 0.05");
}

TEST(ProtocolErrors, ClaimAlphaZero) {
  EXPECT_EQ(error_of(with("alpha = 0.05", "alpha = 0", kBase)),
            "p.toml:38:9: claims[0].alpha: is 0, but must be in (0, 1); use e.g. 0.05");
}

TEST(ProtocolErrors, ClaimAlphaWrongType) {
  EXPECT_EQ(
      error_of(with("alpha = 0.05", "alpha = \"0.05\"", kBase)),
      "p.toml:38:9: claims[0].alpha: is a string, but must be a number; write it as a number");
}

TEST(ProtocolErrors, ClaimMissingAlpha) {
  EXPECT_EQ(error_of(with("alpha = 0.05\n", "", kBase)),
            "p.toml:30:1: claims[0].alpha: is required but missing; give the significance level, "
            "e.g. alpha = 0.05");
}

TEST(ProtocolErrors, ClaimNegativeMinEffect) {
  EXPECT_EQ(error_of(with("min_effect = 0.01", "min_effect = -0.01", kBase)),
            "p.toml:39:14: claims[0].min_effect: is -0.01, but must be >= 0; give a magnitude; the "
            "direction is set by alternative");
}

TEST(ProtocolErrors, POutperformMinEffect) {
  EXPECT_EQ(
      error_of(
          with("test = \"welch\"\nalternative = \"greater\"\nalpha = 0.05\nmin_effect = 0.01",
               "test = \"p_outperform\"\nalternative = \"greater\"\nalpha = 0.05\nmin_effect = 0.7",
               kBase)),
      "p.toml:39:14: claims[0].min_effect: is 0.7, but for test \"p_outperform\" it is P(a > b) - "
      "1/2 and must be in (0, 0.5); use e.g. 0.1 (P(a > b) >= 0.6)");
}

TEST(ProtocolErrors, WilcoxonOnUnpairedArms) {
  EXPECT_EQ(error_of(with("fixed = [\"split\", \"dropout\", \"augmentation\"]",
                          "fixed = [\"split\", \"dropout\", \"augmentation\"]\npaired = false",
                          with("test = \"welch\"", "test = \"wilcoxon\"", kBase))),
            "p.toml:37:8: claims[0].test: \"wilcoxon\" is a paired test, but the arms are not "
            "paired (seeds.paired = false); set seeds.paired = true, or use an unpaired test such "
            "as \"mwu\" or \"welch\"");
}

TEST(ProtocolErrors, PowerBelowAlpha) {
  EXPECT_EQ(error_of(with("min_effect = 0.01", "min_effect = 0.01\npower = 0.01", kBase)),
            "p.toml:40:9: claims[0].power: is 0.01, but must be in (alpha, 1); use e.g. 0.8");
}

TEST(ProtocolErrors, DuplicateClaim) {
  EXPECT_EQ(
      error_of(with("min_effect = 0.01\n",
                    "min_effect = 0.01\n\n[[claims]]\nid = \"c\"\nstatement = \"s\"\na = \"a\"\nb "
                    "= \"b\"\nmetric = \"acc\"\ntest = \"welch\"\nalternative = \"less\"\nalpha = "
                    "0.05\nmin_effect = 0.0\n",
                    kBase)),
      "p.toml:42:6: claims[1].id: \"c\" is already used by claims[0]; give each entry a unique id");
}

TEST(ProtocolErrors, FamilyMixedCorrections) {
  EXPECT_EQ(
      error_of(with(
          "min_effect = 0.01\n",
          "min_effect = 0.01\nfamily = \"f\"\n\n[[claims]]\nid = \"d\"\nstatement = \"s\"\na = "
          "\"a\"\nb = \"b\"\nmetric = \"acc\"\ntest = \"welch\"\nalternative = \"less\"\nalpha = "
          "0.05\nmin_effect = 0.0\nfamily = \"f\"\ncorrection = \"bonferroni\"\n",
          kBase)),
      "p.toml:53:14: claims[1].correction: is \"bonferroni\", but claim \"c\" of the same family "
      "\"f\" uses \"holm\"; use one correction method per family");
}

TEST(ProtocolErrors, FamilyMixedAlpha) {
  EXPECT_EQ(
      error_of(with("min_effect = 0.01\n",
                    "min_effect = 0.01\nfamily = \"f\"\n\n[[claims]]\nid = \"d\"\nstatement = "
                    "\"s\"\na = \"a\"\nb = \"b\"\nmetric = \"acc\"\ntest = \"welch\"\nalternative "
                    "= \"less\"\nalpha = 0.01\nmin_effect = 0.0\nfamily = \"f\"\n",
                    kBase)),
      "p.toml:50:9: claims[1].alpha: is 0.01, but claim \"c\" of the same family \"f\" uses 0.05; "
      "use one alpha per family (the family-wise level)");
}

TEST(ProtocolErrors, ClaimsNotArrayOfTables) {
  EXPECT_EQ(error_of(with("[[claims]]", "[claimz]", kBase)),
            "p.toml:30:1: claimz: is not a known key; remove it or use one of: arms, budget, "
            "claims, data, defaults, metrics, seeds, study (see docs/protocol.md)");
}

TEST(ProtocolErrors, BudgetTooSmall) {
  EXPECT_EQ(
      error_of(with("min_effect = 0.01\n", "min_effect = 0.01\n\n[budget]\nmax_runs = 9\n", kBase)),
      "p.toml:42:12: budget.max_runs: is 9, but the protocol asks for 10 runs (2 arms x 5 "
      "replicates); raise max_runs, or lower seeds.replicates or the number of arms");
}

TEST(ProtocolErrors, SequentialLooksNotIncreasing) {
  EXPECT_EQ(
      error_of(with("min_effect = 0.01\n",
                    "min_effect = 0.01\n\n[budget.sequential]\nlooks = [0.6, 0.5, 1.0]\n", kBase)),
      "p.toml:42:15: budget.sequential.looks[1]: is 0.5, but looks must increase within (0, 1]; "
      "list increasing information fractions ending in 1");
}

TEST(ProtocolErrors, SequentialLastLookNotOne) {
  EXPECT_EQ(error_of(with("min_effect = 0.01\n",
                          "min_effect = 0.01\n\n[budget.sequential]\nlooks = [0.5, 0.9]\n", kBase)),
            "p.toml:42:9: budget.sequential.looks: ends at 0.9, but the last look must be 1; end "
            "the list with 1.0 (the maximum number of replicates)");
}

TEST(ProtocolErrors, SequentialTooManyLooks) {
  EXPECT_EQ(error_of(with("min_effect = 0.01\n",
                          "min_effect = 0.01\n\n[budget.sequential]\nlooks = 5\n", kBase)),
            "p.toml:42:9: budget.sequential.looks: gives a look at 1 replicates per arm (of "
            "seeds.replicates = 5), which repeats a look or has fewer than 2 replicates; use fewer "
            "looks or more replicates");
}

TEST(ProtocolErrors, SequentialUnknownSpending) {
  EXPECT_EQ(error_of(with(
                "min_effect = 0.01\n",
                "min_effect = 0.01\n\n[budget.sequential]\nlooks = 2\nspending = \"haybittle\"\n",
                kBase)),
            "p.toml:43:12: budget.sequential.spending: is \"haybittle\", which is not a known "
            "value; use one of \"obrien-fleming\", \"pocock\"");
}

TEST(ProtocolErrors, NonAsciiOutsideAString) {
  // Found by the fuzzer: toml++ 3.3 has undefined behaviour on these (upstream #295).
  EXPECT_EQ(error_of("\xc3\x98\x02"),
            "p.toml:1:2: (syntax): Error while parsing key-value pair: expected '=', saw "
            "'\\u0002'; fix the TOML syntax (https://toml.io) (non-ASCII text is allowed only in "
            "strings and comments)");
  EXPECT_EQ(error_of(with("[data]", "\u00e9 = 1\n[data]")),
            "p.toml:7:1: (syntax): non-ASCII character outside a string or comment; TOML allows "
            "non-ASCII text only in quoted strings and comments");
}

TEST(ProtocolErrors, MalformedUtf8) {
  EXPECT_EQ(error_of(with("name = \"t\"", "name = \"t\xff\"")),
            "p.toml:2:10: (syntax): byte 0xff is not valid UTF-8; save the file as UTF-8");
  EXPECT_EQ(error_of(with("name = \"t\"", "name = \"t\xc3\"")),
            "p.toml:2:10: (syntax): byte 0xc3 is not valid UTF-8; save the file as UTF-8");
}

TEST(ProtocolErrors, NonAsciiFirstAfterALineEndingBackslash) {
  // toml++ 3.3 reaches undefined behaviour here (upstream #190); the pre-scan rejects it.
  EXPECT_EQ(
      error_of(with("statement = \"b beats a\"", "statement = \"\"\"b beats \\\n  \u00e4\"\"\"")),
      "p.toml:33:3: (syntax): non-ASCII character first after a line-ending backslash; start "
      "the continued line with an ASCII character");
}

TEST(ProtocolErrors, NonAsciiInStringsAndCommentsIsFine) {
  std::string t = with("name = \"t\"", "name = \"Stra\u00dfe\"  # caf\u00e9");
  t = with("statement = \"b beats a\"", "statement = \"\"\"b \u00fcber \\\n  a \u00e0 b\"\"\"", t);
  t = with("author = \"me\"", "author = '\u00c5sa'", t);
  ASSERT_EQ(error_of(t), "no error");
  const Protocol p = parse_protocol(t, "p.toml");
  EXPECT_EQ(p.study.name, "Stra\u00dfe");
  EXPECT_EQ(p.study.author, "\u00c5sa");
  EXPECT_EQ(p.claims[0].statement, "b \u00fcber a \u00e0 b");
}

TEST(ProtocolErrors, MissingStudy) {
  EXPECT_EQ(error_of(with("[study]\nname = \"t\"\nauthor = \"me\"\npreregistered = "
                          "2026-01-01T00:00:00Z\nseed = 1\n",
                          "", kBase)),
            "p.toml:1:1: study: is required but missing; add a [study] table with name, author, "
            "preregistered");
}

TEST(ProtocolErrors, MissingAuthor) {
  EXPECT_EQ(error_of(with("author = \"me\"\n", "", kBase)),
            "p.toml:1:1: study.author: is required but missing; name who registers the protocol, "
            "e.g. author = \"A. Researcher\"");
}

TEST(ProtocolErrors, MissingPreregistered) {
  EXPECT_EQ(error_of(with("preregistered = 2026-01-01T00:00:00Z\n", "", kBase)),
            "p.toml:1:1: study.preregistered: is required but missing; write when the protocol was "
            "registered, e.g. preregistered = 2026-11-23T12:00:00Z");
}

TEST(ProtocolErrors, EmptyStudyName) {
  EXPECT_EQ(error_of(with("name = \"t\"", "name = \"\"", kBase)),
            "p.toml:2:8: study.name: is empty; give the study a short name");
}

TEST(ProtocolErrors, MissingData) {
  EXPECT_EQ(error_of(with("[data]\ndataset = \"synthetic\"\ngenerator = \"blobs\"\nsamples = 100\n",
                          "", kBase)),
            "p.toml:1:1: data: is required but missing; add a [data] table naming the dataset");
}

TEST(ProtocolErrors, MissingDataset) {
  EXPECT_EQ(error_of(with("dataset = \"synthetic\"\n", "", kBase)),
            "p.toml:7:1: data.dataset: is required but missing; name the data, one of "
            "\"fashion-mnist\", \"idx\", \"csv\", \"synthetic\"");
}

TEST(ProtocolErrors, IdxWithoutPath) {
  EXPECT_EQ(error_of(with("dataset = \"synthetic\"\ngenerator = \"blobs\"\nsamples = 100",
                          "dataset = \"idx\"", kBase)),
            "p.toml:7:1: data.path: is required for dataset \"idx\"; give the directory holding "
            "the four idx files");
}

TEST(ProtocolErrors, ClassesOutOfRange) {
  EXPECT_EQ(
      error_of(with("samples = 100", "samples = 100\nclasses = 1", kBase)),
      "p.toml:11:11: data.classes: is 1, but must be in [2, 1000]; give the number of classes");
}

TEST(ProtocolErrors, ClassesOnMoons) {
  EXPECT_EQ(error_of(with("generator = \"blobs\"", "generator = \"moons\"\nclasses = 3", kBase)),
            "p.toml:10:11: data.classes: applies only to generators \"blobs\" and \"spirals\" "
            "(moons has 2); remove it");
}

TEST(ProtocolErrors, NegativeNoise) {
  EXPECT_EQ(error_of(with("samples = 100", "samples = 100\nnoise = -0.1", kBase)),
            "p.toml:11:9: data.noise: is -0.1, but must be >= 0; give a standard deviation");
}

TEST(ProtocolErrors, ZeroSubset) {
  EXPECT_EQ(error_of(with("samples = 100", "samples = 100\nsubset = 0", kBase)),
            "p.toml:11:10: data.subset: is 0, but must be an integer in [1, 1000000000]; give a "
            "positive count");
}

TEST(ProtocolErrors, UnknownSplitKey) {
  EXPECT_EQ(
      error_of(with(
          "samples = 100",
          "samples = 100\nsplit = { train = 0.8, validation = 0.1, test = 0.1, shuffle = true }",
          kBase)),
      "p.toml:11:64: data.split.shuffle: is not a known key; remove it or use one of: mode, test, "
      "train, validation (see docs/protocol.md)");
}

TEST(ProtocolErrors, UnknownSplitMode) {
  EXPECT_EQ(error_of(with("samples = 100", "samples = 100\nsplit = { mode = \"random\" }", kBase)),
            "p.toml:11:18: data.split.mode: is \"random\", which is not a known value; use one of "
            "\"fixed\", \"per_seed\"");
}

TEST(ProtocolErrors, ArmsNotTables) {
  EXPECT_EQ(
      error_of(with("[study]", "arms = [1, 2]\n\n[study]",
                    with("[[arms]]\nname = \"a\"\nmodel = { name = \"mlp\" }\n\n[[arms]]\nname = "
                         "\"b\"\nmodel = { name = \"mlp\" }\ndropout = 0.5\n",
                         "", kBase))),
      "p.toml:1:9: arms[0]: is an integer, but must be a table; write each entry as [[arms]]");
}

TEST(ProtocolErrors, ArmMissingName) {
  EXPECT_EQ(error_of(with("name = \"b\"\nmodel", "model", kBase)),
            "p.toml:16:1: arms[1].name: is required but missing; give the arm a name, e.g. name = "
            "\"baseline\"");
}

TEST(ProtocolErrors, ModelNotATable) {
  EXPECT_EQ(
      error_of(with("model = { name = \"mlp\" }\ndropout", "model = \"mlp\"\ndropout", kBase)),
      "p.toml:18:9: arms[1].model: is a string, but must be a table; write it as a table");
}

TEST(ProtocolErrors, UnknownModelKey) {
  EXPECT_EQ(error_of(with("model = { name = \"mlp\" }\ndropout",
                          "model = { name = \"mlp\", layers = 2 }\ndropout", kBase)),
            "p.toml:18:34: arms[1].model.layers: is not a known key; remove it or use one of: "
            "name, options (see docs/protocol.md)");
}

TEST(ProtocolErrors, MomentumOutOfRange) {
  EXPECT_EQ(error_of(with("dropout = 0.5", "optimizer = { momentum = 1.0 }", kBase)),
            "p.toml:19:26: arms[1].optimizer.momentum: is 1, but must be in [0, 1); use e.g. 0.9");
}

TEST(ProtocolErrors, UnknownSchedule) {
  EXPECT_EQ(error_of(with("dropout = 0.5", "schedule = { name = \"exponential\" }", kBase)),
            "p.toml:19:21: arms[1].schedule.name: is \"exponential\", which is not a known value; "
            "use one of \"constant\", \"step\", \"cosine\"");
}

TEST(ProtocolErrors, GammaOutOfRange) {
  EXPECT_EQ(error_of(with("dropout = 0.5", "schedule = { gamma = 2.0 }", kBase)),
            "p.toml:19:22: arms[1].schedule.gamma: is 2, but must be in (0, 1]; use e.g. 0.1");
}

TEST(ProtocolErrors, NegativeWarmup) {
  EXPECT_EQ(error_of(with("dropout = 0.5", "schedule = { warmup_epochs = -1 }", kBase)),
            "p.toml:19:30: arms[1].schedule.warmup_epochs: is -1, but must be >= 0; give a count "
            "of epochs");
}

TEST(ProtocolErrors, AugmentationNotStrings) {
  EXPECT_EQ(error_of(with("dropout = 0.5", "augmentation = [1]", kBase)),
            "p.toml:19:17: arms[1].augmentation[0]: is an integer, but must be a string; write it "
            "as a quoted string");
}

TEST(ProtocolErrors, NonFiniteNumber) {
  EXPECT_EQ(error_of(with("dropout = 0.5", "dropout = nan", kBase)),
            "p.toml:19:11: arms[1].dropout: is nan, but must be finite; write a finite number");
}

TEST(ProtocolErrors, MissingSeeds) {
  EXPECT_EQ(error_of(with("[seeds]\nreplicates = 5\nrandomize = [\"init\", \"data_order\"]\nfixed "
                          "= [\"split\", \"dropout\", \"augmentation\"]\n",
                          "", kBase)),
            "p.toml:1:1: seeds: is required but missing; add a [seeds] table with replicates and "
            "randomize");
}

TEST(ProtocolErrors, MissingRandomize) {
  EXPECT_EQ(error_of(with("randomize = [\"init\", \"data_order\"]\n", "", kBase)),
            "p.toml:21:1: seeds.randomize: is required but missing; list the variance sources "
            "drawn anew per replicate, e.g. randomize = [\"init\", \"data_order\"]");
}

TEST(ProtocolErrors, PairedNotBoolean) {
  EXPECT_EQ(
      error_of(with("fixed = [\"split\", \"dropout\", \"augmentation\"]",
                    "fixed = [\"split\", \"dropout\", \"augmentation\"]\npaired = \"yes\"", kBase)),
      "p.toml:25:10: seeds.paired: is a string, but must be a boolean (true or false); write it as "
      "a boolean (true or false)");
}

TEST(ProtocolErrors, MissingMetrics) {
  EXPECT_EQ(error_of(with("[[metrics]]\nname = \"acc\"\ndirection = \"higher\"\n", "", kBase)),
            "p.toml:1:1: metrics: is required but missing; declare at least one [[metrics]] table");
}

TEST(ProtocolErrors, BestOnValidationWithoutValidation) {
  EXPECT_EQ(error_of(with("samples = 100",
                          "samples = 100\nsplit = { train = 0.9, validation = 0.0, test = 0.1 }",
                          with("direction = \"higher\"",
                               "direction = \"higher\"\nwhen = \"best_on_validation\"", kBase))),
            "p.toml:30:8: metrics[0].when: is \"best_on_validation\", but data.split.validation is "
            "0; give the validation split a share, or use when = \"final\"");
}

TEST(ProtocolErrors, UnknownWhen) {
  EXPECT_EQ(
      error_of(with("direction = \"higher\"", "direction = \"higher\"\nwhen = \"last\"", kBase)),
      "p.toml:29:8: metrics[0].when: is \"last\", which is not a known value; use one of "
      "\"final\", \"best_on_validation\"");
}

TEST(ProtocolErrors, MissingClaims) {
  EXPECT_EQ(
      error_of(with(
          "[[claims]]\nid = \"c\"\nstatement = \"b beats a\"\na = \"b\"\nb = \"a\"\nmetric = "
          "\"acc\"\ntest = \"welch\"\nalternative = \"greater\"\nalpha = 0.05\nmin_effect = 0.01\n",
          "", kBase)),
      "p.toml:1:1: claims: is required but missing; declare at least one [[claims]] table");
}

TEST(ProtocolErrors, ClaimMissingStatement) {
  EXPECT_EQ(error_of(with("statement = \"b beats a\"\n", "", kBase)),
            "p.toml:30:1: claims[0].statement: is required but missing; state the claim in words");
}

TEST(ProtocolErrors, ClaimMissingA) {
  EXPECT_EQ(error_of(with("a = \"b\"\n", "", kBase)),
            "p.toml:30:1: claims[0].a: is required but missing; name the arm claimed better (a in "
            "\"a versus b\")");
}

TEST(ProtocolErrors, ClaimMissingTest) {
  EXPECT_EQ(error_of(with("test = \"welch\"\n", "", kBase)),
            "p.toml:30:1: claims[0].test: is required but missing; choose the test, one of "
            "\"welch\", \"mwu\", \"wilcoxon\", \"permutation\", \"aso\", \"p_outperform\"");
}

TEST(ProtocolErrors, ClaimMissingAlternative) {
  EXPECT_EQ(error_of(with("alternative = \"greater\"\n", "", kBase)),
            "p.toml:30:1: claims[0].alternative: is required but missing; say \"greater\" (a "
            "better than b in the metric's units), \"less\" or \"two-sided\"");
}

TEST(ProtocolErrors, ClaimUnknownAlternative) {
  EXPECT_EQ(error_of(with("alternative = \"greater\"", "alternative = \"better\"", kBase)),
            "p.toml:37:15: claims[0].alternative: is \"better\", which is not a known value; use "
            "one of \"two-sided\", \"greater\", \"less\"");
}

TEST(ProtocolErrors, ClaimMissingMinEffect) {
  EXPECT_EQ(error_of(with("min_effect = 0.01\n", "", kBase)),
            "p.toml:30:1: claims[0].min_effect: is required but missing; give the smallest effect "
            "that matters, in the metric's units");
}

TEST(ProtocolErrors, ClaimUnknownCorrection) {
  EXPECT_EQ(error_of(with("min_effect = 0.01", "min_effect = 0.01\ncorrection = \"sidak\"", kBase)),
            "p.toml:40:14: claims[0].correction: is \"sidak\", which is not a known value; use one "
            "of \"none\", \"bonferroni\", \"holm\", \"hochberg\", \"bh\", \"by\"");
}

TEST(ProtocolErrors, ClaimZeroConfigurations) {
  EXPECT_EQ(error_of(with("min_effect = 0.01", "min_effect = 0.01\nconfigurations = 0", kBase)),
            "p.toml:40:18: claims[0].configurations: is 0, but must be an integer in [1, 1000000]; "
            "give a positive count");
}

TEST(ProtocolErrors, ClaimNonPositivePilotSd) {
  EXPECT_EQ(
      error_of(with("min_effect = 0.01", "min_effect = 0.01\npilot_sd = 0", kBase)),
      "p.toml:40:12: claims[0].pilot_sd: is 0, but must be > 0; give a pilot standard deviation");
}

TEST(ProtocolErrors, ClaimNonPositiveExpectedEffect) {
  EXPECT_EQ(error_of(with("min_effect = 0.01", "min_effect = 0.01\nexpected_effect = -1", kBase)),
            "p.toml:40:19: claims[0].expected_effect: is -1, but must be > 0; give the effect's "
            "magnitude");
}

TEST(ProtocolErrors, ClaimExpectedPOutperformHalf) {
  EXPECT_EQ(
      error_of(with("min_effect = 0.01", "min_effect = 0.01\nexpected_p_outperform = 0.5", kBase)),
      "p.toml:40:25: claims[0].expected_p_outperform: is 0.5, but must be in (0, 1) and not 0.5; "
      "give the expected P(a > b), e.g. 0.7");
}

TEST(ProtocolErrors, ClaimEmptyId) {
  EXPECT_EQ(error_of(with("id = \"c\"", "id = \"\"", kBase)),
            "p.toml:31:6: claims[0].id: is empty; give the claim an id");
}

TEST(ProtocolErrors, BudgetNonPositiveHours) {
  EXPECT_EQ(error_of(with("min_effect = 0.01\n",
                          "min_effect = 0.01\n\n[budget]\nmax_wall_hours = 0\n", kBase)),
            "p.toml:42:18: budget.max_wall_hours: is 0, but must be > 0; give hours, e.g. 12");
}

TEST(ProtocolErrors, BudgetUnknownKey) {
  EXPECT_EQ(
      error_of(with("min_effect = 0.01\n", "min_effect = 0.01\n\n[budget]\nmax_gpus = 2\n", kBase)),
      "p.toml:42:12: budget.max_gpus: is not a known key; remove it or use one of: max_runs, "
      "max_wall_hours, sequential (see docs/protocol.md)");
}

TEST(ProtocolErrors, SequentialMissingLooks) {
  EXPECT_EQ(
      error_of(with("min_effect = 0.01\n",
                    "min_effect = 0.01\n\n[budget.sequential]\nspending = \"pocock\"\n", kBase)),
      "p.toml:41:1: budget.sequential.looks: is required but missing; give the number of equally "
      "spaced looks (e.g. looks = 3) or their information fractions");
}

TEST(ProtocolErrors, SequentialLooksWrongType) {
  EXPECT_EQ(error_of(with("min_effect = 0.01\n",
                          "min_effect = 0.01\n\n[budget.sequential]\nlooks = \"three\"\n", kBase)),
            "p.toml:42:9: budget.sequential.looks: is a string, but must be an integer or an array "
            "of fractions; write it as an integer or an array of fractions");
}

TEST(ProtocolErrors, SequentialLooksOutOfRange) {
  EXPECT_EQ(error_of(with("min_effect = 0.01\n",
                          "min_effect = 0.01\n\n[budget.sequential]\nlooks = 51\n", kBase)),
            "p.toml:42:9: budget.sequential.looks: is 51, but must be in [1, 50]; use e.g. 3");
}

TEST(ProtocolErrors, SequentialLookNotANumber) {
  EXPECT_EQ(
      error_of(with("min_effect = 0.01\n",
                    "min_effect = 0.01\n\n[budget.sequential]\nlooks = [0.5, \"end\"]\n", kBase)),
      "p.toml:42:15: budget.sequential.looks[1]: is a string, but must be a number; write a "
      "fraction in (0, 1]");
}

}  // namespace
}  // namespace rigor::protocols::test
