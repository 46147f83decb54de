// Canonical rendering, SHA-256 hash and claim diff of a resolved protocol.
#include "rigor/protocols/canonical.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace rigor::protocols {
namespace {

// Shortest round-trip decimal form (std::to_chars): 0.1 -> "0.1", 1.0 -> "1", 1e-300 -> "1e-300".
std::string num(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  if (s == "-0") s = "0";  // -0.0 and 0.0 mean the same
  return s;
}
std::string num(std::int64_t v) { return std::to_string(v); }

// JSON string escaping: quotes, backslash, control characters as \u00XX.
std::string str(std::string_view s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20) {
      out += fmt::format("\\u{:04x}", ch);
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out + "\"";
}

std::string option(const OptionValue& v) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return num(i); }
    std::string operator()(double d) const {
      return "float:" + num(d);
    }  // 1 and 1.0 differ for a registry
    std::string operator()(const std::string& s) const { return str(s); }
    std::string operator()(const std::vector<std::int64_t>& a) const {
      std::string out = "[";
      for (std::size_t i = 0; i < a.size(); ++i) out += (i ? ", " : "") + num(a[i]);
      return out + "]";
    }
    std::string operator()(const std::vector<double>& a) const {
      std::string out = "float:[";
      for (std::size_t i = 0; i < a.size(); ++i) out += (i ? ", " : "") + num(a[i]);
      return out + "]";
    }
  };
  return std::visit(Visitor{}, v);
}

class Lines {
 public:
  void add(std::string_view path, const std::string& value) {
    text_ += fmt::format("{} = {}\n", path, value);
  }
  std::string text_;
};

void render_data(Lines& l, const Data& d) {
  l.add("data.dataset", str(to_string(d.kind)));
  l.add("data.path", str(d.path));
  l.add("data.target", str(d.target));
  l.add("data.generator", str(to_string(d.generator)));
  l.add("data.samples", num(d.samples));
  l.add("data.features", num(d.features));
  l.add("data.classes", num(d.classes));
  l.add("data.noise", num(d.noise));
  l.add("data.subset", d.subset ? num(*d.subset) : "none");
  l.add("data.split.train", num(d.split.train));
  l.add("data.split.validation", num(d.split.validation));
  l.add("data.split.test", num(d.split.test));
  l.add("data.split.mode", str(to_string(d.split.mode)));
}

void render_seeds(Lines& l, const Seeds& s) {
  l.add("seeds.replicates", num(s.replicates));
  for (VarianceSource v : kVarianceSources) {
    l.add(fmt::format("seeds.{}", to_string(v)),
          s.randomized[static_cast<std::size_t>(v)] ? "\"randomized\"" : "\"fixed\"");
  }
  l.add("seeds.paired", s.paired ? "true" : "false");
}

void render_arm(Lines& l, const Arm& a) {
  const std::string p = fmt::format("arms[{}]", str(a.name));
  l.add(p + ".description", str(a.description));
  l.add(p + ".model.name", str(a.model.name));
  for (const auto& [k, v] : a.model.options)
    l.add(fmt::format("{}.model.options[{}]", p, str(k)), option(v));
  l.add(p + ".optimizer.name", str(to_string(a.optimizer)));
  l.add(p + ".optimizer.learning_rate", num(a.learning_rate));
  l.add(p + ".optimizer.momentum", num(a.momentum));
  l.add(p + ".schedule.name", str(to_string(a.schedule)));
  l.add(p + ".schedule.step_size", num(a.step_size));
  l.add(p + ".schedule.gamma", num(a.gamma));
  l.add(p + ".schedule.warmup_epochs", num(a.warmup_epochs));
  l.add(p + ".batch_size", num(a.batch_size));
  l.add(p + ".epochs", num(a.epochs));
  l.add(p + ".dropout", num(a.dropout));
  l.add(p + ".weight_decay", num(a.weight_decay));
  std::string aug = "[";
  for (std::size_t i = 0; i < a.augmentation.size(); ++i)
    aug += (i ? ", " : "") + str(a.augmentation[i]);
  l.add(p + ".augmentation", aug + "]");
}

void render_metric(Lines& l, const Metric& m) {
  const std::string p = fmt::format("metrics[{}]", str(m.name));
  l.add(p + ".split", str(to_string(m.split)));
  l.add(p + ".direction", str(to_string(m.direction)));
  l.add(p + ".when", str(to_string(m.when)));
}

std::string opt(const std::optional<double>& v) { return v ? num(*v) : "none"; }

void render_claim(Lines& l, const Claim& c) {
  const std::string p = fmt::format("claims[{}]", str(c.id));
  l.add(p + ".statement", str(c.statement));
  l.add(p + ".a", str(c.a));
  l.add(p + ".b", str(c.b));
  l.add(p + ".metric", str(c.metric));
  l.add(p + ".test", str(to_string(c.test)));
  l.add(p + ".alternative", str(to_string(c.alternative)));
  l.add(p + ".alpha", num(c.alpha));
  l.add(p + ".min_effect", num(c.min_effect));
  l.add(p + ".family", str(c.family));
  l.add(p + ".correction", str(to_string(c.correction)));
  l.add(p + ".configurations", num(c.configurations));
  l.add(p + ".pilot_sd", opt(c.pilot_sd));
  l.add(p + ".expected_effect", opt(c.expected_effect));
  l.add(p + ".expected_p_outperform", opt(c.expected_p_outperform));
  l.add(p + ".power", num(c.power));
}

template <class T, class Key>
std::vector<const T*> sorted(const std::vector<T>& items, Key key) {
  std::vector<const T*> out;
  for (const T& t : items) out.push_back(&t);
  std::sort(out.begin(), out.end(), [&](const T* x, const T* y) { return key(*x) < key(*y); });
  return out;
}

std::string render_one_arm(const Arm& a) {
  Lines l;
  render_arm(l, a);
  return l.text_;
}
std::string render_one_claim(const Claim& c) {
  Lines l;
  render_claim(l, c);
  return l.text_;
}
std::string render_one_metric(const Metric& m) {
  Lines l;
  render_metric(l, m);
  return l.text_;
}
std::string render_design(const Protocol& p) {
  Lines l;
  render_data(l, p.data);
  render_seeds(l, p.seeds);
  return l.text_;
}

}  // namespace

std::string canonical_text(const Protocol& p) {
  Lines l;
  l.text_ = "rigor-protocol-canonical 1\n";
  l.add("study.name", str(p.study.name));
  l.add("study.description", str(p.study.description));
  l.add("study.author", str(p.study.author));
  l.add("study.preregistered", str(p.study.preregistered));
  l.add("study.seed",
        p.study.master_seed_derived ? "derived" : std::to_string(p.study.master_seed));
  render_data(l, p.data);
  render_seeds(l, p.seeds);
  for (const Arm* a : sorted(p.arms, [](const Arm& x) { return x.name; })) render_arm(l, *a);
  for (const Metric* m : sorted(p.metrics, [](const Metric& x) { return x.name; }))
    render_metric(l, *m);
  for (const Claim* c : sorted(p.claims, [](const Claim& x) { return x.id; })) render_claim(l, *c);
  l.add("budget.max_runs", p.budget.max_runs ? num(*p.budget.max_runs) : "none");
  l.add("budget.max_wall_hours", opt(p.budget.max_wall_hours));
  if (p.budget.sequential) {
    std::string looks = "[";
    for (std::size_t i = 0; i < p.budget.sequential->looks.size(); ++i) {
      looks += (i ? ", " : "") + num(p.budget.sequential->looks[i]);
    }
    l.add("budget.sequential.looks", looks + "]");
    l.add("budget.sequential.spending", str(to_string(p.budget.sequential->spending)));
  } else {
    l.add("budget.sequential", "none");
  }
  return l.text_;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw ProtocolError("SHA-256 failed in OpenSSL (EVP_Digest); check the OpenSSL installation");
  }
  std::string out;
  for (unsigned int i = 0; i < length; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

std::string canonical_hash(const Protocol& protocol) {
  return sha256_hex(canonical_text(protocol));
}

void require_hash(const Protocol& protocol, std::string_view expected_hash) {
  const std::string actual = canonical_hash(protocol);
  std::string expected(expected_hash);
  std::transform(expected.begin(), expected.end(), expected.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (actual != expected) {
    throw ProtocolError(
        fmt::format("{}: protocol hash is {} but the study was registered with {}; the protocol's "
                    "meaning changed since "
                    "registration: restore the registered protocol, or register the amendment as a "
                    "new protocol (its new and "
                    "changed claims are then reported as exploratory)",
                    protocol.source, actual, expected));
  }
}

ClaimDiff diff_claims(const Protocol& stored, const Protocol& amended) {
  ClaimDiff d;
  d.identical = canonical_hash(stored) == canonical_hash(amended);
  const bool same_design = render_design(stored) == render_design(amended) &&
                           stored.study.master_seed == amended.study.master_seed;
  auto depends = [](const Protocol& p, const Claim& c) {
    std::string s = render_one_claim(c);
    if (const Arm* a = p.find_arm(c.a)) s += render_one_arm(*a);
    if (const Arm* b = p.find_arm(c.b)) s += render_one_arm(*b);
    if (const Metric* m = p.find_metric(c.metric)) s += render_one_metric(*m);
    s += fmt::format("family size = {}\n", family_size(p, c.family));
    return s;
  };
  for (const Claim& c : amended.claims) {
    const Claim* old = stored.find_claim(c.id);
    if (!old) {
      d.added.push_back(c.id);
    } else if (!same_design || depends(stored, *old) != depends(amended, c)) {
      d.changed.push_back(c.id);
    } else {
      d.unchanged.push_back(c.id);
    }
  }
  for (const Claim& c : stored.claims) {
    if (!amended.find_claim(c.id)) d.removed.push_back(c.id);
  }
  return d;
}

}  // namespace rigor::protocols
