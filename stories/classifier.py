"""Same story or not: a logistic regression over the pair's features (stories/features.py,
all but the event conflicts, which are vetoes of their own: `features.WEIGHED`).

The weights, the features' scaling and the cutoff live in `model.json` beside this file,
written by `manage.py train_same_story` from the tuning split of the labelled pairs (the cutoff
is chosen on out-of-fold predictions, topic by topic, so it is what an unseen topic gets).
Plain Python: nothing is downloaded or imported at run time beyond the file.
"""

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from stories.features import WEIGHED as NAMES

MODEL_PATH = Path(__file__).resolve().parent / "model.json"


@dataclass(frozen=True)
class Model:
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    cutoff: float
    undated_cutoff: float | None = None  # for pairs of which one side has no date

    def cutoff_for(self, features: dict[str, float]) -> float:
        """The cutoff of the pair's mode: with both dates, or with one side undated."""
        if features.get("undated") and self.undated_cutoff is not None:
            return self.undated_cutoff
        return self.cutoff

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(
            w * (features[name] - m) / s
            for name, m, s, w in zip(self.names, self.mean, self.scale, self.weights, strict=True)
        )
        return 1 / (1 + math.exp(-max(min(z, 30), -30)))

    def contributions(self, features: dict[str, float]) -> dict[str, float]:
        """Each feature's push towards "same" (positive) or "different" (negative)."""
        return {
            name: w * (features[name] - m) / s
            for name, m, s, w in zip(self.names, self.mean, self.scale, self.weights, strict=True)
        }

    def as_json(self, **extra) -> str:
        document = {
            "features": list(self.names),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
            "cutoff": self.cutoff,
            "undated_cutoff": self.undated_cutoff,
            **extra,
        }
        return json.dumps(document, indent=1) + "\n"


@cache
def model() -> Model:
    document = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    if tuple(document["features"]) != NAMES:
        raise RuntimeError(f"{MODEL_PATH} was trained on other features: run train_same_story.")
    return Model(
        tuple(document["features"]),
        tuple(document["mean"]),
        tuple(document["scale"]),
        tuple(document["weights"]),
        float(document["bias"]),
        float(document["cutoff"]),
        document.get("undated_cutoff"),
    )


def fit(rows: list[dict[str, float]], labels: list[int], *, l2: float = 1.0) -> Model:
    """Logistic regression on standardised features (Newton's method, L2 penalty)."""
    n = len(rows)
    mean = [sum(r[name] for r in rows) / n for name in NAMES]
    scale = [
        math.sqrt(sum((r[name] - m) ** 2 for r in rows) / n) or 1.0
        for name, m in zip(NAMES, mean, strict=True)
    ]
    x = [
        [1.0] + [(r[name] - m) / s for name, m, s in zip(NAMES, mean, scale, strict=True)]
        for r in rows
    ]
    k = len(NAMES) + 1
    beta = [0.0] * k
    for _ in range(50):
        gradient = [0.0] * k
        hessian = [[0.0] * k for _ in range(k)]
        for xi, yi in zip(x, labels, strict=True):
            z = sum(b * v for b, v in zip(beta, xi, strict=True))
            p = 1 / (1 + math.exp(-max(min(z, 30), -30)))
            w = p * (1 - p)
            for i in range(k):
                gradient[i] += (yi - p) * xi[i]
                for j in range(i, k):
                    hessian[i][j] += w * xi[i] * xi[j]
        for i in range(k):
            for j in range(i):
                hessian[i][j] = hessian[j][i]
            if i:  # the intercept is not penalised
                gradient[i] -= l2 * beta[i]
                hessian[i][i] += l2
        step = _solve(hessian, gradient)
        beta = [b + d for b, d in zip(beta, step, strict=True)]
        if max(abs(d) for d in step) < 1e-8:
            break
    return Model(NAMES, tuple(mean), tuple(scale), tuple(beta[1:]), beta[0], 0.5)


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting."""
    size = len(vector)
    rows = [row[:] + [value] for row, value in zip(matrix, vector, strict=True)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(col + 1, size):
            factor = rows[r][col] / rows[col][col]
            for c in range(col, size + 1):
                rows[r][c] -= factor * rows[col][c]
    solution = [0.0] * size
    for r in range(size - 1, -1, -1):
        known = sum(rows[r][c] * solution[c] for c in range(r + 1, size))
        solution[r] = (rows[r][size] - known) / rows[r][r]
    return solution
