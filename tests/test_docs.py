"""The documentation site (issue 18, item 10): docs/cli.md is what docs/gen_cli.py makes
of the commands' help today, and mkdocs builds the site with no broken link."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _gen_cli() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli", ROOT / "docs" / "gen_cli.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_generated_from_the_help_of_today() -> None:
    gen = _gen_cli()
    script = str(ROOT / "docs" / "gen_cli.py")
    result = subprocess.run(
        [sys.executable, script, "--stdout"],
        env=gen.clean_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    expected = result.stdout
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == expected, (
        "docs/cli.md is out of date: run `.venv/bin/python docs/gen_cli.py`"
    )
    for name in gen.command_names():
        assert f"## storytrace {name}\n" in expected


def test_site_builds_strictly(tmp_path: Path) -> None:
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed (pip install -e '.[dev]')")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    site = tmp_path / "site"
    assert (site / "index.html").exists()
    for page in ("cli", "api", "json", "architecture"):
        assert (site / page / "index.html").exists(), page
