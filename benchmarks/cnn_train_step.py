"""Seconds per training step of two small CNNs, kerastutor against Keras (and PyTorch).

The models (issue 11, "Speed"), batch 64 of 32x32x3 images, adam,
sparse categorical crossentropy on 10 classes:

* `conv`: Conv2D(32, 3x3, relu) -> Conv2D(64, 3x3, relu) -> Flatten -> Dense(10)
* `pool`: Conv2D(32, 3x3, relu) -> MaxPooling2D -> Conv2D(64, 3x3, relu)
  -> MaxPooling2D -> Flatten -> Dense(10)

`--plain` adds kerastutor inside `kerastutor.ops.nn.fast_kernels(False)`,
the plain convolution and pooling code, as one more framework to compare.
(Both share the process, and so glibc's malloc, whose thresholds grow with
the largest arrays it has freed: the page-fault count can differ from a run
without `--plain`.)

Prints, per model and framework, the median seconds per step and the CPU
seconds of all the process's threads in it (the work done: waiting for a
core on a busy machine does not count, spinning BLAS threads do),
kerastutor's peak memory in one step (tracemalloc sees NumPy's buffers)
and the ratio kerastutor / other (of the wall-clock times). The frameworks take turns: each round times a few steps
of each, and the ratio is taken within a round, so a slow spell of a shared
machine slows both sides alike; the printed ratio is the median of the
rounds', with their range.

On a shared machine, compare a second run with OPENBLAS_NUM_THREADS=1: NumPy's
OpenBLAS threads spin while they wait for each other, and when other
processes hold the cores that waiting can cost more than the work.

The kerastutor line also gives the minor page faults of one step: memory
that glibc's malloc handed back to the system when the last step's arrays
were freed, and that the kernel must map (and zero) again, 4 KiB at a time.
kerastutor's first convolution tells glibc to keep freed memory for reuse
(kerastutor/ops/freed_memory.py), which leaves next to none, for the Keras
steps of the same process too; `--return-freed-memory` keeps glibc's
defaults, to measure what the faults cost.

Run it with a Python that has Keras (and PyTorch, if wanted) installed, and
kerastutor's dependencies (threadpoolctl: without it kerastutor's
convolutions run on one core); it imports kerastutor from this checkout:

    python benchmarks/cnn_train_step.py [--rounds 7] [--steps 3] [--warmup 2] [--models conv pool]
        [--return-freed-memory] [--plain]
"""

import argparse
import importlib.util
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BATCH, SIZE, CHANNELS, CLASSES = 64, 32, 3, 10


def make_data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(BATCH, SIZE, SIZE, CHANNELS)).astype("float32")
    y = rng.integers(0, CLASSES, size=(BATCH,)).astype("int32")
    return x, y


def build_model(layers, models, name):
    """The same model in kerastutor or Keras (the API is spelled the same)."""
    x = layers.Input(shape=(SIZE, SIZE, CHANNELS))
    h = layers.Conv2D(32, (3, 3), activation="relu")(x)
    if name == "pool":
        h = layers.MaxPooling2D()(h)
    h = layers.Conv2D(64, (3, 3), activation="relu")(h)
    if name == "pool":
        h = layers.MaxPooling2D()(h)
    y = layers.Dense(CLASSES, activation="softmax")(layers.Flatten()(h))
    model = models.Model(x, y)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def kerastutor_step(name, data):
    from kerastutor import layers, models
    from kerastutor.utils import set_random_seed

    set_random_seed(0)
    model = build_model(layers, models, name)
    x, y = data
    return lambda: model.train_on_batch(x, y)


def plain_kerastutor_step(name, data):
    """kerastutor inside `fast_kernels(False)`: the plain conv and pooling code."""
    from kerastutor.ops.nn import fast_kernels

    step = kerastutor_step(name, data)

    def plain_step():
        with fast_kernels(False):
            return step()

    return plain_step


def keras_step(name, data):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    keras.utils.set_random_seed(0)
    model = build_model(keras.layers, keras, name)
    x, y = data
    return lambda: model.train_on_batch(x, y)


def torch_step(name, data):
    import torch

    torch.manual_seed(0)
    blocks = [torch.nn.Conv2d(CHANNELS, 32, 3), torch.nn.ReLU()]
    if name == "pool":
        blocks.append(torch.nn.MaxPool2d(2))
    blocks += [torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU()]
    if name == "pool":
        blocks.append(torch.nn.MaxPool2d(2))
    side = 6 if name == "pool" else 28
    blocks += [torch.nn.Flatten(), torch.nn.Linear(64 * side * side, CLASSES)]
    model = torch.nn.Sequential(*blocks)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    x = torch.from_numpy(data[0]).permute(0, 3, 1, 2).contiguous()
    y = torch.from_numpy(data[1]).long()

    def step():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    return step


def time_steps(step, steps):
    """Wall-clock and CPU seconds (all of the process's threads) of each of `steps` calls."""
    times, cpu_times = [], []
    for _ in range(steps):
        start, cpu_start = time.perf_counter(), time.process_time()
        step()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    return times, cpu_times


def page_faults(step):
    """Minor page faults (fresh memory pages mapped by the kernel) during one call of `step`."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    step()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def peak_memory(step):
    """Peak bytes allocated (as tracemalloc sees them) during one call of `step`."""
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def run(name, args):
    data = make_data()
    steps = {"kerastutor": kerastutor_step(name, data)}
    others = [("keras", keras_step), ("torch", torch_step)]
    if args.plain:
        others.insert(0, ("plain", plain_kerastutor_step))
    for framework, make_step in others:
        try:
            steps[framework] = make_step(name, data)
        except ImportError:
            print(f"{framework}: not installed, skipped")
    for step in steps.values():
        for _ in range(args.warmup):
            step()
    times = {framework: [] for framework in steps}
    cpu_times = {framework: [] for framework in steps}
    round_medians = {framework: [] for framework in steps}
    for _ in range(args.rounds):
        for framework, step in steps.items():
            seconds, cpu_seconds = time_steps(step, args.steps)
            times[framework] += seconds
            cpu_times[framework] += cpu_seconds
            round_medians[framework].append(statistics.median(seconds))

    ours = statistics.median(times["kerastutor"])
    ours_cpu = statistics.median(cpu_times["kerastutor"])
    faults = page_faults(steps["kerastutor"])
    memory = peak_memory(steps["kerastutor"]) / 2**20
    print(f"model {name!r}, batch {BATCH} of {SIZE}x{SIZE}x{CHANNELS}, adam:")
    print(
        f"  kerastutor: {ours:.3f} s/step (cpu {ours_cpu:.3f} s), peak memory {memory:.1f} MiB, "
        f"{faults} page faults/step"
    )
    for framework in steps:
        if framework == "kerastutor":
            continue
        ratios = [
            a / b
            for a, b in zip(round_medians["kerastutor"], round_medians[framework], strict=True)
        ]
        other = statistics.median(times[framework])
        other_cpu = statistics.median(cpu_times[framework])
        print(
            f"  {framework}: {other:.3f} s/step (cpu {other_cpu:.3f} s); kerastutor / {framework} = "
            f"{statistics.median(ratios):.2f}x (rounds: {min(ratios):.2f}x to {max(ratios):.2f}x)"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=3, help="timed steps per framework per round")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--models", nargs="+", default=["conv", "pool"], choices=["conv", "pool"])
    parser.add_argument(
        "--return-freed-memory",
        action="store_true",
        help="keep glibc's defaults (KERASTUTOR_KEEP_FREED_MEMORY=0): freed memory goes back",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="also time kerastutor with fast_kernels(False) (its plain conv and pooling code)",
    )
    args = parser.parse_args()
    if args.return_freed_memory:
        os.environ["KERASTUTOR_KEEP_FREED_MEMORY"] = "0"  # read at the first convolution
        print("glibc's defaults: freed memory goes back to the system")
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"OPENBLAS_NUM_THREADS={threads}")
    if importlib.util.find_spec("threadpoolctl") is None:
        print(
            "threadpoolctl, a dependency of kerastutor, is missing from this Python: "
            "kerastutor's convolutions and pooling run on one core. For the figures of a real "
            "install: pip install --target DIR threadpoolctl, then run with PYTHONPATH=DIR."
        )
    for name in args.models:
        run(name, args)


if __name__ == "__main__":
    main()
