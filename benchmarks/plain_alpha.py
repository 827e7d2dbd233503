"""The plain script `reliability` is measured against: Cronbach's alpha of each dimension
from pairwise-complete covariances (as R psych ``alpha()``), in pandas alone.

    python benchmarks/plain_alpha.py FILE.csv REVERSED   # REVERSED: "2,7,..." (1-based)

The items are the columns named ``stem - statement`` (30, three per dimension, in the
instrument's order), 6 is "don't know", 0 or blank no answer.
"""

import sys

import pandas as pd

data = pd.read_csv(sys.argv[1], sep=";")
items = data[[c for c in data.columns if " - " in c]].astype("float64")
items = items.where((items >= 1) & (items <= 5))
reverse = [int(i) - 1 for i in sys.argv[2].split(",") if i]
items.iloc[:, reverse] = 6 - items.iloc[:, reverse]
for d in range(items.shape[1] // 3):
    c = items.iloc[:, 3 * d : 3 * d + 3].cov().to_numpy()  # pairwise complete
    k = c.shape[0]
    print(d + 1, k / (k - 1) * (1 - c.trace() / c.sum()))
