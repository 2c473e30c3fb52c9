"""Round 5, third batch: how strongly each query piece and each match counts in MaxSim."""
from exp5 import family, surface, rank, FAMILIES, np, Q, QW, BEST, COS, maxsim, order, N
def pool_of(i):
    out, score = rank(i, late_pool=0, return_parts=True)
    return out[:50]
POOLS = [pool_of(i) for i in range(len(Q))]
def ms_var(i, kind, p):
    b = BEST[i]; w = QW[i].copy()
    if kind == "salience":   # how much the piece carries the query's own sentence vector
        s = np.maximum(Q[i]["tokens"] @ Q[i]["vector"], 0)
        w = w * s ** p
    elif kind == "spread":   # how much the piece's best match varies among the candidates
        w = w * b[:, POOLS[i]].std(1) ** p
    elif kind == "power":    # strong matches count more
        b = np.maximum(b, 0) ** p
    elif kind == "floor":    # only the part of a match above p counts (plus p, to keep scale)
        b = np.maximum(b, p)
    return maxsim(i, weights=w.astype(np.float32), best=b)
for kind, ps in (("salience", (.5, 1, 2)), ("spread", (-1, .5, 1)), ("power", (1.5, 2, 3)), ("floor", (.2, .3, .4))):
    name = f"MaxSim {kind}"
    family(name, [("hub", rank)] + [(f"p={p}", (lambda p: lambda i: rank(i, ms=ms_var(i, kind, p)))(p)) for p in ps])
    surface(name)
