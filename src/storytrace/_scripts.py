"""Character ranges of scripts that the readers treat apart."""

from __future__ import annotations

CJK_LETTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
"""Kana, CJK ideographs (with the compatibility block) and Hangul, as the body of a regex
character class: scripts written without spaces between words, numbers and counters."""
