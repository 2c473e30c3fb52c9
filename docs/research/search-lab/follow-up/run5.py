from sem import *
def ev(F):
    M = metrics(F); return M[:ND, 0].mean(), M[:ND, 1].mean(), M[ND:, 0].mean(), M[ND:, 1].mean()
print("joint surface B2(k,g) x E3(w): dev nDCG/R@10 | held nDCG/R@10")
for w in [0, 0.85, 0.9, 0.95]:
    for k in [5, 10, 20]:
        row = []
        for g in [0.2, 0.3, 0.5]:
            a = ev(fuse(B2(E3(S0, w), k, g)))
            row.append(f"{a[0]:.3f}/{a[1]:.2f}|{a[2]:.3f}/{a[3]:.2f}")
        print(f" w={w} k={k:2d}: " + "  ".join(row), flush=True)
grid = [(w, k, g) for w in [0, 0.85, 0.9, 0.95] for k in [5, 10, 20] for g in [0.2, 0.3, 0.5]]
family("BE B2 x E3 joint grid (36)", grid, lambda p: fuse(B2(E3(S0, p[0]), p[1], p[2])))
grid = [(k, g) for k in [5, 10, 20] for g in [0.2, 0.3, 0.5]]
family("B2 grid (9)", grid, lambda p: fuse(B2(S0, *p)))
# E3 alternative without a scale parameter: max over (tsom, title, summary, outcome) of cosines, each field vector
family("E3 w=1 (no param)", [1.0], lambda w: fuse(E3(S0, w)))
# B2 on semantic only (no lexical)
family("B2(10,.3) semantic only, no lexical", [0], lambda p: B2(S0, 10, 0.3))
pickle.dump(RESULTS, open("res5.pkl", "wb"))
