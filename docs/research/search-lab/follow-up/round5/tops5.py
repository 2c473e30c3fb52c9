"""The hub's top 12 for the dev queries with misses: each result's grade, score, cos, MaxSim, near, lex."""
from lab5 import *
for i in np.flatnonzero(DEV):
    q = Q[i]; out, score = rank(i, return_parts=True)
    m = metrics(i, out)
    if m[1] == 1: continue
    ms = maxsim(i); cos = COS[i]; pool = out[:50]
    close = cos.copy(); close[pool] = .5 * cos[pool] + .5 * ms[pool]; near = close[NB[20]].max(1)
    print(f"\n{q['query']} (cov {COV[i]:.2f}, boost {boost_of(COV[i])}) R={m[1]:.2f}; pieces: " + " ".join(f"{p}:{w:.1f}" for p, w in zip(q['piece_strings'], QW[i])))
    full = order(score, np.flatnonzero(np.isfinite(score)))
    for n, r in enumerate(full[:25]):
        g = q["relevant"].get(SRC[r], 0)
        if n < 12 or g:
            print(f"  {n+1:2d} {SRC[r]} g={g} s={score[r]:.3f} cos={cos[r]:.3f} ms={ms[r]:.3f} near={near[r]:.3f} lex={LEX[i,r]:.2f} pl={PLACE[i,r]:.0f} | {C['texts'][r][0][:60]}")
