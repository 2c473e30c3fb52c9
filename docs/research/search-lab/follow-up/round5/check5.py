"""Check the harness reproduces the hub: the same 100 results, in the same order, with the same
scores as selectors.search gave (captured), and the bench's figures."""
from lab5 import *
same10 = same100 = 0; maxdiff = 0.0
for i, q in enumerate(Q):
    out, score = rank(i, return_parts=True)
    hub = [ROW[d] for d, *_ in q["hub"]]
    same10 += list(out[:10]) == hub[:10]; same100 += list(out) == hub
    maxdiff = max(maxdiff, max(abs(score[ROW[d]] - s) for d, _, s, *_ in q["hub"]))
    if list(out[:10]) != hub[:10]:
        print("DIFF", q["query"], [SRC[r] for r in out[:10]], [SRC[r] for r in hub[:10]])
print(f"top 10 identical on {same10}/{NQ} queries, all 100 on {same100}/{NQ}; largest score difference {maxdiff:.2e}")
s = summary(evaluate(rank))
print("dev nDCG %.3f recall %.3f MRR %.3f paraphrase %.3f | self %.3f / %.3f" % tuple(s.values()))
