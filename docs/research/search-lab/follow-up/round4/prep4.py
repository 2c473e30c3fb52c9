import time; t0 = time.time()
from tokcache import *
from common import CASE_LIST, ALLQ, doc_text, meta_text, sentences, clean_outcome
texts = [q["query"] for q in ALLQ]
texts += [doc_text(c, "tsom") for c in CASE_LIST]
texts += [c["title"] for c in CASE_LIST] + [c["summary"] for c in CASE_LIST] + [c["outcome"] for c in CASE_LIST] + [meta_text(c) for c in CASE_LIST]
texts = [t for t in texts if t]
r = tok_encode(texts)
print(len(texts), "texts", time.time() - t0)
m = model()
L = [len(m.tokenizer(doc_text(c, "tsom"))["input_ids"]) for c in CASE_LIST]
print("tsom wordpieces: mean %.0f max %d >256: %d" % (np.mean(L), max(L), sum(l > 256 for l in L)))
