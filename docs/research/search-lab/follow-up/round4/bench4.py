"""Cost of MaxSim per query: re-encoding the top K documents at query time vs stored token vectors."""
import os, sys, time
os.environ["HF_HUB_OFFLINE"] = "1"; os.environ["OMP_NUM_THREADS"] = "1"
HERE = os.path.dirname(os.path.abspath(__file__)); sys.path[:0] = [os.path.join(HERE, "..", "follow-up"), os.path.join(HERE, "..")]
import numpy as np, torch; torch.set_num_threads(1)
from tokcache import model
from lab import CASE_LIST, doc_text
m = model(); texts = [doc_text(c, "tsom") for c in CASE_LIST]
def t(f, r=5):
    f(); ts = []
    for _ in range(r):
        a = time.perf_counter(); f(); ts.append(time.perf_counter() - a)
    return np.median(ts) * 1e3
for K in [30, 50]:
    print(f"re-encode top {K} docs (token vectors), 1 thread: {t(lambda: m.encode(texts[:K], output_value='token_embeddings', batch_size=K)):.0f} ms")
print(f"encode one query (token vectors): {t(lambda: m.encode(['assisting pensioners to avoid residential institutions'], output_value='token_embeddings'), 20):.1f} ms")
rng = np.random.default_rng(0); L = 82; qn = 8
for nd in [30, 1000]:
    for dt in [np.float32, np.float16, np.int8]:
        T = (rng.standard_normal((nd * L, 384)) * (60 if dt == np.int8 else 1)).astype(dt); q = rng.standard_normal((qn, 384)).astype(np.float32)
        starts = np.arange(0, nd * L, L)
        def f():
            s = q @ T.astype(np.float32).T
            return np.maximum.reduceat(s, starts, axis=1).mean(0)
        print(f"MaxSim over {nd} docs x {L} tokens, {np.dtype(dt).name} stored: {t(f):.1f} ms")
for name, b in [("fp32 384", 384 * 4), ("fp16 384", 384 * 2), ("int8 384", 384), ("int8 PCA-128", 128), ("int8 PCA-64", 64)]:
    print(f"storage {name}: {L * b / 1024:.1f} KB/doc -> {L * b * 100_000 / 1e9:.1f} GB at 100k (current single vector: {384*4/1024:.1f} KB/doc, {384*4*1e5/1e9:.2f} GB)")
