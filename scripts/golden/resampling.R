#!/usr/bin/env Rscript
# Reference values for rigor::stats Cliff's delta and Vargha-Delaney A12 (R 4.2.2).
#
# R's effsize package is not installed here, so this file carries a transcription of
# effsize::cliff.delta.default (CRAN effsize, R/CliffDelta.R, "Naive" algorithm with the explicit
# dominance matrix; defaults use.unbiased = TRUE, use.normal = FALSE) and of effsize::VD.A.default
# (rank-sum form). Called by scripts/golden/resampling.py, which writes the inputs to stdin, one
# case per line:  conf_level;x1,x2,...;y1,y2,...
# and reads one line per case:  delta variance lower upper a12   (each "%.17g"; NaN as "NaN").
#
#   printf '0.95;1,2,3;2,3,4\n' | Rscript scripts/golden/resampling.R

cliff_delta <- function(treatment, control, conf.level = 0.95) {
  treatment <- sort(treatment)
  control <- sort(control)
  n1 <- length(treatment)
  n2 <- length(control)
  rescale.factor <- (n1 * n2 - 1) / (n1 * n2)
  dominance <- sign(outer(treatment, control, FUN = "-"))
  d <- mean(dominance)
  d. <- ifelse(abs(d) == 1, d * rescale.factor, d)
  d_i. <- apply(dominance, 1, mean)
  d_.j <- apply(dominance, 2, mean)
  SSR <- sum((dominance - d.)^2)
  # use.unbiased = TRUE
  S_d <- (n2^2 * sum((d_i. - d.)^2) + n1^2 * sum((d_.j - d.)^2) - SSR) /
    (as.numeric(n1) * n2 * (n1 - 1) * (n2 - 1))
  # use.normal = FALSE: Student t quantile (Feng & Cliff 2004)
  Z <- -qt((1 - conf.level) / 2, n1 + n2 - 2)
  conf.int <- c(
    (d. - d.^3 - Z * sqrt(S_d) * sqrt((1 - d.^2)^2 + Z^2 * S_d)) / (1 - d.^2 + Z^2 * S_d),
    (d. - d.^3 + Z * sqrt(S_d) * sqrt((1 - d.^2)^2 + Z^2 * S_d)) / (1 - d.^2 + Z^2 * S_d)
  )
  if (d == 1) conf.int[2] <- 1
  if (d == -1) conf.int[1] <- -1
  list(estimate = d, var = S_d, conf.int = conf.int)
}

vd_a <- function(treatment, control) {
  m <- length(treatment)
  n <- length(control)
  r <- rank(c(treatment, control))
  r1 <- sum(r[seq_len(m)])
  (r1 / m - (m + 1) / 2) / n
}

num <- function(v) if (is.nan(v)) "NaN" else sprintf("%.17g", v)

input <- file("stdin")
lines <- readLines(input)
close(input)
for (line in lines) {
  if (nchar(line) == 0) next
  parts <- strsplit(line, ";", fixed = TRUE)[[1]]
  conf <- as.numeric(parts[1])
  x <- as.numeric(strsplit(parts[2], ",", fixed = TRUE)[[1]])
  y <- as.numeric(strsplit(parts[3], ",", fixed = TRUE)[[1]])
  res <- suppressWarnings(cliff_delta(x, y, conf))
  cat(num(res$estimate), num(res$var), num(res$conf.int[1]), num(res$conf.int[2]),
      num(vd_a(x, y)), "\n")
}
