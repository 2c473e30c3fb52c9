"""Round 5 harness: the hub's ranking (hub/search/selectors.py, decision 6 with step 7b)
re-implemented in numpy over what capture5.py read through the hub's own functions, with
switches for the variants measured. ``rank(i, **params)`` gives query i's rows, best first;
with no params it is the hub as shipped (checked against the captured API ordering).
"""
import math, os, pickle
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parents[5]
C = pickle.load(open(ROOT / "cache" / "round5.pkl", "rb"))
IDS = np.array(C["ids"]); SRC = C["source"]; N = len(IDS)
M = C["matrix"].astype(np.float32)
Q = C["queries"]; NQ = len(Q)
DEV = np.array([q["set"] == "dev" for q in Q]); SELF = ~DEV
PARA = np.array([q["type"] == "paraphrase" for q in Q])
ROW = {int(d): r for r, d in enumerate(IDS)}
COUNTS, PDOCS = C["piece_counts"], C["piece_docs"]
DP, DV, DF = C["doc_pieces"], C["doc_vecs"], C["doc_fields"]
LENS = np.array([len(v) for v in DV]); STARTS = np.concatenate([[0], np.cumsum(LENS)[:-1]])
ALLV = np.concatenate(DV); ALLF = np.concatenate(DF); ALLP = np.concatenate(DP)
DD = M @ M.T                      # document-document cosines
COS = np.stack([M @ q["vector"] for q in Q])          # (NQ, N)

def piece_idf(pieces):
    found = COUNTS[np.asarray(pieces, dtype=np.int64)]
    return np.maximum(np.log((PDOCS + 1) / (found + 0.5)), 0.0).astype(np.float32)

# per query: best cosine of each query piece with each document's pieces, per field (0 title,
# 1 body, 2 detail, 3 meta) and overall; and the doc→query direction
BEST, BESTF, REV = [], [], []
for q in Q:
    sim = q["tokens"] @ ALLV.T                                   # (m, total pieces)
    BEST.append(np.maximum.reduceat(sim, STARTS, axis=1))        # (m, N)
    bf = np.full((len(q["tokens"]), N, 4), -1.0, np.float32)
    for f in range(4):
        s = np.where(ALLF[None, :] == f, sim, -1.0)
        bf[:, :, f] = np.maximum.reduceat(s, STARTS, axis=1)
    BESTF.append(bf)
    REV.append(sim.max(0))                                       # (total pieces,) best query piece
QW = [piece_idf(q["pieces"]) for q in Q]
DOCW = piece_idf(ALLP)

def maxsim(i, weights=None, best=None):
    b = BEST[i] if best is None else best
    w = QW[i] if weights is None else weights
    if not w.sum():
        w = np.ones(len(b), np.float32)
    return (w @ b) / w.sum()

# lexical
def lex_of(i, which="lex50"):
    hits = Q[i][which]
    best = max((s for _, s in hits), default=0.0) or 1.0
    out = np.zeros(N, np.float32)
    for d, s in hits:
        out[ROW[d]] = s / best
    return out
LEX = np.stack([lex_of(i) for i in range(NQ)])
INLEX = np.stack([np.isin(np.arange(N), [ROW[d] for d, _ in Q[i]["lex50"]]) for i in range(NQ)])
COV = np.array([q["coverage"] for q in Q])
PLACE = np.array([[1.0 if q["places"] and (q["places"] & C["countries"][r]) else 0.0 for r in range(N)]
                  for q in Q], np.float32)

def boost_of(cov, beta=0.1, beta_all=0.3, theta=0.5):
    return 0.0 if cov < theta else beta_all if cov >= 0.999 else beta

def neighbours(k=20):
    """Each row's k closest rows (itself excluded); the region is every row at 149 cases."""
    D = DD.copy(); np.fill_diagonal(D, -np.inf)
    return np.argsort(-D, axis=1, kind="stable")[:, :k]
NB = {k: neighbours(k) for k in (10, 20, 30)}

def order(score, rows):
    rows = np.asarray(rows)
    return rows[np.lexsort((IDS[rows], -score[rows]))]

def rank(i, *, late_pool=50, late_weight=0.5, wn=0.5, k=20, ms=None, near_from=None,
         min_cos=0.15, always=10, beta=0.1, beta_all=0.3, theta=0.5, place=0.1,
         extra=None, extra_late=None, agg=None, return_parts=False):
    """The hub's ranking of query i. ms: (N,) a replacement MaxSim; extra: (N,) added to every
    score; extra_late: (N,) added in the late stage only (pool rows)."""
    cos = COS[i]; lex = LEX[i]; b = boost_of(COV[i], beta, beta_all, theta)
    near_ix = NB[k]
    nearest = order(cos, np.arange(N))
    keep = (cos >= min_cos) | INLEX[i]
    keep[nearest[:always]] = True
    rows = np.flatnonzero(keep)
    base = b * lex + place * PLACE[i] + (0 if extra is None else extra)
    agg = agg or (lambda v: v.max(1))
    near = agg(cos[near_ix])
    score = np.full(N, -np.inf, np.float32)
    score[rows] = cos[rows] + wn * near[rows] + base[rows]
    if late_pool:
        pool = order(score, rows)[:late_pool]
        m = maxsim(i) if ms is None else ms
        close = cos.copy()
        close[pool] = (1 - late_weight) * cos[pool] + late_weight * m[pool]
        nvals = close if near_from is None else near_from(close, pool)
        near2 = agg(nvals[near_ix])
        score[pool] = close[pool] + wn * near2[pool] + base[pool] + (0 if extra_late is None else extra_late[pool])
    out = order(score, rows)[:100]
    return (out, score) if return_parts else out

# metrics exactly as bench/search_relevance.py
def metrics(i, ranked_rows, k=10):
    labels = {c: int(g) for c, g in Q[i]["relevant"].items()}
    ranked = [SRC[r] for r in ranked_rows[:k]]
    dcg = sum(labels.get(c, 0) / math.log2(r + 2) for r, c in enumerate(ranked))
    ideal = sorted(labels.values(), reverse=True)[:k]
    best = sum(g / math.log2(r + 2) for r, g in enumerate(ideal))
    rel = {c for c, g in labels.items() if g >= 1}
    rr = next((1 / (r + 1) for r, c in enumerate(ranked) if labels.get(c, 0) >= 1), 0.0)
    return np.array([dcg / best if best else 0.0, len(rel & set(ranked)) / len(rel), rr])

def evaluate(fn):
    """fn(i) -> ranked rows; returns (NQ, 3) metrics."""
    return np.stack([metrics(i, fn(i)) for i in range(NQ)])

def summary(Mt):
    d = Mt[DEV]; s = Mt[SELF]
    return dict(ndcg=d[:, 0].mean(), recall=d[:, 1].mean(), mrr=d[:, 2].mean(),
                para=Mt[DEV & PARA, 0].mean(), self_ndcg=s[:, 0].mean(), self_recall=s[:, 1].mean())

def loqo(grid_metrics, key=lambda m: m[:, 0].mean() + m[:, 1].mean()):
    """grid_metrics: list of (NQ, 3) arrays, one per parameter setting (index 0 = the
    current method). For each dev query, the setting best on the other 28 dev queries (by
    key; ties → the earliest, i.e. the current method first) scores it. Returns the (ndev, 3)
    held-out metrics and the chosen index per fold."""
    dev = np.flatnonzero(DEV); out, chosen = [], []
    for j in dev:
        others = dev[dev != j]
        vals = [key(g[others]) for g in grid_metrics]
        b = int(np.argmax(np.round(vals, 9)))
        chosen.append(b); out.append(grid_metrics[b][j])
    return np.stack(out), chosen

def boot(a, b, n=10000, seed=0):
    r = np.random.default_rng(seed); d = a - b
    idx = r.integers(0, len(d), (n, len(d))); m = d[idx].mean(1)
    return d.mean(), np.percentile(m, 2.5), np.percentile(m, 97.5)
