from feats import *
exec(open("run13.py").read().split("def loo_all")[0].split("from feats import *")[1])
HASRES2 = np.array([1.0 if clean_outcome(c["outcome"]).strip() else 0.0 for c in CASE_LIST], dtype=np.float32)
print("HASRES digits", HASRES.sum(), "non-empty", HASRES2.sum())
for nm, H in [("digits", HASRES), ("nonempty", HASRES2)]:
    for o in [.05, .1, .15, .2]:
        M = metrics(BASE + o * OUTQ[:, None] * H)
        print(f"3b {nm} o={o}: dev {M[:ND,0].mean():.3f} held {M[ND:,0].mean():.3f} held-outcome {M[ND:][QT[ND:]=='outcome',0].mean():.3f}")
res = []
for c in [.03, .05, .08]:
    for g in [.05, .1, .2]:
        for o in [.05, .1, .15]:
            M = metrics(BASE + c * COVD + g * GEO + o * OFB)
            res.append((M[:ND, 0].mean(), M[:ND, 1].mean(), M[ND:, 0].mean(), M[:ND][ispara[:ND], 0].mean()))
res = np.array(res); print("27-point neighbourhood: dev nDCG %.3f-%.3f R %.3f-%.3f held %.3f-%.3f para %.3f-%.3f" % (res[:,0].min(), res[:,0].max(), res[:,1].min(), res[:,1].max(), res[:,2].min(), res[:,2].max(), res[:,3].min(), res[:,3].max()))
print("worst dev under recipe:")
M = metrics(BASE + .05 * COVD + .1 * GEO + .1 * OFB)
for i in np.argsort(M[:ND, 0])[:7]: print(f"  {M[i,0]:.2f} R {M[i,1]:.2f} {QT[i][:5]} {Q[i]['query']}")
