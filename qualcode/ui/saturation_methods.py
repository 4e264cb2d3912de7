"""The methods note of the Saturation page: formulas and sources (fixed text, no user text).
The longer version is docs/methods-saturation.md."""

METHODS = r"""
**Interviews are sampling units, concepts are species.** T assessed interviews, S_obs concepts
found, Y_i the interviews holding concept i, U = Σ Y_i, Q_k the concepts found in exactly k
interviews.

* **Stopping rules**: Guest, Namey & Chen (2020), *PLoS ONE* 15(5): e0232076 (base, run,
  ≤5 % or 0 % new information); Francis et al. (2010), *Psychology & Health* 25: 1229–45.
* **Random orders**: the rule over B random orders of the same interviews (seeded).
* **Expected curve** over all orders, exactly: E[S(t)] = Σ_i [1 − C(T−Y_i, t) / C(T, t)];
  SD as vegan's `specaccum(method = "exact")` (Oksanen et al., *vegan*; Kindt 2003).
* **Chao2**, bias-corrected: S_obs + ((T−1)/T) · Q1(Q1−1) / (2(Q2+1)) (Chao 1987,
  *Biometrics* 43: 783–91). **Completeness** = S_obs / Chao2: the share of the estimated
  concepts found so far.
* **Jackknives** (Burnham & Overton 1978; as vegan's `specpool`):
  jack1 = S_obs + Q1 (T−1)/T; jack2 = S_obs + Q1 (2T−3)/T − Q2 (T−2)² / (T(T−1)).
* **Sample coverage** (Chao & Jost 2012, *Ecology* 93: 2533–47, incidence form):
  Ĉ = 1 − (Q1/U) · A, with iNEXT's A = T·Q̂0 / (T·Q̂0 + Q1), that is
  A = (T−1)Q1 / ((T−1)Q1 + 2Q2) when Q2 > 0, else A = (T−1)(Q1−1) / ((T−1)(Q1−1) + 2)
  (1 without singletons): the estimated share of the concepts coded in a new interview that
  are already known. Not the same as completeness.
* **Extrapolation** (Chao et al. 2014, *Ecological Monographs* 84: 45–67; iNEXT, Hsieh, Ma &
  Chao 2016, *Methods Ecol. Evol.* 7: 1451–6): S(T + t) = S_obs + Q̂0 [1 − A^t], with
  Q̂0 = ((T−1)/T) Q1²/(2Q2) (or ((T−1)/T) Q1(Q1−1)/2 when Q2 = 0) and A as for sample
  coverage; coverage Ĉ(T + t) = 1 − (Q1/U) A^(t+1). The 95 % band is
  iNEXT's bootstrap (200 samples, seeded): estimate ± 1.96 · bootstrap SD.
* **More interviews needed**: the fewest t with S(T + t) ≥ 90 % or 95 % of S_obs + Q̂0, and with
  Ĉ(T + t) ≥ 95 % (cf. Chao et al. 2009, *Ecology* 90: 1125–33). Beyond 2T the extrapolation
  is rough.
"""
