#!/usr/bin/env python3
"""Copy the front-end libraries' dist files from node_modules/ into static/vendor/.

The platform must run on an isolated intranet, so pages never load anything from a CDN:
`npm ci` installs the exact versions pinned in package-lock.json, and this script copies
only the files the templates use. static/vendor/ is generated (and gitignored): the
script empties it first so that a removed library leaves nothing behind.

Plain Python, no dependencies. Run from anywhere: paths are relative to the repository.
"""

import json
import re
import shutil
import sys
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

# (npm package, file inside the package, destination under static/vendor/)
FILES = [
    ("@tabler/core", "dist/css/tabler.min.css", "tabler/tabler.min.css"),
    ("@tabler/core", "dist/js/tabler.min.js", "tabler/tabler.min.js"),
    ("htmx.org", "dist/htmx.min.js", "htmx/htmx.min.js"),
    # Alpine's self-starting build: load it with `defer` and it calls Alpine.start() itself.
    ("alpinejs", "dist/cdn.min.js", "alpinejs/cdn.min.js"),
    ("echarts", "dist/echarts.min.js", "echarts/echarts.min.js"),
]

# A file that ends with a source-map comment names a .map beside it. Copy it too: a browser
# asks for it when the developer tools are open, and Django's manifest storage (collectstatic)
# refuses a CSS file whose source map is missing.
SOURCE_MAP = re.compile(rb"sourceMappingURL=([^\s*]+\.map)")


def fail(message: str) -> NoReturn:
    print(f"vendor_assets: error: {message}", file=sys.stderr)
    sys.exit(1)


def package_version(package: str) -> str:
    manifest = NODE_MODULES / package / "package.json"
    try:
        return json.loads(manifest.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        fail(f"cannot read {manifest.relative_to(ROOT)}; run `npm ci` first")


def main() -> int:
    if not NODE_MODULES.is_dir():
        fail("node_modules/ is missing; run `npm ci` in the repository root first")

    copies: list[tuple[Path, Path, str]] = []
    for package, source_name, dest_name in FILES:
        source = NODE_MODULES / package / source_name
        if not source.is_file():
            fail(f"{source.relative_to(ROOT)} not found; run `npm ci` (is package-lock.json up to date?)")
        label = f"{package}@{package_version(package)}"
        dest = VENDOR / dest_name
        copies.append((source, dest, label))
        match = SOURCE_MAP.search(source.read_bytes()[-512:])
        if match:
            map_name = match.group(1).decode()
            map_source = source.parent / map_name
            if map_source.is_file():
                copies.append((map_source, dest.parent / map_name, label))

    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for source, dest, label in copies:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        size_kib = dest.stat().st_size / 1024
        print(f"{label:24} {dest.relative_to(ROOT)}  ({size_kib:,.0f} KiB)")
    print(f"vendor_assets: copied {len(copies)} files into {VENDOR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
