from sem import *
G1 = metrics(fuse(S0))
F = fuse(B2(S0, 20, 0.5)); M = metrics(F)
print("B2(20,.5) dev", M[:ND].mean(0).round(3), "para", M[:ND][ispara[:ND], 0].mean().round(3), "held", M[ND:].mean(0).round(3), "held para", M[ND:][ispara[ND:],0].mean().round(3))
print("worst 8 dev under B2(20,.5): nDCG | G1 | R@10 | type | query")
for i in np.argsort(M[:ND, 0], kind="stable")[:8]:
    print(f"  {M[i,0]:.2f} | {G1[i,0]:.2f} | {M[i,1]:.2f} | {Q[i]['type'][:5]} | {Q[i]['query']}")
# production form: candidates = semantic top-50 U lexical top-50, boost from full cosine vector
same = 0
for i in range(nq):
    cand = set(np.argsort(-S0[i])[:50]) | {IDX[d] for d in LEX[i]}
    sc = {j: F[i, j] for j in cand}
    r1 = [IDS[j] for j in sorted(sc, key=lambda j: (-sc[j], j))][:10]
    r2 = [IDS[j] for j in np.lexsort((np.arange(N), -F[i]))][:10]
    same += r1 == r2
print("top-10 identical with candidate-pool implementation:", same, "/", nq)
# how often the boost term's argmax neighbour is in a different challenge area
nbA = (AREA_OF[NN[:, :20]] == AREA_OF[:, None]).mean()
print("share of 20-NN in same challenge area: %.2f" % nbA)
