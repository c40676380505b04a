"""The tests behind the trends: a negative-binomial tail and the Benjamini-Hochberg procedure.

Weekly counts per theme or term are small, so a normal approximation (z-scores)
would flag noise. The rate of a key is uncertain too: with a Gamma prior and the
baseline weeks' counts, the next week's count follows a negative binomial
(the Gamma-Poisson posterior predictive), whose upper tail is an exact p-value
for small counts. Extra week-to-week variation (overdispersion) is taken into
account by a quasi-Poisson scale estimated from the baseline itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scipy.special import betainc

# A weak prior: half a contact per unit of exposure-weight 0.5; it keeps a key never seen
# before from having an expected count of exactly zero.
PRIOR_COUNT = 0.5
PRIOR_EXPOSURE = 0.5


@dataclass(frozen=True)
class Tail:
    expected: float
    p_value: float
    dispersion: float


def dispersion(counts: Sequence[float], exposures: Sequence[float]) -> float:
    """Pearson chi-square over degrees of freedom of the baseline around its own rate; at least 1."""
    total, weight = sum(counts), sum(exposures)
    if len(counts) < 3 or total <= 0 or weight <= 0:
        return 1.0
    rate = total / weight
    chi2 = sum((c - rate * e) ** 2 / (rate * e) for c, e in zip(counts, exposures, strict=True) if e > 0)
    return max(1.0, chi2 / (len(counts) - 1))


def upper_tail(count: int, counts: Sequence[float], exposures: Sequence[float], exposure: float) -> Tail:
    """P(X >= count) for this week's count X given the baseline weeks' counts and exposures.

    X ~ NegBin(r, p) with r = prior + sum(counts), p = B / (B + exposure), B = prior + sum(exposures);
    under overdispersion phi every count is divided by phi (quasi-Poisson). Uses the regularised
    incomplete beta, P(X >= x) = I_{1-p}(x, r), which is exact for whole counts and phi = 1.
    """
    phi = dispersion(counts, exposures)
    shape = PRIOR_COUNT + sum(counts) / phi
    scale = PRIOR_EXPOSURE + sum(exposures)
    expected = (PRIOR_COUNT + sum(counts) / phi) * phi * exposure / scale
    if count <= 0 or exposure <= 0:
        return Tail(expected, 1.0, phi)
    p = scale / (scale + exposure)
    return Tail(expected, float(betainc(count / phi, shape, 1.0 - p)), phi)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Adjusted p-values (q-values) in the input order; rejecting q <= alpha keeps the FDR at alpha.

    scipy 1.11 has stats.false_discovery_control; Rasa pins scipy 1.10, hence these lines.
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        index = order[rank - 1]
        running = min(running, p_values[index] * m / rank)
        adjusted[index] = min(1.0, running)
    return adjusted
