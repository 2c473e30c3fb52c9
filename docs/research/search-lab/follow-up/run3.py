from sem import *
grid = [(m, d, md, mx) for md in ["text", "vec"] for mx in [0, 1, 2, 5] for m in [3, 5, 8, 12] for d in [0.35, 0.5, 0.65, 0.8]]
family("C1x expand rare words, wider grid", grid, lambda p: fuse(S_C1(*p)))
family("C1 fixed (5,0.5,text,2)", [(5, 0.5, "text", 2)], lambda p: fuse(S_C1(*p)))
grid = [(k, g) for k in [5, 10, 15, 20, 30] for g in [0.1, 0.2, 0.3, 0.5, 0.7]]
family("B2x cos + g*max cos(q,kNN(d)), wider", grid, lambda p: fuse(B2(S0, *p)))
family("A2x centroid prior wider", [0.2, 0.3, 0.5, 0.7, 1.0], lambda g: fuse(A2(S0, g)))
family("E3x max(tsom, w*fieldmax)", [0.85, 0.9, 0.95, 1.0], lambda w: fuse(E3(S0, w)))
EMB.save()
for i, (q, r, nb) in enumerate(C1_expansions(5, 2)[:29]):
    if r: print(f"  {q[:60]:60s} rare={r} -> {nb}")
