"""Idea 1: token-level late interaction (ColBERT-style MaxSim) with MiniLM's contextual token vectors."""
from base4 import *
import itertools, pickle
print("columns: nDCG/R@10/MRR/para-nDCG; d* = nDCG difference against HUB (in-sample, LOO-cv, held) with 95% bootstrap CI; +a-b = dev / held queries up/down")
evaluate("HUB (B2 k20 g.5 + places .1 + 2-level boost)", [0], lambda p: HUB)
evaluate("S semantic only", [0], lambda p: S0)
VARS = [(k, s, w) for k in ["full", "tso", "tsom"] for s in [False, True] for w in ["uniform", "idf"]]
MS = {v: maxsim(*v) for v in VARS}
pickle.dump(MS, open(os.path.join(HERE, "ms.pkl"), "wb"))
def vn(v): return f"{v[0]}{'-stop' if v[1] else ''}{'-idf' if v[2]=='idf' else ''}"
print("\n(a) MaxSim alone (pure ranking) | MaxSim in place of cos inside the hub formula")
for v in VARS:
    evaluate(f"a  MS[{vn(v)}] alone", [0], lambda p: MS[v])
for v in VARS:
    evaluate(f"a' hub(MS[{vn(v)}]) (near from MS)", [0], lambda p: hub(MS[v], MS[v]))
LS = [0, .1, .2, .3, .5, .7, 1]
WS = [0, .25, .5, 1, 2]
print("\n(b) hub((1-l)cos + l MS), near from the same mix, l in", LS)
for v in VARS:
    evaluate(f"b  mix MS[{vn(v)}]", LS, lambda l: hub((1 - l) * S0 + l * MS[v], (1 - l) * S0 + l * MS[v]))
print("\n(b') hub(cos + w MS) near from cos, w in", WS)
for v in VARS:
    evaluate(f"b' add MS[{vn(v)}]", WS, lambda w: hub(S0 + w * MS[v], S0))
print("\n(c) re-rank HUB's top 30 by HUB + w MS, w in", WS + [100])
for v in VARS:
    evaluate(f"c  rerank30 MS[{vn(v)}]", WS + [100], lambda w: rerank_top(HUB, HUB + w * MS[v]))
print("\njoint families (variant chosen by LOO too)")
evaluate("b  mix, all 12 variants x l", [(v, l) for v in VARS for l in LS[1:]] + [(VARS[0], 0)], lambda p: hub((1 - p[1]) * S0 + p[1] * MS[p[0]], (1 - p[1]) * S0 + p[1] * MS[p[0]]))
evaluate("b' add, all 12 variants x w", [(VARS[0], 0)] + [(v, w) for v in VARS for w in WS[1:]], lambda p: hub(S0 + p[1] * MS[p[0]], S0))
evaluate("c  rerank30, all 12 variants x w", [(VARS[0], 0)] + [(v, w) for v in VARS for w in WS[1:] + [100]], lambda p: rerank_top(HUB, HUB + p[1] * MS[p[0]]))
pickle.dump([{k: v for k, v in r.items()} for r in ROWS], open(os.path.join(HERE, "run1.pkl"), "wb"))
