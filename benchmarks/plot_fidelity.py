"""The test-fidelity table as a plot: TPR, TNR and mutation score of each synthesis mode, with
CodeContests-O's TPR/TNR as reference lines.

    python benchmarks/plot_fidelity.py benchmarks/results/test_fidelity_odd.json docs/img/test_fidelity_odd.png
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

LABELS = {
    "before": "inputs mode before",
    "domain": "domain-aware inputs",
    "feedback": "synth defaults",
    "paper": "paper: tests + proxy",
}


def main(source: str, target: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = json.loads(Path(source).read_text())
    modes = list(data["modes"])
    measures = [("tpr", "TPR"), ("tnr", "TNR"), ("mutation_score", "mutation score")]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    width = 0.8 / len(measures)
    for k, (key, label) in enumerate(measures):
        values = [data["modes"][m].get(key) or 0.0 for m in modes]
        ax.bar([i + k * width for i in range(len(modes))], values, width, label=label)
    anchor = data["anchor"]
    ax.axhline(anchor["tpr"], color="grey", ls="--", lw=1, label=f"{anchor['name']} TPR / TNR")
    ax.axhline(anchor["tnr"], color="grey", ls=":", lw=1)
    ax.set_xticks([i + width for i in range(len(modes))], [LABELS.get(m, m) for m in modes], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(
        f"Test fidelity, HumanEval {data['split']}-index ({data['problems']} problems × {data['samples_per_problem']} samples)"
    )
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    fig.savefig(target, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
