"""Per query, the relevant cases outside the hub's top 10: rank, cosine (its rank by cosine),
MaxSim (its rank among all cases), near, lexical, and the 10th result's score."""
from lab5 import *
for sel, name in ((DEV, "dev"), (SELF, "self")):
    print(f"\n## {name}\n")
    print("| query | case (grade) | rank | score (10th) | cos (rank) | MaxSim (rank) | near | lex | in pool 50 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for i in np.flatnonzero(sel):
        q = Q[i]; out, score = rank(i, return_parts=True)
        full = order(score, np.flatnonzero(np.isfinite(score)))
        ms = maxsim(i); cos = COS[i]
        crank = {r: n for n, r in enumerate(order(cos, np.arange(N)))}
        mrank = {r: n for n, r in enumerate(order(ms, np.arange(N)))}
        pos = {r: n for n, r in enumerate(full)}
        pool = set(full[:50].tolist())
        close = cos.copy(); pl = np.array(sorted(pool)); close[pl] = .5 * cos[pl] + .5 * ms[pl]
        near = close[NB[20]].max(1)
        for c, g in sorted(q["relevant"].items()):
            r = ROW[IDS[[s == c for s in SRC]][0]]
            if pos.get(r, 999) < 10:
                continue
            print(f"| {q['query'][:48]} | {c} ({g}) | {pos.get(r, 999) + 1} | {score[r]:.3f} ({score[full[9]]:.3f}) | "
                  f"{cos[r]:.3f} ({crank[r] + 1}) | {ms[r]:.3f} ({mrank[r] + 1}) | {near[r]:.3f} | {LEX[i, r]:.2f} | {'yes' if r in pool else 'no'} |")
