"""The ALWAYS_SHOWN / MIN_COSINE gate on the query where it matters (self-labelled "stopping
youngsters carrying blades", case c119: cosine 0.145, 17th nearest)."""
from lab5 import *
i = next(k for k, q in enumerate(Q) if q["query"].startswith("stopping youngsters"))
r = ROW[IDS[SRC.index("c119")]]
for kw in ({}, {"always": 20}, {"always": 50}, {"min_cos": 0.1}, {"min_cos": -1}):
    out, score = rank(i, return_parts=True)  if not kw else rank(i, return_parts=True, **kw)
    rows = np.flatnonzero(np.isfinite(score)); full = order(score, rows)
    pos = list(full).index(r) + 1 if r in full else None
    print(kw or "hub", "candidates", len(rows), "c119 rank", pos, "score %.3f" % score[r] if np.isfinite(score[r]) else "-", "10th %.3f" % score[full[9]], metrics(i, out))
print("cos >= .15:", int((COS[i] >= .15).sum()), "of", N, "; lexical hits", int(INLEX[i].sum()))
# across all 49 queries: how many candidates the gate leaves, and relevant cases it removes
for i2 in range(NQ):
    rows = np.flatnonzero((COS[i2] >= .15) | INLEX[i2]); near10 = order(COS[i2], np.arange(N))[:10]
    rows = np.union1d(rows, near10)
    lost = [c for c in Q[i2]["relevant"] if ROW[IDS[SRC.index(c)]] not in rows]
    if lost: print(f"  gate removes relevant {lost} from '{Q[i2]['query'][:50]}' ({Q[i2]['set']}; candidates {len(rows)})")
