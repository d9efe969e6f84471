"""Renderers: terminal (rich), JSON-ready dicts, self-contained HTML.

Renderers only format values the pipeline produced; they never compute anything that
the library does not already expose.
"""
