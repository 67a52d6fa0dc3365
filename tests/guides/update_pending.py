"""Rewrite the pending tables from what fails today. By hand, after merging engine work.

    cd <repo> && .venv/bin/python tests/guides/update_pending.py

Runs tests/guides and tests/keras_ports with every pending test enabled
(``KERASTUTOR_GUIDES_PENDING=1``), and writes the failures, each with its first
error, to ``PENDING`` in test_guides.py, to keras_ports/pending.py and to
PENDING.md. Read the diff before committing: a test that passed before and
fails now is a regression to fix, not a new pending entry.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SECTION = re.compile(r"test_section_matches_keras\[(\w+\.\w+)\]")


def first_error(failure):
    """The first line of a failure, or the first differences of a guide section."""
    lines = [line.strip() for line in (failure.get("message") or "").splitlines()]
    first = lines[0] if lines else "assertion failed"
    if first.endswith("differs from Keras 3:"):
        details = [line for line in lines[1:] if line and not line.startswith(("assert", "[+"))]
        first = "differs: " + "; ".join(details[:3])
    return re.sub(r"'/tmp/[^']*/", "'<tmp>/", first)[:400]


def failures():
    """{test id: first error} for every failing test of the two folders."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.xml"
        subprocess.run(
            [sys.executable, "-m", "pytest", "tests/guides", "tests/keras_ports", "-q"]
            + ["-p", "no:cacheprovider", f"--junitxml={report}"],
            cwd=ROOT,
            env=dict(os.environ, KERASTUTOR_GUIDES_PENDING="1"),
            capture_output=True,
        )
        found = {}
        for case in ET.parse(report).getroot().iter("testcase"):
            failure = case.find("failure")
            if failure is None:
                failure = case.find("error")
            if failure is not None:
                module = case.get("classname").split(".")[-1]
                found[f"{module}.py::{case.get('name')}"] = first_error(failure)
        return found


def as_source(table):
    """A dict literal with one entry a line (pprint would cut the strings)."""
    if not table:
        return "{}\n"
    return "{\n" + "".join(f"    {key!r}: {value!r},\n" for key, value in table.items()) + "}\n"


def main():
    guides, ports = {}, {}
    for test, error in failures().items():
        section = SECTION.search(test)
        if test.startswith("test_guides.py") and section:
            guides[section.group(1)] = error
        elif test.startswith("test_guides.py::test_pending_md_lists"):
            continue  # PENDING.md is what this script rewrites
        elif test.startswith("test_guides.py"):
            raise SystemExit(f"the guide harness itself fails: {test}: {error}")
        else:
            ports[test] = error

    test_guides = HERE / "test_guides.py"
    text = test_guides.read_text()
    start = text.index("PENDING = {")
    if text.startswith("PENDING = {}\n", start):
        end = start + len("PENDING = {}\n")
    else:
        end = text.index("\n}\n", start) + 3
    table = "PENDING = " + as_source(guides)
    test_guides.write_text(text[:start] + table + text[end:])

    pending = ROOT / "tests" / "keras_ports" / "pending.py"
    pending.write_text(
        '"""Ported Keras tests that fail on main today, with their first error (see conftest.py)."""\n\n'
        + "PENDING = "
        + as_source(ports)
    )

    md = [
        "# Guide sections and ported tests that differ from Keras today",
        "",
        "Guide sections (tests/guides/test_guides.py) and ported Keras tests (tests/keras_ports/)",
        "that fail on main today, with the first error under `import kerastutor as keras`. They run",
        "as strict expected failures (`PENDING` in test_guides.py and in keras_ports/pending.py):",
        "when one starts to pass, the run reports XPASS(strict) and its entry must go, here and in",
        "the table. `KERASTUTOR_GUIDES_PENDING=1` runs them as plain tests;",
        "`tests/guides/update_pending.py` rewrites all three from what fails today.",
        "",
        "## Guide sections",
        "",
        "| section | first error |",
        "|---|---|",
        *[f"| `{key}` | {error.replace('|', '/')} |" for key, error in guides.items()],
        "",
        "## Ported Keras tests",
        "",
        "| test | first error |",
        "|---|---|",
        *[f"| `{key}` | {error.replace('|', '/')} |" for key, error in ports.items()],
    ]
    (HERE / "PENDING.md").write_text("\n".join(md) + "\n")
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(test_guides), str(pending)])
    print(f"{len(guides)} guide sections and {len(ports)} ported tests pending")


if __name__ == "__main__":
    main()
