"""Which dev queries move under small perturbations of the shipped method (late weight .45/.55,
query-piece weights idf^0.75 / idf^1.25, neighbour weight .45/.55)."""
from exp5 import *
pert = {"l=.45": lambda i: rank(i, late_weight=.45), "l=.55": lambda i: rank(i, late_weight=.55),
        "idf^.75": lambda i: rank(i, ms=maxsim(i, weights=QW[i] ** .75)), "idf^1.25": lambda i: rank(i, ms=maxsim(i, weights=QW[i] ** 1.25)),
        "wn=.45": lambda i: rank(i, wn=.45), "wn=.55": lambda i: rank(i, wn=.55)}
Ms = {k: evaluate(f) for k, f in pert.items()}
for k, m in Ms.items():
    s = summary(m); print(f"{k:9s} dev {s['ndcg']:.3f}/{s['recall']:.3f}/{s['mrr']:.3f}/{s['para']:.3f} self {s['self_ndcg']:.3f}/{s['self_recall']:.3f}")
for i in np.flatnonzero(DEV):
    ch = {k: (m[i, 0] - BASE[i, 0], m[i, 1] - BASE[i, 1]) for k, m in Ms.items()}
    if any(abs(a) > 1e-9 or abs(b) > 1e-9 for a, b in ch.values()):
        print(f"{Q[i]['query'][:55]:55s} hub {BASE[i,0]:.2f}/{BASE[i,1]:.2f} " + " ".join(f"{k}:{a:+.2f}/{b:+.2f}" for k, (a, b) in ch.items()))
