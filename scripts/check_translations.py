#!/usr/bin/env python3
"""Refresh the zh_Hans catalogue from the source and fail if anything is left untranslated.

1. `manage.py makemessages -l zh_Hans --no-location --no-obsolete` picks up every new
   translatable string (and drops the ones no longer used). It needs GNU gettext's
   xgettext (Debian package `gettext`). The djangojs domain is refreshed too, but only when
   the project's own JavaScript calls gettext.
2. polib reads the catalogue(s); every untranslated or fuzzy entry, and every translation
   whose %-placeholders differ from its source string, is listed and the exit code is 1.

When makemessages changed nothing but the POT-Creation-Date header, the file is put back
byte for byte, so running the check does not leave a spurious diff in the work tree.

Run with the project's virtualenv: `.venv/bin/python scripts/check_translations.py`.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = "zh_Hans"
CATALOGUE_DIR = ROOT / "locale" / LOCALE / "LC_MESSAGES"

# Never scan installed packages, build output or data for strings.
IGNORE = [".venv", "node_modules", "static/vendor", "var", "build", "test-artifacts", "*.egg-info"]

# Where the project's own JavaScript lives (static/vendor is third-party and excluded).
JS_ROOTS = [ROOT / "xuejiao", ROOT / "static", ROOT / "templates"]
JS_GETTEXT = re.compile(r"\b(?:n|p|np)?gettext\s*\(")

POT_DATE = re.compile(rb'^"POT-Creation-Date: .*\\n"\n', re.MULTILINE)
# %(name)s, %s, %d … as used by Python's %-formatting; `%%` is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0\- +]*\d*(?:\.\d+)?[sdifreExXgGoc%]")


def project_js_uses_gettext() -> bool:
    for base in JS_ROOTS:
        for path in base.rglob("*.js"):
            if "vendor" in path.relative_to(ROOT).parts:
                continue
            if JS_GETTEXT.search(path.read_text(encoding="utf-8", errors="replace")):
                return True
    return False


def run_makemessages(domain: str) -> None:
    po_path = CATALOGUE_DIR / f"{domain}.po"
    before = po_path.read_bytes() if po_path.exists() else None
    command = [
        sys.executable,
        "manage.py",
        "makemessages",
        "-l",
        LOCALE,
        "-d",
        domain,
        "--no-location",
        "--no-obsolete",
        *(f"--ignore={pattern}" for pattern in IGNORE),
    ]
    print("$", " ".join(command[1:]), flush=True)
    # A development run: Django's settings need DEBUG (or a SECRET_KEY) to load.
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "True")}
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    if before is not None and po_path.exists():
        after = po_path.read_bytes()
        if after != before and POT_DATE.sub(b"", after) == POT_DATE.sub(b"", before):
            po_path.write_bytes(before)


def placeholders(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


def problems_in(po_path: Path) -> tuple[int, list[str]]:
    catalogue = polib.pofile(str(po_path), wrapwidth=0)
    problems = []
    entries = [entry for entry in catalogue if not entry.obsolete]
    for entry in entries:
        label = entry.msgid if not entry.msgctxt else f"[{entry.msgctxt}] {entry.msgid}"
        label = label.replace("\n", "\\n")
        if entry.fuzzy:
            problems.append(f"fuzzy:        {label}")
        elif not entry.translated():
            problems.append(f"untranslated: {label}")
        elif "python-format" in entry.flags:
            translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            expected = placeholders(entry.msgid)
            expected_plural = placeholders(entry.msgid_plural) if entry.msgid_plural else expected
            for translation in translations:
                # zh has one plural form; it may follow either the singular or the plural source.
                if placeholders(translation) not in (expected, expected_plural):
                    problems.append(f"placeholders: {label}  ->  {translation}")
                    break
    return len(entries), problems


def main() -> int:
    if shutil.which("xgettext") is None:
        print(
            "check_translations: error: xgettext not found; install GNU gettext "
            "(Debian/Ubuntu: apt-get install gettext)",
            file=sys.stderr,
        )
        return 1

    domains = ["django"]
    if project_js_uses_gettext():
        domains.append("djangojs")
    for domain in domains:
        run_makemessages(domain)

    failed = False
    for domain in domains:
        po_path = CATALOGUE_DIR / f"{domain}.po"
        relative = po_path.relative_to(ROOT)
        if not po_path.exists():
            print(f"check_translations: error: {relative} was not created", file=sys.stderr)
            failed = True
            continue
        count, problems = problems_in(po_path)
        if problems:
            failed = True
            print(f"{relative}: {len(problems)} of {count} entries need work:")
            for problem in problems:
                print(f"  {problem}")
        else:
            name = LOCALE if domain == "django" else f"{LOCALE} ({domain})"
            print(f"{name} catalogue complete: {count} entries")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
