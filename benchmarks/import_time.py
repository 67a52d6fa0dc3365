"""How long imports take in a fresh interpreter (target: `import kerastutor.layers` under 0.15 s).

Times `import numpy` (the floor), `import kerastutor`, `import kerastutor.layers`
and `import kerastutor.layers, kerastutor.models`, each the median of fresh
interpreters. An installed package has its bytecode compiled (`__pycache__`),
a checkout run with PYTHONDONTWRITEBYTECODE=1 compiles every module at every
import; so the children write and read bytecode under a temporary
PYTHONPYCACHEPREFIX (after one warm-up import), and `--no-bytecode` times the
compiling case instead. CPU seconds are printed beside wall seconds: on a
shared machine they move less.

Usage:
    python benchmarks/import_time.py [--repeats 10] [--no-bytecode]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STATEMENTS = (
    "import numpy",
    "import kerastutor",
    "import kerastutor.layers",
    "import kerastutor.layers, kerastutor.models",
)


def time_import(statement, repeats, env):
    """Median (wall, CPU) seconds of `statement` in fresh interpreters, timed inside each one."""
    program = (
        "import time; start, cpu = time.perf_counter(), time.process_time(); "
        f"{statement}; print(time.perf_counter() - start, time.process_time() - cpu)"
    )
    runs = []
    for _ in range(repeats):
        result = subprocess.run(
            [sys.executable, "-c", program], check=True, capture_output=True, text=True,
            cwd=REPO, env=env,
        )  # fmt: skip
        runs.append([float(value) for value in result.stdout.split()])
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--no-bytecode", action="store_true", help="compile at every import")
    args = parser.parse_args()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as cache:
        if args.no_bytecode:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            env.pop("PYTHONPYCACHEPREFIX", None)
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = cache
            time_import(STATEMENTS[-1], 1, env)  # writes the bytecode
        kind = "compiling every module" if args.no_bytecode else "with bytecode caches"
        print(f"median of {args.repeats} fresh interpreters, {kind}; load {os.getloadavg()[0]:.1f}")
        for statement in STATEMENTS:
            wall, cpu = time_import(statement, args.repeats, env)
            print(f"{statement:45} {wall:.3f} s  (CPU {cpu:.3f} s)")


if __name__ == "__main__":
    main()
