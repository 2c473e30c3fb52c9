import os; os.environ["OMP_NUM_THREADS"] = "1"
from sem import *
import geo
TYPES_ = ["keyword", "paraphrase", "outcome", "cross-country"]
QT = np.array([q["type"] for q in Q])
BETA = GATE * 1.5                      # 0.3 when the gate is open
SB2 = B2(S0, 20, 0.5)
BASE = fuse(SB2, BETA)
MB = metrics(BASE)
# ---- 1. per-document idf-weighted coverage of query terms
def idf_of(t): return math.log((N + 1) / (len(fts.term_docs(t)) + 0.5))
def col_docs(col, t):
    rows = fts.db.execute("SELECT rowid FROM f WHERE f MATCH ?", (f'{col} : "{t}"',)).fetchall()
    return {IDS[r] for (r,) in rows}
def covmat(col=None):
    M = np.zeros((nq, N), dtype=np.float32)
    for i, q in enumerate(Q):
        ts = query_terms(q["query"])
        if not ts: continue
        w = {t: max(idf_of(t), 0) for t in ts}; tot = sum(w.values()) or 1
        for t in ts:
            for d in (fts.term_docs(t) if col is None else col_docs(col, t)):
                M[i, IDX[d]] += w[t] / tot
    return M
COVD = covmat(); COVT = covmat("title")
# ---- 2. geography
QGEO = [geo.detect(q["query"]) for q in Q]
DCODES = [geo.case_codes(c["country"]) for c in CASE_LIST]
GEO = np.array([[1.0 if (qc and (qc & dc)) else 0.0 for dc in DCODES] for qc, _ in QGEO], dtype=np.float32)
GFIRE = np.array([bool(qc) for qc, _ in QGEO])
# ---- 3. evidence level (general ordinal scale on evidence_note; not tuned on queries)
def ev_level(note):
    n = note.lower()
    if re.search(r"randomi[sz]|\brcts?\b|controlled trial|experiment", n): return 2
    if re.search(r"no (formal|impact|independent)? ?(impact )?evaluation|not yet evaluated|none", n): return 0
    if re.search(r"quasi|evaluat|controlled|regression discontinuity|time series|propensity|before-after|comparison|peer-reviewed|journal|study|studies|review|audit|assessment", n): return 1
    return 0
EVL = np.array([ev_level(c["evidence_note"]) for c in CASE_LIST], dtype=np.float32)
EVQ = np.array([bool(re.search(r"randomi[sz]|\brcts?\b|\btrials?\b|experiment|evaluat|rigorous|evidence|proven|shown|tested", q["query"], re.I)) for q in Q])
def pt(M, mask=None):
    mask = isdev if mask is None else mask
    return M[mask].mean(0)
def boot(a, b, n=10000, seed=0):
    r = np.random.default_rng(seed); d = a - b; idx = r.integers(0, len(d), (n, len(d)))
    m = d[idx].mean(1); return d.mean(), np.percentile(m, 2.5), np.percentile(m, 97.5)
def report(name, M, cv=None):
    dv = M[:ND]; b = MB[:ND]
    s = f"{name:40s} dev {dv[:,0].mean():.3f}/{dv[:,1].mean():.3f}/{dv[:,2].mean():.3f}/para {dv[ispara[:ND],0].mean():.3f}"
    s += f" | held {M[ND:,0].mean():.3f}/{M[ND:,1].mean():.3f}"
    dn = dv[:, 0] - b[:, 0]
    s += f" | +{(dn>1e-9).sum()} -{(dn<-1e-9).sum()}"
    if (dn != 0).any():
        j = np.argmax(np.abs(dn)); s += f" max|d| {dn[j]:+.3f} on '{Q[j]['query'][:30]}' (share {dn[j]/dn.sum() if dn.sum() else 0:.2f})"
    print(s, flush=True)
    for t in TYPES_:
        m = QT[:ND] == t
        if m.any(): print(f"     {t:13s} n={m.sum():2d} dNDCG {dn[m].mean():+.3f} dR {(dv[m,1]-b[m,1]).mean():+.3f}", end="")
    mh = QT[ND:]
    print("\n     held per type: " + " ".join(f"{t[:5]} {M[ND:][mh==t,0].mean()-MB[ND:][mh==t,0].mean():+.3f}" for t in TYPES_))
