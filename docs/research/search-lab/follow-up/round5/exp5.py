"""Round 5 experiments: each family is a grid of settings whose first is the hub as shipped.
For each: dev in-sample (the setting best on all 29 dev queries by nDCG + recall, ties to the
earliest), leave-one-query-out on dev (setting chosen on the other 28), self-labelled with the
dev-best setting, and the paired bootstrap over all 49 queries against the hub."""
import sys
from lab5 import *
sys.path.insert(0, str(ROOT))
STOP = set("""i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that
these those am is are was were be been being have has had having do does did doing a an the and
but if or because as until while of at by for with about against between into through during
before after above below to from up down in out on off over under again further then once here
there when where why how all any both each few more most other some such no nor not only own
same so than too very s t can will just don should now""".split())  # = hub/search/text.py

BASE = evaluate(rank)
FAMILIES = {}

def family(name, settings):
    """settings: list of (label, fn(i) -> rows); the first must be the hub."""
    Ms = [BASE if k == 0 and lab == "hub" else evaluate(fn) for k, (lab, fn) in enumerate(settings)]
    key = lambda m: m[:, 0].mean() + m[:, 1].mean()
    ins = int(np.argmax(np.round([key(m[DEV]) for m in Ms], 9)))
    cv, chosen = loqo(Ms)
    best = Ms[ins]; s = summary(best)
    bn = boot(best[:, 0], BASE[:, 0]); br = boot(best[:, 1], BASE[:, 1])
    d = best[:, 0] - BASE[:, 0]
    row = dict(name=name, best=settings[ins][0], G=len(settings), **s,
               cv_ndcg=cv[:, 0].mean(), cv_recall=cv[:, 1].mean(),
               boot_ndcg=bn, boot_recall=br, up=int((d > 1e-9).sum()), down=int((d < -1e-9).sum()),
               chosen=np.bincount(chosen, minlength=len(settings)).tolist(), Ms=Ms, labels=[l for l, _ in settings])
    FAMILIES[name] = row
    print(f"{name[:44]:44s} G={len(settings):2d} best={settings[ins][0]:>14s} | dev {s['ndcg']:.3f}/{s['recall']:.3f}/{s['mrr']:.3f}/{s['para']:.3f}"
          f" | cv {row['cv_ndcg']:.3f}/{row['cv_recall']:.3f} | self {s['self_ndcg']:.3f}/{s['self_recall']:.3f}"
          f" | all49 dN {bn[0]:+.3f} [{bn[1]:+.3f},{bn[2]:+.3f}] dR {br[0]:+.3f} [{br[1]:+.3f},{br[2]:+.3f}] +{row['up']}-{row['down']}", flush=True)
    return row

def surface(name):
    r = FAMILIES[name]
    for lab, m in zip(r["labels"], r["Ms"]):
        s = summary(m)
        print(f"    {lab:>16s} dev {s['ndcg']:.3f}/{s['recall']:.3f}/{s['mrr']:.3f}/{s['para']:.3f} self {s['self_ndcg']:.3f}/{s['self_recall']:.3f}")

# ------------------------------------------------------------------ MaxSim variants
def ms_weighted(i, weights):
    return maxsim(i, weights=weights)
def qweights(i, kind):
    w = QW[i].copy(); ps = Q[i]["piece_strings"]
    if kind == "idf": return w
    if kind == "uniform": return np.ones_like(w)
    if kind.startswith("idf^"): return w ** float(kind[4:])
    if kind == "idf-stop": return w * np.array([p not in STOP for p in ps], np.float32)
    if kind == "idf-floor1": return np.where(w >= 1.0, w, 0).astype(np.float32)
    if kind == "bm25idf":
        n = COUNTS[np.asarray(Q[i]["pieces"], np.int64)]
        return np.log(1 + (PDOCS - n + 0.5) / (n + 0.5)).astype(np.float32)
    raise ValueError(kind)
MS_CACHE = {}
def ms_of(i, weights="idf", fields=(0, 1, 2, 3), rev=0.0, topk=1):
    key = (i, weights, fields, rev, topk)
    if key not in MS_CACHE:
        if topk == 1:
            b = BESTF[i][:, :, list(fields)].max(2)
        else:  # mean of the top-k document pieces per query piece
            sim = Q[i]["tokens"] @ ALLV.T
            b = np.stack([np.sort(sim[:, s:s + l], axis=1)[:, -topk:].mean(1) for s, l in zip(STARTS, LENS)], 1)
        m = maxsim(i, weights=qweights(i, weights), best=b)
        if rev:
            r = REV[i]; w = DOCW
            d2q = np.add.reduceat(r * w, STARTS) / np.maximum(np.add.reduceat(w, STARTS), 1e-9)
            m = (1 - rev) * m + rev * d2q
        MS_CACHE[key] = m.astype(np.float32)
    return MS_CACHE[key]

family("late weight l", [("hub", rank)] + [(f"l={l}", (lambda l: lambda i: rank(i, late_weight=l))(l)) for l in (.3, .4, .6, .7)])
surface("late weight l")
family("late pool size", [("hub", rank)] + [(f"P={p}", (lambda p: lambda i: rank(i, late_pool=p))(p)) for p in (30, 100, 149)])
family("query-piece weights", [("hub", rank)] + [(w, (lambda w: lambda i: rank(i, ms=ms_of(i, w)))(w))
        for w in ("uniform", "idf^0.5", "idf^1.5", "idf^2", "idf-stop", "idf-floor1", "bm25idf")])
surface("query-piece weights")
family("bidirectional MaxSim (d->q share a)", [("hub", rank)] + [(f"a={a}", (lambda a: lambda i: rank(i, ms=ms_of(i, rev=a)))(a)) for a in (.1, .25, .5)])
surface("bidirectional MaxSim (d->q share a)")
family("fields of document pieces", [("hub", rank)] + [(n, (lambda f: lambda i: rank(i, ms=ms_of(i, fields=f)))(f))
        for n, f in (("no meta", (0, 1, 2)), ("title+body", (0, 1)), ("body+detail", (1, 2)))])
surface("fields of document pieces")
family("top-k soft MaxSim", [("hub", rank)] + [(f"k={k}", (lambda k: lambda i: rank(i, ms=ms_of(i, topk=k)))(k)) for k in (2, 3)])
surface("top-k soft MaxSim")
family("neighbour weight", [("hub", rank)] + [(f"wn={w}", (lambda w: lambda i: rank(i, wn=w))(w)) for w in (.3, .4, .6, .7)])
family("neighbour count", [("hub", rank)] + [(f"k={k}", (lambda k: lambda i: rank(i, k=k))(k)) for k in (10, 30)])
family("near from cosine only (late)", [("hub", rank), ("near=cos", lambda i: rank(i, near_from=lambda close, pool: COS[i]))])
family("MIN_COSINE gate", [("hub", rank)] + [(f"min={m}", (lambda m: lambda i: rank(i, min_cos=m))(m)) for m in (.1, .05, -1)])
family("ALWAYS_SHOWN", [("hub", rank)] + [(f"always={a}", (lambda a: lambda i: rank(i, always=a))(a)) for a in (20, 50)])
surface("MIN_COSINE gate")

# per-query normalisation of MaxSim to the cosine's scale within the pool
def norm_close(i, how, l=.5):
    cos = COS[i]; m = maxsim(i)
    def near_from(close, pool):
        c, s = cos[pool], m[pool]
        if how == "z":
            mm = c.mean() + (s - s.mean()) * (c.std() / (s.std() or 1))
        elif how == "minmax":
            mm = c.min() + (s - s.min()) * ((c.max() - c.min()) / ((s.max() - s.min()) or 1))
        elif how == "shift":
            mm = s - (s.mean() - c.mean())
        out = cos.copy(); out[pool] = (1 - l) * c + l * mm
        return out
    return near_from
def rank_norm(i, how, l=.5):
    # the closeness itself (not only near's values) normalised: re-implement the late stage
    nf = norm_close(i, how, l)
    cos = COS[i]; b = boost_of(COV[i]); lex = LEX[i]
    out, score = rank(i, late_pool=0, return_parts=True)
    rows = np.flatnonzero(np.isfinite(score))
    pool = order(score, rows)[:50]
    close = nf(None, pool)
    near2 = close[NB[20]].max(1)
    score = score.copy()
    score[pool] = close[pool] + .5 * near2[pool] + b * lex[pool] + .1 * PLACE[i][pool]
    return order(score, rows)[:100]
family("MaxSim normalised per query (pool)", [("hub", rank)] + [(h, (lambda h: lambda i: rank_norm(i, h))(h)) for h in ("z", "minmax", "shift")])
surface("MaxSim normalised per query (pool)")

# lexical on Porter stems (FTS5) of the query's words, late stage: idf-weighted share in d
def covd(i):
    q = Q[i]; terms = q["terms"]
    if not terms: return np.zeros(N, np.float32)
    idf = {t: max(math.log((N + 1) / (q["freqs"].get(t, 0) + .5)), 0) for t in terms}
    tot = sum(idf.values()) or 1; out = np.zeros(N, np.float32)
    for t in terms:
        for d in q["contains"][t]:
            out[ROW[d]] += idf[t] / tot
    return out
COVD = np.stack([covd(i) for i in range(NQ)])
family("late lexical: share of query stems", [("hub", rank)] + [(f"d={d}", (lambda d: lambda i: rank(i, extra_late=d * COVD[i]))(d)) for d in (.02, .05, .1)])

# neighbours by MaxSim between documents (document pieces against document pieces)
DDMS = np.zeros((N, N), np.float32)
for a in range(N):
    sim = DV[a] @ ALLV.T
    b = np.maximum.reduceat(sim, STARTS, axis=1)
    w = DOCW[STARTS[a]:STARTS[a] + LENS[a]]
    DDMS[a] = (w @ b) / max(w.sum(), 1e-9)
DDMS = (DDMS + DDMS.T) / 2
np.fill_diagonal(DDMS, -np.inf)
NBMS = np.argsort(-DDMS, axis=1, kind="stable")[:, :20]
def rank_nbms(i, mix):
    saved = NB[20]
    try:
        if mix == "ms":
            NB[20] = NBMS
        else:  # neighbours by cos + MaxSim between documents
            D = DD.copy(); np.fill_diagonal(D, -np.inf)
            NB[20] = np.argsort(-(D + DDMS), axis=1, kind="stable")[:, :20]
        return rank(i)
    finally:
        NB[20] = saved
family("neighbours by document-document MaxSim", [("hub", rank), ("ms", lambda i: rank_nbms(i, "ms")), ("cos+ms", lambda i: rank_nbms(i, "both"))])

# pseudo-relevance feedback from a confident first result: + g * cos(d, top1) in the pool,
# only when top-1's late closeness is at least c
def rank_prf(i, g, c):
    out, score = rank(i, return_parts=True)
    rows = np.flatnonzero(np.isfinite(score)); top = out[0]
    m = maxsim(i); close_top = .5 * COS[i][top] + .5 * m[top]
    if close_top < c:
        return out
    pool = out[:50]; s = score.copy()
    s[pool] = s[pool] + g * np.where(pool == top, 1.0, DD[top, pool])
    return order(s, rows)[:100]
family("PRF from a confident top result", [("hub", rank)] + [(f"g={g},c={c}", (lambda g, c: lambda i: rank_prf(i, g, c))(g, c))
        for g in (.05, .1) for c in (.5, .6, .7)])
surface("PRF from a confident top result")

import pickle
pickle.dump({k: {kk: vv for kk, vv in v.items()} for k, v in FAMILIES.items()}, open(ROOT / "cache" / "exp5.pkl", "wb"))
