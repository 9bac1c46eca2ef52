#!/usr/bin/env python3
"""Compile every locale/*/LC_MESSAGES/*.po into the .mo file Django reads.

Uses polib (pure Python, a project dependency) instead of GNU msgfmt, so that a machine
without gettext installed can still run the app. Like msgfmt, fuzzy and untranslated
entries are left out of the .mo (Django then shows the English source string).
The .mo files are build output and are not committed.
"""

import sys
from pathlib import Path

try:
    import polib
except ImportError:
    print(
        "compile_messages: error: polib is not installed; run this with the project's "
        "virtualenv (.venv/bin/python) after `pip install -e '.[dev]'`",
        file=sys.stderr,
    )
    sys.exit(1)

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    po_files = sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
    if not po_files:
        print("compile_messages: no .po files under locale/, nothing to compile")
        return 0
    failed = False
    for po_path in po_files:
        mo_path = po_path.with_suffix(".mo")
        try:
            catalogue = polib.pofile(str(po_path), wrapwidth=0)
            catalogue.save_as_mofile(str(mo_path))
        except (OSError, ValueError) as error:  # polib raises OSError/ValueError on syntax errors
            print(f"compile_messages: error: {po_path.relative_to(ROOT)}: {error}", file=sys.stderr)
            failed = True
            continue
        translated = len(catalogue.translated_entries())
        total = translated + len(catalogue.untranslated_entries()) + len(catalogue.fuzzy_entries())
        print(f"{mo_path.relative_to(ROOT)}: {translated}/{total} messages")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
