"""Minimal WordNet 3.0 reader (Debian wordnet-base): synonyms of a word, senses in frequency order."""
import re
WN = "/usr/share/wordnet/"
POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
_idx, _data, _exc = {}, {}, {}
def _load():
    if _idx: return
    for p, f in POS.items():
        for line in open(WN + "index." + f, encoding="latin-1"):
            if line.startswith(" "): continue
            x = line.split(); lemma = x[0]; pc = int(x[3]); offs = x[4 + pc + 2:]
            _idx[(lemma, p)] = offs
        _data[p] = open(WN + "data." + f, encoding="latin-1").read()
        for line in open(WN + f + ".exc", encoding="latin-1"):
            a, *b = line.split(); _exc[(a, p)] = b
RULES = {"n": [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y")],
         "v": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
         "a": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")], "r": []}
def base_forms(w, p):
    _load(); out = []
    if (w, p) in _idx: out.append(w)
    for b in _exc.get((w, p), []):
        if (b, p) in _idx: out.append(b)
    for suf, rep in RULES[p]:
        if w.endswith(suf):
            b = w[: len(w) - len(suf)] + rep
            if (b, p) in _idx: out.append(b)
    return list(dict.fromkeys(out))
_cache = {}
def synset(p, off):
    key = (p, off)
    if key not in _cache:
        d = _data[p]; i = d.find("\n" + off + " ") + 1
        line = d[i: d.find("\n", i)]
        x = line.split(" | ")[0].split(); wc = int(x[3], 16)
        words = [x[4 + 2 * k].lower() for k in range(wc)]
        j = 4 + 2 * wc; pc = int(x[j]); ptrs = [(x[j + 1 + 4 * k], x[j + 2 + 4 * k], x[j + 3 + 4 * k]) for k in range(pc)]
        _cache[key] = (words, ptrs)
    return _cache[key]
def related(w, senses=2, hyper=False, similar=True):
    """Synonyms (lemmas of the word's first `senses` synsets per POS), optionally direct hypernyms and adj similar-to."""
    out = []
    for p in POS:
        for b in base_forms(w, p):
            for off in _idx[(b, p)][:senses]:
                words, ptrs = synset(p, off); out += words
                for sym, o2, p2 in ptrs:
                    p2 = "a" if p2 == "s" else p2
                    if (hyper and sym in ("@", "@i")) or (similar and sym == "&"):
                        out += synset(p2, o2)[0]
    toks = []
    for o in out:
        for t in re.split(r"[_\-\s]+", re.sub(r"\(.*?\)", "", o)):
            if t and t != w and t not in toks: toks.append(t)
    return toks
