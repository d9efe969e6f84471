"""Typed changes on planted edits: does ``storytrace diff`` report every edit, typed right?

    .venv/bin/python bench/planted_edits.py [--data DIR] [--encoder NAME] [--verbose]

Runs ``storytrace diff A B --format json`` (the CLI command itself, in process, with its
default settings unless ``--encoder`` is given) on every ``NAME.A.txt`` / ``NAME.B.txt``
pair of ``../shared/data/planted-edits/same-language/`` and scores it against
``gold.json`` (format in that folder's README):

- recall, per edit: for number/date/hedge/name/quote (and any other typed edit), the unit
  holding the edited sentence on both sides is ``changed`` with a change of the edit's
  type; for ``delete``/``add``, the sentence's unit is ``dropped``/``added``; for
  ``paraphrase``, the unit is ``reworded`` (or ``identical``) with no typed change;
- precision, per reported typed change: it sits on a unit holding an edited sentence
  whose edit has the change's type.

Subtypes: a gold edit's subtype is the one the data gives (``subtype``), else for dates one
read off the two spans (weekday, month, year, relative, day); the table's precision rows
use the reported change's ``subtype``.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
from collections import defaultdict
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / ".." / "shared/data/planted-edits/same-language"
TYPED = ("number", "date", "name", "quote", "hedge", "attribution", "framing", "claim")

_WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)
_MONTH = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b(?!\s+\d)", re.IGNORECASE
)
_RELATIVE = re.compile(r"\b(yesterday|today|tomorrow|last|next|ago|earlier|later)\b", re.I)
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")


def run_diff(a: Path, b: Path, encoder: str | None) -> dict[str, Any]:
    """``storytrace diff a b --format json``, through the CLI app in this process."""
    from storytrace.cli import app

    args = ["diff", str(a), str(b), "--format", "json"]
    if encoder:
        args += ["--encoder", encoder]
    out = io.StringIO()
    with redirect_stdout(out):
        try:
            app(args, standalone_mode=False)
        except SystemExit as err:  # pragma: no cover - a failed run
            if err.code:
                raise
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def sentences_with(doc: dict[str, Any], span: str) -> set[int]:
    """Indexes of the sentences of ``doc`` that hold (part of) ``span``."""
    sents = doc["sentences"]
    body = " ".join(_norm(s["text"]) for s in sents)
    starts, pos = [], 0
    for s in sents:
        starts.append(pos)
        pos += len(_norm(s["text"])) + 1
    target = _norm(span)
    at = body.find(target)
    if at < 0:  # cleaning or segmentation touched the span: fall back to its longest part
        part = max(re.split(r"[.!?]\s", target), key=len)
        at, target = body.find(part), part
    if at < 0:
        return set()
    end = at + len(target)
    return {
        i for i, s in enumerate(sents) if starts[i] < end and at < starts[i] + len(_norm(s["text"]))
    }


def gold_subtype(edit: dict[str, Any]) -> str | None:
    if edit.get("subtype"):
        return str(edit["subtype"])
    if edit["type"] != "date":
        return None
    a, b = edit.get("a_span") or "", edit.get("b_span") or ""
    for name, pattern in (("weekday", _WEEKDAY), ("relative", _RELATIVE), ("year", _YEAR)):
        if pattern.findall(a) != pattern.findall(b):
            return name
    if _MONTH.findall(a) != _MONTH.findall(b):
        return "month"
    return "day"


def unit_of(pairs: list[dict[str, Any]], side: str, i: int) -> int | None:
    for k, p in enumerate(pairs):
        if i in p[side]:
            return k
    return None


def score(name: str, diff: dict[str, Any], edits: list[dict[str, Any]], verbose: bool) -> Any:
    pairs = diff["pairs"]
    found: list[tuple[str, str | None, bool]] = []  # (type, subtype, hit)
    # unit index -> set of (edit type) it holds
    unit_types: dict[int, set[str]] = defaultdict(set)
    for edit in edits:
        kind = edit["type"]
        sub = gold_subtype(edit)
        if kind == "delete":
            ia = sentences_with(diff["a"], edit["a_text"])
            units = {unit_of(pairs, "a", i) for i in ia}
            hit = bool(ia) and all(u is not None and pairs[u]["kind"] == "dropped" for u in units)
            for u in units:
                if u is not None:
                    unit_types[u].add(kind)
        elif kind == "add":
            ib = sentences_with(diff["b"], edit["b_text"])
            units = {unit_of(pairs, "b", j) for j in ib}
            hit = bool(ib) and all(u is not None and pairs[u]["kind"] == "added" for u in units)
            for u in units:
                if u is not None:
                    unit_types[u].add(kind)
        else:
            ia = sentences_with(diff["a"], edit["a_span"])
            ib = sentences_with(diff["b"], edit["b_span"])
            units_a = {unit_of(pairs, "a", i) for i in ia}
            units_b = {unit_of(pairs, "b", j) for j in ib}
            for u in units_a | units_b:
                if u is not None:
                    unit_types[u].add(kind)
            one = len(units_a) == 1 and units_a == units_b and None not in units_a
            unit = pairs[next(iter(units_a))] if one else None
            if unit is None:
                hit = False
            elif kind == "paraphrase":
                hit = unit["kind"] in ("reworded", "identical") and not unit["changes"]
            else:
                hit = unit["kind"] == "changed" and any(c["type"] == kind for c in unit["changes"])
        found.append((kind, sub, hit))
        if verbose and not hit:
            print(f"MISS {name} {kind}/{sub}: {json.dumps(edit, ensure_ascii=False)[:240]}")
            for u in sorted(
                {x for x in (unit_of(pairs, s, i) for s, i in _edit_sents(diff, edit)) if x} | set()
            ):
                print(f"     unit {_show(diff, pairs[u])}")
    reported: list[tuple[str, str | None, bool]] = []
    for k, p in enumerate(pairs):
        for c in p["changes"]:
            ok = c["type"] in unit_types.get(k, set())
            reported.append((c["type"], c.get("subtype"), ok))
            if verbose and not ok:
                print(f"FP   {name} {c['type']}/{c.get('subtype')}: {_show(diff, p)}")
    return found, reported


def _edit_sents(diff: dict[str, Any], edit: dict[str, Any]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    if edit.get("a_span") or edit.get("a_text"):
        out += [("a", i) for i in sentences_with(diff["a"], edit.get("a_span") or edit["a_text"])]
    if edit.get("b_span") or edit.get("b_text"):
        out += [("b", j) for j in sentences_with(diff["b"], edit.get("b_span") or edit["b_text"])]
    return out


def _show(diff: dict[str, Any], pair: dict[str, Any]) -> str:
    ta = " ".join(diff["a"]["sentences"][i]["text"] for i in pair["a"])
    tb = " ".join(diff["b"]["sentences"][j]["text"] for j in pair["b"])
    changes = [(c["type"], c.get("subtype"), c["a"], c["b"]) for c in pair["changes"]]
    head = f"{pair['kind']} {pair['a']}->{pair['b']} {changes}"
    return f"{head}\n       A: {ta[:200]}\n       B: {tb[:200]}"


def table(found: list[tuple[str, str | None, bool]], reported: list[Any]) -> None:
    def row(label: str, hits: list[bool], precs: list[bool]) -> None:
        rec = f"{sum(hits) / len(hits):.3f}" if hits else "   - "
        prec = f"{sum(precs) / len(precs):.3f}" if precs else "   - "
        print(
            f"{label:<24} {sum(hits):>4}/{len(hits):<4} {rec:>6}   "
            f"{sum(precs):>4}/{len(precs):<4} {prec:>6}"
        )

    print(f"{'type/subtype':<24} {'found':>9} {'recall':>6}   {'right':>9} {'prec.':>6}")
    kinds = sorted({k for k, _, _ in found} | {k for k, _, _ in reported})
    for kind in kinds:
        row(
            kind,
            [h for k, _, h in found if k == kind],
            [ok for k, _, ok in reported if k == kind],
        )
        subs = sorted(
            {s for k, s, _ in found if k == kind and s}
            | {s for k, s, _ in reported if k == kind and s}
        )
        for sub in subs:
            row(
                f"  {kind}/{sub}",
                [h for k, s, h in found if k == kind and s == sub],
                [ok for k, s, ok in reported if k == kind and s == sub],
            )
    typed = [h for k, _, h in found if k in TYPED]
    row("typed edits", typed, [ok for _, _, ok in reported])
    row("overall", [h for _, _, h in found], [ok for _, _, ok in reported])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--encoder", default=None, help="default: the CLI's default encoder")
    parser.add_argument("--verbose", "-v", action="store_true", help="print misses and FPs")
    args = parser.parse_args()
    gold_file = args.data / "gold.json"
    if not gold_file.exists():
        sys.exit(f"no gold.json in {args.data}")
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    found: list[tuple[str, str | None, bool]] = []
    reported: list[Any] = []
    for name, edits in sorted(gold.items()):
        diff = run_diff(args.data / f"{name}.A.txt", args.data / f"{name}.B.txt", args.encoder)
        f, r = score(name, diff, edits, args.verbose)
        found += f
        reported += r
    print(f"{len(gold)} documents, {len(found)} edits, {len(reported)} typed changes reported")
    table(found, reported)


if __name__ == "__main__":
    main()
