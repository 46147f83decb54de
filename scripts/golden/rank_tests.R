# Golden values for rigor::stats rank tests and multi-sample tests.
#
#   Rscript scripts/golden/rank_tests.R          # R 4.2.2, base packages only
#   /usr/bin/python3 scripts/golden/rank_tests.py   # then: adds the scipy 1.10 section
#
# Writes tests/stats/data/rank_tests.json (wilcox.test rank sum and signed rank, binom.test as a
# sign test, pwilcox/qwilcox/psignrank/qsignrank) and tests/stats/data/multi_sample.json
# (kruskal.test, friedman.test, ptukey/qtukey, pairwise signed-rank tests with p.adjust("holm"),
# Nemenyi critical differences and average ranks). Inputs are generated here from fixed seeds and
# stored in the JSON, so the C++ tests read inputs and expected outputs from one place.
# Run from the repository root.

options(warn = 1)
stopifnot(getRversion() == "4.2.2")
generator <- sprintf("R %s (stats; scripts/golden/rank_tests.R)", getRversion())

# ---- minimal JSON writer (full precision, no packages) ----------------------------------------
arr <- function(x) structure(list(values = x), class = "json_array")
num_str <- function(v) {
  if (is.na(v)) return("\"nan\"")
  if (is.infinite(v)) return(if (v > 0) "\"inf\"" else "\"-inf\"")
  sprintf("%.17g", as.numeric(v))
}
scalar_str <- function(v) {
  if (is.character(v)) return(sprintf("\"%s\"", gsub("\"", "\\\\\"", v)))
  if (is.logical(v)) return(if (is.na(v)) "null" else if (v) "true" else "false")
  num_str(v)
}
to_json <- function(v, indent = 0) {
  pad <- strrep("  ", indent)
  pad1 <- strrep("  ", indent + 1)
  if (is.null(v)) return("null")
  if (inherits(v, "json_array")) {
    items <- vapply(as.list(v$values), scalar_str, "")
    return(paste0("[", paste(items, collapse = ", "), "]"))
  }
  if (is.list(v)) {
    if (length(v) == 0) return(if (is.null(names(v))) "[]" else "{}")
    if (is.null(names(v))) {
      items <- vapply(v, to_json, "", indent = indent + 1)
      return(paste0("[\n", paste0(pad1, items, collapse = ",\n"), "\n", pad, "]"))
    }
    items <- mapply(function(k, x) paste0("\"", k, "\": ", to_json(x, indent + 1)), names(v), v)
    return(paste0("{\n", paste0(pad1, items, collapse = ",\n"), "\n", pad, "}"))
  }
  if (length(v) != 1) return(to_json(arr(v), indent))
  scalar_str(v)
}
write_json <- function(x, path) {
  writeLines(to_json(x), path)
  cat("wrote", path, "\n")
}

alternatives <- c("two.sided", "greater", "less")
rigor_alt <- function(a) if (a == "two.sided") "two-sided" else a
method_of <- function(exact) if (is.null(exact)) "auto" else if (exact) "exact" else "asymptotic"

# ---- Mann-Whitney (wilcox.test(x, y)) ----------------------------------------------------------
mw_case <- function(name, x, y, alternative = "two.sided", exact = NULL, correct = TRUE,
                    mu = 0, conf.level = 0.95) {
  r <- suppressWarnings(wilcox.test(x, y, alternative = alternative, mu = mu, exact = exact,
                                    correct = correct, conf.int = TRUE, conf.level = conf.level))
  list(name = name, x = arr(x), y = arr(y), mu = mu, alternative = rigor_alt(alternative),
       method = method_of(exact), continuity = correct, conf_level = conf.level,
       statistic = unname(r$statistic), p_value = r$p.value, estimate = unname(r$estimate),
       ci = arr(as.numeric(r$conf.int)), ci_level = attr(r$conf.int, "conf.level"),
       r_method = r$method)
}

set.seed(20240611)
mw <- list()
add_mw <- function(...) mw[[length(mw) + 1]] <<- mw_case(...)
# Exact (no ties, n1, n2 < 50), every alternative, unsorted inputs.
for (sz in list(c(2, 3), c(3, 5), c(5, 4), c(7, 9), c(10, 10), c(20, 15), c(30, 45), c(49, 49))) {
  x <- round(rnorm(sz[1], 0.4), 6)
  y <- round(rnorm(sz[2]), 6)
  for (a in alternatives) add_mw(sprintf("exact_%dx%d_%s", sz[1], sz[2], a), x, y, a)
}
# Tiny exact tails: complete separation.
add_mw("exact_separated_30x30", 100 + (1:30) / 7, (1:30) / 7, "two.sided")
add_mw("exact_separated_30x30_less", 100 + (1:30) / 7, (1:30) / 7, "less")
add_mw("exact_separated_49x49_greater", 100 + (1:49) / 3, (1:49) / 3, "greater")
# Explicit exact beyond the auto limit (no ties) and explicit asymptotic on small data.
x <- rnorm(60, 0.3); y <- rnorm(70)
add_mw("exact_forced_60x70", x, y, "two.sided", exact = TRUE)
add_mw("exact_forced_60x70_greater", x, y, "greater", exact = TRUE, conf.level = 0.9)
x <- rnorm(8, 1); y <- rnorm(11)
for (a in alternatives) add_mw(sprintf("asymptotic_forced_8x11_%s", a), x, y, a, exact = FALSE)
add_mw("asymptotic_forced_8x11_nocorrect", x, y, "two.sided", exact = FALSE, correct = FALSE)
# Ties: normal approximation with tie correction; exact requested -> R falls back.
for (sz in list(c(6, 8), c(12, 10), c(25, 30), c(60, 80), c(200, 150))) {
  x <- round(rnorm(sz[1], 0.5), 0)
  y <- round(rnorm(sz[2]), 0)
  for (a in alternatives) add_mw(sprintf("ties_%dx%d_%s", sz[1], sz[2], a), x, y, a)
  add_mw(sprintf("ties_%dx%d_nocorrect", sz[1], sz[2]), x, y, "two.sided", correct = FALSE)
}
x <- c(1, 2, 2, 3, 3, 3, 4); y <- c(2, 3, 4, 4, 5, 5)
add_mw("ties_exact_requested", x, y, "two.sided", exact = TRUE)
# Large samples (asymptotic), with and without continuity correction.
for (sz in list(c(50, 50), c(100, 120), c(300, 500), c(500, 500))) {
  x <- round(rnorm(sz[1], 0.1), 6); y <- round(rnorm(sz[2]), 6)  # 6 decimals: a smaller file
  for (a in alternatives) add_mw(sprintf("large_%dx%d_%s", sz[1], sz[2], a), x, y, a)
  add_mw(sprintf("large_%dx%d_nocorrect", sz[1], sz[2]), x, y, "greater", correct = FALSE)
}
x <- round(rnorm(400, 2), 6); y <- round(rnorm(400), 6)
add_mw("large_tiny_p_400x400", x, y, "two.sided")
# Location shift mu, other confidence levels, small samples where the level is not achievable.
x <- rnorm(12, 1); y <- rnorm(9)
add_mw("mu_exact", x, y, "two.sided", mu = 0.7)
add_mw("mu_asymptotic", x, y, "greater", mu = -0.3, exact = FALSE)
add_mw("conf_0.99", x, y, "two.sided", conf.level = 0.99)
add_mw("conf_0.5", x, y, "less", conf.level = 0.5)
add_mw("unachievable_2x2", c(1.5, 2.5), c(0.1, 0.2), "two.sided")
add_mw("unachievable_1x3_greater", c(3.1), c(0.3, 1.2, 2.2), "greater")
# Two constant samples with different values (ties only between-sample): normal approximation.
x <- c(3, 3, 3, 3); y <- c(5, 5, 5, 5, 1)
add_mw("tied_blocks", x, y, "two.sided")

# ---- Wilcoxon signed rank (wilcox.test(x, y, paired = TRUE) / wilcox.test(x, mu = )) ----------
sr_case <- function(name, x, y = NULL, alternative = "two.sided", exact = NULL, correct = TRUE,
                    mu = 0, conf.level = 0.95) {
  r <- if (is.null(y)) {
    suppressWarnings(wilcox.test(x, alternative = alternative, mu = mu, exact = exact,
                                 correct = correct, conf.int = TRUE, conf.level = conf.level))
  } else {
    suppressWarnings(wilcox.test(x, y, paired = TRUE, alternative = alternative, mu = mu,
                                 exact = exact, correct = correct, conf.int = TRUE,
                                 conf.level = conf.level))
  }
  list(name = name, x = arr(x), y = if (is.null(y)) NULL else arr(y), mu = mu,
       alternative = rigor_alt(alternative), method = method_of(exact), continuity = correct,
       conf_level = conf.level, statistic = unname(r$statistic), p_value = r$p.value,
       estimate = unname(r$estimate), ci = arr(as.numeric(r$conf.int)),
       ci_level = attr(r$conf.int, "conf.level"), r_method = r$method)
}

sr <- list()
add_sr <- function(...) sr[[length(sr) + 1]] <<- sr_case(...)
for (n in c(2, 3, 5, 8, 13, 20, 35, 49)) {
  x <- round(rnorm(n, 0.5), 6); y <- round(rnorm(n), 6)
  for (a in alternatives) add_sr(sprintf("exact_paired_n%d_%s", n, a), x, y, a)
}
x <- round(rnorm(15, 0.3), 6)
for (a in alternatives) add_sr(sprintf("exact_one_sample_n15_%s", a), x, NULL, a)
add_sr("exact_one_sample_mu", x, NULL, "two.sided", mu = 0.25)
add_sr("exact_all_positive_n49", (1:49) / 10 + 0.05, NULL, "two.sided")
add_sr("exact_all_positive_n49_greater", (1:49) / 10 + 0.05, NULL, "greater")
add_sr("exact_all_negative_n30_less", -(1:30) / 10 - 0.05, NULL, "less")
x <- rnorm(80, 0.2); y <- rnorm(80)
add_sr("exact_forced_n80", x, y, "two.sided", exact = TRUE)
x <- rnorm(10, 0.8)
for (a in alternatives) add_sr(sprintf("asymptotic_forced_n10_%s", a), x, NULL, a, exact = FALSE)
add_sr("asymptotic_forced_n10_nocorrect", x, NULL, "two.sided", exact = FALSE, correct = FALSE)
# Ties and zeros (R drops zeros, falls back to the normal approximation).
for (n in c(6, 12, 25, 60, 150)) {
  x <- round(rnorm(n, 0.4) * 2) / 2; y <- round(rnorm(n) * 2) / 2
  for (a in alternatives) add_sr(sprintf("ties_zeros_n%d_%s", n, a), x, y, a)
  add_sr(sprintf("ties_zeros_n%d_nocorrect", n), x, y, "two.sided", correct = FALSE)
}
x <- c(1.5, 2, 2, -1, 3, 0, 0, 4, 2.5); y <- rep(0, 9)
add_sr("zeros_exact_requested", x, y, "two.sided", exact = TRUE)
# Large n (asymptotic).
for (n in c(50, 100, 300, 500)) {
  x <- round(rnorm(n, 0.1), 6); y <- round(rnorm(n), 6)
  for (a in alternatives) add_sr(sprintf("large_n%d_%s", n, a), x, y, a)
  add_sr(sprintf("large_n%d_nocorrect", n), x, y, "less", correct = FALSE)
}
x <- round(rnorm(300, 1), 6)
add_sr("large_tiny_p_n300", x, NULL, "two.sided")
x <- rnorm(20, 1); y <- rnorm(20)
add_sr("mu_paired_exact", x, y, "greater", mu = 0.5)
add_sr("mu_paired_asymptotic", x, y, "two.sided", mu = -0.5, exact = FALSE)
add_sr("conf_0.9", x, y, "two.sided", conf.level = 0.9)
add_sr("conf_0.99_less", x, y, "less", conf.level = 0.99)
add_sr("unachievable_n3", c(0.5, 1.7, 2.2), NULL, "two.sided")
add_sr("unachievable_asymptotic_n4", c(1, 2, 2, 3), NULL, "two.sided")

# ---- sign test (binom.test on the positive differences) -----------------------------------------
sign_case <- function(name, x, y = NULL, alternative = "two.sided", conf.level = 0.95) {
  d <- if (is.null(y)) x else x - y
  s <- sum(d > 0); n <- sum(d != 0)
  r <- binom.test(s, n, 0.5, alternative = alternative, conf.level = conf.level)
  list(name = name, x = arr(x), y = if (is.null(y)) NULL else arr(y),
       alternative = rigor_alt(alternative), conf_level = conf.level, statistic = s, n = n,
       p_value = r$p.value, estimate = unname(r$estimate), ci = arr(as.numeric(r$conf.int)))
}
sg <- list()
add_sg <- function(...) sg[[length(sg) + 1]] <<- sign_case(...)
for (n in c(2, 5, 10, 11, 30, 101, 500)) {
  x <- round(rnorm(n, 0.3), 1); y <- round(rnorm(n), 1)
  for (a in alternatives) add_sg(sprintf("paired_n%d_%s", n, a), x, y, a)
}
add_sg("one_sample_balanced", c(-1, 1, -2, 2, 0, 3, -3), NULL, "two.sided")
add_sg("all_positive_n500", (1:500) / 100, NULL, "two.sided")
add_sg("all_positive_n500_greater", (1:500) / 100, NULL, "greater")
add_sg("conf_0.8", round(rnorm(25, 0.5), 1), NULL, "two.sided", conf.level = 0.8)

# ---- null distributions -------------------------------------------------------------------------
dist_w <- list()
for (mn in list(c(1, 1), c(2, 3), c(4, 4), c(7, 3), c(10, 12), c(25, 25), c(49, 49), c(100, 100),
                c(150, 120))) {
  m <- mn[1]; n <- mn[2]; top <- m * n
  # Central values of the large cases cost the C++ test seconds: tails only there.
  qs <- if (top > 5000) c(0, 1, 2, 10, top - 11, top - 1, top) else
    unique(round(c(0, 1, 2, top / 4, top / 2 - 1, top / 2, top / 2 + 1, 3 * top / 4, top - 1, top)))
  for (q in qs) {
    dist_w[[length(dist_w) + 1]] <- list(m = m, n = n, q = q,
                                         lower = pwilcox(q, m, n),
                                         upper = pwilcox(q, m, n, lower.tail = FALSE))
  }
}
# p = 0.5 is left out: for odd m * n, P(U <= (mn - 1) / 2) is exactly 1/2, and which q R returns
# depends on the rounding of its sum of cwilcox counts / choose(m + n, n) (R: qwilcox(0.5, 49, 49)
# = 1201; the exact answer, and rigor's, is 1200).
quant_w <- list()
for (mn in list(c(2, 3), c(4, 4), c(10, 12), c(25, 25), c(49, 49), c(100, 100))) {
  for (p in c(1e-20, 1e-6, 0.001, 0.025, 0.05, 0.3, 0.7, 0.95, 0.975)) {
    quant_w[[length(quant_w) + 1]] <- list(m = mn[1], n = mn[2], p = p,
                                           q = qwilcox(p, mn[1], mn[2]))
  }
}
dist_v <- list()
for (n in c(1, 2, 5, 10, 20, 49, 100, 300, 1000)) {
  top <- n * (n + 1) / 2
  qs <- if (n > 100) c(0, 1, 2, 10, top - 11, top - 1, top) else
    unique(round(c(0, 1, 2, top / 4, top / 2 - 1, top / 2, top / 2 + 1, 3 * top / 4, top - 1, top)))
  for (q in qs) {
    dist_v[[length(dist_v) + 1]] <- list(n = n, q = q, lower = psignrank(q, n),
                                         upper = psignrank(q, n, lower.tail = FALSE))
  }
}
quant_v <- list()
for (n in c(1, 3, 10, 20, 49, 300)) {
  for (p in c(1e-20, 1e-6, 0.001, 0.025, 0.05, 0.3, 0.5, 0.7, 0.95, 0.975)) {
    quant_v[[length(quant_v) + 1]] <- list(n = n, p = p, q = qsignrank(p, n))
  }
}

write_json(list(generator = generator, mann_whitney = mw, signed_rank = sr, sign_test = sg,
                rank_sum_cdf = dist_w, rank_sum_quantile = quant_w, signed_rank_cdf = dist_v,
                signed_rank_quantile = quant_v),
           "tests/stats/data/rank_tests.json")

# ==== multi-sample ================================================================================
kw <- list()
add_kw <- function(name, groups) {
  r <- kruskal.test(groups)
  kw[[length(kw) + 1]] <<- list(name = name, groups = lapply(groups, arr),
                                statistic = unname(r$statistic), df = unname(r$parameter),
                                p_value = r$p.value)
}
set.seed(20240612)
add_kw("two_groups", list(rnorm(5), rnorm(7, 1)))
add_kw("three_groups", list(rnorm(8), rnorm(6, 0.5), rnorm(10, 1)))
add_kw("singletons", list(1.5, c(0.2, 3.3), c(2.2, 0.9, 4.1)))
add_kw("ties", list(round(rnorm(15)), round(rnorm(12, 0.5)), round(rnorm(20, 1)), round(rnorm(9))))
add_kw("ten_groups", lapply(1:10, function(i) rnorm(5 + i, i / 10)))
add_kw("large", lapply(list(rnorm(500), rnorm(400, 0.1), rnorm(300, 0.05)), round, 6))
add_kw("tiny_p", lapply(list(rnorm(200), rnorm(200, 2), rnorm(200, 4)), round, 6))
add_kw("near_null", list(c(1, 4, 5, 8), c(2, 3, 6, 7)))

fr <- list()
add_fr <- function(name, m) {
  r <- friedman.test(m)
  fr[[length(fr) + 1]] <<- list(name = name, data = lapply(seq_len(nrow(m)), function(i) arr(m[i, ])),
                                statistic = unname(r$statistic), df = unname(r$parameter),
                                p_value = r$p.value)
}
make_scores <- function(N, k, effect, digits = 6) {
  base <- matrix(rnorm(N * k), N, k) + rep(seq(0, effect, length.out = k), each = N) +
    rnorm(N) * 2
  round(base, digits)
}
add_fr("two_methods", make_scores(10, 2, 0.5))
add_fr("four_methods_14_datasets", make_scores(14, 4, 1))
add_fr("ties", make_scores(20, 5, 0.5, digits = 0))
add_fr("partially_tied_rows", rbind(c(1, 1, 1), c(1, 2, 3), c(2, 2, 1), c(3, 1, 2)))
add_fr("ten_methods_30_datasets", make_scores(30, 10, 2))
add_fr("tiny_p", make_scores(200, 6, 6))
add_fr("large", make_scores(500, 3, 0.1))

tukey_p <- list()
for (k in c(2, 3, 5, 10, 20, 50)) {
  for (df in c(2, 5, 10, 30, 120, 1000, 30000, Inf)) {
    for (q in c(0.5, 1, 2, 3.3, 5, 8, 12)) {
      tukey_p[[length(tukey_p) + 1]] <- list(q = q, k = k, df = df, lower = ptukey(q, k, df),
                                             upper = ptukey(q, k, df, lower.tail = FALSE))
    }
  }
}
tukey_q <- list()
for (k in c(2, 3, 4, 5, 7, 10, 20, 50)) {
  for (df in c(2, 5, 10, 30, 120, 1000, Inf)) {
    for (p in c(0.5, 0.9, 0.95, 0.99)) {
      # R's secant search fails (NaN, "convergence failed") for p = 0.5, k = 50, df >= 120:
      # those cases are left out.
      q <- suppressWarnings(qtukey(p, k, df))
      if (is.nan(q)) next
      tukey_q[[length(tukey_q) + 1]] <- list(p = p, k = k, df = df, q = q)
    }
  }
}
# Demšar (2006), Table 5: q_alpha = qtukey(1 - alpha, k, Inf) / sqrt(2).
demsar <- list()
for (alpha in c(0.05, 0.10)) {
  for (k in 2:10) {
    demsar[[length(demsar) + 1]] <- list(alpha = alpha, k = k,
                                         q_alpha = qtukey(1 - alpha, k, Inf) / sqrt(2))
  }
}

posthoc <- list()
add_posthoc <- function(name, m, alpha = 0.05, higher = TRUE) {
  N <- nrow(m); k <- ncol(m)
  ranks <- t(apply(if (higher) -m else m, 1, rank))
  avg <- colMeans(ranks)
  q_alpha <- qtukey(1 - alpha, k, Inf) / sqrt(2)
  se <- sqrt(k * (k + 1) / (6 * N))
  pairs <- list(); p_raw <- c(); stat <- c(); est <- c()
  for (i in 1:(k - 1)) for (j in (i + 1):k) {
    w <- suppressWarnings(wilcox.test(m[, i], m[, j], paired = TRUE))
    p_raw <- c(p_raw, w$p.value); stat <- c(stat, unname(w$statistic))
    qstat <- abs(avg[i] - avg[j]) / se * sqrt(2)
    pairs[[length(pairs) + 1]] <- list(first = i - 1, second = j - 1,
                                       rank_difference = unname(avg[i] - avg[j]),
                                       statistic = unname(qstat),
                                       p_value = ptukey(unname(qstat), k, Inf, lower.tail = FALSE))
  }
  holm <- p.adjust(p_raw, "holm")
  fr <- friedman.test(m)
  posthoc[[length(posthoc) + 1]] <<- list(
    name = name, data = lapply(seq_len(N), function(i) arr(m[i, ])), alpha = alpha,
    higher_is_better = higher, average_ranks = arr(unname(avg)), q_alpha = q_alpha,
    critical_difference = q_alpha * se, friedman_statistic = unname(fr$statistic),
    friedman_p_value = fr$p.value, nemenyi_pairs = pairs,
    wilcoxon_statistic = arr(stat), wilcoxon_p_value = arr(p_raw), wilcoxon_p_holm = arr(holm))
}
add_posthoc("four_methods_14_datasets", make_scores(14, 4, 1))
add_posthoc("lower_is_better", make_scores(14, 4, 1), higher = FALSE)
add_posthoc("ties_alpha_0.1", make_scores(25, 5, 1, digits = 1), alpha = 0.1)
add_posthoc("eight_methods_40_datasets", make_scores(40, 8, 1.5))

write_json(list(generator = generator, kruskal_wallis = kw, friedman = fr, ptukey = tukey_p,
                qtukey = tukey_q, demsar_table5 = demsar, posthoc = posthoc),
           "tests/stats/data/multi_sample.json")
