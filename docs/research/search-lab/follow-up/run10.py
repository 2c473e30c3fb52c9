from feats import *
print("BASE", pt(MB).round(3), "para", MB[:ND][ispara[:ND],0].mean().round(3), "held", MB[ND:].mean(0).round(3))
print("geo fires dev:", [Q[i]["query"] for i in range(ND) if GFIRE[i]])
print("geo fires held:", [Q[i]["query"] for i in range(ND, nq) if GFIRE[i]])
print("ev trigger dev:", [Q[i]["query"] for i in range(ND) if EVQ[i]])
print("ev trigger held:", [Q[i]["query"] for i in range(ND, nq) if EVQ[i]])
print("EV levels:", np.bincount(EVL.astype(int)))
gate = (BETA > 0)[:, None]
DEL = [0, .02, .05, .08, .1, .15, .2, .3, .5]
fams = {
 "1a cov(d)":            lambda p: BASE + p * COVD,
 "1b cov(d) gated":      lambda p: BASE + p * COVD * gate,
 "1c cov(d)^2":          lambda p: BASE + p * COVD ** 2,
 "1d cov title":         lambda p: BASE + p * COVT,
 "1e cov(d) ungated-only": lambda p: BASE + p * COVD * ~gate,
}
for n, fn in fams.items():
    r = family(n, DEL, fn); report(n + " best", r["M"])
r = family("1* all cov variants jointly", [(k, d) for k in fams for d in DEL], lambda p: fams[p[0]](p[1])); report("1* best", r["M"])
EPS = [0, .02, .05, .08, .1, .15, .2, .3]
r = family("2 geo boost", EPS, lambda p: BASE + p * GEO); report("2 best", r["M"])
for e in [.05, .1, .2]: report(f"2 geo eps={e}", metrics(BASE + e * GEO))
r = family("3 evidence level boost (trigger)", EPS, lambda p: BASE + p * EVQ[:, None] * EVL / 2); report("3 best", r["M"])
for e in [.05, .1, .2]: report(f"3 ev eps={e}", metrics(BASE + e * EVQ[:, None] * EVL / 2))
