"""Round 5, step 1: capture everything the hub's ranking reads, from the database the
relevance bench builds (run bench/search_relevance.py first with TMPDIR=<repo>/tmp), through
the hub's own functions, so that experiments are numpy over cached arrays.

    cd <repo> && TMPDIR=$PWD/tmp nice -n 19 .venv/bin/python docs/research/search-lab/follow-up/round5/capture5.py

Writes cache/round5.pkl: documents (ids, source ids, matrix, countries, word pieces with
their 8-bit vectors as the hub stores them, the field of each piece, piece counts), and per
query (dev + self-labelled): terms, places, the encoded query, word frequencies, lexical
hits (POOL as the hub takes them, and 200 for variants), which documents contain each term
(FTS5, Porter), coverage, and the hub's own ordering (selectors.search) for checking."""
import json, os, pickle, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[5]
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from _django import start  # noqa: E402

start("search-relevance")  # the bench's own database file (in TMPDIR), not rebuilt

import numpy as np  # noqa: E402
import torch  # noqa: E402
torch.set_num_threads(1)
from django.contrib.auth.models import AnonymousUser  # noqa: E402

from hub.search import lexical, places, selectors  # noqa: E402
from hub.search.embedding import encode_query_soon, model, unpack_tokens, _punctuation_pieces  # noqa: E402
from hub.search.models import Document  # noqa: E402
from hub.search.text import normalise_query, query_terms  # noqa: E402
from hub.search.vectors import index  # noqa: E402

CACHE = ROOT / "cache"
CACHE.mkdir(exist_ok=True)
snap = index.snapshot()
ids = [int(i) for i in snap.ids]
N = len(ids)
docs = {d.id: d for d in Document.objects.filter(id__in=ids)}
packed = index.piece_vectors(ids, "")
tok = model().tokenizer
punct = _punctuation_pieces()
doc_pieces, doc_vecs, doc_fields = [], [], []
for i in ids:
    d = docs[i]
    pieces, vecs = unpack_tokens(packed[i])
    # field of each piece: 0 title, 1 body, 2 detail, 3 meta (offsets in the embedded text)
    parts = [f"{d.title.strip().rstrip('.')}.", d.body.strip(), d.detail.strip(), d.meta.strip()]
    text, bounds, pos = "", [], 0
    for k, p in enumerate(parts):
        if not p:
            continue
        if text:
            text += " "
        start_ = len(text); text += p; bounds.append((start_, len(text), k))
    enc = tok(text, truncation=True, max_length=model().max_seq_length, return_offsets_mapping=True)
    tid = np.array(enc["input_ids"][1:-1]); off = enc["offset_mapping"][1:-1]
    keep = ~punct[tid]
    tid = tid[keep]; off = [o for o, k in zip(off, keep) if k]
    assert np.array_equal(tid, pieces), (i, len(tid), len(pieces))
    field = np.array([next(k for s, e, k in bounds if s <= o[0] < e + 1) for o in off], np.int8)
    doc_pieces.append(np.asarray(pieces)); doc_vecs.append(vecs.astype(np.float32)); doc_fields.append(field)
snap.piece_weights(np.zeros(1, np.uint16))
counts, ndocs = snap._piece_counts
countries = [snap.countries(r) for r in range(N)]

user = AnonymousUser()
def load(p):
    return [json.loads(l) for l in Path(p).read_text().splitlines() if l.strip()]
QS = [dict(q, set="dev") for q in load(ROOT / "data" / "queries-dev.jsonl")]
QS += [dict(q, set="self") for q in load(ROOT / "docs/research/search-lab/queries-self-labelled.jsonl")]
visible = snap.mask(extra_rows=np.zeros(0, np.int64))
out_q = []
for q in QS:
    text = normalise_query(q["query"])
    terms = query_terms(text)
    e = encode_query_soon(text).result()
    freqs = lexical.frequencies(terms, token=snap.token, documents=N) if terms else {}
    sel = lexical.selective(terms, freqs)
    def hits(limit):
        found = lexical.ranked(sel, limit=limit, published=freqs, token=snap.token)
        return [(d, s) for d, s in found if d in snap.row_of and visible[snap.row_of[d]]][:limit]
    lex50 = hits(selectors.POOL); lex200 = hits(200)
    cov = selectors._coverage(terms, lex50, int(visible.sum()), freqs)
    contains = lexical.containing(terms, ids)
    res = selectors.search(text, user=user)
    out_q.append(dict(query=text, set=q["set"], type=q.get("type"), relevant=q["relevant"],
                      terms=terms, places=places.countries_in(text), vector=e.vector,
                      pieces=e.pieces, tokens=e.tokens,
                      piece_strings=tok.convert_ids_to_tokens([int(p) for p in e.pieces]),
                      freqs=freqs, selective=sel, lex50=lex50, lex200=lex200, coverage=cov,
                      contains={t: sorted(v) for t, v in contains.items()},
                      hub=[(h.document.id, h.document.source_id, h.score, h.cosine, h.lexical, h.near)
                           for h in res.hits]))
    print(q["set"], text[:50], len(res.hits), flush=True)
with open(CACHE / "round5.pkl", "wb") as f:
    pickle.dump(dict(ids=ids, source=[docs[i].source_id for i in ids], matrix=snap.matrix.copy(),
                     published=snap.published.copy(), present=snap.present.copy(), countries=countries,
                     doc_pieces=doc_pieces, doc_vecs=doc_vecs, doc_fields=doc_fields,
                     piece_strings=[tok.convert_ids_to_tokens([int(p) for p in ps]) for ps in doc_pieces],
                     texts=[(docs[i].title, docs[i].body, docs[i].detail, docs[i].meta) for i in ids],
                     piece_counts=counts, piece_docs=ndocs, queries=out_q), f)
print("saved", N)
