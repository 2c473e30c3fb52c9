from feats import *
HASRES = np.array([1.0 if re.search(r"\d", clean_outcome(c["outcome"])) else 0.0 for c in CASE_LIST], dtype=np.float32)
OUTQ = np.array([bool(re.search(r"\b(reduc\w*|cut|cuts|increas\w*|rais\w*|improv\w*|fell|fall\w*|drop\w*|results?|effects?|impact\w*|showed|shown|showing|outcomes?|worked|works|success\w*)\b", q["query"], re.I)) for q in Q])
EVB = EVQ[:, None] * EVL / 2; OFB = OUTQ[:, None] * HASRES
def loo_all(grid, fn):
    """LOO over all 49 queries (sanity)."""
    Ms = np.stack([metrics(fn(p)) for p in grid]); cv = np.zeros((nq, 3))
    for i in range(nq):
        idx = [j for j in range(nq) if j != i]; g = int(np.argmax(Ms[:, idx, 0].mean(1))); cv[i] = Ms[g, i]
    return cv
rows = []
def run(name, grid, fn):
    r = family(name, grid, fn, show=False)
    M = r["M"]; cv = r["cv"]; c49 = loo_all(grid, fn)
    b = MB
    bi = boot(M[:ND, 0], b[:ND, 0]); bir = boot(M[:ND, 1], b[:ND, 1]); bc = boot(cv[:, 0], b[:ND, 0])
    bh = boot(M[ND:, 0], b[ND:, 0]); b49 = boot(c49[:, 0], b[:, 0])
    dn = M[:ND, 0] - b[:ND, 0]
    top = np.argmax(dn) if dn.max() > 0 else None
    single = f"{dn.max():+.3f} '{Q[top]['query'][:28]}' = {dn.max()/dn.sum():.0%} of gain" if top is not None and dn.sum() > 0 else "-"
    print(f"## {name}  best={r['best']} |G|={len(grid)} stab={r['stab']}")
    print(f"   dev in  {r['ins'][0]:.3f} / {r['ins'][1]:.3f} / {r['ins'][2]:.3f} / para {r['insp']:.3f}")
    print(f"   dev cv  {r['cvm'][0]:.3f} / {r['cvm'][1]:.3f} / {r['cvm'][2]:.3f} / para {r['cvp']:.3f}")
    print(f"   held    {r['held'][0]:.3f} / {r['held'][1]:.3f}   all-49 LOO nDCG {c49[:,0].mean():.3f} R {c49[:,1].mean():.3f}")
    print(f"   CI dNDCG dev-in {bi[0]:+.3f} [{bi[1]:+.3f},{bi[2]:+.3f}] dR@10 {bir[0]:+.3f} [{bir[1]:+.3f},{bir[2]:+.3f}] | dev-cv {bc[0]:+.3f} [{bc[1]:+.3f},{bc[2]:+.3f}] | held {bh[0]:+.3f} [{bh[1]:+.3f},{bh[2]:+.3f}] | all49-LOO {b49[0]:+.3f} [{b49[1]:+.3f},{b49[2]:+.3f}]")
    print(f"   dev +{(dn>1e-9).sum()} -{(dn<-1e-9).sum()}; largest single gain {single}; without that query dev-in d={np.delete(dn, top).mean() if top is not None else 0:+.3f}", flush=True)
print("BASE dev", MB[:ND].mean(0).round(3), "para", MB[:ND][ispara[:ND], 0].mean().round(3), "held", MB[ND:, :2].mean(0).round(3), "all49", MB[:, :2].mean(0).round(3))
D5 = [0, .02, .05, .08, .1, .15, .2]
run("1a cov(d)", D5, lambda p: BASE + p * COVD)
run("2 geo", D5 + [.3], lambda p: BASE + p * GEO)
run("2' geo fixed eps=0.1 (no tuning)", [.1], lambda p: BASE + p * GEO)
run("3 evidence level", D5 + [.3], lambda p: BASE + p * EVB)
run("3b outcome figures", D5, lambda p: BASE + p * OFB)
run("1a+2+3b joint", [(c, g, o) for c in [0, .03, .05, .08] for g in [0, .05, .1, .2] for o in [0, .05, .1, .15]], lambda p: BASE + p[0] * COVD + p[1] * GEO + p[2] * OFB)
run("1a+2+3+3b joint", [(c, g, e, o) for c in [0, .05] for g in [0, .1] for e in [0, .1, .2] for o in [0, .1, .15]], lambda p: BASE + p[0] * COVD + p[1] * GEO + p[2] * EVB + p[3] * OFB)
run("fixed recipe cov.05+geo.1+of.1", [0], lambda p: BASE + .05 * COVD + .1 * GEO + .1 * OFB)
# per-type for the fixed recipe
M = metrics(BASE + .05 * COVD + .1 * GEO + .1 * OFB)
for part, sl in [("dev", slice(0, ND)), ("held", slice(ND, nq))]:
    print(part, " ".join(f"{t}: n={ (QT[sl]==t).sum()} {MB[sl][QT[sl]==t,0].mean():.3f}->{M[sl][QT[sl]==t,0].mean():.3f}" for t in TYPES_))
for i in range(nq):
    if abs(M[i, 0] - MB[i, 0]) > 1e-9: print(f"   {'dev' if i < ND else 'held'} {Q[i]['type'][:5]} {MB[i,0]:.2f}->{M[i,0]:.2f} R {MB[i,1]:.2f}->{M[i,1]:.2f} {Q[i]['query'][:60]}")
