"""The version of storytrace, in a module of its own so that the package ``__init__`` and
the store (which records it in a new store's ``meta``) both read it without importing
each other."""

__version__ = "0.1.0"
