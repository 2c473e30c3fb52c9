"""Round 5, fourth batch: the late stage's cosine re-pooled from the document's own word-piece
vectors (already read for MaxSim), with or without the metadata line's pieces."""
from exp5 import family, surface, rank, FAMILIES, np, Q, COS, DV, DF, N, NQ
def pooled(fields):
    V = np.zeros((N, DV[0].shape[1]), np.float32)
    for r in range(N):
        m = np.isin(DF[r], fields)
        v = DV[r][m].mean(0); V[r] = v / np.linalg.norm(v)
    return V
VALL, VCONT = pooled((0, 1, 2, 3)), pooled((0, 1, 2))
CALL = np.stack([VALL @ q["vector"] for q in Q]); CCONT = np.stack([VCONT @ q["vector"] for q in Q])
print("corr cos vs re-pooled (all pieces):", np.corrcoef(COS.ravel(), CALL.ravel())[0, 1].round(3),
      "content only:", np.corrcoef(COS.ravel(), CCONT.ravel())[0, 1].round(3))
import lab5
def rank_repooled(i, C2, a):
    # in the late stage the cosine is (1 - a) cos + a re-pooled cosine; MaxSim as shipped
    saved = lab5.COS[i].copy()
    out0, s0 = rank(i, late_pool=0, return_parts=True)
    try:
        pool = out0[:50]
        lab5.COS[i][pool] = (1 - a) * saved[pool] + a * C2[i][pool]
        # the first stage must stay as shipped: rank() recomputes it from COS, so compute the
        # pool first and keep it by giving the pool rows a late-only change
        return rank(i)
    finally:
        lab5.COS[i] = saved
for nm, C2 in (("all pieces", CALL), ("content pieces", CCONT)):
    family(f"late cosine re-pooled from {nm}", [("hub", rank)] + [(f"a={a}", (lambda a: lambda i: rank_repooled(i, C2, a))(a)) for a in (.5, 1)])
    surface(f"late cosine re-pooled from {nm}")
