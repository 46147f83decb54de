#!/usr/bin/env Rscript
# Golden values for rigor::stats t-tests (stats/src/ttest.cpp) from R's t.test.
#
# Regenerate:  Rscript scripts/golden/ttest.R > tests/stats/data/ttest.json
# (R 4.2.2, Debian 12; base R only, JSON written by hand at 17 significant digits.)
#
# Each data set is stored once (x, y); each case names a data set, a test kind (welch, student,
# paired, one_sample), the alternative, mu and conf.level, and R's statistic, parameter (df),
# p.value, conf.int and estimate (for two samples: mean(x) - mean(y)). Cases where R stops
# ("not enough observations", "data are essentially constant") are left out: rigor's answers for
# them are tested by hand in tests/stats/ttest_test.cpp.
#
# Coverage: n from 1/2 to 500, unequal sizes and variances, ties, zeros and negatives, unsorted
# inputs, one constant sample (Welch), large offsets, every alternative, conf.level 0.9/0.95/0.99,
# mu != 0, and huge effects with p-values between 1e-300 and 1e-230.

set.seed(20240611)

num <- function(v) {
  if (is.na(v)) return('"nan"')
  if (is.infinite(v)) return(if (v > 0) '"inf"' else '"-inf"')
  sprintf("%.17g", v)
}
arr <- function(v) paste0("[", paste(vapply(v, num, ""), collapse = ", "), "]")
str <- function(s) paste0('"', s, '"')

datasets <- list()
add <- function(name, x, y, mu_alt) {
  datasets[[length(datasets) + 1]] <<- list(name = name, x = x, y = y, mu_alt = mu_alt)
}

add("n2", rnorm(2), rnorm(2, 1), 0.5)
add("n3", rnorm(3, 10, 2), rnorm(3, 12, 2), -1)
add("n5_n7_unequal_var", rnorm(5, 0, 1), rnorm(7, 1, 3), 0.25)
add("n10_ties", round(rnorm(10, 5, 1), 0), round(rnorm(10, 5.5, 1), 0), -0.5)
add("n30_accuracy", 0.9 + rnorm(30, 0, 0.01), 0.895 + rnorm(30, 0, 0.012), 0.004)
add("n100_n80", rnorm(100, 0, 1), rnorm(80, 0.3, 2), 0.1)
add("n500", rnorm(500, 0, 1), rnorm(500, 0.1, 1), -0.05)
add("n500_n200", rexp(500), rexp(200, 1.3), 0.2)
add("x_constant_y_varies", rep(0.75, 6), 0.75 + rnorm(6, 0, 0.01), 0.001)
add("zeros_negatives", c(0, 0, -1.5, 2, 0, -0.25, 3, 0), c(-1, 0, 0, 1, -2, 0.5, 0, 0), 0.3)
add("large_offset", 1e6 + rnorm(12), 1e6 + 0.5 + rnorm(12), 0.5)
add("paired_correlated", (z <- rnorm(20, 70, 5)), z + rnorm(20, 0.8, 0.3), -0.7)
add("n1_vs_n4", 3.5, c(1.2, 2.2, 2.9, 1.7), 0.5)
add("n2_vs_n1", c(1, 2.5), 4, -1)
add("heavy_tailed", rt(25, 2), rt(25, 2) + 1, 0.3)
# Huge effects: p-values near 1e-300 (R's pt computes them accurately).
add("huge_effect_n500", rnorm(500, 0, 1), rnorm(500, 3.6, 1), -3.4)
add("huge_effect_n400_n300", rnorm(400, 3.6, 1), rnorm(300, 0, 1.2), 0.1)
# Dyadic values: means and variances are exact in both R and C++, so t ~ 1e5 is reproducible.
k <- c(0, 3, 1, 4, 1, 5, 2, 6, 5, 3, 5, 0, 2, 7, 1, 4, 6, 3, 2, 5, 1, 6, 3, 0, 4, 7, 2, 5, 1, 3)
add("huge_effect_dyadic_n30", 1024 + k / 64, k[c(11:30, 1:10)] / 64, 1023.8)

kinds <- c("welch", "student", "paired", "one_sample")
alternatives <- c("two.sided", "less", "greater")

run <- function(kind, x, y, alt, mu, conf) {
  tryCatch(switch(kind,
    welch = t.test(x, y, alternative = alt, mu = mu, conf.level = conf),
    student = t.test(x, y, alternative = alt, mu = mu, conf.level = conf, var.equal = TRUE),
    paired = t.test(x, y, alternative = alt, mu = mu, conf.level = conf, paired = TRUE),
    one_sample = t.test(x, alternative = alt, mu = mu, conf.level = conf)),
    error = function(e) NULL)
}

cases <- character()
for (i in seq_along(datasets)) {
  d <- datasets[[i]]
  for (kind in kinds) {
    if (kind == "paired" && length(d$x) != length(d$y)) next
    for (alt in alternatives) {
      settings <- list(c(0, 0.95), c(0, 0.9), c(0, 0.99), c(d$mu_alt, 0.95))
      for (s in settings) {
        r <- run(kind, d$x, d$y, alt, s[1], s[2])
        if (is.null(r)) next
        est <- if (length(r$estimate) == 2) r$estimate[[1]] - r$estimate[[2]] else r$estimate[[1]]
        if (r$p.value < 1e-300) stop("p-value below 1e-300 in ", d$name, ": tune the data")
        cases <- c(cases, paste0(
          "    {\"dataset\": ", i - 1, ", \"kind\": ", str(kind), ", \"alternative\": ",
          str(sub(".", "-", alt, fixed = TRUE)), ", \"mu\": ", num(s[1]), ", \"conf_level\": ",
          num(s[2]), ",\n     \"statistic\": ", num(r$statistic[[1]]), ", \"df\": ",
          num(r$parameter[[1]]), ", \"p_value\": ", num(r$p.value), ", \"estimate\": ", num(est),
          ", \"ci\": ", arr(as.numeric(r$conf.int)), ", \"method\": ", str(r$method), "}"))
      }
    }
  }
}

ds <- vapply(seq_along(datasets), function(i) {
  d <- datasets[[i]]
  paste0("    {\"name\": ", str(d$name), ",\n     \"x\": ", arr(d$x), ",\n     \"y\": ", arr(d$y), "}")
}, "")

cat("{\n")
cat("  \"generator\": ", str(paste0("scripts/golden/ttest.R with ", R.version.string,
                                     ", stats::t.test")), ",\n", sep = "")
cat("  \"datasets\": [\n", paste(ds, collapse = ",\n"), "\n  ],\n", sep = "")
cat("  \"cases\": [\n", paste(cases, collapse = ",\n"), "\n  ]\n}\n", sep = "")
