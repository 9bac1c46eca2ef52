"""Pinyin helpers for searching Chinese names by initials or full pinyin."""

from pypinyin import Style, lazy_pinyin


def search_text_for(*parts: str) -> str:
    """Return one lower-case string holding the parts, their full pinyin and their initials."""
    words = []
    for part in parts:
        if not part:
            continue
        words.append(part.lower())
        syllables = lazy_pinyin(part, errors="ignore")
        if syllables:
            words.append("".join(syllables).lower())
            words.append("".join(lazy_pinyin(part, style=Style.FIRST_LETTER, errors="ignore")).lower())
    return " ".join(words)[:600]
