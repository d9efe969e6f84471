"""Reading speed: articles per second through the whole read pipeline, text and HTML.

    .venv/bin/python bench/read_speed.py [--docs 300]

The articles are ECB+ documents from ../shared/data written to a temporary folder twice:
as plain-text files, and as HTML pages with the furniture of a news site (navigation, a
script, a related-links box, a footer) around the article, so the HTML row includes
trafilatura's extraction. Each row is ``storytrace.read_many`` over the folder: detect,
decode, extract, identify the language, clean, segment, extract facts. Best of three
passes (the first pass warms the lexicons and trafilatura's imports).
"""

from __future__ import annotations

import argparse
import html
import sys
import tempfile
import time
from pathlib import Path

import datasets
import storytrace

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2013-05-03">
<script>window.tracker = {{id: 42}};</script></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<main><article><h1>{title}</h1>
{body}
</article>
<aside><h2>Related</h2><ul><li><a href="/a">Another story</a></li></ul></aside></main>
<footer>© Example News. All rights reserved.</footer></body></html>
"""


def write_corpus(folder: Path, docs: list[dict[str, object]]) -> tuple[Path, Path]:
    text_dir, html_dir = folder / "text", folder / "html"
    text_dir.mkdir()
    html_dir.mkdir()
    for k, doc in enumerate(docs):
        text = str(doc["text"])
        (text_dir / f"{k:04d}.txt").write_text(text, encoding="utf-8")
        lines = [line for line in text.splitlines() if line.strip()]
        title = html.escape(lines[0]) if lines else "Untitled"
        body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
        page = PAGE.format(title=title, body=body)
        (html_dir / f"{k:04d}.html").write_text(page, encoding="utf-8")
    return text_dir, html_dir


def rate(folder: Path) -> tuple[float, int]:
    best = 0.0
    count = 0
    for _ in range(3):
        t0 = time.perf_counter()
        count = sum(1 for _ in storytrace.read_many([folder], on_error=lambda err: None))
        best = max(best, count / (time.perf_counter() - t0))
    return best, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    args = parser.parse_args()
    docs = datasets.ecb_docs()[: args.docs]
    if not docs:
        sys.exit("skipped: ECB+ not found in ../shared/data")
    with tempfile.TemporaryDirectory() as tmp:
        text_dir, html_dir = write_corpus(Path(tmp), docs)
        print(f"{'format':<8} {'articles':>9} {'articles/s':>11}")
        rates = {}
        for name, folder in (("text", text_dir), ("html", html_dir)):
            rates[name], count = rate(folder)
            print(f"{name:<8} {count:>9} {rates[name]:>11.1f}")
    print(f"text_articles_per_s={rates['text']:.1f} html_articles_per_s={rates['html']:.1f}")


if __name__ == "__main__":
    main()
