from sem import *
import sys
dev_nd = lambda F: metrics(F)[:ND, 0].mean()
print("C1 surface (text mode) dev nDCG: rows (maxdf,m), cols delta .2 .35 .5 .65 .8")
for mx in [0, 1, 2, 5]:
    for m in [1, 3, 5, 8]:
        print(f"  df<={mx} m={m:2d}: " + " ".join(f"{dev_nd(fuse(S_C1(m, d, 'text', mx))):.3f}" for d in [0.2, 0.35, 0.5, 0.65, 0.8]), flush=True)
print("B2 surface (max) dev nDCG: rows k, cols g .1 .2 .3 .5 .7 1.0")
for k in [1, 3, 5, 10, 15, 20, 30]:
    print(f"  k={k:2d}: " + " ".join(f"{dev_nd(fuse(B2(S0, k, g))):.3f}" for g in [0.1, 0.2, 0.3, 0.5, 0.7, 1.0]))
print("B2 held-out nDCG same surface")
hd = lambda F: metrics(F)[ND:, 0].mean()
for k in [3, 5, 10, 20]:
    print(f"  k={k:2d}: " + " ".join(f"{hd(fuse(B2(S0, k, g))):.3f}" for g in [0.1, 0.2, 0.3, 0.5, 0.7, 1.0]))
print("A2 surface: g 0.1..1.0 dev / held:", [(g, round(dev_nd(fuse(A2(S0, g))), 3), round(hd(fuse(A2(S0, g))), 3)) for g in [0.1, 0.2, 0.3, 0.5, 0.7, 1.0]])
print("E3 surface: w dev / held:", [(w, round(dev_nd(fuse(E3(S0, w))), 3), round(hd(fuse(E3(S0, w))), 3)) for w in [0.8, 0.85, 0.9, 0.95, 1.0]])
def combo(c1, b2, a2, e3):
    S = S_C1(*c1) if c1 else S0
    S = E3(S, e3); S = B2(S, *b2) if b2 else S; S = A2(S, a2)
    return fuse(S)
grid = [(c1, b2, a2, e3) for c1 in [None, (5, 0.5, "text", 2)] for b2 in [None, (10, 0.3), (20, 0.5)] for a2 in [0, 0.3, 0.5] for e3 in [0, 0.9]]
family("K combo C1 x B2 x A2 x E3 (joint LOO)", grid, lambda p: combo(*p))
grid = [(None, b2, a2, e3) for b2 in [None, (10, 0.3), (20, 0.5)] for a2 in [0, 0.3, 0.5] for e3 in [0, 0.9]]
family("K' combo B2 x A2 x E3 (no query expansion)", grid, lambda p: combo(*p))
for p in [(None, (10, 0.3), 0, 0), (None, (10, 0.3), 0.3, 0), (None, (10, 0.3), 0, 0.9), (None, (10, 0.3), 0.3, 0.9), ((5, 0.5, "text", 2), (10, 0.3), 0.3, 0.9), (None, None, 0.3, 0.9)]:
    family(f"fixed {p}", [p], lambda p: combo(*p))
pickle.dump(RESULTS, open("res4.pkl", "wb"))
