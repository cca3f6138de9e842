"""What YAML itself would let through: alias fan-out ("billion laughs"), recursive aliases, keys
given twice, values Python cannot build. Each is refused with the file and the line."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from llmguide.catalog import load_catalog
from llmguide.catalog.paths import catalog_dir
from llmguide.catalog.schema import Family
from llmguide.catalog.yamlfile import MAX_EXPANDED, expanded_size, load_yaml, read_model
from llmguide.errors import CatalogError


def _laughs(levels: int = 9, width: int = 10) -> str:
    """A family file whose ``aliases`` anchor expands to width**levels strings."""
    base = (catalog_dir() / "models" / "zephyr.yaml").read_text(encoding="utf-8")
    lines = [f"x0: &x0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels + 1):
        lines.append(f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * width)}]")
    # the keys x0..x9 are unknown fields: the file is refused either way, the point is *how*
    return base + "\n" + "\n".join(lines) + f"\nstrengths_extra: *x{levels}\n"


def test_billion_laughs_is_refused_quickly_with_the_line_of_the_first_alias(tmp_path):
    path = tmp_path / "zephyr.yaml"
    path.write_text(_laughs())
    first_alias = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if "*x0" in line)
    start = time.perf_counter()
    with pytest.raises(CatalogError) as err:
        read_model(path, Family)
    assert time.perf_counter() - start < 2
    assert err.value.problems == [
        f"line {first_alias}: the anchors and aliases (&name, *name) expand to more than {MAX_EXPANDED:,} values, "
        "far more than a catalog file needs; write the values out instead"]


@pytest.mark.skipif(sys.platform == "win32", reason="resource.getrusage is POSIX")
def test_billion_laughs_uses_little_memory(tmp_path):
    """In a fresh process (peak memory is per process): the 3.9 GB of the fuzz finding stays tens of MB."""
    path = tmp_path / "zephyr.yaml"
    path.write_text(_laughs())
    code = textwrap.dedent(f"""
        import json, resource, sys
        from pathlib import Path
        from llmguide.catalog.schema import Family
        from llmguide.catalog.yamlfile import read_model
        from llmguide.errors import CatalogError
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            read_model(Path({str(path)!r}), Family)
            refused = False
        except CatalogError:
            refused = True
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
        print(json.dumps({{"refused": refused, "grew_mb": (after - before) * scale / 2**20}}))
    """)
    # With the check missing, this would take minutes and gigabytes: the timeout ends it.
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True).stdout
    result = json.loads(out)
    assert result["refused"] and result["grew_mb"] < 100, result


def test_a_fan_out_through_fields_the_schema_reads_is_refused(catalog_copy):
    """The fuzz finding's shape: every value is of the right type, only shared. 2,000 copies of a
    variant with 2,000 aliases: about 35 KB of YAML, four million values once expanded."""
    import yaml

    path = catalog_copy / "models" / "zephyr.yaml"
    data = yaml.safe_load(path.read_text())
    variant = data["variants"][0]
    variant["aliases"] = [f"z{i}" for i in range(2000)]
    data["variants"] = [variant] * 2000
    path.write_text(yaml.safe_dump(data, sort_keys=False))  # writes the shared variant as &id001 / *id001
    assert path.stat().st_size < 60_000
    start = time.perf_counter()
    with pytest.raises(CatalogError, match="expand to more than"):
        load_catalog(catalog_copy)
    assert time.perf_counter() - start < 5


def test_modest_aliases_still_work():
    text = "base: &b {x: 1, y: [1, 2]}\none: *b\ntwo: {<<: *b, y: [3]}\n"
    assert load_yaml(Path("t.yaml"), text) == {"base": {"x": 1, "y": [1, 2]}, "one": {"x": 1, "y": [1, 2]},
                                               "two": {"x": 1, "y": [3]}}


def test_expanded_size_counts_every_use():
    shared = [1, 2, 3]
    assert expanded_size({"a": shared, "b": shared}, 100) == 1 + 2 + 2 * 4  # keys count, each use counts
    assert expanded_size([[shared] * 10] * 10, 10**9) == 1 + 10 * (1 + 10 * 4)
    assert expanded_size("scalar", 10) == 1
    nested: list = []
    for _ in range(40):  # 2**40 values if written out: stops at the limit
        nested = [nested, nested]
    assert expanded_size(nested, 1000) > 1000


def test_a_recursive_alias_is_refused():
    with pytest.raises(CatalogError, match="line 1: an alias refers to a list or mapping that contains it"):
        load_yaml(Path("t.yaml"), "a: &a [1, *a]\n")
    with pytest.raises(CatalogError, match="contains it"):
        load_yaml(Path("t.yaml"), "a: &a {b: *a}\n")


def test_a_key_given_twice_is_refused_with_both_lines(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("id: a\nname: A\ndeveloper: x\nid: b\nlicense:\n  id: MIT\n  id: Apache-2.0\n")
    with pytest.raises(CatalogError) as err:
        read_model(path, Family)
    assert err.value.problems == [
        "line 4: key 'id' is given twice in the same mapping (first on line 1); YAML would keep only the last",
        "line 7: key 'id' is given twice in the same mapping (first on line 6); YAML would keep only the last",
    ]


def test_a_key_given_twice_fails_a_normal_load(catalog_copy):
    path = catalog_copy / "models" / "zephyr.yaml"
    text = path.read_text()
    path.write_text(text.replace("developer: Hugging Face H4\n", "developer: Hugging Face H4\ndeveloper: Someone\n", 1))
    line = text.splitlines().index("developer: Hugging Face H4") + 2
    with pytest.raises(CatalogError) as err:
        load_catalog(catalog_copy)
    assert err.value.path == str(path)
    assert err.value.problems[0].startswith(f"line {line}: key 'developer' is given twice")


def test_keys_equal_once_read_are_duplicates_too():
    with pytest.raises(CatalogError, match="key 'true' is given twice"):
        load_yaml(Path("t.yaml"), "yes: 1\ntrue: 2\n")  # both the boolean True


def test_overriding_a_merged_key_is_not_a_duplicate():
    data = load_yaml(Path("t.yaml"), "a: &a {x: 1, y: 2}\nb: {<<: *a, x: 3}\nc: {<<: [*a, *a], y: 4}\n")
    assert data["b"] == {"x": 3, "y": 2} and data["c"] == {"x": 1, "y": 4}
    with pytest.raises(CatalogError, match="line 2: key 'x' is given twice"):
        load_yaml(Path("t.yaml"), "a: &a {x: 1}\nb: {<<: *a, x: 3, x: 4}\n")


def test_merge_key_doubling_stays_linear():
    """``<<: [*a, *a]`` at every level doubled the merged pairs in PyYAML before 6.0.4."""
    lines = ["l0: &l0 {k0: 1}"] + [f"l{i}: &l{i} {{<<: [*l{i - 1}, *l{i - 1}], k{i}: 1}}" for i in range(1, 40)]
    start = time.perf_counter()
    with pytest.raises(CatalogError, match="expand to more than"):  # 40 levels of shared maps: still too many
        load_yaml(Path("t.yaml"), "\n".join(lines) + "\nall: [" + ", ".join(["*l39"] * 30000) + "]\n")
    assert time.perf_counter() - start < 5
    data = load_yaml(Path("t.yaml"), "\n".join(lines))
    assert len(data["l39"]) == 40


@pytest.mark.parametrize(("text", "match"), [
    ("a: 2024-13-45\n", r"line 1: YAML error: cannot read the value '2024-13-45': month must be in 1\.\.12"),
    ("a: 1\nb: 0x_\n", r"line 2: YAML error: cannot read the value '0x_'"),
    ("a: " + "9" * 5000 + "\n", r"line 1: YAML error: cannot read the value '9999"),
    ("a: !!python/object:os.system x\n", r"line 1: YAML error: could not determine a constructor"),
    ("? [1]\n: 2\n", r"YAML error: found unhashable key"),
    ("a: [1\n", r"YAML syntax error"),
    ("a: 1\n---\nb: 2\n", r"line 2: YAML syntax error: expected a single document in the stream, but found another document"),
    ("[" * 2000, r"YAML syntax error: exceeded maximum nesting depth"),
])
def test_values_yaml_or_python_cannot_build_are_catalog_errors(text, match):
    with pytest.raises(CatalogError, match=match):
        load_yaml(Path("t.yaml"), text)


def test_the_shipped_catalog_has_no_duplicate_keys_and_loads():
    catalog = load_catalog()
    assert catalog.families and catalog.hardware


def test_a_file_of_many_errors_lists_the_first_hundred_quickly(tmp_path):
    """Each error's line was looked up by a scan of its mapping: quadratic in the number of keys."""
    from llmguide.catalog.yamlfile import MAX_PROBLEMS

    path = tmp_path / "many.yaml"
    path.write_text("".join(f"key{i}: 1\n" for i in range(20_000)))
    start = time.perf_counter()
    with pytest.raises(CatalogError) as err:
        read_model(path, Family)
    assert time.perf_counter() - start < 10
    assert len(err.value.problems) == MAX_PROBLEMS + 1
    assert err.value.problems[-1].startswith("... and ") and "more problems in this file" in err.value.problems[-1]
    assert "line 20000: field 'key19999'" not in str(err.value.problems)
    path.write_text("".join(f"key: {i}\n" for i in range(5_000)))
    with pytest.raises(CatalogError) as err:
        read_model(path, Family)
    assert len(err.value.problems) == MAX_PROBLEMS + 1 and "given twice" in err.value.problems[0]
