"""Analyses over coded data: saturation (stopping rules, order bootstrap, sensitivity grid,
expected accumulation, Chao2 and jackknife estimators, coverage and extrapolation),
agreement (κ, α, AC1, the machine coder), search, co-occurrence, matrices, constant
comparison, candidate relations and the network of codes. Reads the domain; writes nothing
but its kept results."""
