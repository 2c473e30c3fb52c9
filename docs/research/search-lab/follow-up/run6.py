from sem import *
rng = np.random.default_rng(0)
G1 = metrics(fuse(S0))
meths = {
  "B2 k10 g.3": fuse(B2(S0, 10, 0.3)),
  "B2 k20 g.5": fuse(B2(S0, 20, 0.5)),
  "E3 w.9": fuse(E3(S0, 0.9)),
  "BE w.9 k10 g.3": fuse(B2(E3(S0, 0.9), 10, 0.3)),
  "BE w.9 k20 g.5": fuse(B2(E3(S0, 0.9), 20, 0.5)),
  "A2 .3": fuse(A2(S0, 0.3)),
  "C1 fixed": fuse(S_C1(5, 0.5, "text", 2)),
}
def ci(d):
    bs = np.array([d[rng.integers(0, len(d), len(d))].mean() for _ in range(10000)])
    return d.mean(), np.percentile(bs, 2.5), np.percentile(bs, 97.5)
print("paired bootstrap (10k) of difference vs G1: nDCG@10 [95% CI] / R@10 [CI]; wins-losses on nDCG")
for name, F in meths.items():
    M = metrics(F)
    for lab_, sl in [("dev", slice(0, ND)), ("held", slice(ND, None)), ("all49", slice(None))]:
        dn = M[sl, 0] - G1[sl, 0]; dr = M[sl, 1] - G1[sl, 1]
        a, b = ci(dn), ci(dr)
        print(f"  {name:16s} {lab_:5s} dN {a[0]:+.3f} [{a[1]:+.3f},{a[2]:+.3f}]  dR {b[0]:+.3f} [{b[1]:+.3f},{b[2]:+.3f}]  W/L {int((dn>1e-9).sum())}/{int((dn<-1e-9).sum())}")
best = metrics(meths["BE w.9 k20 g.5"])
print("\nworst 8 dev queries under BE(w.9,k20,g.5): nDCG best | G1 | type | query")
for i in np.argsort(best[:ND, 0])[:8]:
    print(f"  {best[i,0]:.2f} | {G1[i,0]:.2f} | {Q[i]['type'][:5]} | {Q[i]['query']}")
print("\nall dev queries that changed (best vs G1):")
for i in range(ND):
    if abs(best[i, 0] - G1[i, 0]) > 1e-9:
        print(f"  {G1[i,0]:.2f} -> {best[i,0]:.2f}  {Q[i]['type'][:5]}  {Q[i]['query']}")
print("\nheld-out changes:")
for i in range(ND, nq):
    if abs(best[i, 0] - G1[i, 0]) > 1e-9:
        print(f"  {G1[i,0]:.2f} -> {best[i,0]:.2f}  {Q[i]['type'][:5]}  {Q[i]['query']}")
# per type on dev, best vs G1
for t in ["keyword", "paraphrase", "outcome", "cross-country"]:
    m = np.array([q["type"] == t for q in Q[:ND]])
    print(t, m.sum(), f"G1 {G1[:ND][m,0].mean():.3f} best {best[:ND][m,0].mean():.3f}")
