"""qualcode: qualitative interview coding in the grounded-theory tradition."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qualcode")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0.2.0"
