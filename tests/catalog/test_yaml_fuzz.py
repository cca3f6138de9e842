"""Property: whatever bytes a catalog file holds, the reader returns a model or raises
``CatalogError`` — never another exception, never a hang."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmguide.catalog.reference import QuantTable, TaskTable
from llmguide.catalog.schema import Family
from llmguide.catalog.yamlfile import read_model
from llmguide.errors import CatalogError
from llmguide.hardware.presets import HardwareFile

MODELS = st.sampled_from([Family, HardwareFile, TaskTable, QuantTable])
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Keys the schemas know, so generated mappings get past the top level now and then.
KEYS = st.sampled_from(["id", "name", "aliases", "variants", "sources", "devices", "kind", "memory_gb", "tasks",
                        "quants", "benchmarks", "url", "title", "license", "architecture", "layers", "<<"])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.sampled_from(["2024-13-45", "0x_", "._", "1:2:3", "yes", "~", "!!binary", "&a", "*a"]),
)
DATA = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.one_of(KEYS, st.text(max_size=8)), inner, max_size=4)),
    max_leaves=25,
)
# Pieces of YAML syntax, glued at random: anchors, aliases, merges, tags, flow and block markers.
TOKENS = st.sampled_from([
    "a", "id", ": ", ":", "\n", "  ", "- ", "[", "]", "{", "}", ", ", "&x ", "*x", "&y ", "*y", "<<: ", "!!str ",
    "!!int ", "!!binary ", "!!timestamp ", "!!set ", "!!python/object:os.system ", "? ", "|", ">", "'", '"', "#",
    "---\n", "...\n", "%YAML 1.1\n", "\t", "\ufeff", "\x00", "\x85", "0x_", "2024-13-45", "1e999", "9" * 5000,
])


@pytest.fixture(scope="module")
def file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "fuzz.yaml"


def _read(path: Path, content: bytes, model: type) -> None:
    path.write_bytes(content)
    try:
        read_model(path, model)
    except CatalogError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)


@FUZZ
@given(data=DATA, model=MODELS)
def test_generated_documents_load_or_raise_catalog_error(file, data, model):
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except (yaml.YAMLError, ValueError):  # pragma: no cover - a value PyYAML cannot write
        return
    _read(file, text.encode("utf-8"), model)


@FUZZ
@given(tokens=st.lists(TOKENS, max_size=40), model=MODELS)
def test_yaml_shaped_noise_loads_or_raises_catalog_error(file, tokens, model):
    _read(file, "".join(tokens).encode("utf-8"), model)


@FUZZ
@given(content=st.binary(max_size=300), model=MODELS)
def test_random_bytes_load_or_raise_catalog_error(file, content, model):
    _read(file, content, model)


@FUZZ
@given(cut=st.integers(0, 4000), junk=st.binary(max_size=8), model=MODELS)
def test_a_real_file_cut_and_spliced_loads_or_raises_catalog_error(file, cut, junk, model):
    from llmguide.catalog.paths import catalog_dir

    real = (catalog_dir() / "models" / "zephyr.yaml").read_bytes()
    _read(file, real[:cut] + junk + real[cut + len(junk):], model)


def _paths(obj, prefix: tuple = ()):
    yield prefix
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield from _paths(value, (*prefix, i))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_real_file_with_values_replaced_loads_or_raises_catalog_error(file, data):
    """Past the top level: schema checks and ``__post_init__`` see wrong values, not only wrong YAML."""
    import copy

    from llmguide.catalog.paths import catalog_dir

    name, model = data.draw(st.sampled_from([("models/zephyr.yaml", Family), ("hardware/intel.yaml", HardwareFile)]))
    doc = copy.deepcopy(yaml.safe_load((catalog_dir() / name).read_text(encoding="utf-8")))
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:  # every key already deleted
            break
        path = data.draw(st.sampled_from(paths))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent, dict) and data.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(DATA)
    _read(file, yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"), model)
