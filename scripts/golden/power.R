#!/usr/bin/env Rscript
# Golden values for rigor::stats power analysis (stats/src/power.cpp).
#
# Regenerate:  Rscript scripts/golden/power.R > tests/stats/data/power.json
# (R 4.2.2, Debian 12; base R only, JSON written by hand at 17 significant digits.)
#
#  * power_t: stats::power.t.test, solving for n and for delta with uniroot at tol = 1e-12 (the
#    default eps^0.25 would be far looser than rigor's solver), and power given n. Every case keeps
#    the noncentrality below 37.62, where R's pnt (AS 243, errmax 1e-12) is exact to ~1e-12; above
#    it R switches to a normal approximation.
#  * noether: Noether (1987, JASA 82:645-647) N = (z_{1-alpha/s} + z_{power})^2 /
#    (12 c (1 - c) (p - 1/2)^2) with R's qnorm.

num <- function(v) {
  if (is.na(v)) return('"nan"')
  if (is.infinite(v)) return(if (v > 0) '"inf"' else '"-inf"')
  sprintf("%.17g", v)
}
str <- function(s) paste0('"', s, '"')
bool <- function(b) if (b) "true" else "false"

types <- c("two.sample", "paired", "one.sample")
sides <- list(c("two.sided", FALSE), c("two.sided", TRUE), c("one.sided", FALSE))
ncp_of <- function(type, n, delta, sd) sqrt(n / if (type == "two.sample") 2 else 1) * abs(delta) / sd

entry <- function(solve, type, alt, strict, n, delta, sd, alpha, power) {
  paste0("    {\"solve\": ", str(solve), ", \"type\": ", str(sub(".", "_", type, fixed = TRUE)),
         ", \"alternative\": ", str(sub(".", "-", alt, fixed = TRUE)), ", \"strict\": ", bool(strict),
         ",\n     \"n\": ", num(n), ", \"delta\": ", num(delta), ", \"sd\": ", num(sd),
         ", \"alpha\": ", num(alpha), ", \"power\": ", num(power), "}")
}

cases <- character()
alphas <- c(0.05, 0.01, 0.1)
sds <- c(1, 0.012, 3)
i <- 0
# Solve for n: effects from 0.1 to 5 SD (n from ~1.3 to ~3700).
for (type in types) for (s in sides) for (es in c(0.1, 0.3, 0.5, 1, 2, 5)) for (pw in c(0.5, 0.8, 0.95)) {
  i <- i + 1
  alpha <- alphas[i %% 3 + 1]
  sd <- sds[(i %/% 3) %% 3 + 1]
  r <- power.t.test(delta = es * sd, sd = sd, sig.level = alpha, power = pw, type = type,
                    alternative = s[1], strict = as.logical(s[2]), tol = 1e-12)
  if (ncp_of(type, r$n, r$delta, sd) > 37) next
  cases <- c(cases, entry("n", type, s[1], as.logical(s[2]), r$n, r$delta, sd, alpha, r$power))
}
# Power given n: n from 2 to 500, also non-integer n; negative delta (one-sided: power < alpha).
for (type in types) for (s in sides) for (n in c(2, 3, 5, 7.5, 10, 20, 50, 100, 500)) {
  for (es in c(0.05, 0.2, 0.8, -0.4)) {
    i <- i + 1
    alpha <- alphas[i %% 3 + 1]
    sd <- sds[(i %/% 3) %% 3 + 1]
    if (ncp_of(type, n, es * sd, sd) > 37) next
    r <- power.t.test(n = n, delta = es * sd, sd = sd, sig.level = alpha, type = type,
                      alternative = s[1], strict = as.logical(s[2]))
    # R's pnt returns the upper tail as 1 - lower (absolute error ~1e-12): keep powers >= 0.01.
    if (r$power < 0.01) next
    cases <- c(cases, entry("power", type, s[1], as.logical(s[2]), n, r$delta, sd, alpha, r$power))
  }
}
# Solve for delta (minimum detectable effect) given n.
for (type in types) for (s in sides) for (n in c(2, 5, 10, 40, 300)) for (pw in c(0.8, 0.9)) {
  i <- i + 1
  alpha <- alphas[i %% 3 + 1]
  sd <- sds[(i %/% 3) %% 3 + 1]
  r <- power.t.test(n = n, sd = sd, sig.level = alpha, power = pw, type = type,
                    alternative = s[1], strict = as.logical(s[2]), tol = 1e-12)
  if (ncp_of(type, n, r$delta, sd) > 37) next
  cases <- c(cases, entry("delta", type, s[1], as.logical(s[2]), n, r$delta, sd, alpha, pw))
}

noether <- character()
for (p in c(0.55, 0.6, 0.7, 0.75, 0.9, 0.3, 0.02)) for (alpha in c(0.05, 0.01)) {
  for (pw in c(0.8, 0.9)) for (frac in c(0.5, 0.3)) for (alt in c("two-sided", "one-sided")) {
    s <- if (alt == "two-sided") 2 else 1
    N <- (qnorm(1 - alpha / s) + qnorm(pw))^2 / (12 * frac * (1 - frac) * (p - 0.5)^2)
    noether <- c(noether, paste0(
      "    {\"p_outperform\": ", num(p), ", \"alpha\": ", num(alpha), ", \"power\": ", num(pw),
      ", \"fraction\": ", num(frac), ", \"alternative\": ", str(alt), ", \"n_total\": ", num(N),
      ", \"n_x_ceil\": ", ceiling(frac * N), ", \"n_y_ceil\": ", ceiling((1 - frac) * N), "}"))
  }
}

cat("{\n")
cat("  \"generator\": ", str(paste0("scripts/golden/power.R with ", R.version.string,
                                     ", stats::power.t.test (tol = 1e-12) and qnorm")), ",\n", sep = "")
cat("  \"power_t\": [\n", paste(cases, collapse = ",\n"), "\n  ],\n", sep = "")
cat("  \"noether\": [\n", paste(noether, collapse = ",\n"), "\n  ]\n}\n", sep = "")
