"""Natural-language names and ISO 639-1 codes, so ``--lang French``, ``--lang français``, ``--lang fr``
and ``--lang fr-CA`` all work."""

from __future__ import annotations

from llmguide.errors import UsageError

NAMES: dict[str, str] = {
    "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan", "cs": "Czech", "da": "Danish",
    "de": "German", "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian", "fa": "Persian",
    "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian",
    "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean", "lt": "Lithuanian",
    "lv": "Latvian", "ms": "Malay", "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish",
    "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "th": "Thai", "tl": "Tagalog", "tr": "Turkish",
    "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
}
# What people also type: the language's own name (with and without accents), and other English names.
OTHER_NAMES: dict[str, tuple[str, ...]] = {
    "ar": ("العربية", "arabi"), "bg": ("български", "balgarski"), "bn": ("বাংলা", "bangla"), "ca": ("català", "catala"),
    "cs": ("čeština", "cestina", "czechia"), "da": ("dansk",), "de": ("deutsch",), "el": ("ελληνικά", "ellinika"),
    "es": ("español", "espanol", "castellano", "castilian"), "et": ("eesti",), "fa": ("فارسی", "farsi"),
    "fi": ("suomi",), "fr": ("français", "francais"), "he": ("עברית", "ivrit"), "hi": ("हिन्दी", "हिंदी"),
    "hr": ("hrvatski",), "hu": ("magyar",), "id": ("bahasa indonesia", "indonesia"), "it": ("italiano",),
    "ja": ("日本語", "nihongo"), "ko": ("한국어", "hangugeo"), "lt": ("lietuvių", "lietuviu"), "lv": ("latviešu", "latviesu"),
    "ms": ("bahasa melayu", "melayu"), "nl": ("nederlands", "flemish", "vlaams"), "no": ("norsk", "bokmål", "bokmal", "nb"),
    "pl": ("polski",), "pt": ("português", "portugues"), "ro": ("română", "romana"), "ru": ("русский", "russkiy"),
    "sk": ("slovenčina", "slovencina"), "sl": ("slovenščina", "slovenscina"), "sr": ("српски", "srpski"),
    "sv": ("svenska",), "sw": ("kiswahili",), "ta": ("தமிழ்",), "te": ("తెలుగు",), "th": ("ไทย", "phasa thai"),
    "tl": ("filipino", "wikang tagalog"), "tr": ("türkçe", "turkce"), "uk": ("українська", "ukrainska"),
    "ur": ("اردو",), "vi": ("tiếng việt", "tieng viet"),
    "zh": ("中文", "汉语", "漢語", "普通话", "國語", "mandarin", "cantonese", "粤语"),
}
_BY_NAME = {name.casefold(): code for code, name in NAMES.items()}
_BY_NAME.update({name.casefold(): code for code, names in OTHER_NAMES.items() for name in names})


def language_code(text: str) -> str | None:
    """The ISO 639-1 code of what the user typed: a code, an English or native name, or a regional
    tag (``de-DE``, ``zh-CN``, ``pt_BR``: the language, whatever the region); None if unknown."""
    item = " ".join(text.split()).casefold()
    if item in NAMES:
        return item
    if item in _BY_NAME:
        return _BY_NAME[item]
    primary, sep, _region = item.replace("_", "-").partition("-")
    if sep and primary in NAMES:
        return primary
    return None


def parse_languages(values: list[str]) -> tuple[str, ...]:
    """Codes for what the user typed: repeatable, comma-separated, codes, English or native names, or regional tags."""
    codes: list[str] = []
    for value in values:
        for item in value.split(","):
            item = item.strip()
            if not item:
                continue
            code = language_code(item)
            if code is None:
                from llmguide.catalog.schema import close_matches

                close = close_matches(item.casefold(), [*NAMES, *_BY_NAME])
                hint = (f"Did you mean: {', '.join(close)}?" if close
                        else "Use ISO 639-1 codes (en, fr, de, zh), English or native names (German, Deutsch) or tags (pt-BR).")
                raise UsageError(f"Unknown language '{item[:60]}'.", hint)
            if code not in codes:
                codes.append(code)
    return tuple(codes)


def language_name(code: str) -> str:
    return NAMES.get(code, code)
