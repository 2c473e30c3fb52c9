"""Harness for lab4: the hub's ranking reproduced in the lab (HUB), feature builders, evaluation."""
import os, sys
os.environ["HF_HUB_OFFLINE"] = "1"; os.environ["OMP_NUM_THREADS"] = "1"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "follow-up"), os.path.join(HERE, "..")]
os.chdir(os.path.join(HERE, "..", "follow-up"))
from feats import *            # Q, QV, D, S0, LEXN, COV, NN, GEO, metrics, family, boot, ...
from tokcache import tok_encode
import re, string

# ---------------------------------------------------------------- the hub as shipped (decision 6)
BETA_H = np.where(COV >= 0.999, 0.3, np.where(COV >= 0.5, 0.1, 0.0)).astype(np.float32)
def near(S, k=20):
    return S[:, NN[:, :k]].max(2)
def hub(Ssem, Snear=None, wn=0.5, eps=0.1):
    """score = sem + wn * near + eps * place + boost * lex/max lex; near from Snear (default Ssem)."""
    return Ssem + wn * near(S0 if Snear is None else Snear) + eps * GEO + BETA_H[:, None] * LEXN
HUB = hub(S0, S0)
MH = metrics(HUB)

# ---------------------------------------------------------------- token side
PUNCT = set(string.punctuation)
def keep_tok(t, drop_stop):
    if all(ch in PUNCT for ch in t): return False
    if drop_stop and t in STOP: return False
    return True
def toks(text, drop_stop):
    tk, v = tok_encode([text])[0]
    m = np.array([keep_tok(t, drop_stop) for t in tk], bool)
    if not m.any(): m[:] = True
    v = v[m]
    return [t for t, k in zip(tk, m) if k], v / np.linalg.norm(v, axis=1, keepdims=True), tok_encode([text])[0][1][m]
FIELD_TEXTS = {
    "full": lambda c: [doc_text(c, "tsom")],
    "tso": lambda c: [c["title"], c["summary"], c["outcome"]],
    "tsom": lambda c: [c["title"], c["summary"], c["outcome"], meta_text(c)],
}
def doc_tokens(kind, drop_stop):
    out = []
    for c in CASE_LIST:
        tt, vv = [], []
        for t in FIELD_TEXTS[kind](c):
            if t:
                a, b, _ = toks(t, drop_stop); tt += a; vv.append(b)
        out.append((tt, np.concatenate(vv)))
    return out
# wordpiece idf over the corpus (full documents, no labels)
_DF = {}
for c in CASE_LIST:
    for t in set(tok_encode([doc_text(c, "tsom")])[0][0]):
        _DF[t] = _DF.get(t, 0) + 1
def wp_idf(t): return math.log((N + 1) / (_DF.get(t, 0) + 0.5))

def maxsim(kind, drop_stop, weight="uniform"):
    """[nq, N]: mean (or idf-weighted mean) over query tokens of max cosine to the document's tokens."""
    DT = doc_tokens(kind, drop_stop)
    lens = np.array([len(v) for _, v in DT]); starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    ALL = np.concatenate([v for _, v in DT])
    M = np.zeros((nq, N), np.float32)
    for i, q in enumerate(Q):
        qt, qv, _ = toks(q["query"], drop_stop)
        sim = qv @ ALL.T                                    # [m, total doc tokens]
        mx = np.maximum.reduceat(sim, starts, axis=1)       # [m, N]
        w = np.ones(len(qt)) if weight == "uniform" else np.array([max(wp_idf(t), 0.0) for t in qt])
        if w.sum() == 0: w = np.ones(len(qt))
        M[i] = (w[:, None] * mx).sum(0) / w.sum()
    return M

# ---------------------------------------------------------------- evaluation
ROWS = []
def evaluate(name, grid, fn, base=None):
    """family(): in-sample best on dev, LOO on dev (param from other 28), held with dev-best param.
    Adds paired bootstrap against the hub baseline."""
    r = family(name, grid, fn, show=False)
    b = MH if base is None else base
    M, cv = r["M"], r["cv"]
    bi = boot(M[:ND, 0], b[:ND, 0]); bc = boot(cv[:, 0], b[:ND, 0]); bh = boot(M[ND:, 0], b[ND:, 0])
    dn = M[:ND, 0] - b[:ND, 0]; dh = M[ND:, 0] - b[ND:, 0]
    row = dict(name=name, G=len(grid), best=r["best"], ins=r["ins"], insp=r["insp"], cv=r["cvm"], cvp=r["cvp"],
               held=r["held"], heldp=r["heldp"], stab=r["stab"], bi=bi, bc=bc, bh=bh,
               pm=f"+{(dn>1e-9).sum()}-{(dn<-1e-9).sum()} / +{(dh>1e-9).sum()}-{(dh<-1e-9).sum()}", M=M, cvM=cv)
    ROWS.append(row)
    f = lambda a, p: f"{a[0]:.3f}/{a[1]:.3f}/{a[2]:.3f}/{p:.3f}"
    print(f"{name[:58]:58s} G={len(grid):3d} in {f(r['ins'], r['insp'])} | cv {f(r['cvm'], r['cvp'])} | held {r['held'][0]:.3f}/{r['held'][1]:.3f}/{r['held'][2]:.3f}/{r['heldp']:.3f}"
          f" | dIn {bi[0]:+.3f} dCv {bc[0]:+.3f} [{bc[1]:+.3f},{bc[2]:+.3f}] dHeld {bh[0]:+.3f} [{bh[1]:+.3f},{bh[2]:+.3f}] {row['pm']} best={r['best']} stab={r['stab']}", flush=True)
    return row
def rerank_top(F0, extra, K=30):
    """Re-order each query's top K of F0 by F0 + extra (extra=None -> unchanged); the rest stay below."""
    F = F0.copy()
    for i in range(len(F)):
        top = np.argsort(-F0[i], kind="stable")[:K]
        F[i, top] = 1e3 + extra[i, top]
    return F
