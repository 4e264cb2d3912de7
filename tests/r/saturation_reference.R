# Reference values for tests/test_saturation_outlook.py, from R's vegan.
#   Rscript tests/r/saturation_reference.R "abc,bd,ae,b,abf" "..."
# Each argument is one incidence matrix: interviews separated by commas, each interview the
# letters of its concepts. Prints, per case, tab-separated lines:
#   case  name  values (comma-separated, 12 significant digits)
# with specaccum(x, method = "exact") richness and sd, and specpool(x) Species, chao, jack1,
# jack1 SE and jack2.
suppressPackageStartupMessages(library(vegan))
fmt <- function(v) paste(formatC(as.numeric(v), digits = 12, format = "g"), collapse = ",")
for (case in commandArgs(trailingOnly = TRUE)) {
  sets <- strsplit(strsplit(case, ",", fixed = TRUE)[[1]], "")
  concepts <- sort(unique(unlist(sets)))
  x <- t(sapply(sets, function(s) as.integer(concepts %in% s)))
  if (length(concepts) == 1) x <- matrix(x, ncol = 1)
  acc <- suppressWarnings(suppressMessages(specaccum(x, method = "exact")))
  pool <- suppressWarnings(specpool(x))
  cat(case, "richness", fmt(acc$richness), "\n", sep = "\t")
  cat(case, "sd", fmt(acc$sd), "\n", sep = "\t")
  cat(case, "specpool", fmt(c(pool$Species, pool$chao, pool$jack1, pool$jack1.se, pool$jack2)),
      "\n", sep = "\t")
}
