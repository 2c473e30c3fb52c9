import os, sys, re, json, math
os.environ["HF_HUB_OFFLINE"] = "1"
sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)),
                os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]  # lab.py
import numpy as np
import torch
torch.set_num_threads(1)
import lab
from lab import (CASE_LIST, IDS, IDX, N, STOP, query_terms, doc_text, meta_text, _sentences,
                 clean_outcome, load_jsonl, per_query, fuse_gated, lexical_coverage, rank_from_scores,
                 top_ids, FTS, Embedder)
DEV = load_jsonl(lab.DEV)
HELD = load_jsonl(lab.HELDOUT)
ALLQ = DEV + HELD
EMB = Embedder()
PORTER = "porter unicode61 remove_diacritics 2"
fts = FTS(PORTER)
W = (2, 1, 0.5, 0.5, 0.5, 0.5)

def vocab():
    cnt = {}
    for c in CASE_LIST:
        toks = set(re.findall(r"[a-z]+", " ".join(c[f] or "" for f in lab.FIELDS).lower()))
        for t in toks:
            if len(t) >= 3 and t not in STOP:
                cnt[t] = cnt.get(t, 0) + 1
    return sorted(cnt), cnt

def doc_vectors():
    return {
        "tsom": EMB.encode([doc_text(c, "tsom") for c in CASE_LIST]),
        "t": EMB.encode([c["title"] for c in CASE_LIST]),
        "s": EMB.encode([c["summary"] for c in CASE_LIST]),
        "o": EMB.encode([c["outcome"] for c in CASE_LIST]),
        "ts": EMB.encode([doc_text(c, "ts") for c in CASE_LIST]),
        "m": EMB.encode([meta_text(c) for c in CASE_LIST]),
    }

AREAS = sorted({c["challenge_area"] for c in CASE_LIST})
AREA_OF = np.array([AREAS.index(c["challenge_area"]) for c in CASE_LIST])
sentences = _sentences
