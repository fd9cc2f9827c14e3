"""Vendor the front-end assets into static/vendor/ from the npm registry at pinned versions.

Run by `make` (never at run time: Bitgoeul serves every asset itself, no CDN). Uses the
ordinary `npm pack` client, so it needs Node.js's npm on the build machine only.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"

# package, version, licence, {path in the package (file or folder): path under static/vendor}
PACKAGES: list[tuple[str, str, str, dict[str, str]]] = [
    (
        "krds-uiux",
        "1.1.0",
        "ISC",
        {"resources/cdn/krds.min.css": "krds/krds.min.css", "resources/img": "krds/img"},
    ),
    (
        "pretendard-gov",
        "1.3.9",
        "OFL-1.1",
        {
            "dist/web/static/pretendard-gov-subset.css": "pretendard-gov/pretendard-gov-subset.css",
            "dist/web/static/woff2-subset": "pretendard-gov/woff2-subset",
            "dist/LICENSE.txt": "pretendard-gov/LICENSE.txt",
        },
    ),
    ("htmx.org", "2.0.11", "0BSD", {"dist/htmx.min.js": "htmx/htmx.min.js"}),
    ("chart.js", "4.6.1", "MIT", {"dist/chart.umd.min.js": "chartjs/chart.umd.min.js"}),
    # Used by the browser checks only (tests/e2e): never linked from a page.
    (
        "axe-core",
        "4.10.3",
        "MPL-2.0",
        {"axe.min.js": "axe-core/axe.min.js", "LICENSE": "axe-core/LICENSE"},
    ),
]
STAMP = VENDOR / ".versions"


def _wanted() -> str:
    return "\n".join(f"{name}@{version}" for name, version, _, _ in PACKAGES) + "\n"


def _extract(tarball: Path, mapping: dict[str, str]) -> None:
    with tarfile.open(tarball) as archive:
        members = archive.getmembers()
        for source, target in mapping.items():
            prefix = f"package/{source}"
            chosen = [
                m
                for m in members
                if m.isfile() and (m.name == prefix or m.name.startswith(prefix + "/"))
            ]
            if not chosen:
                raise SystemExit(f"{tarball.name}: {source} is missing from the package")
            for member in chosen:
                relative = member.name[len(prefix) :].lstrip("/")
                destination = VENDOR / target / relative if relative else VENDOR / target
                destination.parent.mkdir(parents=True, exist_ok=True)
                data = archive.extractfile(member)
                assert data is not None
                destination.write_bytes(data.read())


def _localise_krds_css() -> None:
    """KRDS's bundled CSS points its icons at the KRDS web site; serve our own copies."""
    css = VENDOR / "krds" / "krds.min.css"
    text = css.read_text(encoding="utf-8")
    text = re.sub(r"url\((['\"]?)https?://[^)'\"]*/resources/img/", r"url(\1img/", text)
    if re.search(r"url\(['\"]?https?://", text):
        raise SystemExit("krds.min.css still loads something from another site")
    css.write_text(text, encoding="utf-8")


def _licences() -> None:
    lines = ["# Vendored front-end assets", "", "| package | version | licence |", "|---|---|---|"]
    lines += [f"| {name} | {version} | {licence} |" for name, version, licence, _ in PACKAGES]
    (VENDOR / "LICENSES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    if STAMP.exists() and STAMP.read_text() == _wanted():
        return 0
    if shutil.which("npm") is None:
        print(
            "npm is needed once to vendor the front-end assets: apt-get install npm",
            file=sys.stderr,
        )
        return 1
    # Empty the folder rather than remove it: it may be a symlink to a shared copy.
    VENDOR.mkdir(parents=True, exist_ok=True)
    for child in VENDOR.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for name, version, _, mapping in PACKAGES:
            out = subprocess.run(
                ["npm", "pack", f"{name}@{version}", "--silent", "--pack-destination", tmp],
                check=True,
                capture_output=True,
                text=True,
            )
            tarball = Path(tmp) / out.stdout.strip().splitlines()[-1]
            _extract(tarball, mapping)
            print(f"vendored {name}@{version}")
    _localise_krds_css()
    _licences()
    STAMP.write_text(_wanted())
    return 0


if __name__ == "__main__":
    sys.exit(main())
