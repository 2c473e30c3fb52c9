"""Round 5, seventh batch: the neighbours' closeness in the late stage taken from MaxSim
(a mix with its own weight m) rather than from the document's own mix."""
from exp5 import family, surface, rank, FAMILIES, np, COS, maxsim
def near_ms(i, m):
    ms = maxsim(i)
    def f(close, pool):
        v = COS[i].copy(); v[pool] = (1 - m) * COS[i][pool] + m * ms[pool]; return v
    return f
family("late near from (1-m) cos + m MaxSim", [("hub", rank)] + [(f"m={m}", (lambda m: lambda i: rank(i, near_from=near_ms(i, m)))(m)) for m in (.25, .75, 1)])
surface("late near from (1-m) cos + m MaxSim")
