# Golden values for rigor::stats corrections (p.adjust), Shapiro-Wilk and two-sample KS, from R.
#
# Regenerate (R 4.2.2, Debian 12; then the python part adds statsmodels and exact references):
#   /usr/bin/python3 scripts/golden/corrections.py
# which first runs
#   Rscript scripts/golden/corrections.R tests/stats/data
# This script writes tests/stats/data/{corrections,normality,ks}.json (inputs and R's outputs);
# corrections.py then adds statsmodels 0.13 (Sidak, Holm-Sidak), partial conjunction p-values from
# a direct implementation, exact KS p-values by full enumeration / exact rational arithmetic, and
# pretty-prints the files. No jsonlite: JSON is written by hand with sprintf("%.17g").
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[1] else "tests/stats/data"
generator <- paste0("scripts/golden/corrections.R with ", R.version.string)

# --- hand-written JSON ------------------------------------------------------------------------
json_num <- function(v) {
  vapply(v, function(x) {
    if (is.na(x)) "\"nan\"" else if (is.infinite(x)) if (x > 0) "\"inf\"" else "\"-inf\""
    else sprintf("%.17g", x)
  }, "")
}
json <- function(x) {
  if (is.list(x)) {
    if (!is.null(names(x))) {
      parts <- mapply(function(k, v) paste0("\"", k, "\": ", json(v)), names(x), x)
      return(paste0("{", paste(parts, collapse = ", "), "}"))
    }
    return(paste0("[", paste(vapply(x, json, ""), collapse = ", "), "]"))
  }
  if (is.character(x)) s <- paste0("\"", x, "\"")
  else if (is.logical(x)) s <- ifelse(x, "true", "false")
  else s <- json_num(x)
  if (length(s) == 1 && !isTRUE(attr(x, "array"))) s else paste0("[", paste(s, collapse = ", "), "]")
}
arr <- function(v) { attr(v, "array") <- TRUE; v }  # a JSON array even for length 1
write_json <- function(x, file) {
  writeLines(json(x), file)
  cat("wrote", file, "\n")
}

# --- p.adjust ---------------------------------------------------------------------------------
set.seed(20240501)
adjust_inputs <- list(
  list(name = "header example", p = c(0.01, 0.04, 0.03, 0.005)),
  list(name = "single p-value (m = 1)", p = 0.03),
  list(name = "two p-values (hommel = hochberg in R)", p = c(0.04, 0.02)),
  list(name = "three p-values", p = c(0.04, 0.01, 0.03)),
  list(name = "ties", p = c(0.01, 0.02, 0.01, 0.02, 0.5, 0.02)),
  list(name = "zeros and ones", p = c(0, 1, 0.5, 0, 1, 0.04)),
  list(name = "all equal", p = rep(0.03, 7)),
  list(name = "all one", p = rep(1, 5)),
  list(name = "all zero", p = rep(0, 4)),
  list(name = "tiny p-values", p = c(1e-300, 1e-200, 0.5, 4.9406564584124654e-324, 1e-20, 0.01)),
  list(name = "descending", p = c(0.9, 0.5, 0.2, 0.05, 0.01, 0.001)),
  list(name = "uniform n = 10", p = runif(10)),
  list(name = "uniform n = 50", p = runif(50)),
  list(name = "mixture n = 100", p = c(rbeta(30, 0.1, 5), runif(70))),
  list(name = "rounded (many ties) n = 200", p = round(c(rbeta(60, 0.2, 4), runif(140)), 2)),
  list(name = "mixture n = 500", p = sample(c(rbeta(100, 0.05, 1), runif(400)))),
  list(name = "small p-values n = 300", p = 10^(-runif(300, 0, 30))),
  list(name = "mixture n = 1000", p = sample(c(rbeta(200, 0.3, 3), runif(800))))
)
methods <- c("holm", "hochberg", "hommel", "bonferroni", "BH", "BY", "none")
adjust_cases <- lapply(adjust_inputs, function(case) {
  out <- list(name = case$name, p = arr(case$p))
  for (m in methods) out[[m]] <- arr(p.adjust(case$p, m))
  out
})
write_json(list(generator = paste(generator, "(p.adjust)"), adjust = adjust_cases),
           file.path(out_dir, "corrections.json"))

# --- Shapiro-Wilk -----------------------------------------------------------------------------
set.seed(314159)
sw_inputs <- list(
  list(name = "n = 3", x = c(1.2, 3.4, 2.0)),
  list(name = "n = 3 equally spaced (W = 1)", x = c(1, 2, 3)),
  list(name = "n = 3 two tied (p = 0)", x = c(0, 0, 1)),
  list(name = "n = 4", x = c(0.3, 1.9, 0.8, 5.1)),
  list(name = "n = 5", x = rnorm(5)),
  list(name = "n = 6", x = rexp(6)),
  list(name = "n = 7 ties", x = c(1, 1, 2, 2, 2, 3, 9)),
  list(name = "n = 11", x = rnorm(11)),
  list(name = "n = 12", x = rnorm(12)),
  list(name = "n = 20 uniform", x = runif(20)),
  list(name = "n = 30 exponential", x = rexp(30)),
  list(name = "n = 50 normal", x = rnorm(50, 10, 3)),
  list(name = "n = 100 rounded (ties)", x = round(rnorm(100), 1)),
  list(name = "n = 200 lognormal", x = rlnorm(200)),
  list(name = "n = 500 normal", x = rnorm(500)),
  list(name = "n = 1000 t3", x = rt(1000, 3)),
  list(name = "n = 2500 normal", x = rnorm(2500)),
  list(name = "n = 5000 normal", x = rnorm(5000)),
  list(name = "n = 5000 lognormal (tiny p)", x = rlnorm(5000)),
  list(name = "n = 5000 exponential", x = rexp(5000)),
  list(name = "accuracy scores near 0.9", x = 0.9 + rnorm(10, 0, 0.004)),
  list(name = "large offset", x = 1e6 + rnorm(40)),
  list(name = "tiny range (R rescales)", x = 1 + c(3, 1, 4, 1, 5, 9, 2, 6) * 1e-12),
  list(name = "one outlier", x = c(rep(0, 15), 1)),
  list(name = "unsorted", x = c(5, 3, 8, 1, 9, 2, 7, 4, 6, 10, 0.5, 12, 11))
)
sw_cases <- lapply(sw_inputs, function(case) {
  r <- shapiro.test(case$x)
  list(name = case$name, x = arr(case$x), W = unname(r$statistic), p = r$p.value)
})
write_json(list(generator = paste(generator, "(shapiro.test)"), shapiro_wilk = sw_cases),
           file.path(out_dir, "normality.json"))

# --- two-sample Kolmogorov-Smirnov -------------------------------------------------------------
set.seed(271828)
ks_inputs <- list(
  list(name = "tiny no ties", x = c(0.61, 0.29, 0.06, 0.59, -1.73), y = c(-0.74, 0.51, -0.56, 0.39, 1.64, 0.05)),
  list(name = "n_x = 1", x = 0.5, y = c(0.1, 0.7, 0.3, 0.9)),
  list(name = "n_y = 1", x = c(2, 4, 6, 8, 1, 3), y = 5),
  list(name = "Hollander-Wolfe 5.4 (R PR#1004, p = 15/286)",
       x = c(-0.15, 8.60, 5.00, 3.71, 4.29, 7.74, 2.48, 3.25, -1.15, 8.38),
       y = c(2.55, 12.07, 0.46, 0.35, 2.69, -0.94, 1.73, 0.73, -0.35, -0.37)),
  list(name = "1:5 vs c(2.5, 4.5) (R, p = 20/21)", x = 1:5, y = c(2.5, 4.5)),
  list(name = "normal 20 vs 25 shifted", x = rnorm(20), y = rnorm(25, 0.8)),
  list(name = "normal 30 vs 30", x = rnorm(30), y = rnorm(30)),
  list(name = "complete separation 50 vs 50", x = 1:50, y = 51:100),
  list(name = "complete separation 8 vs 3 constant", x = rep(1, 8), y = rep(2, 3)),
  list(name = "ties small", x = c(1, 2, 2, 3), y = c(2, 3, 3, 4, 5, 5, 1)),
  list(name = "ties less differs in R 4.2.2", x = c(1, 1, 1, 4, 3), y = c(5, 0, 5, 0, 1, 4, 0)),
  list(name = "ties 3 vs 6", x = c(4, 1, 2), y = c(4, 3, 5, 4, 0, 4)),
  list(name = "ties rounded 40 vs 35", x = round(rnorm(40), 1), y = round(rnorm(35, 0.3), 1)),
  list(name = "ties integers 60 vs 90", x = rpois(60, 3), y = rpois(90, 4)),
  list(name = "one shared value", x = c(0, 1, 2, 3), y = c(3, 4, 5, 6, 7)),
  list(name = "99 vs 100 no ties", x = rnorm(99), y = rnorm(100, 0.2)),
  list(name = "100 vs 100 asymptotic", x = rnorm(100), y = rnorm(100, 0.3)),
  list(name = "120 vs 300 asymptotic", x = rexp(120), y = rexp(300, 1.5)),
  list(name = "500 vs 400 asymptotic ties", x = round(rnorm(500), 1), y = round(rnorm(400, 0.1), 1)),
  list(name = "200 vs 150 far apart (tiny p)", x = rnorm(200), y = rnorm(150, 2)),
  list(name = "all equal", x = rep(0.9, 5), y = rep(0.9, 4))
)
ks_cases <- lapply(ks_inputs, function(case) {
  results <- list()
  nxny <- length(case$x) * length(case$y)
  for (alt in c("two.sided", "greater", "less")) {
    for (ex in list(NULL, TRUE, FALSE)) {
      if (!is.null(ex) && ex && nxny > 20000) next  # R 4.2.2's exact loop is R code: slow
      r <- suppressWarnings(ks.test(case$x, case$y, alternative = alt, exact = ex))
      results[[length(results) + 1]] <- list(
        alternative = if (alt == "two.sided") "two-sided" else alt,
        exact_option = if (is.null(ex)) "default" else if (ex) "true" else "false",
        exact = grepl("^Exact", r$method), method = r$method,
        statistic = unname(r$statistic), p = r$p.value)
    }
  }
  list(name = case$name, x = arr(case$x), y = arr(case$y), results = results)
})
write_json(list(generator = paste(generator, "(ks.test)"), ks = ks_cases),
           file.path(out_dir, "ks.json"))
