"""laborlens: worker rights in trade, supply chains and diplomacy.

The library is the product; the CLI, HTTP API and web UI are thin edges over it.
"""

__version__ = "0.1.0"
