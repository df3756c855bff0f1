"""idtool: identification of victims of trafficking for the Kyrgyz NRM (core, no Qt)."""

__version__ = "0.1.0"
