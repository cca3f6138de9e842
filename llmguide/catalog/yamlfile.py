"""Read one YAML file into a catalog dataclass, reporting problems by file, line and field.

The fast path parses with libyaml's C loader and validates once. Only when validation fails is the
file composed a second time into nodes, to find the line each error points at.

The work is bounded whatever the file holds: only a plain file of at most ``MAX_BYTES`` is read
(``textfile``), libyaml refuses nesting deeper than 1,000 levels, and a document whose anchors and
aliases would expand to more than ``MAX_EXPANDED`` values ("billion laughs") is refused before
anything expands it. A key given twice in one mapping is an error (YAML would silently keep the
last), reported with both lines. Every failure is a ``CatalogError``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode

from llmguide.catalog.textfile import read_text
from llmguide.catalog.validate import validate, validation_error_type
from llmguide.errors import CatalogError

try:  # libyaml is an order of magnitude faster; fall back to the pure-Python loader.
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Base  # type: ignore[assignment]

M = TypeVar("M")

MAX_BYTES = 1 << 20  # the largest shipped file (hardware/generated.yaml) is about 200 KB. Loading costs
# up to ~7 s and ~300 MB per MB of the densest YAML (600,000 flow mappings): that, not the size of
# real files, sets the cap.
MAX_EXPANDED = 1_000_000  # values with aliases written out; the largest shipped file has about 10,000
_CYCLE = -1  # expanded_size of a document that contains itself
MAX_PROBLEMS = 100  # listed per file; a file with more is reported with how many more


class _Loader(_Base):
    """The safe loader, recording keys given twice in one mapping instead of keeping the last.

    Merge keys (``<<: *base``) still work: a key that overrides a merged one is not a duplicate.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, str, int]] = []  # (line, key, line of its first use)
        self._merged: dict[int, int] = {}  # id(mapping node) -> how many pairs in front came from merges

    def flatten_mapping(self, node: MappingNode) -> None:
        own = node.value
        super().flatten_mapping(node)  # deletes the merge keys from ``own``, puts merged pairs in front
        if node.value is not own:
            merged = _last_of_each(node.value[: len(node.value) - len(own)])
            node.value = merged + own
            self._merged[id(node)] = len(merged)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict:
        mapping = super().construct_mapping(node, deep=deep)
        if len(mapping) < len(node.value):  # two pairs gave one key: an override of a merged key, or a duplicate
            self._record_duplicates(node)
        return mapping

    def _record_duplicates(self, node: MappingNode) -> None:
        first: dict[Any, Any] = {}
        for key_node, _ in node.value[self._merged.get(id(node), 0):]:
            key = self.construct_object(key_node)  # already built: this is a look-up
            try:
                seen = first.setdefault(key, key_node)
            except TypeError:  # pragma: no cover - an unhashable key has been refused already
                continue
            if seen is not key_node:
                text = key_node.value if isinstance(key_node, ScalarNode) else str(key)
                text = text if len(text) <= 60 else text[:57] + "..."
                self.duplicates.append((key_node.start_mark.line + 1, text, seen.start_mark.line + 1))


    def construct_base60_safe_int(self, node: ScalarNode) -> int:
        """YAML 1.1 reads ``1:30`` as the base-60 number 90; PyYAML's reading of a long one costs
        time quadratic in its length (minutes for a few MB), and no catalog value is one."""
        if len(node.value) > 64 and ":" in node.value:
            raise ConstructorError(None, None, f"a base-60 number of {len(node.value):,} characters (YAML reads 1:30 as 90); "
                                   "quote the value if it is text", node.start_mark)
        return self.construct_yaml_int(node)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_base60_safe_int)


def _last_of_each(pairs: list) -> list:
    """Merged (key node, value node) pairs without the ones a later pair of the same key replaces.

    The mapping built is the same (the last pair of a key wins), and the list no longer doubles
    with each level of ``<<: [*a, *a]`` (PyYAML before 6.0.4 did not dedupe; this keeps it linear
    whichever version is installed)."""
    def ident(k: Any) -> object:
        return (k.tag, k.value) if isinstance(k, ScalarNode) else id(k)

    last = {ident(k): i for i, (k, _) in enumerate(pairs)}
    if len(last) == len(pairs):
        return pairs
    return [p for i, p in enumerate(pairs) if last[ident(p[0])] == i]


class _LocatingLoader(_Loader):
    """Used only after a load failed with a plain Python error, which PyYAML's constructors raise
    for some values (a date like 2024-13-45, an integer of 5,000 digits, ``!!int ''``, a
    ``!!timestamp`` that is not one): the same load, with the error raised at the line of the value."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever a constructor raises, the value is at fault
            value = node.value if isinstance(node, ScalarNode) else node.id
            reason = str(exc) or type(exc).__name__
            raise ConstructorError(None, None, f"cannot read the value {str(value)[:60]!r}: {reason}", node.start_mark) from None


def _load(text: str, loader_class: type[_Loader]) -> tuple[Any, list[tuple[int, str, int]]]:
    loader = loader_class(text)
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


def load_yaml(path: Path, text: str) -> Any:
    """The data of one YAML document, checked for duplicate keys and for alias expansion."""
    try:
        try:
            data, duplicates = _load(text, _Loader)
        except yaml.YAMLError:
            raise
        except Exception:  # noqa: BLE001 - a constructor's own error: load again to find the value's line
            data, duplicates = _load(text, _LocatingLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark else ""
        kind = "YAML error" if isinstance(exc, ConstructorError) else "YAML syntax error"
        problem = exc.problem or str(exc)
        if exc.context and exc.context.startswith("expected"):  # "expected a single document ..., but found another"
            problem = f"{exc.context}, {problem}"
        raise CatalogError(str(path), [f"{where}{kind}: {problem}"]) from None
    except Exception as exc:  # noqa: BLE001 - a YAMLError without a mark, or one the second load did not repeat
        raise CatalogError(str(path), [f"YAML error: {exc or type(exc).__name__}"]) from None
    if duplicates:
        raise CatalogError(str(path), _capped([
            f"line {line}: key '{key}' is given twice in the same mapping (first on line {first}); YAML would keep only the last"
            for line, key, first in duplicates[:MAX_PROBLEMS]], len(duplicates)))
    if "&" in text and "*" in text:  # no anchor or no alias: nothing is shared, nothing to count
        size = expanded_size(data, MAX_EXPANDED)
        if size == _CYCLE or size > MAX_EXPANDED:
            where = _first_alias_line(text)
            what = ("an alias refers to a list or mapping that contains it, which never ends" if size == _CYCLE else
                    f"the anchors and aliases (&name, *name) expand to more than {MAX_EXPANDED:,} values, "
                    "far more than a catalog file needs")
            raise CatalogError(str(path), [f"{where}{what}; write the values out instead"])
    return data


def read_model(path: Path, model: type[M]) -> M:
    text = read_text(path, MAX_BYTES)
    data = load_yaml(path, text)
    if not isinstance(data, dict):
        raise CatalogError(str(path), ["line 1: expected a mapping of keys to values at the top level"])
    if "\\" in text:  # only an escape in a quoted string ("\e", "\x1b") can make a control character
        _refuse_control_characters(path, text, data)
    try:
        return validate(data, model)
    except validation_error_type() as exc:
        errors = exc.errors(include_url=False, include_input=False)
    del data  # the document is composed again below, for the lines: not both in memory at once
    # A list whose only item failed also reports "at least 1 item": that follows from the
    # item's own error, so it is left out.
    inner = {tuple(e["loc"][:n]) for e in errors for n in range(len(e["loc"]))}
    errors = [e for e in errors if not (e["type"] == "too_short" and tuple(e["loc"]) in inner)]
    lines = _Lines(yaml.compose(text, Loader=_Base))
    raise CatalogError(str(path), _capped([_describe(err, lines) for err in errors[:MAX_PROBLEMS]], len(errors)))


def _refuse_control_characters(path: Path, text: str, data: Any) -> None:
    """Catalog text is printed to terminals: an escape code or other control character in it (a
    line break or tab is fine) would drive the terminal, so it is an error with its field and line."""
    from llmguide.model.files import has_controls

    found: list[tuple] = []
    stack: list[tuple[Any, tuple]] = [(data, ())]
    while stack and len(found) < MAX_PROBLEMS:
        node, loc = stack.pop()
        if isinstance(node, str):
            if has_controls(node):
                found.append(loc)
        elif isinstance(node, dict):
            stack += [(v, (*loc, k)) for k, v in node.items()] + [(k, loc) for k in node if isinstance(k, str)]
        elif isinstance(node, list):
            stack += [(v, (*loc, i)) for i, v in enumerate(node)]
    if found:
        lines = _Lines(yaml.compose(text, Loader=_Base))
        raise CatalogError(str(path), [
            f"line {lines.line_of(loc)}: field '{'.'.join(map(str, loc)) or '(top level)'}': contains a control character "
            "(an escape code or similar); catalog text is printed to terminals, so only line breaks and tabs are allowed"
            for loc in sorted(found, key=str)])


def _capped(problems: list[str], total: int) -> list[str]:
    """The first ``MAX_PROBLEMS`` problems of a file, and how many more there are."""
    if total <= MAX_PROBLEMS:
        return problems
    return [*problems[:MAX_PROBLEMS], f"... and {total - MAX_PROBLEMS:,} more problems in this file, not listed"]



def expanded_size(data: Any, limit: int) -> int:
    """How many values ``data`` holds with every shared list or mapping counted each time it is
    used, as the aliases of its YAML would be written out; ``_CYCLE`` when one contains itself.

    Each list and mapping is visited once (sizes are remembered), so the walk costs what the
    document holds, not what it expands to; it stops as soon as a size passes ``limit``."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()  # containers whose children are being counted: the path from the top
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        obj, children_done = stack.pop()
        key = id(obj)
        if children_done:
            open_.discard(key)
            items = [x for pair in obj.items() for x in pair] if isinstance(obj, dict) else obj
            total = 1 + sum(sizes.get(id(x), 1) for x in items)
            if total > limit:
                return total
            sizes[key] = total
        elif key in open_:
            return _CYCLE
        elif key not in sizes:
            if not isinstance(obj, (dict, list)):
                continue
            open_.add(key)
            stack.append((obj, True))
            children = obj.values() if isinstance(obj, dict) else obj
            stack.extend((c, False) for c in children if isinstance(c, (dict, list)) and id(c) not in sizes)
    return sizes.get(id(data), 1)


def _first_alias_line(text: str) -> str:
    try:
        for event in yaml.parse(text, Loader=_Base):
            if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
                return f"line {event.start_mark.line + 1}: "
    except yaml.YAMLError:  # pragma: no cover - the text has been parsed once already
        pass
    return ""


def _describe(err: dict, lines: _Lines) -> str:
    loc = tuple(err["loc"])
    field = ".".join(str(p) for p in loc) or "(top level)"
    line = lines.line_of(loc)
    message = err["msg"]
    if err["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        message = "unknown field (check its spelling; see docs/catalog-format.md)"
    elif err["type"] == "missing":
        message = "required field is missing"
    return f"line {line}: field '{field}': {message}"


class _Lines:
    """Lines of the fields of a composed document; each mapping's keys are indexed on first use,
    so describing many errors of one large mapping stays linear."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root
        self._keys: dict[int, dict[str, yaml.Node]] = {}

    def line_of(self, loc: tuple) -> int:
        """The 1-based line of the deepest node along ``loc`` that exists in the document."""
        node = self.root
        if node is None:
            return 1
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                keys = self._keys.get(id(node))
                if keys is None:
                    keys = self._keys[id(node)] = {}
                    for k, v in node.value:
                        if isinstance(k, yaml.ScalarNode):
                            keys.setdefault(k.value, v)
                child = keys.get(str(part))
                if child is None:
                    break
                node = child
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
            else:
                break
        return node.start_mark.line + 1
