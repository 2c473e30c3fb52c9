"""Turning what someone typed into search terms, and showing where they matched.

Both lexical engines get the same terms: lower-case words with accents folded, minus the
127 English stopwords of PostgreSQL's ``english`` configuration (FTS5 has none, and an OR of
"the" would match everything), at least two characters, each once. Terms hold only a–z and
0–9, so they cannot carry FTS5 or tsquery syntax.
"""

import functools
import html
import itertools
import re
import unicodedata

from django.utils.safestring import SafeString, mark_safe

STOPWORDS = frozenset("""
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that
these those am is are was were be been being have has had having do does did doing a an the and
but if or because as until while of at by for with about against between into through during
before after above below to from up down in out on off over under again further then once here
there when where why how all any both each few more most other some such no nor not only own
same so than too very s t can will just don should now
""".split())

MAX_TERMS = 32


def fold(text: str) -> str:
    """Lower case without accents: "Café" → "cafe"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def query_terms(query: str) -> list[str]:
    terms: list[str] = []
    for token in re.findall(r"[0-9a-z]+", fold(query)):
        if token in STOPWORDS or len(token) < 2 or token in terms:
            continue
        terms.append(token)
    return terms[:MAX_TERMS]


def word_stems(text: str, *, stopwords: bool = True) -> frozenset[str]:
    """The words of a text as ``query_terms`` reads them, each crudely stemmed (with the
    stopwords, or without them as query terms are): what decides whether a query names
    something found by name ("Leeds councils" names Leeds City Council)."""
    return frozenset(_stem(token) for token in re.findall(r"[0-9a-z]+", fold(text))
                     if stopwords or token not in STOPWORDS)


def normalise_query(query: str) -> str:
    """The query as it is compared and recorded: spaces collapsed, control characters gone."""
    query = re.sub(r"[\x00-\x1f\x7f]", " ", query)
    return " ".join(query.split())


# Longest first.
_SUFFIXES = sorted(("ies", "es", "s", "ing", "ed", "ly", "er", "ers", "ment", "ments", "ion",
                    "ions"), key=len, reverse=True)


def _stem(term: str) -> str:
    """A crude stem, only for highlighting: "appointments" and "appointment" share "appoint"."""
    for suffix in _SUFFIXES:
        if term.endswith(suffix) and len(term) - len(suffix) >= 4:
            return term[: -len(suffix)]
    return term


_TOKEN = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)
_NOT_A_LETTER = re.compile(r"[^0-9a-z]")


REMEMBERED_WORD = 40  # characters: longer tokens (addresses, run-on text) are not remembered


def _word_stem(token: str) -> str | None:
    """What a word of a text is matched on (its letters, folded, stemmed; None for a token
    of no letters): remembered, as the same words recur in every text (a page of snippets
    took 2.6 ms, most of it folding the same words again)."""
    return _remembered_stem(token) if len(token) <= REMEMBERED_WORD else _stem_of(token)


def _stem_of(token: str) -> str | None:
    word = _NOT_A_LETTER.sub("", fold(token))
    return _stem(word) if word else None


_remembered_stem = functools.lru_cache(maxsize=50_000)(_stem_of)


def snippet(text: str, terms: list[str], *, words: int = 40) -> SafeString:
    """About ``words`` words of ``text`` around the densest run of matching words, each match
    in ``<mark>`` (the word, not the punctuation around it). A word matches a term when they
    share a stem ("appointment", "appointments"), not merely a beginning ("tax", "taxi").
    Everything else is escaped (with ``html.escape``, as Django's ``escape`` does, without its
    wrapper for lazy text: a page of snippets escapes some 400 words)."""
    tokens = text.split()
    if not tokens:
        return mark_safe("")
    stems = {_stem(term) for term in terms}
    hits = [_word_stem(token) in stems for token in tokens]
    start = 0
    if any(hits) and len(tokens) > words:
        running = list(itertools.accumulate(hits, initial=0))
        counts = [running[first + words] - running[first]
                  for first in range(len(tokens) - words + 1)]
        start = counts.index(max(counts))  # the first of the densest runs
    window = tokens[start:start + words]
    shown = []
    for token, hit in zip(window, hits[start:start + words], strict=True):
        if hit:
            before, word, after = _TOKEN.match(token).groups()
            shown.append(f"{html.escape(before)}<mark>{html.escape(word)}</mark>"
                         f"{html.escape(after)}")
        else:
            shown.append(html.escape(token))
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + words < len(tokens) else ""
    return mark_safe(prefix + " ".join(shown) + suffix)  # noqa: S308 - every word escaped


# An address, also written with spaces around "@" or as "at" and "dot": "jane at example dot
# org". (Run after NFKC, so a full-width "＠" is an "@".)
_EMAIL = re.compile(
    r"\S+\s*@\s*\S+"
    r"|\b[\w.+-]+\s+(?:at|\(at\)|\[at\])\s+[\w-]+(?:\s+(?:dot|\(dot\)|\[dot\])\s+[a-z]{2,})+\b",
    re.IGNORECASE)
_NUMBER = re.compile(r"[(+]*\d[\d\s.,/()-]{3,}\d")  # phone, reference numbers, dates of birth
_NI_NUMBER = re.compile(r"\b[a-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[a-d]\b", re.IGNORECASE)
# A UK postcode says where someone lives: "SW1A 1AA", "M1 1AE".
_POSTCODE = re.compile(r"\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b", re.IGNORECASE)


def without_personal_data(query: str) -> str:
    """The query fit to keep: email addresses, postcodes and long numbers (phone, National
    Insurance or reference numbers) removed, lower case, at most 200 characters. The text is
    first put in its compatibility form (full-width letters and digits become plain ones) and
    its spaces collapsed, so that a disguised address or number is still found."""
    query = normalise_query(unicodedata.normalize("NFKC", query))
    query = _EMAIL.sub("[email]", query)
    query = _NI_NUMBER.sub("[number]", query)
    query = _POSTCODE.sub("[postcode]", query)
    query = _NUMBER.sub("[number]", query)
    return normalise_query(query).lower()[:200]
