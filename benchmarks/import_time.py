"""How long `import kerastutor` takes in a fresh interpreter (target: under 0.15 s).

Also times `import kerastutor.layers` (which brings in NumPy) for comparison.

Usage:
    python benchmarks/import_time.py [--repeats 10]
"""

import argparse
import statistics
import subprocess
import sys


def time_import(statement, repeats):
    """Median seconds of `statement` in fresh interpreters, timed inside each one."""
    program = (
        f"import time; start = time.perf_counter(); {statement}; print(time.perf_counter() - start)"
    )
    times = []
    for _ in range(repeats):
        result = subprocess.run(
            [sys.executable, "-c", program], check=True, capture_output=True, text=True
        )
        times.append(float(result.stdout))
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    for statement in ("import kerastutor", "import kerastutor.layers, kerastutor.models"):
        seconds = time_import(statement, args.repeats)
        print(f"{statement}: {seconds:.3f} s (median of {args.repeats} fresh interpreters)")


if __name__ == "__main__":
    main()
