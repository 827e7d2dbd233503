# Reference values for tests/test_reliability_stats.py from R psych alpha().
#
# Run from the repository root:
#     Rscript tests/reference/psych_alpha.R > tests/reference/psych_alpha.json
# Needs only R and psych (Debian: apt-get install r-base-core r-cran-psych).
# The data (15 respondents x 4 items, 1..5, 7 answers missing, no empty row) are
# written out here and copied into the JSON, so the test never needs R.

suppressPackageStartupMessages(library(psych))

items <- data.frame(
  i1 = c(2, NA, 2, 1, 3, NA, 1, 2, 1, 3, 3, 3, 3, NA, 2),
  i2 = c(2, NA, 3, 3, 5, 2, 2, 3, 1, 2, 1, 2, 4, 3, 2),
  i3 = c(3, 2, NA, 2, 2, 3, 2, 3, 3, 4, NA, 3, 4, 2, 3),
  i4 = c(3, 3, 4, 2, 4, 2, NA, 3, 1, 2, 2, 3, 4, 4, 2)
)

# warnings = FALSE: psych prints its "negatively correlated" note on stdout; i3 is weak on
# purpose (r.drop near 0) and must not be reversed, so check.keys stays FALSE.
a <- alpha(items, use = "pairwise", warnings = FALSE)

num <- function(v) {
  paste0("[", paste(ifelse(is.na(v), "null", sprintf("%.17g", v)), collapse = ", "), "]")
}
str <- function(v) paste0("[", paste(sprintf("\"%s\"", v), collapse = ", "), "]")

cat("{\n")
cat(sprintf("  \"source\": \"R psych alpha(items, use = 'pairwise', warnings = FALSE) via tests/reference/psych_alpha.R\",\n"))
cat(sprintf("  \"psych_version\": \"%s\",\n", as.character(packageVersion("psych"))))
cat(sprintf("  \"r_version\": \"%s\",\n", R.version.string))
cat("  \"data\": {\n")
cat(paste(sprintf("    \"%s\": %s", names(items), sapply(items, num)), collapse = ",\n"), "\n", sep = "")
cat("  },\n")
cat(sprintf("  \"n_rows\": %d,\n", nrow(items)))
cat(sprintf("  \"raw_alpha\": %.17g,\n", a$total$raw_alpha))
cat(sprintf("  \"std_alpha\": %.17g,\n", a$total$std.alpha))
cat(sprintf("  \"average_r\": %.17g,\n", a$total$average_r))
cat(sprintf("  \"feldt_lower\": %.17g,\n", a$feldt$lower.ci))
cat(sprintf("  \"feldt_upper\": %.17g,\n", a$feldt$upper.ci))
cat(sprintf("  \"item\": %s,\n", str(rownames(a$item.stats))))
cat(sprintf("  \"item_n\": %s,\n", num(a$item.stats$n)))
cat(sprintf("  \"item_mean\": %s,\n", num(a$item.stats$mean)))
cat(sprintf("  \"item_sd\": %s,\n", num(a$item.stats$sd)))
cat(sprintf("  \"r_drop\": %s,\n", num(a$item.stats$r.drop)))
cat(sprintf("  \"alpha_drop_raw_alpha\": %s\n", num(a$alpha.drop$raw_alpha)))
cat("}\n")
