from common import *
import itertools, time, pickle
Q = ALLQ; nq = len(Q); ND = len(DEV)
isdev = np.arange(nq) < ND
ispara = np.array([q["type"] == "paraphrase" for q in Q])
DV = doc_vectors()
D = DV["tsom"]
QV = EMB.encode([q["query"] for q in Q])
S0 = QV @ D.T
# lexical leg + gate (exactly G1)
LEX = [fts.search(q["query"], W) for q in Q]
COV = np.array([lexical_coverage(fts.term_docs, q["query"], l) for q, l in zip(Q, LEX)])
LEXN = np.zeros((nq, N), dtype=np.float32)
for i, l in enumerate(LEX):
    if l:
        mx = max(l.values())
        for d, s in l.items():
            LEXN[i, IDX[d]] = s / mx
GATE = np.where(COV >= 0.5, 0.2, 0.0)

def fuse(S, beta=None):
    b = GATE if beta is None else beta
    return S + b[:, None] * LEXN

def ranks(F):
    return [[IDS[j] for j in np.lexsort((np.arange(N), -F[i]))] for i in range(len(F))]

def metrics(F):
    return per_query(ranks(F), Q)  # [nq,3]

def summ(M, mask):
    return M[mask].mean(0)

RESULTS = {}
def family(name, grid, fn, show=True):
    """fn(p) -> fused score matrix [nq, N]. LOO on dev; held-out scored with param chosen on all dev."""
    Ms = np.stack([metrics(fn(p)) for p in grid])  # [G, nq, 3]
    dev = Ms[:, :ND]
    g_in = int(np.argmax(dev[:, :, 0].mean(1)))
    cv = np.zeros((ND, 3)); picks = []
    for i in range(ND):
        idx = [j for j in range(ND) if j != i]
        g = int(np.argmax(dev[:, idx, 0].mean(1))); picks.append(g); cv[i] = dev[g, i]
    Min = Ms[g_in]
    pd = ispara[:ND]
    r = dict(name=name, np=len(grid), best=grid[g_in], M=Min, cv=cv,
             ins=Min[:ND].mean(0), insp=Min[:ND][pd, 0].mean(), cvm=cv.mean(0), cvp=cv[pd, 0].mean(),
             held=Min[ND:].mean(0), heldp=Min[ND:][ispara[ND:], 0].mean(),
             stab=max(picks.count(x) for x in set(picks)))
    RESULTS[name] = r
    if show:
        cvs = f"{r['cvm'][0]:.3f} {r['cvm'][1]:.3f} {r['cvm'][2]:.3f} {r['cvp']:.3f}" if len(grid) > 1 else "   -"
        print(f"{name[:52]:52s} |G|={len(grid):3d} in {r['ins'][0]:.3f} {r['ins'][1]:.3f} {r['ins'][2]:.3f} {r['insp']:.3f} | cv {cvs} | held {r['held'][0]:.3f} {r['held'][1]:.3f} {r['heldp']:.3f} | best={grid[g_in]} stab={r['stab']}", flush=True)
    return r

def norm(X):
    return X / np.linalg.norm(X, axis=-1, keepdims=True)

def softmax(X, tau):
    Z = X / tau; Z = Z - Z.max(1, keepdims=True); E = np.exp(Z); return E / E.sum(1, keepdims=True)
