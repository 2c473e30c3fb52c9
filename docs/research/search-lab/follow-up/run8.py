from sem import *
import sqlite3
# idea 7: lexical leg over doc text expanded with the titles of its k nearest neighbour docs (extra low-weight column)
def build(k):
    db = sqlite3.connect(":memory:")
    cols = lab.FIELDS + ["nb"]
    db.execute(f"CREATE VIRTUAL TABLE f USING fts5({', '.join(cols)}, tokenize='{PORTER}')")
    rows = [(i, *[c[f] or "" for f in lab.FIELDS], " ".join(CASE_LIST[j]["title"] for j in NN[i, :k])) for i, c in enumerate(CASE_LIST)]
    db.executemany(f"INSERT INTO f(rowid, {', '.join(cols)}) VALUES ({', '.join('?' * (len(cols) + 1))})", rows)
    return db
def lexexp(k, wnb):
    db = build(k); L = np.zeros((nq, N), np.float32)
    w = ", ".join(str(float(x)) for x in (*W, wnb))
    for i, q in enumerate(Q):
        t = query_terms(q["query"])
        if not t: continue
        r = db.execute(f"SELECT rowid, bm25(f, {w}) FROM f WHERE f MATCH ? ORDER BY bm25(f, {w}) LIMIT 50", (" OR ".join(f'"{x}"' for x in t),)).fetchall()
        if r:
            mx = max(-s for _, s in r)
            for j, s in r: L[i, j] = -s / mx
    return S0 + GATE[:, None] * L
family("L7 lexical leg + neighbour-title column", [(k, w) for k in [1, 3, 5] for w in [0.1, 0.25, 0.5]], lambda p: lexexp(*p))
# LOO over all 49 queries (dev + self-labelled) for the main families
import exp
def loo49(name, grid, fn):
    Ms = np.stack([metrics(fn(p)) for p in grid])
    cv = np.zeros((nq, 3)); picks = []
    for i in range(nq):
        idx = [j for j in range(nq) if j != i]
        g = int(np.argmax(Ms[:, idx, 0].mean(1))); picks.append(g); cv[i] = Ms[g, i]
    gi = int(np.argmax(Ms[:, :, 0].mean(1)))
    print(f"  {name:40s} in49 {Ms[gi].mean(0)[0]:.3f}/{Ms[gi].mean(0)[1]:.3f}  cv49 {cv.mean(0)[0]:.3f}/{cv.mean(0)[1]:.3f}/{cv.mean(0)[2]:.3f} para(n=14) {cv[ispara,0].mean():.3f}  best {grid[gi]}")
    return cv
print("LOO over all 49 queries (nDCG/R@10[/MRR]):")
c0 = loo49("G1", [0], lambda p: fuse(S0))
c1 = loo49("B2 (k,g)", [(k, g) for k in [5, 10, 20] for g in [0.2, 0.3, 0.5]], lambda p: fuse(B2(S0, *p)))
c2 = loo49("BE (w,k,g)", [(w, k, g) for w in [0, 0.85, 0.9, 0.95] for k in [5, 10, 20] for g in [0.2, 0.3, 0.5]], lambda p: fuse(B2(E3(S0, p[0]), p[1], p[2])))
c3 = loo49("E3 (w)", [0, 0.85, 0.9, 0.95], lambda w: fuse(E3(S0, w)))
c4 = loo49("A2 (g)", [0, 0.1, 0.3, 0.5], lambda g: fuse(A2(S0, g)))
rng = np.random.default_rng(1)
for nm, c in [("B2", c1), ("BE", c2)]:
    d = c[:, 0] - c0[:, 0]; bs = [d[rng.integers(0, nq, nq)].mean() for _ in range(10000)]
    dr = c[:, 1] - c0[:, 1]; bsr = [dr[rng.integers(0, nq, nq)].mean() for _ in range(10000)]
    print(f"  cv49 diff {nm}-G1: nDCG {d.mean():+.3f} [{np.percentile(bs,2.5):+.3f},{np.percentile(bs,97.5):+.3f}]  R@10 {dr.mean():+.3f} [{np.percentile(bsr,2.5):+.3f},{np.percentile(bsr,97.5):+.3f}]")
