# Reference values for tests/test_mixed.py from R lme4 lmer() (REML, the default).
#
# Run from the repository root:
#     Rscript tests/reference/lme4_mixed.R > tests/reference/lme4_mixed.json
# Needs R, lme4 and psych (Debian: apt-get install r-cran-lme4 r-cran-psych).
# The data are generated (or taken from psych's bfi) here and copied into the JSON,
# so the test never needs R.
#
# 1. trajectory: 60 respondents answer in some of 6 yearly rounds (2017-2022), with a
#    random intercept per respondent and a true slope of 0.1 a year;
#    lmer(score ~ year + (1 | respondent)).
# 2. areas: 12 areas of 4 to 60 respondents; lmer(score ~ 1 + (1 | area)).
# 3. bfi by education: agreeableness = mean of A1 reversed (7 - A1) and A2..A5 (the
#    1-6 scale of bfi), respondents who answered all five items and gave their
#    education; lmer(agree ~ 1 + (1 | education)).

suppressPackageStartupMessages({library(lme4); library(psych)})
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 1e-3, rhoend = 1e-12))

set.seed(2217)
resp <- rep(1:60, each = 6)
year <- rep(2017:2022, times = 60)
u <- rnorm(60, 0, 0.5)[resp]
score <- 3.2 + 0.1 * (year - 2017) + u + rnorm(length(resp), 0, 0.6)
keep <- runif(length(resp)) < 0.55
traj <- data.frame(respondent = resp[keep], year = year[keep], score = round(score[keep], 3))

sizes <- c(4, 7, 10, 15, 22, 30, 45, 60, 5, 12, 25, 38)
area <- rep(seq_along(sizes), times = sizes)
area_mean <- rnorm(length(sizes), 3.6, 0.3)[area]
areas <- data.frame(area = area, score = round(area_mean + rnorm(length(area), 0, 0.8), 3))

data(bfi, package = "psych")
b <- bfi[complete.cases(bfi[, c("A1", "A2", "A3", "A4", "A5", "education")]), ]
b$agree <- (7 - b$A1 + b$A2 + b$A3 + b$A4 + b$A5) / 5

num <- function(v) {
  paste0("[", paste(ifelse(is.na(v), "null", sprintf("%.17g", v)), collapse = ", "), "]")
}
fit_json <- function(m, slope) {
  vc <- as.data.frame(VarCorr(m))
  re <- ranef(m, condVar = TRUE)[[1]]
  cv <- attr(re, "postVar")[1, 1, ]
  paste0(
    "{\n",
    sprintf("    \"fixef\": %s,\n", num(unname(fixef(m)))),
    sprintf("    \"vcov\": %s,\n", num(as.vector(as.matrix(vcov(m))))),
    sprintf("    \"tau2\": %.17g,\n", vc$vcov[1]),
    sprintf("    \"sigma2\": %.17g,\n", vc$vcov[2]),
    sprintf("    \"reml_crit\": %.17g,\n", REMLcrit(m)),
    sprintf("    \"groups\": [%s],\n", paste(sprintf("\"%s\"", rownames(re)), collapse = ", ")),
    sprintf("    \"ranef\": %s,\n", num(re[, 1])),
    sprintf("    \"cond_var\": %s\n", num(cv)),
    "  }"
  )
}
m1 <- lmer(score ~ year + (1 | respondent), data = traj, REML = TRUE, control = ctrl)
m2 <- lmer(score ~ 1 + (1 | area), data = areas, REML = TRUE, control = ctrl)
m3 <- lmer(agree ~ 1 + (1 | education), data = b, REML = TRUE, control = ctrl)

cat("{\n")
cat("  \"source\": \"R lme4 lmer() via tests/reference/lme4_mixed.R\",\n")
cat(sprintf("  \"lme4_version\": \"%s\",\n", as.character(packageVersion("lme4"))))
cat(sprintf("  \"r_version\": \"%s\",\n", R.version.string))
cat(sprintf("  \"trajectory_data\": {\"respondent\": %s, \"year\": %s, \"score\": %s},\n",
            num(traj$respondent), num(traj$year), num(traj$score)))
cat(sprintf("  \"trajectory\": %s,\n", fit_json(m1)))
cat(sprintf("  \"areas_data\": {\"area\": %s, \"score\": %s},\n", num(areas$area), num(areas$score)))
cat(sprintf("  \"areas\": %s,\n", fit_json(m2)))
cat(sprintf("  \"bfi_data\": {\"education\": %s, \"agree\": %s},\n", num(b$education), num(b$agree)))
cat(sprintf("  \"bfi\": %s\n", fit_json(m3)))
cat("}\n")
