from feats import *
# geo per query detail
for e in [.05, .1, .2, .3]:
    M = metrics(BASE + e * GEO)
    print("geo eps", e, " ".join(f"[{Q[i]['query'][:22]}: {MB[i,0]:.2f}->{M[i,0]:.2f} R {MB[i,1]:.2f}->{M[i,1]:.2f}]" for i in np.where(GFIRE)[0]))
# evidence per query detail
for e in [.05, .1, .2]:
    M = metrics(BASE + e * EVQ[:, None] * EVL / 2)
    print("ev eps", e, " ".join(f"[{Q[i]['query'][:22]}: {MB[i,0]:.2f}->{M[i,0]:.2f}]" for i in np.where(EVQ)[0]))
M = metrics(BASE + .05 * COVD)
d = M[:, 0] - MB[:, 0]
print("cov .05 changed:", [(Q[i]['query'][:35], round(MB[i,0],2), round(M[i,0],2)) for i in np.where(np.abs(d) > 1e-9)[0]])
# 3b outcome-figures signal: docs whose cleaned outcome carries results (digits/%) for result-seeking queries
HASRES = np.array([1.0 if re.search(r"\d", clean_outcome(c["outcome"])) else 0.0 for c in CASE_LIST], dtype=np.float32)
OUTQ = np.array([bool(re.search(r"\b(reduc\w*|cut|cuts|increas\w*|rais\w*|improv\w*|fell|fall\w*|drop\w*|results?|effects?|impact\w*|showed|shown|showing|outcomes?|worked|works|success\w*)\b", q["query"], re.I)) for q in Q])
print("HASRES docs", HASRES.sum(), "OUTQ dev", [Q[i]['query'][:40] for i in range(ND) if OUTQ[i]], "held", [Q[i]['query'][:40] for i in range(ND, nq) if OUTQ[i]])
EPS = [0, .02, .05, .08, .1, .15, .2]
r = family("3b outcome-figures boost", EPS, lambda p: BASE + p * OUTQ[:, None] * HASRES); report("3b best", r["M"])
# 3c Rocchio PRF on embeddings
def prf(k, a):
    top = np.argsort(-BASE, axis=1)[:, :k]
    qv = norm(QV + a * norm(D[top].mean(1)))
    S = qv @ D.T
    return fuse(B2(S, 20, 0.5), BETA)
r = family("3c Rocchio PRF (k,a)", [(k, a) for k in [3, 5, 10] for a in [0, .1, .2, .3, .5]], lambda p: prf(*p)); report("3c best", r["M"])
# combos
grid = [(c, g, e) for c in [0, .03, .05, .08] for g in [0, .05, .1] for e in [0, .05, .1, .2]]
fn = lambda p: BASE + p[0] * COVD + p[1] * GEO + p[2] * EVQ[:, None] * EVL / 2
r = family("C cov x geo x ev joint", grid, fn); report("C best", r["M"])
import pickle; pickle.dump(dict(RESULTS=RESULTS, MB=MB), open("res11.pkl", "wb"))
