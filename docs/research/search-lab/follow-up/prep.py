from common import *
import time
t=time.time()
dv = doc_vectors(); print("docs", time.time()-t, flush=True)
EMB.encode([q["query"] for q in ALLQ]); EMB.encode(AREAS)
V, cnt = vocab(); print("vocab", len(V), flush=True)
EMB.encode(V); print("vocab emb", time.time()-t, flush=True)
EMB.save()
# sentences
sents=[]
for c in CASE_LIST:
    sents += [c["title"]] + sentences(c["summary"]) + sentences(clean_outcome(c["outcome"])) + [meta_text(c)]
EMB.encode([s for s in sents if s]); EMB.save(); print("done", time.time()-t)
