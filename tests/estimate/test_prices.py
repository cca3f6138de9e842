"""Weight prices kept between runs (estimate/prices.py): stored only past a few, read back equal,
keyed by the version and the estimator's code, never fatal, and never in another entry's way."""

from __future__ import annotations

import pytest

from llmguide.catalog import cache
from llmguide.estimate import prices, weights
from llmguide.estimate.gguf_rules import parse_preset
from llmguide.model.config import from_config

PRESETS = [parse_preset(q) for q in ("Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "Q2_K")]


def _arch(layers: int):
    return from_config(dict(num_hidden_layers=layers, hidden_size=2048, intermediate_size=5632, num_attention_heads=16,
                            num_key_value_heads=4, vocab_size=32000))


@pytest.fixture()
def fresh(tmp_path, monkeypatch):
    """An empty cache folder, empty stores and a process that has priced nothing."""
    monkeypatch.setenv("LLMGUIDE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(prices, "PRICED", {})
    monkeypatch.setattr(prices, "READS", {})
    monkeypatch.setattr(prices, "TENSORS", {})
    monkeypatch.setattr(prices, "PARAMS", {})
    monkeypatch.setattr(prices, "REPACKED", {})
    monkeypatch.setattr(prices, "_state", {"enabled": True, "loaded": False, "many": False, "computed": 0, "stored": 0})
    return tmp_path


def _price_many(n_archs: int) -> dict:
    out = {}
    for layers in range(4, 4 + n_archs):
        arch = _arch(layers)
        for p in PRESETS:
            out[(layers, p.name)] = (weights.weight_bytes(arch, p), weights.read_bytes_per_token(arch, p))
    return out


def test_prices_are_stored_and_read_back_equal(fresh, monkeypatch):
    expected = _price_many(5)  # 5 architectures x 6 presets x 2 sizes: past ENOUGH
    prices.save()
    assert [p.name for p in fresh.iterdir()] == [f"catalog-{prices._key()}.pickle"]
    monkeypatch.setattr(prices, "PRICED", {})
    monkeypatch.setattr(prices, "READS", {})
    monkeypatch.setattr(prices, "TENSORS", {})
    monkeypatch.setattr(prices, "_state", {"enabled": True, "loaded": False, "many": False, "computed": 0, "stored": 0})
    for _ in range(prices.ENOUGH):
        prices.computed()
    assert len(prices.PRICED) == len(prices.READS) == 30  # read back
    assert _price_many(5) == expected


def test_a_process_that_prices_a_few_models_reads_and_writes_nothing(fresh):
    arch = _arch(6)
    weights.weight_bytes(arch, "Q4_K_M")
    prices.save()
    assert list(fresh.iterdir()) == []
    assert not prices._state["loaded"]


def test_nothing_is_kept_unless_the_command_line_asks(fresh, monkeypatch):
    monkeypatch.setitem(prices._state, "enabled", False)
    _price_many(5)
    prices.save()
    assert list(fresh.iterdir()) == [] and not prices._state["loaded"]


def test_the_key_changes_with_the_version(monkeypatch):
    import llmguide

    before = prices._key()
    monkeypatch.setattr(llmguide, "__version__", "0.0.0-other")
    assert prices._key() != before and prices._key().startswith("prices-")


def test_a_damaged_store_is_ignored_and_prices_are_worked_out(fresh):
    (fresh / f"catalog-{prices._key()}.pickle").write_bytes(b"llmguide-catalog-cache\n" + b"\xff" * 40)
    expected = {(4, "Q4_K_M"): (weights.weight_bytes(_arch(4), "Q4_K_M"), weights.read_bytes_per_token(_arch(4), "Q4_K_M"))}
    for _ in range(prices.ENOUGH):
        prices.computed()
    assert prices._state["loaded"]
    assert expected == {(4, "Q4_K_M"): (weights._price(_arch(4), PRESETS[3])[0], weights._reads(_arch(4), PRESETS[3]))}


def test_prices_and_catalog_entries_do_not_replace_each_other(fresh):
    cache.write_key("0123abcd", {"families": []})
    cache.write_key("user-0123abcd", {"families": []})
    cache.write_key("prices-0123abcd", {"priced": {}, "reads": {}})
    cache.write_key("prices-4567ef", {"priced": {}, "reads": {}})
    assert sorted(p.name for p in fresh.iterdir()) == ["catalog-0123abcd.pickle", "catalog-prices-4567ef.pickle",
                                                       "catalog-user-0123abcd.pickle"]


def test_a_run_that_priced_nothing_new_does_not_rewrite_the_store(fresh, monkeypatch):
    _price_many(5)
    prices.save()
    writes = []
    real = cache.write_key
    monkeypatch.setattr(cache, "write_key", lambda key, value: (writes.append(key), real(key, value)))
    monkeypatch.setattr(prices, "PRICED", {})
    monkeypatch.setattr(prices, "READS", {})
    monkeypatch.setattr(prices, "TENSORS", {})
    monkeypatch.setattr(prices, "_state", {"enabled": True, "loaded": False, "many": False, "computed": 0, "stored": 0})
    _price_many(5)  # the same prices again: read back, none new
    prices.save()
    assert writes == []
    _price_many(6)  # one architecture more: stored
    prices.save()
    assert writes == [prices._key()]


def test_a_command_that_prices_many_models_reads_the_store_before_pricing_any(fresh, monkeypatch):
    _price_many(5)
    prices.save()
    for store in ("PRICED", "READS", "TENSORS"):
        monkeypatch.setattr(prices, store, {})
    monkeypatch.setattr(prices, "_state", {"enabled": True, "loaded": False, "many": False, "computed": 0, "stored": 0})
    worked: list = []
    real = weights._price
    monkeypatch.setattr(weights, "_price", lambda arch, preset: (worked.append(preset), real(arch, preset))[1])
    prices.expect(prices.ENOUGH - 1)  # a few models: as before, priced until ENOUGH
    weights.weight_bytes(_arch(4), "Q4_K_M")
    assert worked and not prices._state["loaded"]
    worked.clear()
    prices.expect(15_000)  # recommend over a large catalog
    weights.weight_bytes(_arch(5), "Q4_K_M")
    assert prices._state["loaded"] and worked == []  # read back at the first price, none worked out


def test_counts_and_repacked_bytes_are_kept_and_read_back_equal(fresh, monkeypatch):
    """What a ranking prints of its picks (parameters counted, bytes a CPU repacks) is kept with
    the prices; a repacked size of 0 (an ISA that repacks nothing) is kept like any other."""
    from llmguide.estimate.repack import preset_matrices, preset_repacked, repacked
    from llmguide.model.tensors import active_parameter_count, parameter_count

    archs = [_arch(layers) for layers in range(4, 9)]
    expected = {}
    for arch in archs:
        expected[arch, "params"] = weights.counted_params(arch)
        assert expected[arch, "params"] == (parameter_count(arch), active_parameter_count(arch))
        for isa in ("avx2", "none"):
            for p in PRESETS:
                expected[arch, p.name, isa] = preset_repacked(arch, p.name, isa)
                assert expected[arch, p.name, isa] == repacked(preset_matrices(arch, p), isa)
    assert any(v == 0 for k, v in expected.items() if k[-1] == "none")
    assert any(v > 0 for k, v in expected.items() if k[-1] == "avx2")
    prices.save()
    for store in ("PRICED", "READS", "TENSORS", "PARAMS", "REPACKED"):
        monkeypatch.setattr(prices, store, {})
    monkeypatch.setattr(prices, "_state", {"enabled": True, "loaded": False, "many": True, "computed": 0, "stored": 0})
    from llmguide.estimate import repack

    monkeypatch.setattr(repack, "preset_matrices", lambda arch, p: pytest.fail("read back: no tensor is walked"))
    monkeypatch.setattr(weights, "parameter_count", lambda arch: pytest.fail("read back: nothing is counted"))
    for arch in archs:
        assert weights.counted_params(arch) == expected[arch, "params"]
        for isa in ("avx2", "none"):
            for p in PRESETS:
                assert preset_repacked(arch, p.name, isa) == expected[arch, p.name, isa]


def test_a_ranking_stores_even_a_few_new_prices(fresh):
    """After a ranking read the store (``expect``), what it priced anew is stored however few: a warm
    ranking with --top 20 must not price its extra picks again on every run."""
    _price_many(5)
    prices.save()
    before = cache.read_key(prices._key())
    prices.expect(prices.ENOUGH)  # the boundary: a ranking of exactly ENOUGH models
    assert prices._state["many"]
    weights.weight_bytes(_arch(40), "Q4_K_M")  # one new price
    prices.save()
    after = cache.read_key(prices._key())
    assert len(after["priced"]) == len(before["priced"]) + 1


def test_the_stored_prices_are_keyed_by_the_code_that_sets_them(monkeypatch):
    """Each module whose code decides a stored value is in the key, so an edit to it prices afresh:
    the quantizer's rules and block sizes, the tensor listing and counts, the repacking rules."""
    from pathlib import Path

    stamped: list = []
    monkeypatch.setattr(cache, "stamped_key", lambda parts, paths: (stamped.extend(paths), "0")[1])
    prices._key()
    assert {Path(p).name for p in stamped} >= {"weights.py", "gguf_rules.py", "ggml_types.py", "repack.py", "tensors.py",
                                               "architecture.py"}
    assert all(Path(p).is_file() for p in stamped)


def test_an_moes_expert_bytes_per_layer_are_kept_and_read_back_equal(fresh, monkeypatch):
    moe = from_config(dict(model_type="mixtral", num_hidden_layers=6, hidden_size=1024, intermediate_size=2816,
                           num_attention_heads=8, num_key_value_heads=2, vocab_size=32000, num_local_experts=8,
                           num_experts_per_tok=2))
    assert moe.is_moe
    expected = {p.name: weights.expert_bytes_by_layer(moe, p) for p in PRESETS}
    assert all(len(v) == 6 and min(v) > 0 for v in expected.values())
    assert expected == {p.name: weights._expert_layers(moe, p) for p in PRESETS}
    _price_many(4)  # past ENOUGH with the dense ones: stored
    prices.save()
    monkeypatch.setattr(prices, "EXPERTS", {})
    monkeypatch.setattr(prices, "_state", {"enabled": True, "loaded": False, "many": True, "computed": 0, "stored": 0})
    monkeypatch.setattr(weights, "_expert_layers", lambda arch, p: pytest.fail("read back: no tensor is walked"))
    assert {p.name: weights.expert_bytes_by_layer(moe, p) for p in PRESETS} == expected
