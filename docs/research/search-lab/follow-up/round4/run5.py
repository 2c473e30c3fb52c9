"""The implementable form: MaxSim only for the top P by the current hub score; outside the pool the mix is
replaced by the cosine (what the hub knows there) for the neighbour term."""
from base4 import *
import pickle
MS = pickle.load(open(os.path.join(HERE, "ms.pkl"), "rb")); X = MS[("full", False, "idf")]
print(f"levels: cos mean {S0.mean():.3f} (top-10 mean {np.sort(S0,1)[:, -10:].mean():.3f}); MS mean {X.mean():.3f} (top-10 mean {np.sort(X,1)[:, -10:].mean():.3f})")
LS = [0, .1, .2, .3, .5, .7, 1]
for P in [20, 30, 50, 100]:
    def f(l):
        Xm = S0.copy()
        for i in range(nq):
            top = np.argsort(-HUB[i], kind="stable")[:P]
            Xm[i, top] = (1 - l) * S0[i, top] + l * X[i, top]
        return rerank_top(HUB, hub(Xm, Xm), P)
    evaluate(f"impl P={P}: mix in pool, cos outside (near)", LS, f)
    evaluate(f"impl P={P}: fixed l=.5", [.5], f)
