# Reference values for tests/test_saturation_outlook.py from iNEXT 3.0.2 (Hsieh, Ma & Chao).
# iNEXT is not packaged for Debian: install it from its source (CRAN or
# github.com/JohnsonHsieh/iNEXT) into a library of your own, then
#   R_LIBS=/path/to/lib Rscript tests/r/inext_reference.R "abc,bd,ae,b,abf" ...
# Each argument is one incidence matrix (interviews separated by commas, each interview the
# letters of its concepts). Prints, per case, tab-separated lines  case  name  values  with
# DataInfo SC, ChaoRichness Estimator (S_obs + Q0-hat), Chat.Sam and TD.m.est_inc (q = 0) for
# t = 1..2T, EstiBootComm.Sam, and the bootstrap SD of iNEXT.Sam's size-based curve
# ((qD.UCL - qD) / qnorm(0.975), nboot = 20000, set.seed(2020)).
suppressPackageStartupMessages(library(iNEXT))
fmt <- function(v) paste(formatC(as.numeric(v), digits = 12, format = "g"), collapse = ",")
for (case in commandArgs(trailingOnly = TRUE)) {
  sets <- strsplit(strsplit(case, ",", fixed = TRUE)[[1]], "")
  concepts <- sort(unique(unlist(sets)))
  y <- sapply(concepts, function(c) sum(sapply(sets, function(s) c %in% s)))
  nT <- length(sets)
  x <- c(nT, as.numeric(y))
  t <- 1:(2 * nT)
  cat(case, "SC", fmt(DataInfo(x, datatype = "incidence_freq")$SC), "\n", sep = "\t")
  cat(case, "asymptote", fmt(ChaoRichness(x, datatype = "incidence_freq")$Estimator), "\n",
      sep = "\t")
  cat(case, "coverage", fmt(iNEXT:::Chat.Sam(x, t)), "\n", sep = "\t")
  cat(case, "curve", fmt(iNEXT:::TD.m.est_inc(x, t, 0)), "\n", sep = "\t")
  cat(case, "probs", fmt(iNEXT:::EstiBootComm.Sam(x)), "\n", sep = "\t")
  set.seed(2020)
  out <- suppressWarnings(iNEXT:::iNEXT.Sam(x, t = t, q = 0, nboot = 20000,
                                            unconditional_var = FALSE))$size_based
  out <- out[match(t, out$t), ]
  cat(case, "boot_sd", fmt((out$qD.UCL - out$qD) / qnorm(0.975)), "\n", sep = "\t")
}
