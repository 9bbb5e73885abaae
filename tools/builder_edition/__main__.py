"""python -m tools.builder_edition [--check]: write builder/manifest.yaml, or check it is current."""

from __future__ import annotations

import argparse
import sys

from . import MANIFEST_PATH, build_manifest, render_manifest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if builder/manifest.yaml is stale")
    args = parser.parse_args(argv)
    text = render_manifest(build_manifest())
    if args.check:
        current = MANIFEST_PATH.read_text(encoding="utf-8") if MANIFEST_PATH.exists() else ""
        if current != text:
            print(f"{MANIFEST_PATH} is stale: run `make builder-edition`", file=sys.stderr)
            return 1
        print(f"{MANIFEST_PATH} is current")
        return 0
    MANIFEST_PATH.parent.mkdir(parents=True, exist_ok=True)
    MANIFEST_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {MANIFEST_PATH} ({len(text.encode('utf-8')) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
