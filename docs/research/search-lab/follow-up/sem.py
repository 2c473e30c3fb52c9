from exp import *
from functools import lru_cache
V, VCNT = vocab()
VV = EMB.encode(V)
VI = {w: i for i, w in enumerate(V)}
def dfq(t): return len(fts.term_docs(t))
WORDS = [query_terms(q["query"]) for q in Q]
allw = sorted({w for ws in WORDS for w in ws})
WV = dict(zip(allw, EMB.encode(allw)))
def nbrs(vec, m, exclude=()):
    s = VV @ vec; o = np.argsort(-s)
    return [V[j] for j in o if V[j] not in exclude][:m]
@lru_cache(None)
def S_C1(m, delta, mode, maxdf):
    out = S0.copy()
    for i, ws in enumerate(WORDS):
        rare = [w for w in ws if dfq(w) <= maxdf]
        nb = [n for w in rare for n in nbrs(WV[w], m, exclude=set(ws))]
        if not nb: continue
        if mode == "vec":
            out[i] = norm(QV[i] + delta * norm(VV[[VI[n] for n in nb]].mean(0))) @ D.T
        else:
            ev = EMB.encode([Q[i]["query"] + " " + " ".join(nb)])[0]
            out[i] = (1 - delta) * S0[i] + delta * (ev @ D.T)
    return out
def C1_expansions(m, maxdf):
    return [(Q[i]["query"], [w for w in ws if dfq(w) <= maxdf], [n for w in ws if dfq(w) <= maxdf for n in nbrs(WV[w], m, exclude=set(ws))]) for i, ws in enumerate(WORDS)]
DD = D @ D.T; np.fill_diagonal(DD, -9)
NN = np.argsort(-DD, axis=1)
def B2(S, k, g, how="max"):
    if g == 0: return S
    nb = S[:, NN[:, :k]]
    return S + g * (nb.max(2) if how == "max" else nb.mean(2))
AC = norm(np.stack([D[AREA_OF == a].mean(0) for a in range(len(AREAS))]))
AL = EMB.encode(AREAS)
def A2(S, g, kind="centroid", qv=None):
    if g == 0: return S
    A = AC if kind == "centroid" else AL
    return S + g * ((QV if qv is None else qv) @ A.T)[:, AREA_OF]
T, Sm, O = (QV @ DV[k].T for k in ["t", "s", "o"])
FMAX = np.maximum(np.maximum(T, Sm), O)
def E3(S, w):
    if w == 0: return S
    return np.maximum(S, w * FMAX)
