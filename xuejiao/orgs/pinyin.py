"""Pinyin helpers for searching Chinese names by initials or full pinyin."""

from pypinyin import lazy_pinyin


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
            # The initials are the syllables' first letters (what Style.FIRST_LETTER gives, for
            # half the work: an import of a whole subtree spends most of its time here).
            words.append("".join(syllable[0] for syllable in syllables).lower())
    return " ".join(words)[:600]
