"""qualcode: qualitative interview coding in the grounded-theory tradition."""

__version__ = "0.1.0"
