import numpy as np, time
rng = np.random.default_rng(0)
n, d, k = 100_000, 384, 20
M = rng.standard_normal((n, d), dtype=np.float32); M /= np.linalg.norm(M, axis=1, keepdims=True)
F3 = [rng.standard_normal((n, d), dtype=np.float32) for _ in range(3)]
NN = rng.integers(0, n, (n, k)).astype(np.int32)
q = M[5].copy()
def t(f, r=30):
    f(); ts = []
    for _ in range(r):
        a = time.perf_counter(); f(); ts.append(time.perf_counter() - a)
    return np.percentile(ts, 50) * 1e3, np.percentile(ts, 95) * 1e3
S = M @ q
print("base cosine 100k        p50/p95 ms %.1f %.1f" % t(lambda: M @ q))
print("B2 full: S[NN].max(1)   p50/p95 ms %.1f %.1f" % t(lambda: S[NN].max(1)))
cand = np.argpartition(-S, 200)[:200]
print("B2 on 200 candidates    p50/p95 ms %.3f %.3f" % t(lambda: S[NN[cand]].max(1)))
print("E3 full: 3 matvecs+max  p50/p95 ms %.1f %.1f" % t(lambda: np.maximum(np.maximum(F3[0] @ q, F3[1] @ q), F3[2] @ q)))
print("E3 on 200 candidates    p50/p95 ms %.3f %.3f" % t(lambda: np.maximum(np.maximum(F3[0][cand] @ q, F3[1][cand] @ q), F3[2][cand] @ q)))
# offline kNN graph, block of 2000 rows, extrapolate
a = time.perf_counter()
blk = M[:2000] @ M.T
idx = np.argpartition(-blk, k + 1, axis=1)[:, :k + 1]
el = time.perf_counter() - a
print("kNN graph: 2000 rows %.2f s -> 100k rows est %.0f s" % (el, el * 50))
a = time.perf_counter(); s = M @ M[7]; kth = np.partition(-s, k)[k]; el2 = time.perf_counter() - a
print("incremental insert (1 matvec + partition) %.1f ms" % (el2 * 1e3))
