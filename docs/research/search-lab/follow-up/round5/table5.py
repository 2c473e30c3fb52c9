"""Every round-5 family in one table (markdown): for each, the best setting other than the hub's
(by dev nDCG + recall@10), its dev and self-labelled figures, leave-one-query-out over the
family's whole grid (the hub's setting included, ties to it), and the paired bootstrap over
all 49 queries of that setting against the hub (nDCG, recall@10; 10,000 resamples)."""
import exp5, exp5b, exp5c, exp5d, exp5e, exp5f, exp5g  # noqa: F401  (each adds its families)
from exp5 import FAMILIES, BASE, summary, boot, DEV, np
rows = ["| variant (grid) | best other setting | dev nDCG / R@10 / MRR / para | LOQO dev nDCG / R@10 | self nDCG / R@10 | Δ nDCG all 49 [95% CI] | Δ R@10 all 49 [95% CI] | ± queries |",
        "|---|---|---|---|---|---|---|---|"]
s = summary(BASE)
rows.append(f"| **hub as shipped, reproduced** | – | {s['ndcg']:.3f} / {s['recall']:.3f} / {s['mrr']:.3f} / {s['para']:.3f} | – | {s['self_ndcg']:.3f} / {s['self_recall']:.3f} | – | – | – |")
key = lambda m: m[DEV, 0].mean() + m[DEV, 1].mean()
for name, r in FAMILIES.items():
    Ms, labels = r["Ms"], r["labels"]
    j = 1 + int(np.argmax(np.round([key(m) for m in Ms[1:]], 9)))
    m = Ms[j]; s = summary(m)
    bn = boot(m[:, 0], BASE[:, 0]); br = boot(m[:, 1], BASE[:, 1]); d = m[:, 0] - BASE[:, 0]
    rows.append(f"| {name} ({len(Ms)}) | {labels[j]} | {s['ndcg']:.3f} / {s['recall']:.3f} / {s['mrr']:.3f} / {s['para']:.3f} | "
                f"{r['cv_ndcg']:.3f} / {r['cv_recall']:.3f} | {s['self_ndcg']:.3f} / {s['self_recall']:.3f} | "
                f"{bn[0]:+.3f} [{bn[1]:+.3f}, {bn[2]:+.3f}] | {br[0]:+.3f} [{br[1]:+.3f}, {br[2]:+.3f}] | +{(d > 1e-9).sum()} −{(d < -1e-9).sum()} |")
open("table5.md", "w").write("\n".join(rows) + "\n"); print("\n".join(rows))
