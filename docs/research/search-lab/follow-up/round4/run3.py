"""Idea 2 (sentence-level MaxSim) and idea 3 (all-but-the-top post-processing; idf-weighted re-pooling of
the token vectors, i.e. SIF-style document and query vectors from the same model)."""
from base4 import *
import pickle
LS = [0, .1, .2, .3, .5, .7, 1]
def mixfam(name, X, near_from_mix=True, grid=LS):
    return evaluate(name, grid, lambda l: hub((1 - l) * S0 + l * X, ((1 - l) * S0 + l * X) if near_from_mix else S0))
# ---------------- 2. sentence level
SENTS = []
for c in CASE_LIST:
    ss = [c["title"]] + sentences(c["summary"]) + sentences(clean_outcome(c["outcome"]))
    SENTS.append([s for s in ss if s])
owner = np.concatenate([[j] * len(s) for j, s in enumerate(SENTS)]); starts = np.concatenate([[0], np.cumsum([len(s) for s in SENTS])[:-1]])
SV = EMB.encode([s for ss in SENTS for s in ss]); EMB.save()
SS = QV @ SV.T
SMAX = np.maximum.reduceat(SS, starts, axis=1)
SMEAN = np.add.reduceat(SS, starts, axis=1) / np.array([len(s) for s in SENTS])
def topk_mean(k):
    out = np.zeros((nq, N), np.float32)
    for j in range(N):
        blk = np.sort(SS[:, starts[j]:starts[j] + len(SENTS[j])], axis=1)[:, ::-1][:, :k]
        out[:, j] = blk.mean(1)
    return out
print(f"sentences per case: mean {np.mean([len(s) for s in SENTS]):.1f}")
print("(2) sentence-level MaxSim mixed with the full-text cosine inside the hub")
evaluate("HUB", [0], lambda p: HUB)
evaluate("2  sentence max alone (in hub)", [0], lambda p: hub(SMAX, SMAX))
mixfam("2  mix sentence max, near=mix", SMAX)
mixfam("2  mix sentence max, near=cos", SMAX, False)
mixfam("2  mix sentence mean, near=mix", SMEAN)
mixfam("2  mix mean of top-2 sentences, near=mix", topk_mean(2))
MS = pickle.load(open(os.path.join(HERE, "ms.pkl"), "rb"))
# ---------------- 3a. all-but-the-top: centre on the corpus mean, project out the top principal directions
CORP = np.concatenate([D, SV])            # the corpus's own texts only (documents and their sentences)
mu = CORP.mean(0); U, s, Vt = np.linalg.svd(CORP - mu, full_matrices=False)
def abtt(X, k, centre=True):
    Y = X - mu if centre else X.copy()
    if k: Y = Y - (Y @ Vt[:k].T) @ Vt[:k]
    return norm(Y)
print("\n(3a) all-but-the-top (mean and top-k principal directions of the corpus's texts removed), replaces cos everywhere")
for k in [0, 1, 2, 3, 5, 10]:
    Sk = abtt(QV, k) @ abtt(D, k).T
    evaluate(f"3a ABTT k={k} alone (in hub, near from it)", [0], lambda p: hub(Sk, Sk))
def abtt_hub(k):
    Sk = abtt(QV, k) @ abtt(D, k).T; return hub(Sk, Sk)
evaluate("3a ABTT k tuned", [None, 0, 1, 2, 3, 5, 10], lambda k: HUB if k is None else abtt_hub(k))
# ---------------- 3b. idf-weighted pooling of the (raw) token vectors
def pooled(text, p):
    tk, v = tok_encode([text])[0]
    w = np.array([max(wp_idf(t), 0.0) ** p if p else 1.0 for t in tk]) + 1e-6
    x = (w[:, None] * v).sum(0); return x / np.linalg.norm(x)
print("\n(3b) SIF-style pooling: vector = normalise(sum idf(t)^p * token vector), query and document")
for p in [0, 0.5, 1, 2]:
    Qp = np.stack([pooled(q["query"], p) for q in Q]); Dp = np.stack([pooled(doc_text(c, "tsom"), p) for c in CASE_LIST])
    Sp = Qp @ Dp.T
    evaluate(f"3b pool p={p} alone (in hub)", [0], lambda _: hub(Sp, Sp))
    mixfam(f"3b mix cos with pool p={p}", Sp)
# ---------------- 3c. MaxSim on top of all-but-the-top? and MaxSim combined with sentence max
print("\n(3c) combinations with the best MaxSim variant")
X = MS[("full", False, "idf")]
evaluate("1  ref: mix MS[full-idf]", LS, lambda l: hub((1 - l) * S0 + l * X, (1 - l) * S0 + l * X))
evaluate("3c cos, MS, sentence max (l, m)", [(l, m) for l in [0, .3, .5, .7] for m in [0, .2, .3]], lambda p: hub((1 - p[0] - p[1]) * S0 + p[0] * X + p[1] * SMAX, (1 - p[0] - p[1]) * S0 + p[0] * X + p[1] * SMAX))
pickle.dump(dict(SMAX=SMAX), open(os.path.join(HERE, "sent.pkl"), "wb"))
