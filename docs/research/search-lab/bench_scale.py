"""Timing at 100k documents: FTS5 OR query + coverage look-ups, PostgreSQL ts_rank_cd OR query, numpy cosine.
The 149 real cases are replicated (with a numeric suffix in the title) to 100,128 rows: term statistics are
unrealistic but the work per query (doclist sizes of common words) is of the right order."""
import json, math, re, sqlite3, time, sys
import numpy as np
sys.argv = ['x']
from lab import query_terms, FIELDS, CASE_LIST, load_jsonl, DEV, HELDOUT
REPS = 672
qs = [q["query"] for q in load_jsonl(DEV) + load_jsonl(HELDOUT)]
def pct(a, p): a = sorted(a); return a[min(len(a) - 1, int(p * len(a)))] * 1000

db = sqlite3.connect(":memory:")
db.execute(f"CREATE VIRTUAL TABLE f USING fts5({', '.join(FIELDS)}, tokenize='porter unicode61 remove_diacritics 2')")
t = time.perf_counter()
rows = ((r * 149 + i, *[(c[f] or "") + (f" {r}" if f == "title" else "") for f in FIELDS])
        for r in range(REPS) for i, c in enumerate(CASE_LIST))
db.executemany(f"INSERT INTO f(rowid, {', '.join(FIELDS)}) VALUES (?,?,?,?,?,?,?)", rows)
db.execute("INSERT INTO f(f) VALUES('optimize')")
print(f"FTS5 built with {REPS*149} rows in {time.perf_counter()-t:.1f}s")
W = "2.0, 1.0, 0.5, 0.5, 0.5, 0.5"
lat, cov = [], []
for q in qs * 2:
    terms = query_terms(q)
    m = " OR ".join(f'"{x}"' for x in terms)
    t = time.perf_counter()
    top = db.execute(f"SELECT rowid, bm25(f, {W}) FROM f WHERE f MATCH ? ORDER BY bm25(f, {W}) LIMIT 50", (m,)).fetchall()
    lat.append(time.perf_counter() - t)
    t = time.perf_counter()
    top3 = [r for r, _ in top[:3]]
    for x in terms:  # df and membership in the top-3, one term at a time
        db.execute("SELECT count(*) FROM f WHERE f MATCH ?", (f'"{x}"',)).fetchone()
        db.execute(f"SELECT rowid FROM f WHERE f MATCH ? AND rowid IN ({','.join('?'*len(top3))})", (f'"{x}"', *top3)).fetchall()
    cov.append(time.perf_counter() - t)
print(f"FTS5 100k OR query top-50: p50 {pct(lat,.5):.1f} ms p95 {pct(lat,.95):.1f} ms max {max(lat)*1000:.0f} ms")
print(f"FTS5 100k coverage look-ups (2 per term): p50 {pct(cov,.5):.1f} ms p95 {pct(cov,.95):.1f} ms")
# fts5vocab alternative for df
db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, 'row')")
t = time.perf_counter(); n = db.execute("SELECT count(*) FROM v").fetchone()[0]
print(f"fts5vocab row table: {n} distinct stemmed terms (count took {(time.perf_counter()-t)*1000:.0f} ms)")

try:
    import psycopg
    c = psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True)
    c.execute("CREATE TEMP TABLE big (id int primary key, title text, summary text, outcome text, meta text, doc tsvector)")
    with c.cursor().copy("COPY big (id, title, summary, outcome, meta) FROM STDIN") as cp:
        for r in range(REPS):
            for i, cs in enumerate(CASE_LIST):
                cp.write_row((r * 149 + i, f"{cs['title']} {r}", cs["summary"], cs["outcome"],
                              f"{cs['organisation']} {cs['country']} {cs['challenge_area']}"))
    c.execute("""UPDATE big SET doc = setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', summary), 'B')
                 || setweight(to_tsvector('english', outcome), 'C') || setweight(to_tsvector('english', meta), 'D')""")
    c.execute("CREATE INDEX ON big USING gin(doc)"); c.execute("ANALYZE big")
    lat = []
    for q in qs * 2:
        tsq = " | ".join(query_terms(q))
        t = time.perf_counter()
        c.execute("SELECT id, ts_rank_cd('{0.25,0.5,1.0,1.0}', doc, query) r FROM big, to_tsquery('english', %s) query "
                  "WHERE doc @@ query ORDER BY r DESC LIMIT 50", (tsq,)).fetchall()
        lat.append(time.perf_counter() - t)
    print(f"PostgreSQL 100k OR query ts_rank_cd top-50: p50 {pct(lat,.5):.0f} ms p95 {pct(lat,.95):.0f} ms max {max(lat)*1000:.0f} ms")
except Exception as e:
    print("PostgreSQL skipped:", e)

X = np.random.default_rng(0).standard_normal((100_000, 384)).astype(np.float32)
X /= np.linalg.norm(X, axis=1, keepdims=True)
lat = []
for i in range(50):
    t = time.perf_counter(); s = X @ X[i]; top = np.argpartition(-s, 50)[:50]; top = top[np.argsort(-s[top])]
    lat.append(time.perf_counter() - t)
print(f"numpy 100k x 384 float32 cosine + top-50: p50 {pct(lat,.5):.1f} ms p95 {pct(lat,.95):.1f} ms ({X.nbytes/2**20:.0f} MB)")
X16 = X.astype(np.float16); lat = []
for i in range(20):
    t = time.perf_counter(); s = X16 @ X16[i]; lat.append(time.perf_counter() - t)
print(f"numpy float16 matmul (for comparison): p50 {pct(lat,.5):.1f} ms  -- store float32 for search")
