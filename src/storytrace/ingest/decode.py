"""Bytes to text: byte-order marks, UTF-8, then a guarded guess among legacy encodings.

News text still arrives in Windows code pages (cp1252 for Western Europe, cp1251 for
Cyrillic, cp1250 for Central Europe) and as UTF-16 exported from word processors. The
order below follows what is certain first:

1. a byte-order mark names the encoding outright;
2. an encoding the container declares (HTTP header, ``<meta charset>``) comes next;
3. NUL bytes mean UTF-16 without a mark (NULs in every other byte) or binary data;
4. valid UTF-8 is UTF-8 (legacy text is almost never valid UTF-8 by accident);
5. otherwise cp1252, then charset_normalizer's guesses, then latin-1, keeping the first
   reading that looks like text (``_implausibility``: no mojibake inside words, no Latin
   letters mixed with another alphabet in one word, no control characters).

Failing all of that is a ``DecodeError`` naming the encodings tried and the way out.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from collections.abc import Iterable

from ..errors import BinaryInput, DecodeError

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: the UTF-32-LE mark begins with the UTF-16-LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control characters that never occur in text. Tab, newlines, form feed and ESC (used by
# ISO-2022 encodings) are left out on purpose.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f-\x9f]")

# A symbol wedged between two letters ("w³adza", "donâ€™t", "Don‚Äôt") is the mark of
# text decoded with the wrong code page: real text puts such symbols between words, not
# inside them. ASCII punctuation and the typographic marks real text does put inside
# words (apostrophes, dashes, quotes with sloppy spacing, the Catalan "·") are allowed.
_ALPHABET_LETTER = "[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u04ff]"
_INWORD_SYMBOL_RE = re.compile(
    f"(?<={_ALPHABET_LETTER})(?:[^\\w\\s\\x00-\\x7f’‘‐‑–—·“”«»′]|[²³¹])+(?={_ALPHABET_LETTER})"
)

# The same, as bytes, without the C1 range: bytes 0x80-0x9f are ordinary in legacy
# multi-byte encodings (Shift JIS, GBK), so only C0 controls mark undecodable binary.
_C0_CONTROL_BYTES_RE = re.compile(b"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")

# Accented Latin letters, and plain ones. Western text is mostly plain letters; a
# reading where accented ones outnumber them is another script through the wrong code
# page ("Ïðèâåò" is Cyrillic "Привет" read as cp1252).
_ACCENTED_LATIN_RE = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_PLAIN_LATIN_RE = re.compile("[A-Za-z]")

# Words holding at least one character outside ASCII: the only ones worth checking.
_NON_ASCII_WORD_RE = re.compile(r"\w*[^\x00-\x7f\s]\w*")

# Letters of these scripts never share a word with Latin letters in real text, but do in
# a wrong decoding ("naﺅve": latin-1 bytes read as cp1256).
_NON_LATIN_ALPHABETS = frozenset({"CYRILLIC", "GREEK", "ARABIC", "HEBREW", "ARMENIAN", "THAI"})

MAX_BAD_WORD_SHARE = 0.05
"""A decoding with more than this share of implausible non-ASCII words is rejected."""

MAX_CONTROL_SHARE = 0.02
"""Above this share of control characters, decoded bytes are treated as binary data."""


def strip_bom(data: bytes) -> tuple[bytes, str | None]:
    """Split a byte-order mark off ``data``; return the rest and the encoding it names."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :], encoding
    return data, None


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub_surrogates(text: str) -> str:
    """``text`` with every lone UTF-16 surrogate replaced by U+FFFD.

    JSON may escape half a surrogate pair (``"\\ud800"``) and a file name may carry
    undecodable bytes as surrogates (``os.fsdecode``); neither can be written as UTF-8,
    so one would fail every later stage (hashing, the store, the terminal).
    """
    if not _LONE_SURROGATE.search(text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def normalize_newlines(text: str) -> str:
    """Turn Windows (CRLF) and old Mac (CR) line ends into ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes, source: str, *, declared: str | None = None) -> str:
    """Decode ``data`` to text with newlines normalised to ``\\n``.

    Args:
        data: the raw bytes of one input.
        source: names the input in errors.
        declared: an encoding the container declared (HTTP header, ``<meta charset>``);
            tried right after a byte-order mark, and ignored when it does not fit.

    Raises:
        BinaryInput: NUL bytes or a high share of control characters.
        DecodeError: no encoding gives plausible text; the message names those tried.
    """
    body, bom_encoding = strip_bom(data)
    if bom_encoding is not None:
        try:
            return _checked(body.decode(bom_encoding), source)
        except UnicodeDecodeError as err:
            raise DecodeError(
                source,
                f"starts with a {bom_encoding} byte-order mark but is not valid "
                f"{bom_encoding} ({err.reason} at byte {err.start}); "
                "re-save the file as UTF-8",
            ) from None
    if declared is not None:
        text = _try_decode(body, declared)
        if text is not None and _implausibility(text) <= MAX_BAD_WORD_SHARE:
            return _checked(text, source)
    if b"\x00" in body:
        utf16 = _utf16_without_bom(body)
        if utf16 is not None:
            text = _try_decode(body, utf16)
            if text is not None and _implausibility(text) <= MAX_BAD_WORD_SHARE:
                return _checked(text, source)
        raise BinaryInput(source, "binary data (NUL bytes), not text")
    try:
        return _checked(body.decode("utf-8"), source)
    except UnicodeDecodeError as err:
        utf8_error = f"not UTF-8 ({err.reason} at byte {err.start})"
    return _checked(_decode_legacy(body, source, utf8_error), source)


def _checked(text: str, source: str) -> str:
    """Reject decoded text that is mostly control characters, then normalise newlines."""
    if text and _control_share(text) > MAX_CONTROL_SHARE:
        raise BinaryInput(
            source,
            f"looks like binary data ({_control_share(text):.0%} control characters), not text",
        )
    return normalize_newlines(text)


def _decode_legacy(body: bytes, source: str, utf8_error: str) -> str:
    """Pick the most plausible legacy encoding, or raise ``DecodeError``.

    The first candidate with no implausible word wins; failing that, the least
    implausible one if it is nearly clean (a stray homoglyph should not lose a file).
    """
    tried: list[str] = ["utf-8"]
    best: tuple[float, str] | None = None
    for encoding in _legacy_candidates(body):
        if encoding in tried:
            continue
        tried.append(encoding)
        text = _try_decode(body, encoding)
        if text is None:
            continue
        badness = _implausibility(text)
        if badness == 0.0:
            return text
        if best is None or badness < best[0]:
            best = (badness, text)
    if best is not None and best[0] <= MAX_BAD_WORD_SHARE:
        return best[1]
    if len(_C0_CONTROL_BYTES_RE.findall(body)) > MAX_CONTROL_SHARE * len(body):
        raise BinaryInput(source, "looks like binary data (control bytes), not text")
    raise DecodeError(
        source,
        f"cannot decode the text: {utf8_error}, and no other encoding gives readable "
        f"text (tried {', '.join(tried)}); convert it to UTF-8, "
        "e.g. iconv -f ENCODING -t UTF-8",
    )


def _legacy_candidates(body: bytes) -> Iterable[str]:
    """Encodings to try for non-UTF-8 bytes, most likely first.

    cp1252 leads: it is the commonest legacy encoding of news text, and
    charset_normalizer, asked first, ranks exotic code pages above it on short Western
    text (cp1006 for "naïve £5"). Wrong cp1252 readings of other scripts are caught by
    ``_implausibility``, which sends those on to charset_normalizer's guesses.
    """
    yield "cp1252"
    yield from _charset_normalizer_guesses(body)
    yield "latin-1"


def _charset_normalizer_guesses(body: bytes) -> list[str]:
    """Encodings charset_normalizer finds plausible, most plausible first."""
    # Imported here: it loads a few frequency tables that plain UTF-8 input never needs.
    import charset_normalizer

    guesses: list[str] = []
    for match in charset_normalizer.from_bytes(body):
        encoding = codecs.lookup(match.encoding).name.replace("-", "_")
        # Without a byte-order mark or NUL bytes, UTF-16/32 is a misreading of short
        # 8-bit text ("Café" as two CJK characters), not a real encoding of it.
        if encoding.startswith(("utf_16", "utf_32")):
            continue
        # Encodings that do not keep ASCII as ASCII (EBCDIC) are never what a news file
        # on disk uses, yet charset_normalizer offers them for short inputs.
        if _try_decode(_ASCII_PROBE, encoding) != _ASCII_PROBE.decode("ascii"):
            continue
        guesses.append(encoding)
    return guesses


_ASCII_PROBE = b"The 9 quick brown foxes, <jumped> over 12 lazy dogs."


def _try_decode(body: bytes, encoding: str) -> str | None:
    """Decode strictly with ``encoding``; None when it does not fit or is unknown."""
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_without_bom(body: bytes) -> str | None:
    """Recognise UTF-16 without a byte-order mark by where its NUL bytes fall.

    Mostly-Latin text in UTF-16 has a NUL in every other byte: the odd bytes for
    little-endian, the even ones for big-endian.
    """
    sample = body[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _control_share(text: str) -> float:
    """The share of characters in ``text`` that are control characters."""
    if not text:
        return 0.0
    return len(_CONTROL_RE.findall(text)) / len(text)


def _implausibility(text: str) -> float:
    """How implausible a decoding is: 1.0 for control characters, otherwise the share of
    non-ASCII words that hold mojibake, mix Latin with another alphabet, or use
    characters no news text does (unassigned, private use, half-width katakana)."""
    if _control_share(text) > MAX_CONTROL_SHARE / 4:
        return 1.0
    words = _NON_ASCII_WORD_RE.findall(text)
    if not words:
        return 0.0
    if len(_ACCENTED_LATIN_RE.findall(text)) > len(_PLAIN_LATIN_RE.findall(text)):
        return 1.0
    bad = sum(1 for word in words if _implausible_word(word))
    bad += len(_INWORD_SYMBOL_RE.findall(text))
    return bad / len(words)


def _implausible_word(word: str) -> bool:
    """True for a word no correct decoding produces (see ``_implausibility``)."""
    scripts = set()
    for ch in word:
        script = _script(ch)
        if script == "BAD":
            return True
        if script:
            scripts.add(script)
    return "LATIN" in scripts and bool(scripts & _NON_LATIN_ALPHABETS)


@functools.lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    """A rough script of a letter (the first word of its Unicode name), "" for
    non-letters, "BAD" for characters a correct decoding does not produce."""
    category = unicodedata.category(ch)
    if category in ("Cn", "Co"):
        return "BAD"
    if not category.startswith("L"):
        return ""
    name = unicodedata.name(ch, "")
    if name.startswith("HALFWIDTH KATAKANA"):
        return "BAD"
    if name.startswith("ARABIC LETTER") and "FORM" in name:
        # Presentation forms are a rendering detail; text files hold the base letters.
        return "BAD"
    return name.split(" ", 1)[0]
