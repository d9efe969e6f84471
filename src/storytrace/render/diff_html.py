"""The diff of two versions as ONE self-contained HTML file.

The file is meant to be mailed to an editor, attached to a fact-check or archived with
a case, so it must open anywhere, years later, and be safe to open: inline CSS only, no
JavaScript, no external resource of any kind, and a Content-Security-Policy that
forbids loading anything (``default-src 'none'``) even if some text slipped through.

Article text is untrusted (a scraped page can carry ``<script>`` in its title), so the
page is assembled in Python with ``html.escape(..., quote=True)`` applied to every
piece of article-derived text at the point where it is written: titles, sentences,
removed spans, change texts, evidence, sources, outlet, url, language. Article text
never goes into an attribute except the ``href`` of the article url, which is used only
when it is a plain ``http(s)://`` address, and ``lang``, only when it is a well-formed
language tag. Class names come from closed sets (pair kinds, change types) looked up in
tables here, never from the values themselves. No template engine: jinja2 is in the
``server`` extra only, and building the page here keeps the escaping visible in one file.

Layout: the two versions' metadata, a summary (relation, direction and the evidence for
both, coverage, unit counts, every typed change with a link to its row, the removed
boilerplate of each side kept apart), a legend, then one table with A and B side by
side, one aligned unit per row, in B's reading order (see ``diff_view``). Colour is
never the only signal: kinds are written in badges, typed changes carry their type as a
label, and ``<del>``/``<ins>`` are announced to screen readers.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Sequence

from .. import __version__
from ..model import Article, ChangeType, Comparison, Evidence, PairKind, RemovedSpan
from .diff_view import (
    KIND_PHRASES,
    REMOVED_HEADING,
    DiffView,
    Fragment,
    Row,
    Side,
    build_view,
    change_class,
    format_indexes,
    http_url,
    kind_class,
    lang_tag,
    locate,
    percent,
    shorten,
)

_NAV = (
    '<nav aria-label="Sections"><a href="#summary-h">Summary</a> · '
    '<a href="#changes-h">Fact changes</a> · '
    '<a href="#removed-h">Removed boilerplate</a> · '
    '<a href="#legend-h">Legend</a> · <a href="#aligned-h">Aligned sentences</a></nav>\n'
)

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
"""Nothing may load, run or submit; only the inline stylesheet applies."""

ROW_CHANGE_LIMIT = 48
"""Change texts listed inside a row are cut to this length; the summary shows them whole."""


def comparison_to_html(comparison: Comparison) -> str:
    """The whole diff as one self-contained, script-free HTML document."""
    view = build_view(comparison)
    title = f"storytrace diff: {_name(view.a)} → {_name(view.b)}"
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n',
            '<meta charset="utf-8">\n',
            f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">\n',
            '<meta name="referrer" content="no-referrer">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f'<meta name="generator" content="storytrace {_e(__version__)}">\n',
            f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
            '<header class="page">\n<h1>storytrace diff</h1>\n<div class="versions">\n',
            _version_card("A", view.a),
            _version_card("B", view.b),
            "</div>\n",
            _NAV,
            "</header>\n<main>\n",
            _summary(view),
            _legend(),
            _table(view),
            "</main>\n",
            _footer(view),
            "</body>\n</html>\n",
        ]
    )


# --- escaping helpers ---------------------------------------------------------------


def _e(text: str) -> str:
    """Escape for text and for double-quoted attribute values alike."""
    return html.escape(text, quote=True)


def _lang_attr(lang: str | None) -> str:
    """``lang`` and ``dir`` for a text cell; ``lang`` only when it is a language tag."""
    tag = lang_tag(lang)
    return f' lang="{_e(tag)}" dir="auto"' if tag else ' dir="auto"'


def _safe_href(url: str | None) -> str | None:
    """An article url fit for ``href``: http(s) only, so no ``javascript:`` or ``data:``."""
    safe = http_url(url)
    return _e(safe) if safe else None


def _name(article: Article) -> str:
    return article.title or article.source


# --- header, summary, legend --------------------------------------------------------


def _version_card(label: str, article: Article) -> str:
    rows: list[tuple[str, str]] = [("source", _e(article.source))]
    if article.outlet:
        rows.append(("outlet", _e(article.outlet)))
    if article.published:
        rows.append(("published", _e(article.published.isoformat())))
    if article.lang:
        rows.append(("language", _e(article.lang)))
    if article.url:
        href = _safe_href(article.url)
        link = (
            f'<a href="{href}" rel="noopener noreferrer nofollow">{_e(article.url)}</a>'
            if href
            else _e(article.url)
        )
        rows.append(("url", link))
    rows.append(("sentences", str(len(article.sentences))))
    details = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    heading = (
        f"<h2{_lang_attr(article.lang)}>{_e(article.title)}</h2>"
        if article.title
        else '<h2 class="muted">(no title)</h2>'
    )
    return (
        f'<section class="version" aria-label="Version {label}">'
        f'<p class="side">{label}</p>{heading}'
        f"<dl>{details}</dl></section>\n"
    )


def _evidence_list(evidence: Sequence[Evidence]) -> str:
    if not evidence:
        return ""
    items = "".join(
        f'<li><span class="w {"pos" if item.weight >= 0 else "neg"}">{item.weight:+.2f}</span> '
        f"<strong>{_e(item.name)}</strong>: {_e(item.detail)}</li>"
        for item in evidence
    )
    return f'<ul class="evidence">{items}</ul>'


def _summary(view: DiffView) -> str:
    s = view.summary
    counts = " ".join(
        f'<span class="badge k-{kind_class(kind)}{"" if count else " zero"}">'
        f"{count} {_e(kind)}</span>"
        for kind, count in s.counts
    )
    verdict = (
        '<dl class="verdict">'
        f'<dt>Relation</dt><dd><strong class="label">{_e(s.relation)}</strong> — '
        f'{_e(s.relation_phrase)} <span class="muted">(score {s.score:.2f})</span>'
        f"{_evidence_list(s.evidence)}</dd>"
        f"<dt>Direction</dt><dd><strong>{_e(s.direction_phrase)}</strong> "
        f'<span class="muted">(confidence {s.direction_confidence:.2f})</span>'
        f"{_evidence_list(s.direction_evidence)}</dd>"
        f"<dt>Coverage</dt><dd>{_coverage('A', s.coverage_a, 'B')} "
        f"{_coverage('B', s.coverage_b, 'A')}</dd>"
        f'<dt>Units</dt><dd class="counts">{counts}</dd>'
        "</dl>\n"
    )
    return (
        '<section class="summary" aria-labelledby="summary-h">\n'
        '<h2 id="summary-h">Summary</h2>\n'
        f"{verdict}{_changes_table(view)}{_removed(view)}</section>\n"
    )


def _coverage(side: str, value: float, other: str) -> str:
    width = max(0.0, min(1.0, value)) * 100
    return (
        f'<span class="cov"><span class="bar" aria-hidden="true">'
        f'<span style="width:{width:.0f}%"></span></span> '
        f"{side}: {_e(percent(value))} of its sentences have a counterpart in {other}</span>"
    )


def _text_or_none(text: str | None) -> str:
    return _e(text) if text is not None else '<span class="none">— absent</span>'


def _changes_table(view: DiffView) -> str:
    groups = view.summary.changes_by_type()
    heading = f'<h3 id="changes-h">Fact changes ({len(view.summary.changes)})</h3>\n'
    if not groups:
        return heading + '<p class="muted">No typed fact changes.</p>\n'
    bodies = []
    for change_type, changes in groups:
        cls = change_class(change_type)
        rows = []
        for n, item in enumerate(changes):
            type_cell = (
                f'<th scope="rowgroup" rowspan="{len(changes)}">'
                f'<span class="ctype c-{cls}">{_e(change_type)}</span></th>'
                if n == 0
                else ""
            )
            rows.append(
                f"<tr>{type_cell}"
                f"<td>{_text_or_none(item.change.a)}</td><td>{_text_or_none(item.change.b)}</td>"
                f'<td class="where"><a href="#u{item.pair}">'
                f"{_e(locate(item.a_at, item.b_at))}</a></td></tr>\n"
            )
        bodies.append(f'<tbody class="c-{cls}">\n{"".join(rows)}</tbody>\n')
    return (
        f'{heading}<table class="changes" aria-describedby="changes-h">\n'
        '<thead><tr><th scope="col">Type</th><th scope="col">In A</th>'
        '<th scope="col">In B</th><th scope="col">Where</th></tr></thead>\n'
        f"{''.join(bodies)}</table>\n"
    )


def _removed(view: DiffView) -> str:
    def side(label: str, spans: Iterable[RemovedSpan]) -> str:
        items = "".join(
            f'<li><span class="rkind">{_e(span.kind.replace("_", " "))}</span> '
            f'<span class="rtext">{_e(span.text)}</span></li>'
            for span in spans
        )
        inner = f"<ul>{items}</ul>" if items else '<p class="muted">nothing removed</p>'
        return f"<div><h4>{label}</h4>{inner}</div>"

    return (
        f'<h3 id="removed-h">{_e(REMOVED_HEADING.capitalize())}</h3>\n'
        '<p class="muted">Cleaning took these out of the bodies before comparing; '
        "they are not counted as dropped or added sentences.</p>\n"
        f'<div class="removed">{side("A", view.summary.removed_a)}'
        f"{side('B', view.summary.removed_b)}</div>\n"
    )


def _legend() -> str:
    kinds = "".join(
        f'<li><span class="badge k-{kind_class(kind)}">{_e(kind)}</span> {_e(phrase)}</li>'
        for kind, phrase in KIND_PHRASES.items()
    )
    return (
        '<section class="legend" aria-labelledby="legend-h">\n<h2 id="legend-h">Legend</h2>\n'
        f'<ul class="kinds">{kinds}</ul>\n'
        '<ul class="marks"><li><del>struck</del>: words of A that B does not have</li>'
        "<li><ins>underlined</ins>: words B has instead</li>"
        '<li><mark class="change c-hedge" data-type="hedge">allegedly</mark>: the text of a '
        "typed fact change, labelled with its type (number, date, name, quote, hedge, "
        "attribution, framing)</li></ul>\n"
        "</section>\n"
    )


# --- the aligned table --------------------------------------------------------------


def _table(view: DiffView) -> str:
    rows = "".join(_row(row, view) for row in view.rows)
    return (
        '<section class="aligned" aria-labelledby="aligned-h">\n'
        '<h2 id="aligned-h">Aligned sentences</h2>\n'
        '<p class="muted">One aligned unit per row, in B\'s reading order; a dropped A '
        "sentence sits after the nearest earlier A sentence that kept its place.</p>\n"
        '<table class="diff">\n<colgroup><col class="n"><col class="t"><col class="k">'
        '<col class="n"><col class="t"></colgroup>\n'
        '<thead><tr><th scope="col">#</th><th scope="col">A</th><th scope="col">Kind</th>'
        '<th scope="col">#</th><th scope="col">B</th></tr></thead>\n'
        f"<tbody>\n{rows}</tbody>\n</table>\n</section>\n"
    )


def _row(row: Row, view: DiffView) -> str:
    kind = kind_class(row.kind)
    sim = f'<span class="sim">sim {row.similarity:.2f}</span>' if row.a and row.b else ""
    changes = "".join(
        f'<li><span class="ctype c-{change_class(c.change.type)}">{_e(c.change.type)}</span> '
        f"{_short(c.change.a)} → {_short(c.change.b)}</li>"
        for c in row.changes
    )
    change_list = f'<ul class="chg">{changes}</ul>' if changes else ""
    kind_cell = (
        f'<td class="k"><span class="badge k-{kind}">{_e(row.kind)}</span>{sim}{change_list}</td>'
    )
    return (
        f'<tr id="u{row.pair}" class="unit k-{kind}">'
        f'<td class="n">{_e(format_indexes("a", row.a) if row.a else "")}</td>'
        f"{_text_cell(row.a_fragments, 'a', view.a.lang, 'not in A')}"
        f"{kind_cell}"
        f'<td class="n">{_e(format_indexes("b", row.b) if row.b else "")}</td>'
        f"{_text_cell(row.b_fragments, 'b', view.b.lang, 'not in B')}"
        "</tr>\n"
    )


def _short(text: str | None) -> str:
    return f"“{_e(shorten(text, ROW_CHANGE_LIMIT))}”" if text is not None else "—"


def _text_cell(fragments: Sequence[Fragment], side: Side, lang: str | None, empty: str) -> str:
    if not fragments:
        return f'<td class="t {side} empty"><span class="sr">{empty}</span></td>'
    return f'<td class="t {side}"{_lang_attr(lang)}>{_fragments(fragments, side)}</td>'


def _fragments(fragments: Sequence[Fragment], side: Side) -> str:
    """Runs of text as HTML: edits in ``<del>``/``<ins>``, typed changes in ``<mark>``.

    Consecutive runs of the same change type share one ``<mark>`` (one label), with the
    edited parts inside it, so ``<mark>`` is always the outer element.
    """
    edit_tag = "del" if side == "a" else "ins"
    out = []
    for change, group in itertools.groupby(fragments, key=lambda f: f.change):
        inner = "".join(
            f"<{edit_tag}>{_e(f.text)}</{edit_tag}>" if f.edited else _e(f.text) for f in group
        )
        if change is None:
            out.append(inner)
        else:
            cls = change_class(change)
            out.append(f'<mark class="change c-{cls}" data-type="{_e(cls)}">{inner}</mark>')
    return "".join(out)


def _footer(view: DiffView) -> str:
    return (
        f"<footer><p>storytrace {_e(__version__)} · encoder {_e(view.summary.encoder)} · "
        "a self-contained file: no scripts, nothing loaded from elsewhere.</p></footer>\n"
    )


_CHANGE_COLOURS: dict[ChangeType, str] = {
    "number": "#1971c2",
    "date": "#0c8599",
    "name": "#5f3dc4",
    "quote": "#862e9c",
    "hedge": "#c2255c",
    "attribution": "#e8590c",
    "framing": "#c92a2a",
}
"""The label colour of each change type (the label text says the type too)."""

_KIND_COLOURS: dict[PairKind, tuple[str, str]] = {
    "identical": ("#f1f3f5", "#495057"),
    "reworded": ("#fff3bf", "#7a5a00"),
    "changed": ("#ffd8a8", "#9c3d00"),
    "moved": ("#c5f6fa", "#0b6874"),
    "added": ("#d3f9d8", "#1f6f30"),
    "dropped": ("#ffe3e3", "#b02525"),
}
"""Badge background and text colour per kind (text contrast at least 4.5:1)."""


def _css() -> str:
    kinds = "".join(
        f".badge.k-{kind_class(k)}{{background:{bg};color:{fg}}}"
        f"tr.k-{kind_class(k)} td.k{{border-left:4px solid {fg}}}"
        for k, (bg, fg) in _KIND_COLOURS.items()
    )
    changes = "".join(
        f".c-{change_class(t)}.ctype,mark.change.c-{change_class(t)}::before{{background:{c}}}"
        for t, c in _CHANGE_COLOURS.items()
    )
    return _BASE_CSS + kinds + changes + _PRINT_CSS


_BASE_CSS = """
:root{--fg:#1d2125;--muted:#5c636a;--bg:#fff;--line:#dee2e6;--soft:#f8f9fa;
--del-bg:#ffe3e3;--del-fg:#a61e1e;--ins-bg:#d3f9d8;--ins-fg:#1b5e2b;--mark:#fff08a}
@media (prefers-color-scheme:dark){:root{--fg:#e9ecef;--muted:#adb5bd;--bg:#16191d;
--line:#373d44;--soft:#1f2328;--del-bg:#4a1f22;--del-fg:#ffc9c9;--ins-bg:#1d3b25;
--ins-fg:#b2f2bb;--mark:#5c4b00}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:92rem;padding:1rem 1.5rem 3rem;color:var(--fg);
background:var(--bg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif}
h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
h3{font-size:1.05rem;margin:1.25rem 0 .5rem}h4{margin:.25rem 0;font-size:.95rem}
.muted,.none{color:var(--muted)}.none{font-style:italic}
.versions{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.version{border:1px solid var(--line);border-radius:6px;padding:.75rem 1rem;background:var(--soft)}
.version .side{margin:0;font-weight:700;color:var(--muted)}
.version h2{margin:.1rem 0 .5rem;font-family:Charter,"Bitstream Charter","Sitka Text",
Cambria,Georgia,serif}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
.verdict{gap:.5rem 1.5rem}.verdict .label{font-size:1.1rem}
.evidence{margin:.25rem 0 0;padding-left:1.1rem;font-size:.92rem}
.w{font-variant-numeric:tabular-nums;font-weight:600}.w.pos{color:var(--ins-fg)}
.w.neg{color:var(--del-fg)}
.cov{display:block}.bar{display:inline-block;width:6rem;height:.6rem;background:var(--line);
border-radius:3px;vertical-align:middle;overflow:hidden}
.bar span{display:block;height:100%;background:var(--muted)}
.badge{display:inline-block;padding:0 .45rem;border-radius:999px;font-size:.8rem;
font-weight:600;white-space:nowrap;margin:0 .25rem .15rem 0}.badge.zero{opacity:.55}
.ctype{display:inline-block;color:#fff;border-radius:3px;padding:0 .3rem;font-size:.75rem;
font-weight:600;text-transform:uppercase;letter-spacing:.02em}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:.4rem .5rem;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid var(--fg);font-size:.9rem}
table.changes td{font-family:Charter,"Bitstream Charter","Sitka Text",Cambria,Georgia,serif}
td.where{white-space:nowrap;font-family:inherit}
.removed{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.removed ul{margin:0;padding-left:1.1rem}.rkind{font-size:.8rem;font-weight:600;
color:var(--muted);text-transform:uppercase}.rtext{white-space:pre-line}
.legend ul{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;list-style:none;padding:0;
margin:.25rem 0;font-size:.9rem}
col.n{width:3.5rem}col.k{width:11rem}col.t{width:auto}
table.diff td.t{font-family:Charter,"Bitstream Charter","Sitka Text",Cambria,Georgia,serif;
font-size:1.02rem;line-height:1.55}
td.n{color:var(--muted);font-size:.85rem;white-space:nowrap;font-variant-numeric:tabular-nums}
td.k{font-size:.85rem}.sim{display:block;color:var(--muted)}
ul.chg{list-style:none;padding:0;margin:.3rem 0 0;overflow-wrap:anywhere}
ul.chg li{margin-bottom:.2rem}
tr.k-identical td.t{color:var(--muted)}
td.empty{background:repeating-linear-gradient(135deg,transparent 0 6px,var(--soft) 6px 12px)}
tr.k-added td.b{background:var(--ins-bg)}tr.k-dropped td.a{background:var(--del-bg)}
del{background:var(--del-bg);color:var(--del-fg);text-decoration:line-through}
ins{background:var(--ins-bg);color:var(--ins-fg);text-decoration:underline}
mark.change{background:var(--mark);color:inherit;border-radius:2px;padding:0 .1rem;
box-shadow:inset 0 -2px 0 currentColor}
mark.change::before{content:attr(data-type);display:inline-block;color:#fff;
background:#495057;font:600 .62rem/1.3 system-ui,sans-serif;text-transform:uppercase;
padding:0 .25rem;margin-right:.2rem;border-radius:2px;vertical-align:.15em}
del::before,del::after,ins::before,ins::after,.sr{position:absolute;width:1px;height:1px;
overflow:hidden;clip-path:inset(100%);white-space:nowrap}
del::before{content:" [deleted: "}ins::before{content:" [inserted: "}
del::after,ins::after{content:"] "}
nav{margin:.75rem 0 0;font-size:.9rem}
footer{margin-top:2rem;color:var(--muted);font-size:.85rem}
a{color:inherit}
@media (max-width:48rem){.versions,.removed{grid-template-columns:1fr}
table.diff thead{display:none}table.diff tr{display:block;border-bottom:2px solid var(--line)}
table.diff td{display:block;border:0}table.diff td.empty{display:none}
tr.unit td.k{border-left:0}}
"""

_PRINT_CSS = """
@media print{:root{--fg:#000;--muted:#444;--bg:#fff;--soft:#f8f9fa;--line:#bbb;
--del-bg:#ffe3e3;--del-fg:#a61e1e;--ins-bg:#d3f9d8;--ins-fg:#1b5e2b;--mark:#fff08a}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{max-width:none;padding:0;font-size:10pt}table.diff td.t{font-size:10pt}
thead{display:table-header-group}tr,li,.version{break-inside:avoid}
.legend,.summary{break-inside:avoid-page}a{text-decoration:none}nav{display:none}}
@page{margin:1.2cm}
"""

_CSS = _css()
