from exp import *
print("columns: nDCG R@10 MRR para-nDCG; held = self-labelled 20 (para n=%d)" % ispara[ND:].sum())
family("S semantic only (tsom)", [0], lambda p: S0)
family("G1 product", [0], lambda p: fuse(S0))
# ---- 1. challenge-area prior
AL = EMB.encode(AREAS)                      # label vectors
AC = norm(np.stack([D[AREA_OF == a].mean(0) for a in range(len(AREAS))]))  # centroids
def area_prior(kind, gamma, tau):
    A = AL if kind == "label" else AC
    aff = QV @ A.T                                   # [nq, 11]
    P = softmax(aff, tau) if tau else aff            # tau None -> raw cosine to area
    return fuse(S0 + gamma * P[:, AREA_OF])
grid = [(k, g, t) for k in ["label", "centroid"] for t in [0.02, 0.05, 0.1] for g in [0.02, 0.05, 0.1, 0.2]]
family("A1 area prior softmax(label|centroid)", grid, lambda p: area_prior(*p))
grid = [(k, g, None) for k in ["label", "centroid"] for g in [0.05, 0.1, 0.2, 0.3, 0.5]]
family("A2 area prior raw cos to area", grid, lambda p: area_prior(*p))
# ---- 2. document-side smoothing over the corpus graph
DD = D @ D.T; np.fill_diagonal(DD, -9)
NN = np.argsort(-DD, axis=1)
def smooth_vec(k, g):
    Dp = norm(D + g * D[NN[:, :k]].mean(1))
    return fuse(QV @ Dp.T)
grid = [(k, g) for k in [1, 2, 3, 5, 10] for g in [0.1, 0.2, 0.3, 0.5]]
family("B1 doc vec + g*mean kNN vecs", grid, lambda p: smooth_vec(*p))
def smooth_score(k, g, how):
    nb = S0[:, NN[:, :k]]             # [nq, N, k]
    agg = nb.mean(2) if how == "mean" else nb.max(2)
    return fuse(S0 + g * agg)
grid = [(k, g, h) for h in ["mean", "max"] for k in [1, 3, 5, 10] for g in [0.05, 0.1, 0.2, 0.3]]
family("B2 cos + g*agg cos(q, kNN(d))", grid, lambda p: smooth_score(*p))
def mutual(k, g):  # only reciprocal neighbours
    R = np.zeros((N, N), bool)
    for i in range(N):
        R[i, NN[i, :k]] = True
    M = (R & R.T).astype(np.float32)
    cnt = M.sum(1); cnt[cnt == 0] = 1
    agg = (S0 @ M.T) / cnt
    agg[:, M.sum(1) == 0] = S0[:, M.sum(1) == 0]
    return fuse(S0 + g * agg)
grid = [(k, g) for k in [3, 5, 10] for g in [0.05, 0.1, 0.2, 0.3]]
family("B3 cos + g*mean cos(q, mutual kNN(d))", grid, lambda p: mutual(*p))
# ---- 5. field max / title mixtures
T, Sm, O, Mm = (QV @ DV[k].T for k in ["t", "s", "o", "m"])
grid = [0.1, 0.2, 0.3, 0.5]
family("E1 (1-l)cos(tsom)+l*cos(title)", grid, lambda l: fuse((1 - l) * S0 + l * T))
family("E2 max(cos tsom, w*cos title)", [0.8, 0.9, 1.0, 1.1], lambda w: fuse(np.maximum(S0, w * T)))
family("E3 max(cos tsom, w*max(t,s,o))", [0.8, 0.9, 1.0], lambda w: fuse(np.maximum(S0, w * np.maximum(np.maximum(T, Sm), O))))
family("E4 (1-l)cos(tsom)+l*cos(ts)", grid, lambda l: fuse((1 - l) * S0 + l * (QV @ DV["ts"].T)))
# ---- 6. query-time cluster hypothesis: rerank top-K by closeness to the other top hits
def cluster(K, m, g, base="G1"):
    F = fuse(S0)
    out = F.copy()
    for i in range(nq):
        top = np.argsort(-F[i], kind="stable")[:K]
        ref = top[:m]
        sim = D[top] @ D[ref].T          # [K, m]
        for a, d in enumerate(top):
            mask = ref != d
            out[i, d] = F[i, d] + g * (sim[a, mask].mean() if mask.any() else 0)
    return out
grid = [(30, m, g) for m in [3, 5, 10] for g in [0.05, 0.1, 0.2, 0.3]]
family("F1 rerank top30 + g*mean cos(d, top-m)", grid, lambda p: cluster(*p))
def cluster_w(K, m, g):
    F = fuse(S0); out = F.copy()
    for i in range(nq):
        top = np.argsort(-F[i], kind="stable")[:K]; ref = top[:m]
        w = np.maximum(F[i, ref], 0)
        sim = D[top] @ D[ref].T
        for a, d in enumerate(top):
            mask = ref != d
            out[i, d] = F[i, d] + g * ((sim[a, mask] * w[mask]).sum() / w[mask].sum())
    return out
family("F2 same, weighted by first-stage score", grid, lambda p: cluster_w(*p))
pickle.dump({k: {kk: vv for kk, vv in v.items()} for k, v in RESULTS.items()}, open("res1.pkl", "wb"))
