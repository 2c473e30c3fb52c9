"""Idea 1, robustness: l surfaces, per-query changes, all-49 LOO, the practical (top-K) variants."""
from base4 import *
import pickle
MS = pickle.load(open(os.path.join(HERE, "ms.pkl"), "rb"))
def vn(v): return f"{v[0]}{'-stop' if v[1] else ''}{'-idf' if v[2]=='idf' else ''}"
LS = [0, .1, .2, .3, .4, .5, .6, .7, .8, .9, 1]
def mixhub(v, l, near_from="mix"):
    X = (1 - l) * S0 + l * MS[v]
    return hub(X, X if near_from == "mix" else S0)
print("surface: dev nDCG / R@10 / para | held nDCG / R@10, for l =", LS)
for v in [("full", False, "uniform"), ("full", False, "idf"), ("tsom", False, "uniform"), ("tsom", False, "idf"), ("full", True, "idf")]:
    for nf in ["mix", "cos"]:
        print(f"  {vn(v):14s} near={nf}")
        for l in LS:
            M = metrics(mixhub(v, l, nf))
            print(f"     l={l:.1f} dev {M[:ND,0].mean():.3f} {M[:ND,1].mean():.3f} {M[:ND][ispara[:ND],0].mean():.3f} | held {M[ND:,0].mean():.3f} {M[ND:,1].mean():.3f} | all49 {M[:,0].mean():.3f} {M[:,1].mean():.3f}")
def loo_all(grid, fn):
    Ms = np.stack([metrics(fn(p)) for p in grid]); cv = np.zeros((nq, 3)); picks = []
    for i in range(nq):
        idx = [j for j in range(nq) if j != i]; g = int(np.argmax(Ms[:, idx, 0].mean(1))); cv[i] = Ms[g, i]; picks.append(grid[g])
    return cv, picks
print("\nLOO over all 49 queries (l chosen on the other 48); HUB all-49:", MH[:, :2].mean(0).round(3))
for v in [("full", False, "uniform"), ("full", False, "idf"), ("tsom", False, "idf")]:
    cv, picks = loo_all(LS, lambda l: mixhub(v, l))
    b = boot(cv[:, 0], MH[:, 0]); br = boot(cv[:, 1], MH[:, 1])
    print(f"  {vn(v):14s} nDCG {cv[:,0].mean():.3f} R@10 {cv[:,1].mean():.3f} MRR {cv[:,2].mean():.3f} | dnDCG {b[0]:+.3f} [{b[1]:+.3f},{b[2]:+.3f}] dR {br[0]:+.3f} [{br[1]:+.3f},{br[2]:+.3f}] picks {sorted(set(picks))}")
print("\nper-query nDCG changes, fixed recipe mix l=0.5, full, uniform vs idf (near from mix)")
for v in [("full", False, "uniform"), ("full", False, "idf")]:
    M = metrics(mixhub(v, .5)); d = M[:, 0] - MH[:, 0]
    print(f"  {vn(v)}: dev +{(d[:ND]>1e-9).sum()} -{(d[:ND]<-1e-9).sum()} held +{(d[ND:]>1e-9).sum()} -{(d[ND:]<-1e-9).sum()}; largest dev gain share {d[:ND].max()/d[:ND].sum():.2f}; dev mean without best 2 queries {np.sort(d[:ND])[:-2].mean():+.3f}")
    for i in np.argsort(-np.abs(d)):
        if abs(d[i]) < 1e-9: break
        print(f"     {'dev ' if i < ND else 'held'} {Q[i]['type'][:5]:5s} {MH[i,0]:.2f}->{M[i,0]:.2f}  R {MH[i,1]:.2f}->{M[i,1]:.2f}  {Q[i]['query'][:70]}")
print("\npractical: re-rank only HUB's top K by (1-l)cos + l MS + .5 near(cos) + place + boost lex")
for K in [30, 50]:
    for v in [("full", False, "uniform"), ("full", False, "idf")]:
        evaluate(f"c2 top{K} mix MS[{vn(v)}] near=cos", [0, .2, .3, .4, .5, .6, .7, .8, 1], lambda l: rerank_top(HUB, hub((1 - l) * S0 + l * MS[v], S0), K))
        evaluate(f"c3 top{K} mix MS[{vn(v)}] near=mix (region=all)", [0, .2, .3, .4, .5, .6, .7, .8, 1], lambda l: rerank_top(HUB, mixhub(v, l), K))
