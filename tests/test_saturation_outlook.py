"""Saturation looking ahead (issue 19): the exact expected curve, the jackknives, sample
coverage, iNEXT's extrapolation with its bootstrap band and the interviews still needed.

Reference values: vegan (R) for the expected curve, its SD and the jackknives, committed below
(``VEGAN``) and recomputed live by ``test_vegan_reference_values_live`` when Rscript and vegan
are installed (scripts/test.sh installs Debian's r-cran-vegan); iNEXT is not packaged for Debian,
so its values were computed once with iNEXT 3.0.2 built from source (``INEXT``, committed), and
its formulas are also checked against hand-computed values and a plain re-implementation of its
R code (a loop per bootstrap sample, as ``iNEXT.Sam`` does). Published values: iNEXT's own
documented ant example (``test_published_inext_ant_example``)."""

from __future__ import annotations

import itertools
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from qualcode.analysis import estimators as estimators_module
from qualcode.analysis.accumulation import expected_accumulation
from qualcode.analysis.estimators import Frequencies, estimate, frequencies, sample_coverage
from qualcode.analysis.extrapolation import (Z95, bootstrap_curves, coverage_curve,
                                             detection_probabilities, extrapolate,
                                             more_interviews)
from qualcode.analysis.outlook import look_ahead
from qualcode.ui.saturation_methods import METHODS

R_SCRIPT = Path(__file__).parent / "r" / "saturation_reference.R"
DOC = (Path(__file__).parent.parent / "docs" / "methods-saturation.md").read_text(encoding="utf-8")

# Incidence matrices: interviews separated by commas, each interview the letters of its concepts.
CASES = {
    "no_doubletons": "abc,bd,ae,b,abf",  # Q1 = 4, Q2 = 0
    "mixed": "abcd,abe,acf,bg,ah,bcdi,aj",  # Q1 = 6, Q2 = 1
    "no_singletons": "abc,abd,acd,bcd,ab",  # Q1 = 0
    "everywhere": "ab,ab,ab",  # every concept in every interview
    "twelve": "abcdefgh,acegi,bdfhj,abk,cdl,efk,ghm,an,c,eo,g,abcdp",  # Q1 = 7, Q2 = 1
    "one_interview": "abc",
}

# Produced by: Rscript tests/r/saturation_reference.R <each case above>
# i.e. specaccum(x, method = "exact")$richness and $sd, and specpool(x) Species, chao, jack1,
# jack1.se, jack2 (vegan 2.6-4, Debian r-cran-vegan); NA is None.
VEGAN = {
    "no_doubletons": {
        "richness": [2.2, 3.5, 4.4, 5.2, 6.0],
        "sd": [0.748331477355, 0.714142842854, 0.489897948557, 0.4, 0.0],
        "specpool": [6.0, 10.8, 9.2, 1.6, 11.6],
    },
    "mixed": {
        "richness": [2.85714285714, 4.7619047619, 6.14285714286, 7.25714285714, 8.2380952381,
            9.14285714286, 10.0],
        "sd": [0.832993127835, 0.768712248111, 0.62661549556, 0.423037523319, 0.353882720908,
            0.349927106112, 0.0],
        "specpool": [10.0, 25.4285714286, 15.1428571429, 2.09956263667, 18.8333333333],
    },
    "no_singletons": {
        "richness": [2.8, 3.8, 4.0, 4.0, 4.0],
        "sd": [0.4, 0.458257569496, 0.0, 0.0, 0.0],
        "specpool": [4.0, 4.0, 4.0, 0.0, 4.0],
    },
    "everywhere": {
        "richness": [2.0, 2.0, 2.0],
        "sd": [0.0, 0.0, 0.0],
        "specpool": [2.0, 2.0, 2.0, 0.0, 2.0],
    },
    "twelve": {
        "richness": [3.41666666667, 6.06060606061, 8.10454545455, 9.69292929293, 10.9444444444,
            11.9545454545, 12.797979798, 13.5313131313, 14.1954545455, 14.8181818182,
            15.4166666667, 16.0],
        "sd": [1.93469779437, 2.04420657041, 1.84773301323, 1.55971827555, 1.27286427895,
            1.03367170226, 0.861877919782, 0.75322350349, 0.680813000752, 0.609016885522,
            0.493006648592, 0.0],
        "specpool": [16.0, 38.4583333333, 22.4166666667, 2.42527203514, 27.4924242424],
    },
    "one_interview": {
        "richness": [3.0],
        "sd": [0.0],
        "specpool": [3.0, 3.0, 3.0, 0.0, 3.0],
    },
}


def sets_of(case: str) -> list[set[str]]:
    return [set(s) for s in case.split(",")]


def brute_force(sets: list[set[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and (population) SD of the distinct concepts after t interviews over all orders."""
    curves = []
    for order in itertools.permutations(range(len(sets))):
        seen: set[str] = set()
        curve = []
        for i in order:
            seen |= sets[i]
            curve.append(len(seen))
        curves.append(curve)
    arr = np.array(curves, dtype=float)
    return arr.mean(axis=0), arr.std(axis=0)


# --- 1. the exact expected curve ----------------------------------------------------------------

@pytest.mark.parametrize("name", [n for n in CASES if CASES[n].count(",") < 7])
def test_exact_curve_is_the_mean_over_all_orders(name):
    sets = sets_of(CASES[name])
    acc = expected_accumulation(sets)
    mean, _ = brute_force(sets)
    assert acc.expected == pytest.approx(mean, abs=1e-12)
    assert acc.expected[-1] == len(set().union(*sets))


@pytest.mark.parametrize("name", list(CASES))
def test_exact_curve_and_sd_as_vegan(name):
    ref = VEGAN[name]
    acc = expected_accumulation(sets_of(CASES[name]))
    assert acc.expected == pytest.approx(ref["richness"], abs=1e-9)
    assert acc.sd == pytest.approx(ref["sd"], abs=1e-9)


def test_accumulation_rows_and_empty():
    rows = expected_accumulation(sets_of(CASES["no_doubletons"])).rows()
    assert [r["interviews"] for r in rows] == [1, 2, 3, 4, 5]
    assert set(rows[0]) == {"interviews", "expected", "sd"}
    assert rows[0]["expected"] == pytest.approx(11 / 5)  # 11 incidences over 5 interviews
    assert expected_accumulation([]).rows() == []


# --- 2. jackknives (vegan's specpool) and Q̂0 -------------------------------------------------

@pytest.mark.parametrize("name", list(CASES))
def test_estimators_as_vegan_specpool(name):
    species, chao, j1, j1se, j2 = VEGAN[name]["specpool"]
    est = estimate(sets_of(CASES[name]))
    assert est.observed == species
    assert est.jack1 == pytest.approx(j1, abs=1e-9)
    assert est.jack1_se == pytest.approx(j1se, abs=1e-9)
    assert est.jack2 == pytest.approx(j2, abs=1e-9)
    # vegan's small-sample Chao2 is S_obs + iNEXT's Q̂0 (classic form, bias-corrected if Q2 = 0)
    assert est.asymptote == pytest.approx(chao, abs=1e-9)


def test_jackknives_and_coverage_by_hand():
    # T = 7; Y = a5 b4 c3 d2 e f g h i j 1: S = 10, U = 20, Q1 = 6, Q2 = 1
    est = estimate(sets_of(CASES["mixed"]))
    assert (est.freq.interviews, est.observed, est.freq.incidences) == (7, 10, 20)
    assert est.jack1 == pytest.approx(10 + 6 * 6 / 7)
    assert est.jack2 == pytest.approx(10 + 6 * 11 / 7 - 1 * 25 / 42)
    assert est.q0 == pytest.approx(6 / 7 * 36 / 2)
    # A = (T−1)Q1 / ((T−1)Q1 + 2Q2) = 36/38; Ĉ = 1 − 6/20 · 36/38
    assert est.coverage == pytest.approx(1 - 6 / 20 * 36 / 38)
    unseen = est.unseen()
    assert unseen["jack1"] == pytest.approx(36 / 7) and unseen["jack2"] == pytest.approx(
        6 * 11 / 7 - 25 / 42)
    assert unseen["chao2"] == pytest.approx(est.chao2.chao2 - 10)
    # no doubletons: Q̂0 bias-corrected, (T−1)/T · Q1(Q1−1)/2
    est = estimate(sets_of(CASES["no_doubletons"]))
    assert est.q0 == pytest.approx(4 / 5 * 4 * 3 / 2)
    assert est.coverage == pytest.approx(1 - 4 / 11 * (5 * 4.8 / (5 * 4.8 + 4)))
    assert est.as_json() == {"chao2": round(est.chao2.chao2, 4), "jack1": 9.2, "jack2": 11.6}


def test_coverage_formula_forms_agree():
    """A = T·Q̂0 / (T·Q̂0 + Q1) (iNEXT) in the closed forms the methods note gives."""
    for t, q1, q2, u in [(7, 6, 1, 20), (12, 3, 4, 40), (30, 10, 2, 90)]:
        closed = 1 - q1 / u * (t - 1) * q1 / ((t - 1) * q1 + 2 * q2)
        assert sample_coverage(t, u, q1, q2) == pytest.approx(closed)
    # no doubletons: Q̂0 is bias-corrected, and A = (T−1)(Q1−1) / ((T−1)(Q1−1) + 2)
    for t, q1, u in [(5, 4, 11), (17, 35, 69), (12, 2, 30), (3, 3, 5)]:
        closed = 1 - q1 / u * (t - 1) * (q1 - 1) / ((t - 1) * (q1 - 1) + 2)
        assert sample_coverage(t, u, q1, 0) == pytest.approx(closed)
        # not the Q2 > 0 form with Q2 = 0 (which would say A = 1)
        assert sample_coverage(t, u, q1, 0) != pytest.approx(1 - q1 / u)
    assert sample_coverage(6, 20, 1, 0) == 1.0  # one singleton, no doubleton: Q̂0 = 0, A = 0
    assert sample_coverage(6, 20, 0, 0) == 1.0  # no singletons
    for text in (METHODS, DOC, estimators_module.__doc__):
        assert "(T−1)(Q1−1) / ((T−1)(Q1−1) + 2)" in text


# --- 3. edge cases -----------------------------------------------------------------------------

def test_no_singletons():
    o = look_ahead(sets_of(CASES["no_singletons"]), boot=50)
    e = o.estimators
    assert e.jack1 == e.observed and e.q0 == 0 and e.coverage == 1.0
    assert e.jack2 == e.observed == 4 and e.jack1_se == 0  # Y = 4, 4, 3, 3: no Q1, no Q2
    assert all(r["expected"] == e.observed for r in o.extrapolation.rows())
    assert o.more == {"concepts_90": 0, "concepts_95": 0, "coverage_95": 0}


def test_every_concept_everywhere():
    o = look_ahead(sets_of(CASES["everywhere"]), boot=50)
    assert list(o.accumulation.expected) == [2, 2, 2] and list(o.accumulation.sd) == [0, 0, 0]
    assert o.estimators.coverage == 1.0 and o.estimators.jack1 == 2 == o.estimators.jack2
    rows = o.extrapolation.rows()
    assert [r["interviews"] for r in rows] == [4, 5, 6]
    assert all(r["expected"] == r["ci_low"] == r["ci_high"] == 2 for r in rows)
    assert o.more == {"concepts_90": 0, "concepts_95": 0, "coverage_95": 0}


def test_one_interview():
    o = look_ahead([{"a", "b", "c"}], boot=50)
    assert o.accumulation.rows() == [{"interviews": 1, "expected": 3.0, "sd": 0.0}]
    assert o.estimators.jack2 == 3 == o.estimators.jack1  # as vegan 2.6's specpool
    assert o.more == {"concepts_90": None, "concepts_95": None, "coverage_95": None}
    assert o.coverage is None and o.as_json()["coverage"] is None  # iNEXT's formula says 1
    assert [r["interviews"] for r in o.extrapolation.rows()] == [2]
    assert any("one assessed interview" in s for s in o.sentences())
    assert "at least two" in o.estimators.coverage_text()


def test_no_interviews_and_no_concepts():
    o = look_ahead([])
    assert o.as_json() == {"accumulation": [], "estimators": {"chao2": 0.0, "jack1": 0.0,
                                                              "jack2": 0.0},
                           "coverage": None, "extrapolation": [],
                           "more_interviews": {"concepts_90": None, "concepts_95": None,
                                               "coverage_95": None}}
    o = look_ahead([set(), set()])
    assert o.coverage is None and o.more["concepts_95"] is None
    assert [r["expected"] for r in o.extrapolation.rows()] == [0, 0]
    assert o.sentences() == ["No concepts coded in the assessed interviews yet: nothing to "
                             "look ahead."]


# --- 4. extrapolation ------------------------------------------------------------------------

def _inext_q0(t, q1, q2):
    return (t - 1) / t * (q1 * q1 / 2 / q2 if q2 > 0 else q1 * (q1 - 1) / 2)


def inext_curve(y: list[int], t_total: int, sizes) -> list[float]:
    """A plain transcription of iNEXT's TD.m.est_inc for q = 0 (RTD_inc below T, the β form
    above it), for checking."""
    y = [v for v in y if v > 0]
    s_obs = len(y)
    q1, q2 = y.count(1), y.count(2)

    def rtd(t):  # Σ_k Q̂_k of RTD_inc, q = 0
        total = 0.0
        for k in range(t):
            for yi in y:
                if k + 1 <= yi <= t_total - t + k + 1:
                    total += math.exp(math.lgamma(yi + 1) - math.lgamma(k + 2)
                                      - math.lgamma(yi - k) + _lchoose(t_total - yi, t - k - 1)
                                      - _lchoose(t_total, t))
        return total

    asy = s_obs + _inext_q0(t_total, q1, q2)
    rfd = rtd(t_total - 1) if t_total > 1 else 0.0
    beta = (s_obs - rfd) / (asy - rfd) if asy != rfd else 0.0
    out = []
    for t in sizes:
        if t < t_total:
            out.append(rtd(t))
        elif t == t_total:
            out.append(float(s_obs))
        else:
            out.append(s_obs + (asy - s_obs) * (1 - (1 - beta) ** (t - t_total)))
    return out


def _lchoose(n, k):
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


@pytest.mark.parametrize("name", ["no_doubletons", "mixed", "twelve", "no_singletons"])
def test_extrapolation_is_inext_q0(name):
    sets = sets_of(CASES[name])
    freq = frequencies(sets)
    x = extrapolate(freq, boot=0)
    sizes = list(range(1, 2 * freq.interviews + 1))
    assert x.expected == pytest.approx(inext_curve(list(freq.counts), freq.interviews, sizes),
                                       abs=1e-9)


def test_extrapolation_is_continuous_at_t():
    freq = frequencies(sets_of(CASES["twelve"]))
    t = freq.interviews
    x = extrapolate(freq, boot=200, seed=5)
    e = x.expected
    assert e[t - 1] == freq.observed  # S(T) = S_obs from both sides
    steps = np.diff(e)
    assert steps[t - 2] == pytest.approx(freq.q(1) / t)  # S(T) − S(T−1) = Q1/T
    assert 0 < steps[t - 1] <= steps[t - 2]  # the first step ahead is no bigger
    assert np.all(np.diff(steps[t - 1:]) <= 1e-12)  # and the curve flattens
    assert np.all(x.ci_low <= e) and np.all(e <= x.ci_high)
    width = x.ci_high - x.ci_low
    assert width[t - 1] > 0 and abs(width[t] - width[t - 1]) < 0.5 * width[t - 1] + 1
    cov = x.coverage
    q1, u = freq.q(1), freq.incidences
    a = t * x.asymptote  # placeholder, replaced below
    est = estimate(sets_of(CASES["twelve"]))
    assert cov[t - 1] == pytest.approx(est.coverage)
    a = (t - 1) * q1 / ((t - 1) * q1 + 2 * freq.q(2))
    assert cov[t] == pytest.approx(1 - q1 / u * a ** 2)
    assert np.all(np.diff(cov) >= -1e-12)  # coverage only grows
    assert x.asymptote == pytest.approx(est.asymptote)


def test_coverage_below_t_is_chat_sam():
    freq = frequencies(sets_of(CASES["mixed"]))
    t_total, u = freq.interviews, freq.incidences
    for t in range(1, t_total):
        want = 1 - sum(y / u * math.exp(math.lgamma(t_total - y + 1)
                                        - math.lgamma(t_total - y - t + 1)
                                        - math.lgamma(t_total) + math.lgamma(t_total - t))
                       for y in freq.counts if t_total - y >= t)
        assert coverage_curve(freq, [t])[0] == pytest.approx(want)


def test_bootstrap_band_as_inext_does_it():
    """The vectorised bootstrap gives, sample by sample, iNEXT's curve of that sample."""
    freq = frequencies(sets_of(CASES["twelve"]))
    t = freq.interviews
    probs = detection_probabilities(freq)
    # EstiBootComm.Sam by hand
    y = np.array(freq.counts, dtype=float)
    q1, q2 = freq.q(1), freq.q(2)
    q0 = _inext_q0(t, q1, q2)
    a_ = t * q0 / (t * q0 + q1)
    a = q1 / t * a_
    b = np.sum(y / t * (1 - y / t) ** t)
    want = np.concatenate([y / t * (1 - a / b * (1 - y / t) ** t),
                           np.full(math.ceil(q0), a / math.ceil(q0))])
    assert probs == pytest.approx(want)
    curves = bootstrap_curves(freq, 2 * t, boot=30, seed=11)
    rng = np.random.default_rng(11)
    draws = rng.binomial(t, np.broadcast_to(probs, (30, len(probs))))
    draws = draws[draws.sum(axis=1) > 0]
    for row, drawn in zip(curves, draws):
        assert row == pytest.approx(inext_curve(list(drawn), t, range(1, 2 * t + 1)), abs=1e-9)
    x = extrapolate(freq, boot=30, seed=11)
    sd = curves.std(axis=0, ddof=1)  # R's sd
    assert x.ci_high == pytest.approx(x.expected + Z95 * sd)
    assert x.ci_low == pytest.approx(np.clip(x.expected - Z95 * sd, 0, None))
    assert extrapolate(freq, boot=30, seed=11).rows() == x.rows()  # seeded


# --- 5. interviews still needed ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["no_doubletons", "mixed", "twelve"])
def test_more_interviews_by_search(name):
    freq = frequencies(sets_of(CASES[name]))
    t, q1, q2, u = freq.interviews, freq.q(1), freq.q(2), freq.incidences
    q0 = _inext_q0(t, q1, q2)
    a = t * q0 / (t * q0 + q1) if q1 else 1.0
    asy = freq.observed + q0

    def first(ok):
        return next(k for k in range(100_000) if ok(k))

    want = {"concepts_90": first(lambda k: freq.observed + q0 * (1 - a ** k) >= 0.9 * asy),
            "concepts_95": first(lambda k: freq.observed + q0 * (1 - a ** k) >= 0.95 * asy),
            "coverage_95": first(lambda k: 1 - q1 / u * a ** (k + 1) >= 0.95)}
    assert more_interviews(freq) == want
    assert want["concepts_90"] <= want["concepts_95"]


def test_more_interviews_when_nothing_is_missing():
    assert more_interviews(Frequencies(4, (4, 4, 3))) == {"concepts_90": 0, "concepts_95": 0,
                                                         "coverage_95": 0}


# --- reference values, live ---------------------------------------------------------------------

def run_vegan(cases: dict[str, str]) -> dict:
    out = subprocess.run(["Rscript", str(R_SCRIPT), *cases.values()], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    names = {v: k for k, v in cases.items()}
    result: dict = {}
    for line in out.splitlines():
        case, what, values = line.split("\t")[:3]
        nums = [None if v.strip() in ("NA", "NaN") else float(v) for v in values.split(",")]
        result.setdefault(names[case], {})[what] = nums
    return result


def test_vegan_reference_values_live():
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed (scripts/test.sh installs r-cran-vegan)")
    live = run_vegan(CASES)
    for name, ref in VEGAN.items():
        for what in ("richness", "sd", "specpool"):
            got, want = live[name][what], ref[what]
            assert len(got) == len(want), (name, what)
            for g, w in zip(got, want):
                assert (g is None) == (w is None), (name, what)
                if w is not None:
                    assert g == pytest.approx(w, rel=1e-9, abs=1e-9), (name, what)


# --- iNEXT itself ----------------------------------------------------------------------------
# iNEXT is not packaged for Debian, so these were computed once with iNEXT 3.0.2 built from its
# source (github.com/JohnsonHsieh/iNEXT, DESCRIPTION 3.0.2) by
#   R_LIBS=<lib with iNEXT> Rscript tests/r/inext_reference.R <the cases below>
# i.e. DataInfo(x, "incidence_freq")$SC (rounded to 4 places by iNEXT), ChaoRichness()$Estimator
# (S_obs + Q0-hat, rounded to 3), Chat.Sam(x, 1:2T), TD.m.est_inc(x, 1:2T, 0),
# EstiBootComm.Sam(x) (sorted decreasing), and the bootstrap SD of iNEXT.Sam(x, t = 1:2T,
# q = 0, nboot = 20000) after set.seed(2020), as (qD.UCL − qD) / qnorm(0.975).
INEXT = {
    "no_doubletons": {
        "SC": [0.6883],
        "asymptote": [10.8],
        "coverage": [0.409090909091, 0.590909090909, 0.636363636364, 0.636363636364,
            0.688311688312, 0.732838589981, 0.771004505698, 0.803718147741, 0.83175841235,
            0.855792924871],
        "curve": [2.2, 3.5, 4.4, 5.2, 6.0, 6.68571428571, 7.27346938776, 7.77725947522,
            8.20907955019, 8.57921104302],
        "probs": [0.79934631622, 0.584311589269, 0.137142857143, 0.137142857143, 0.137142857143,
            0.137142857143, 0.137142857143, 0.0326569521994, 0.0326569521994, 0.0326569521994,
            0.0326569521994],
        "boot_sd": [0.473600952272, 0.710337401564, 0.934466564497, 1.14135407935, 1.33995152282,
            1.55040165201, 1.75181132807, 1.94060006899, 2.11521674618, 2.27532227764],
    },
    "mixed": {
        "SC": [0.7158],
        "asymptote": [25.429],
        "coverage": [0.333333333333, 0.516666666667, 0.61, 0.656666666667, 0.683333333333, 0.7,
            0.715789473684, 0.730747922438, 0.744919084415, 0.758344395761, 0.771063111774,
            0.78311242168, 0.794527557381, 0.805341896467],
        "curve": [2.85714285714, 4.7619047619, 6.14285714286, 7.25714285714, 8.2380952381,
            9.14285714286, 10.0, 10.8120300752, 11.5813217254, 12.3101243413, 13.0005689249,
            13.6546743198, 14.274353115, 14.8614172368],
        "probs": [0.71401138067, 0.567678773815, 0.407502606864, 0.21873830525, 0.0507518796992,
            0.0507518796992, 0.0507518796992, 0.0507518796992, 0.0507518796992, 0.0507518796992,
            0.0507518796992, 0.0507518796992, 0.0507518796992, 0.0507518796992, 0.0507518796992,
            0.0507518796992, 0.0507518796992, 0.0507518796992, 0.0507518796992, 0.0507518796992,
            0.0228636192261, 0.0228636192261, 0.0228636192261, 0.0228636192261, 0.0228636192261,
            0.0228636192261],
        "boot_sd": [0.507347292258, 0.798706682925, 1.07418204621, 1.33936049559, 1.59493542886,
            1.84329289816, 2.08804371933, 2.33570516671, 2.58488505932, 2.8344697059,
            3.08329405763, 3.3302579309, 3.57438626922, 3.81485161178],
    },
    "twelve": {
        "SC": [0.8336],
        "asymptote": [38.458],
        "coverage": [0.226164079823, 0.40177383592, 0.535107169254, 0.633702882483,
            0.70436067997, 0.753141167775, 0.785365853659, 0.805617147081, 0.817738359202,
            0.824833702882, 0.829268292683, 0.833590614387, 0.837803510225, 0.841909750473,
            0.845912035271, 0.849812996403, 0.853615199026, 0.857321143355, 0.860933266308,
            0.86445394311, 0.867885488854, 0.871230160022, 0.874490155971, 0.877667620377],
        "curve": [3.41666666667, 6.06060606061, 8.10454545455, 9.69292929293, 10.9444444444,
            11.9545454545, 12.797979798, 13.5313131313, 14.1954545455, 14.8181818182,
            15.4166666667, 16.0, 16.5685654008, 17.1227367409, 17.6628784268, 18.1893456396,
            18.7024845686, 19.2026326386, 19.6901187321, 20.1652634056, 20.6283790999,
            21.0797703463, 21.5197339663, 21.9485592667],
        "probs": [0.415203983006, 0.415203983006, 0.327523766384, 0.327523766384, 0.327523766384,
            0.327523766384, 0.232092486237, 0.232092486237, 0.124396503789, 0.0247202348193,
            0.0247202348193, 0.0247202348193, 0.0247202348193, 0.0247202348193, 0.0247202348193,
            0.0247202348193, 0.0247202348193, 0.0247202348193, 0.0247202348193, 0.0247202348193,
            0.0247202348193, 0.0247202348193, 0.0247202348193, 0.0247202348193, 0.0247202348193,
            0.0247202348193, 0.0247202348193, 0.0247202348193, 0.0247202348193, 0.0247202348193,
            0.0247202348193, 0.0247202348193, 0.0170023940015, 0.0170023940015, 0.0170023940015,
            0.0170023940015, 0.0170023940015, 0.0170023940015, 0.0170023940015],
        "boot_sd": [0.457538209957, 0.714333346161, 0.902095966076, 1.07093373498, 1.23699650061,
            1.40401122895, 1.57200997795, 1.74034466448, 1.90853836783, 2.07643477181,
            2.24416333186, 2.41208675334, 2.58082135488, 2.75033346448, 2.92059380541,
            3.09152600109, 3.26300906251, 3.43488716307, 3.60698090681, 3.77909763312,
            3.95103989134, 4.12261195494, 4.29362456056, 4.46389816585],
    },
    "no_singletons": {
        "SC": [1.0],
        "asymptote": [4.0],
        "coverage": [0.642857142857, 0.928571428571, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        "curve": [2.8, 3.8, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0],
        "probs": [0.8, 0.8, 0.6, 0.6],
        "boot_sd": [0.399313097766, 0.298419339697, 0.212872113784, 0.162442287828,
            0.143960458914, 0.149897420405, 0.159104262504, 0.167401549461, 0.173918111941,
            0.178781295496],
    },
}


@pytest.mark.parametrize("name", list(INEXT))
def test_against_inext(name):
    ref = INEXT[name]
    freq = frequencies(sets_of(CASES[name]))
    est = estimate(sets_of(CASES[name]))
    assert round(est.coverage, 4) == pytest.approx(ref["SC"][0], abs=1e-12)
    assert est.asymptote == pytest.approx(ref["asymptote"][0], abs=1e-3)
    sizes = range(1, 2 * freq.interviews + 1)
    assert coverage_curve(freq, sizes) == pytest.approx(ref["coverage"], abs=1e-9)
    x = extrapolate(freq, boot=20000, seed=2020)
    assert x.expected == pytest.approx(ref["curve"], abs=1e-9)
    assert sorted(detection_probabilities(freq), reverse=True) == pytest.approx(ref["probs"],
                                                                               abs=1e-9)
    # the same bootstrap, other random numbers: SDs of 20,000 samples agree within a few %
    sd = (x.ci_high - x.expected) / Z95
    assert sd == pytest.approx(ref["boot_sd"], rel=0.03)


# --- a published example ------------------------------------------------------------------------

def _ant(t: int, head: dict[int, int], rest: list[int]) -> Frequencies:
    """Incidence frequencies with Q_k = head[k] and the further (commoner) counts ``rest``."""
    counts = [k for k, n in head.items() for _ in range(n)] + rest
    return Frequencies(t, tuple(sorted(counts, reverse=True)))


def test_published_inext_ant_example():
    """iNEXT's documented example: the printed output of ``iNEXT(ant, datatype =
    "incidence_freq")`` in iNEXT's README and vignette ("A Quick Introduction to iNEXT via
    Examples", Hsieh, Ma & Chao; iNEXT 3.0's print format, 40 knots up to 2T), ant incidence
    data of Longino & Colwell (2011), two of its five assemblages: ``$DataInfo`` (T, U, S.obs,
    SC, Q1 … Q10), ``$iNextEst$size_based`` (qD and SC at t = 1, T and the knots beyond T) and
    ``$AsyEst`` (the species richness estimator, S_obs + Q̂0).

    Only T, U, S_obs, Q1 and Q2 enter these figures (t = 1 is U/T); the other counts are filled
    from the printed Q3 … Q10 and then arbitrarily (above 10) so that U and S_obs hold."""
    h2000m = _ant(200, {1: 1, 2: 2, 3: 1, 4: 1, 8: 2}, [13, 15, 30, 40, 45, 50, 50])
    h50m = _ant(599, {1: 49, 2: 23, 3: 18, 4: 14, 5: 9, 6: 10, 7: 4, 8: 8, 9: 6, 10: 2},
                [65] * 80 + [75] * 4)
    published = [
        # freq, SC (DataInfo), SC (Observed row), asymptote (AsyEst), {t: (qD, SC)}
        (h2000m, 0.9964, 0.9963827, 14.248750,
         {1: (1.355000, None), 295: (14.211194, 0.9994539), 400: (14.244103, 0.9999324)}),
        (h50m, 0.9918, 0.9918134, 279.108514,
         {1: (9.976628, None), 883: (245.732481, 0.9947564), 1198: (258.745498, 0.9968008)}),
    ]
    summaries = [(200, 271, 14, 1, 2), (599, 5976, 227, 49, 23)]
    for (freq, sc4, sc7, asymptote, rows), summary in zip(published, summaries):
        t, q1, q2 = freq.interviews, freq.q(1), freq.q(2)
        assert (t, freq.incidences, freq.observed, q1, q2) == summary
        coverage = sample_coverage(t, freq.incidences, q1, q2)
        assert round(coverage, 4) == sc4 and round(coverage, 7) == sc7
        x = extrapolate(freq, boot=0)
        assert round(x.asymptote, 6) == asymptote
        assert x.expected[t - 1] == freq.observed  # the "Observed" row
        assert round(float(x.coverage[t - 1]), 7) == sc7
        for size, (q_d, sc) in rows.items():
            assert round(float(x.expected[size - 1]), 6) == q_d, (t, size)
            if sc is not None:
                assert round(float(x.coverage[size - 1]), 7) == sc, (t, size)
