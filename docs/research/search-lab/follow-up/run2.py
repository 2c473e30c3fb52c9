from exp import *
V, VCNT = vocab()
VV = EMB.encode(V)
def dfq(t): return len(fts.term_docs(t))
# ---------- C3/D: query sub-phrases and surface forms
def chunks(q):
    toks = re.findall(r"[A-Za-z0-9'-]+", q)
    out, cur = [], []
    for t in toks:
        if t.lower() in STOP:
            if cur: out.append(" ".join(cur)); cur = []
        else:
            cur.append(t)
    if cur: out.append(" ".join(cur))
    return out
CH = [chunks(q["query"]) for q in Q]
allch = sorted({c for cs in CH for c in cs})
CV = dict(zip(allch, EMB.encode(allch)))
WORDS = [query_terms(q["query"]) for q in Q]
allw = sorted({w for ws in WORDS for w in ws})
WV = dict(zip(allw, EMB.encode(allw)))
def subphrase(kind, lam, unit):
    units = CH if unit == "chunk" else WORDS
    VEC = CV if unit == "chunk" else WV
    out = np.zeros_like(S0)
    for i, us in enumerate(units):
        if not us: out[i] = S0[i]; continue
        M = np.stack([VEC[u] for u in us]) @ D.T
        if kind == "vecmean":
            qv = norm(QV[i] + lam * norm(np.stack([VEC[u] for u in us]).mean(0)))
            out[i] = qv @ D.T
        elif kind == "scoremean":
            out[i] = (1 - lam) * S0[i] + lam * M.mean(0)
        elif kind == "scoremax":
            out[i] = (1 - lam) * S0[i] + lam * M.max(0)
    return fuse(out)
grid = [(k, l, u) for u in ["chunk", "word"] for k in ["vecmean", "scoremean", "scoremax"] for l in [0.1, 0.2, 0.3, 0.5]]
family("C3 query sub-phrases (chunk|word) mixed in", grid, lambda p: subphrase(*p))
for u in ["chunk", "word"]:
    family(f"C3{u[0]} sub-phrases, {u} only", [g for g in grid if g[2] == u], lambda p: subphrase(*p))
forms = {
    "typed": [q["query"] for q in Q],
    "title": [q["query"].title() for q in Q],
    "cap": [q["query"][:1].upper() + q["query"][1:] + "." for q in Q],
    "howto": ["How to " + q["query"] for q in Q],
    "case": ["A public sector innovation case: " + q["query"] for q in Q],
    "lower": [q["query"].lower() for q in Q],
}
FS = {k: EMB.encode(v) @ D.T for k, v in forms.items()}
for k in forms: family(f"D0 single form: {k}", [0], lambda p, k=k: fuse(FS[k]), )
combos = [("typed", "title"), ("typed", "cap"), ("typed", "howto"), ("typed", "title", "cap", "howto")]
grid = [(c, h) for c in combos for h in ["mean", "max"]]
family("D1 pool query forms (mean|max)", grid, lambda p: fuse(np.stack([FS[k] for k in p[0]]).mean(0) if p[1] == "mean" else np.stack([FS[k] for k in p[0]]).max(0)))
# ---------- C1/C2: expansion with corpus vocabulary
def nbrs(vec, m, exclude=()):
    s = VV @ vec
    o = np.argsort(-s)
    return [(V[j], s[j]) for j in o if V[j] not in exclude][:m]
def expand_absent(m, delta, mode, maxdf):
    out = np.zeros_like(S0); txts = []
    for i, ws in enumerate(WORDS):
        rare = [w for w in ws if dfq(w) <= maxdf]
        nb = [n for w in rare for n, s in nbrs(WV[w], m, exclude=set(ws))]
        if not nb: out[i] = S0[i]; continue
        if mode == "vec":
            qv = norm(QV[i] + delta * norm(VV[[V.index(n) for n in nb]].mean(0)))
            out[i] = qv @ D.T
        else:  # text: append words and re-embed; mix scores
            ev = EMB.encode([Q[i]["query"] + " " + " ".join(nb)])[0]
            out[i] = (1 - delta) * S0[i] + delta * (ev @ D.T)
    return fuse(out)
grid = [(m, d, md, mx) for md in ["vec", "text"] for mx in [0, 2] for m in [1, 3, 5] for d in [0.2, 0.35, 0.5]]
family("C1 expand rare/absent query words w/ vocab nbrs", grid, lambda p: expand_absent(*p))
def expand_query(m, delta, mode):
    out = np.zeros_like(S0)
    for i in range(nq):
        nb = [n for n, s in nbrs(QV[i], m)]
        if mode == "vec":
            out[i] = norm(QV[i] + delta * norm(VV[[V.index(n) for n in nb]].mean(0))) @ D.T
        else:
            ev = EMB.encode([Q[i]["query"] + " " + " ".join(nb)])[0]
            out[i] = (1 - delta) * S0[i] + delta * (ev @ D.T)
    return fuse(out)
grid = [(m, d, md) for md in ["vec", "text"] for m in [3, 5, 10] for d in [0.2, 0.35, 0.5]]
family("C2 expand query w/ vocab words nearest whole query", grid, lambda p: expand_query(*p))
EMB.save()
pickle.dump(RESULTS, open("res2.pkl", "wb"))
