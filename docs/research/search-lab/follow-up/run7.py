from sem import *
# 1. beta retune with B2/E3 (scale changes)
def BEb(w, k, g, beta, theta=0.5):
    S = B2(E3(S0, w), k, g)
    return fuse(S, np.where(COV >= theta, beta, 0.0))
grid = [(0.9, k, g, b) for k in [10, 20] for g in [0.3, 0.5] for b in [0.2, 0.3, 0.4]]
family("BE + beta retuned", grid, lambda p: BEb(*p))
# 2. B2 on fused score (lex included) instead of semantic only
def B2F(k, g):
    F = fuse(S0); nb = F[:, NN[:, :k]].max(2); return F + g * nb
family("B2F neighbours of fused score", [(k, g) for k in [5, 10, 20] for g in [0.2, 0.3, 0.5]], lambda p: B2F(*p))
# 3. soft neighbour weighting: g * sum_n softmax(cos(d,n)/tau) S(n) over top-k
def B2soft(k, g, tau):
    sims = np.take_along_axis(DD, NN[:, :k], 1)          # [N,k]
    w = np.exp((sims - sims.max(1, keepdims=True)) / tau); w /= w.sum(1, keepdims=True)
    return fuse(S0 + g * (S0[:, NN[:, :k]] * w[None]).sum(2))
family("B2soft sim-weighted neighbour mean", [(k, g, t) for k in [10, 20] for g in [0.3, 0.5] for t in [0.02, 0.05, 0.1]], lambda p: B2soft(*p))
# 4. threshold neighbours by similarity instead of count (scale-robust): neighbours with cos(d,n) >= r
def B2r(r, g):
    Mk = DD >= r
    X = np.where(Mk[None], S0[:, None, :], -9).max(2)     # [nq, N]: max over neighbours of S
    X = np.where(Mk.any(1)[None], X, S0)
    return fuse(S0 + g * X)
print("neighbour count at radius:", {r: float((DD >= r).sum(1).mean()) for r in [0.3, 0.4, 0.5, 0.6]})
family("B2r neighbours within cos radius r", [(r, g) for r in [0.3, 0.4, 0.5, 0.6] for g in [0.2, 0.3, 0.5]], lambda p: B2r(*p))
# 5. multi-vector best sentence (prior G3) instead of E3, with B2
sents, owner = [], []
for i, c in enumerate(CASE_LIST):
    for x in [c["title"]] + sentences(c["summary"]) + sentences(clean_outcome(c["outcome"])) + [meta_text(c)]:
        if x: sents.append(x); owner.append(i)
SV = EMB.encode(sents); owner = np.array(owner)
SS = QV @ SV.T
MS = np.full((nq, N), -1.0, np.float32)
for j, o in enumerate(owner): np.maximum(MS[:, o], SS[:, j], out=MS[:, o])
family("G3-sent (1-l)tsom + l*best sentence", [0.25, 0.5], lambda l: fuse((1 - l) * S0 + l * MS))
family("G3-sent + B2", [(l, k, g) for l in [0.25, 0.5] for k in [10, 20] for g in [0.3, 0.5]], lambda p: fuse(B2((1 - p[0]) * S0 + p[0] * MS, p[1], p[2])))
family("E3(t,s,o)->(1-l)tsom + l*max field", [0.25, 0.5], lambda l: fuse((1 - l) * S0 + l * FMAX))
family("fieldmix + B2", [(l, k, g) for l in [0.25, 0.5] for k in [10, 20] for g in [0.3, 0.5]], lambda p: fuse(B2((1 - p[0]) * S0 + p[0] * FMAX, p[1], p[2])))
pickle.dump(RESULTS, open("res7.pkl", "wb"))
