"""Analyses over coded data: saturation (and later agreement, search, co-occurrence, matrices)."""
