"""Names users type resolve to the right family or variant; unknown names get suggestions."""

from __future__ import annotations

import pytest

from llmguide.catalog import resolve
from llmguide.errors import UnknownNameError


@pytest.mark.parametrize(
    "name, family, variant",
    [
        ("llama2", "llama-2", None),
        ("Llama 2", "llama-2", None),
        ("LLAMA-2", "llama-2", None),
        ("llama-2-13b-chat", "llama-2", "llama-2-13b-chat"),
        ("Llama 2 13B Chat", "llama-2", "llama-2-13b-chat"),
        ("meta-llama/Llama-2-13b-chat-hf", "llama-2", "llama-2-13b-chat"),
        ("Llama-2-13b-chat-hf", "llama-2", "llama-2-13b-chat"),
        ("codellama", "codellama", None),
        ("Code Llama", "codellama", None),
        ("codellama-34b-instruct", "codellama", "codellama-34b-instruct"),
        ("mixtral", "mixtral", None),
        ("Mixtral-8x7B-Instruct-v0.1", "mixtral", "mixtral-8x7b-instruct"),
        ("zephyr", "zephyr", None),
        ("zephyr-7b-beta", "zephyr", "zephyr-7b-beta"),
        ("solar", "solar", None),
        ("SOLAR 10.7B Instruct", "solar", "solar-10.7b-instruct"),
    ],
)
def test_resolves(catalog, name, family, variant):
    match = resolve(catalog, name)
    assert match.family.id == family
    assert (match.variant.id if match.variant else None) == variant


@pytest.mark.parametrize(
    "typo, expected",
    [("mixtrl", "mixtral"), ("zepyhr", "zephyr"), ("codelama-34b", "codellama-34b"), ("lama2", "llama-2")],
)
def test_did_you_mean(catalog, typo, expected):
    with pytest.raises(UnknownNameError) as err:
        resolve(catalog, typo)
    assert expected in err.value.suggestions
    assert err.value.hint.startswith("Did you mean:")


def test_nonsense_has_no_suggestion(catalog):
    with pytest.raises(UnknownNameError) as err:
        resolve(catalog, "qqqqqqqq")
    assert err.value.suggestions == []
    assert "llmguide list" in err.value.hint  # no guess: where to look instead


def test_every_variant_id_resolves_to_itself(catalog):
    for _, v in catalog.variants():
        assert resolve(catalog, v.id).variant.id == v.id
