"""What several kinds of change share: the per-language change words and the words
around a name."""

from __future__ import annotations

import functools
import re
from typing import Any


@functools.cache
def change_words(lang: str) -> dict[str, Any]:
    from .. import _lexicons

    return _lexicons.read(lang, "changes") or _lexicons.read("en", "changes")


NAME_CONTEXT = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
