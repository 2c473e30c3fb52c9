"""Round 5, sixth batch: ColBERT-style query augmentation with [MASK] pieces (qmask5.py)."""
import pickle
from exp5 import family, surface, rank, FAMILIES, np, Q, QW, ALLV, STARTS, maxsim, piece_idf, ROOT
QM = pickle.load(open(ROOT / "cache" / "qmask.pkl", "rb"))
def ms_mask(i, n, f, mode):
    ids, t, ismask = QM[n][i]
    if mode == "orig+masks":   # the query's own pieces as shipped, plus the masks
        t = np.concatenate([Q[i]["tokens"], t[ismask]]); real_w = QW[i]; nm = int(ismask.sum())
    else:                      # every piece from the augmented pass
        real_w = piece_idf(ids[~ismask]); t = np.concatenate([t[~ismask], t[ismask]]); nm = int(ismask.sum())
    w = np.concatenate([real_w, np.full(nm, f * real_w.mean(), np.float32)]).astype(np.float32)
    b = np.maximum.reduceat(t @ ALLV.T, STARTS, axis=1)
    return maxsim(i, weights=w, best=b)
for mode in ("orig+masks", "augmented"):
    G = [("hub", rank)] + [(f"n={n},f={f}", (lambda n, f: lambda i: rank(i, ms=ms_mask(i, n, f, mode)))(n, f))
                           for n in (4, 8, 16) for f in (.25, .5, 1)]
    family(f"query [MASK] augmentation, {mode}", G)
    surface(f"query [MASK] augmentation, {mode}")
