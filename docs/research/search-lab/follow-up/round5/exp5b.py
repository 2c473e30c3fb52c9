"""Round 5, second batch: how a document's neighbours' closeness is summarised ("near")."""
from exp5 import family, surface, rank, FAMILIES, np
def topm(m):
    return lambda v: np.sort(v, axis=1)[:, -m:].mean(1)
def kth(m):
    return lambda v: np.sort(v, axis=1)[:, -m]
family("near = mean of the m best neighbours", [("hub", rank)] + [(f"m={m}", (lambda m: lambda i: rank(i, agg=topm(m)))(m)) for m in (2, 3, 5)])
surface("near = mean of the m best neighbours")
family("near = m-th best neighbour", [("hub", rank)] + [(f"m={m}", (lambda m: lambda i: rank(i, agg=kth(m)))(m)) for m in (2, 3)])
surface("near = m-th best neighbour")
