"""Controls and practical versions of the MaxSim mix."""
from base4 import *
import pickle
MS = pickle.load(open(os.path.join(HERE, "ms.pkl"), "rb"))
V = ("full", False, "idf"); X = MS[V]
LS = [0, .1, .2, .3, .5, .7, 1]
print("control: is the gain only the re-weighting of near/boost/place when cos is scaled by (1-l)? (MS replaced by its per-query mean)")
evaluate("ctl  hub((1-l)cos + l*mean_d MS)", LS[:-1], lambda l: hub((1 - l) * S0 + l * X.mean(1, keepdims=True), (1 - l) * S0 + l * X.mean(1, keepdims=True)))
evaluate("ref  hub((1-l)cos + l MS[full-idf])", LS, lambda l: hub((1 - l) * S0 + l * X, (1 - l) * S0 + l * X))
# per-type figures of the fixed recipe l = .5
M = metrics(hub(.5 * S0 + .5 * X, .5 * S0 + .5 * X)); QT = np.array([q["type"] for q in Q])
for part, sl in [("dev", slice(0, ND)), ("held", slice(ND, nq))]:
    print(part, " ".join(f"{t}: n={(QT[sl]==t).sum()} {MH[sl][QT[sl]==t,0].mean():.3f}->{M[sl][QT[sl]==t,0].mean():.3f} (R {MH[sl][QT[sl]==t,1].mean():.2f}->{M[sl][QT[sl]==t,1].mean():.2f})" for t in ["keyword", "paraphrase", "outcome", "cross-country"]))
b = boot(M[:, 0], MH[:, 0]); br = boot(M[:, 1], MH[:, 1]); bm = boot(M[:, 2], MH[:, 2])
print(f"fixed recipe, all 49: nDCG {M[:,0].mean():.3f} (HUB {MH[:,0].mean():.3f}) d {b[0]:+.3f} [{b[1]:+.3f},{b[2]:+.3f}]; R@10 d {br[0]:+.3f} [{br[1]:+.3f},{br[2]:+.3f}]; MRR d {bm[0]:+.3f} [{bm[1]:+.3f},{bm[2]:+.3f}]")
# ---- compressed token vectors: PCA to r dims (fitted on the corpus's own token vectors, no labels), int8
DT = doc_tokens("full", False)
ALLT = np.concatenate([v for _, v in DT]); mu = ALLT.mean(0)
_, _, Vt = np.linalg.svd(ALLT - mu, full_matrices=False)
lens = np.array([len(v) for _, v in DT]); starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
print(f"\ndoc tokens kept (punctuation dropped): mean {lens.mean():.0f} per case, max {lens.max()}")
def ms_compressed(r, q8):
    P = Vt[:r].T if r < 384 else np.eye(384, dtype=np.float32)
    def proj(v):
        y = (v - mu) @ P if r < 384 else v
        y = y / np.linalg.norm(y, axis=1, keepdims=True)
        if q8: y = np.round(y * 127).clip(-127, 127) / 127
        return y
    A = proj(ALLT); out = np.zeros((nq, N), np.float32)
    for i, q in enumerate(Q):
        qt, qv, _ = toks(q["query"], False)
        mx = np.maximum.reduceat(proj(qv) @ A.T, starts, axis=1)
        w = np.array([max(wp_idf(t), 0.0) for t in qt]); w = w if w.sum() else np.ones(len(qt))
        out[i] = (w[:, None] * mx).sum(0) / w.sum()
    return out
for r in [384, 128, 64, 32]:
    for q8 in [False, True]:
        Y = ms_compressed(r, q8)
        evaluate(f"comp r={r} int8={q8} mix l=.5 (fixed)", [0], lambda _: hub(.5 * S0 + .5 * Y, .5 * S0 + .5 * Y))
# ---- practical: MS only for the top P of HUB; elsewhere mix uses cos alone (rescaled to the mix)
print("\npool-limited: MaxSim computed only for HUB's top P documents, near from the mix among them, cos elsewhere")
for P in [30, 50, 100]:
    def pooled_mix(l):
        Xm = S0.copy()
        for i in range(nq):
            top = np.argsort(-HUB[i], kind="stable")[:P]
            Xm[i, top] = (1 - l) * S0[i, top] + l * X[i, top]
            rest = np.setdiff1d(np.arange(N), top)
            Xm[i, rest] = S0[i, rest] - 1.0     # outside the pool: below every pooled document (and never a useful neighbour)
        return rerank_top(HUB, hub(Xm, Xm), P)
    evaluate(f"pool P={P} mix MS[full-idf], near from mix within pool", LS, pooled_mix)
