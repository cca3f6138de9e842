"""Byte counts inside, labelled units at the edge.

All memory figures in llmguide are ``int`` bytes. These helpers are the only place where bytes are
turned into text (always with a unit) or user-typed sizes into bytes.
"""

from __future__ import annotations

import re

GIB = 1 << 30
MIB = 1 << 20
GB = 10**9


# The largest numbers a request may carry: beyond them a value is a typo, not a machine or a plan.
MAX_CONTEXT = 1 << 27  # tokens: 134M, far beyond any model's trained context (10M in 2026)
MAX_GB = 1 << 20  # a petabyte of GPU memory or RAM
MAX_RATE = 1e6  # GB/s of bandwidth, tokens/s, seconds
MAX_COUNT = 1 << 16  # GPUs, nodes, users, sequences


def check_context(context: int) -> int:
    """A context length the user asked for: a positive number of tokens, or a usage error (the one
    check every command and API function shares)."""
    return int(check_positive("--context", context, MAX_CONTEXT, "tokens"))


def check_positive(flag: str, value: float, maximum: float = MAX_RATE, unit: str = "") -> float:
    """A number the user gave: finite, above zero and at most ``maximum``; a usage error otherwise
    (NaN and infinity included, so they never reach a result or its JSON)."""
    from llmguide.errors import UsageError

    huge = isinstance(value, int) and abs(value) >= 10**30  # no float holds it exactly; some none at all
    shown = f"a {len(str(abs(value)))}-digit number" if huge else f"{value:,}" if isinstance(value, int) else f"{value:.4g}"
    if not value > 0:  # also NaN
        raise UsageError(f"{flag} must be a positive number{f' of {unit}' if unit else ''}, not {shown}.")
    if not value <= maximum:  # also infinity
        unit = f" {unit}" if unit else ""
        given = f"{flag} is {shown}" if huge else f"{flag} {shown}{unit}"
        raise UsageError(f"{given}: not plausible (at most {maximum:,.0f}{unit}).")
    return value


def check_count(flag: str, value: int, maximum: int = MAX_COUNT) -> int:
    """A count the user gave (GPUs, nodes, users): at least 1 and at most ``maximum``."""
    from llmguide.errors import UsageError

    if value < 1:
        raise UsageError(f"{flag} must be at least 1, not {value}.")
    if value > maximum:
        raise UsageError(f"{flag} {value:,} is beyond what llmguide plans for (at most {maximum:,}).")
    return value


_SIZE = re.compile(r"\s*(-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(?:([kmgt])(?:i?b)?|(b))?\s*", re.I)
_SIZE_SCALE = {None: 1.0, "m": 1 / 1024, "g": 1.0, "t": 1024.0}
_TOKENS = re.compile(r"\s*(-?(?:\d+(?:\.\d*)?|\.\d+))\s*([km])?\s*", re.I)


def shorten(text: str, limit: int = 60) -> str:
    """User input as it is echoed in a message: at most ``limit`` characters."""
    return text if len(text) <= limit else f"{text[: limit - 15]}…{text[-10:]} ({len(text):,} characters)"


def parse_size_gb(text: str) -> float:
    """A memory size as people type it, in GB (read as GiB, like every size llmguide takes):
    ``24``, ``24GB``, ``24G``, ``24GiB``, ``24 gb``, ``1.5TB``, ``512MB``. ValueError otherwise (a
    negative number parses, for the caller's range check to refuse with its own message)."""
    m = _SIZE.fullmatch(text)
    if not m or m.group(3) or (m.group(2) or "").lower() == "k":
        raise ValueError(f"'{shorten(text)}' is not a size: give GB, like 24 or 24GB (also MB, TB)")
    return float(m.group(1)) * _SIZE_SCALE[(m.group(2) or "g").lower()]


def parse_tokens(text: str) -> int:
    """A token count as people type it: ``32768``, ``32k``, ``32K``, ``128k``, ``1M``. ``k`` counts
    1024s, as context lengths are named (128K = 131,072); ``M`` counts millions, as million-token
    contexts are quoted (1M = 1,000,000, within every "1M" model's limit). ValueError otherwise."""
    m = _TOKENS.fullmatch(text)
    if not m:
        raise ValueError(f"'{shorten(text)}' is not a number of tokens: give one like 32768, 32k or 1M")
    scale = {None: 1, "k": 1024, "m": 1_000_000}[(m.group(2) or "").lower() or None]
    value = float(m.group(1)) * scale
    if not value < 1e15:  # a 400-digit number: too long to be a count, and not one float can hold
        raise ValueError(f"'{shorten(text)}' is too large to be a number of tokens")
    if value != int(value):
        raise ValueError(f"'{text}' is not a whole number of tokens")
    return int(value)


def gib_to_bytes(value: float) -> int:
    """A memory size typed as 'GB' by a user, read as GiB (how GPU and RAM makers size memory)."""
    return int(round(value * GIB))


def fmt_gib(n_bytes: int | float, digits: int = 1) -> str:
    """``fmt_gib(4_081_004_224) == '3.8 GiB'``."""
    return f"{n_bytes / GIB:.{digits}f} GiB"


def fmt_gib_or_mib(n_bytes: int | float) -> str:
    """GiB with one decimal, or whole MiB below 0.1 GiB (where GiB would read "0.0 GiB")."""
    if n_bytes >= 0.1 * GIB:
        return fmt_gib(n_bytes)
    return f"{max(n_bytes, 0) / MIB:.0f} MiB"


def fmt_gb(n_bytes: int | float, digits: int = 2) -> str:
    """Decimal gigabytes, the unit of file sizes on download pages: ``'4.08 GB'``."""
    return f"{n_bytes / GB:.{digits}f} GB"


def fmt_params(count: int | float) -> str:
    """A parameter count for people: ``6_738_415_616 -> '6.74B'``, ``494_000_000 -> '494M'``."""
    if count >= 1e9:
        return f"{count / 1e9:.2f}B" if count < 1e11 else f"{count / 1e9:.0f}B"
    return f"{count / 1e6:.0f}M"


def fmt_tokens(n: int) -> str:
    """A context length: ``4096 -> '4K'``, ``100000 -> '100K'``, ``131072 -> '128K'``."""
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return f"{n >> 20}M"
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1024 == 0:
        return f"{n // 1024}K"
    if n % 1000 == 0:
        return f"{n // 1000}K"
    return str(n)
