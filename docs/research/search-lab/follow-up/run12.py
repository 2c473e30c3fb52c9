from feats import *
import wnet, itertools
VSET = set(V)
def expansions(maxdf, senses, hyper):
    out = []
    for q in Q:
        ts = query_terms(q["query"]); ex = []
        for t in ts:
            if dfq(t) > maxdf: continue
            for w in wnet.related(t, senses, hyper):
                if w in STOP or len(w) < 3 or w in ts or w in ex: continue
                if w in VSET or dfq(w) > 0: ex.append(w)
        out.append(ex)
    return out
CFG = [(m, s, h) for m in [0, 2] for s in [1, 2] for h in [False, True]]
EX = {c: expansions(*c) for c in CFG}
for c in [(0, 2, False), (0, 2, True)]:
    print(c, "fires dev", sum(1 for e in EX[c][:ND] if e), "held", sum(1 for e in EX[c][ND:] if e))
    for i, e in enumerate(EX[c]):
        if e and ispara[i]: print("   ", Q[i]["query"][:45], "->", e[:12])
def lexx(c):
    M = np.zeros((nq, N), dtype=np.float32)
    for i, e in enumerate(EX[c]):
        if not e: continue
        l = fts.search("", W, terms=e)
        if l:
            mx = max(l.values())
            for d, s in l.items(): M[i, IDX[d]] = s / mx
    return M
LX = {c: lexx(c) for c in CFG}
r = family("4a WordNet exp -> BM25 leg (cfg, w)", [(c, w) for c in CFG for w in [0, .05, .1, .2, .3]], lambda p: BASE + p[1] * LX[p[0]]); report("4a best", r["M"])
def semx(c, lam):
    txt = [q["query"] + (" " + " ".join(e) if e else "") for q, e in zip(Q, EX[c])]
    ev = EMB.encode(txt); Sx = ev @ D.T
    S = (1 - lam) * S0 + lam * Sx
    return fuse(B2(S, 20, 0.5), BETA)
r = family("4b WordNet exp re-embedded (cfg, lam)", [(c, l) for c in CFG for l in [0, .25, .5, .75]], lambda p: semx(*p)); report("4b best", r["M"])
EMB.save()
