"""Seconds per training step of the seed 002 model, kerastutor against Keras and PyTorch.

The model: two inputs of 280 timesteps x 256 features, one shared LSTM(64),
concatenate, Dense(1, sigmoid); rmsprop and binary crossentropy; batch 32.

Prints, for kerastutor: seconds per step, peak memory of the step
(tracemalloc sees NumPy's buffers), and achieved GFLOP/s against this
machine's own float32 matmul throughput. When Keras or PyTorch can be
imported in the same Python, times the same model there too and prints the
ratios.

The frameworks take turns: each round times a few steps of each, and the
ratio is taken within a round, so a slow spell of a shared machine slows both
sides of a ratio alike. Seconds per step are medians over all timed steps;
the ratio is the median of the per-round ratios, with their range.

Usage:
    python benchmarks/train_step.py [--rounds 5] [--steps 4] [--warmup 3]
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

# The checkout's kerastutor, also when run with another environment's Python (one with Keras).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BATCH, TIMESTEPS, FEATURES, UNITS = 32, 280, 256, 64


def make_data(seed=0):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(BATCH, TIMESTEPS, FEATURES)).astype("float32")
    b = rng.normal(size=(BATCH, TIMESTEPS, FEATURES)).astype("float32")
    y = rng.integers(0, 2, size=(BATCH, 1)).astype("float32")
    return a, b, y


def step_flops():
    """Matmul FLOPs of one step: forward, then backward at twice the forward (no input gradient)."""
    projection = 2 * BATCH * TIMESTEPS * FEATURES * 4 * UNITS
    recurrent = 2 * BATCH * TIMESTEPS * UNITS * 4 * UNITS
    per_branch_forward = projection + recurrent
    # Backward: kernel gradient (= projection), recurrent kernel gradient and
    # hidden-state gradient (2 x recurrent); the data itself needs no gradient.
    per_branch_backward = projection + 2 * recurrent
    return 2 * (per_branch_forward + per_branch_backward)


def matmul_gflops(repeats=20):
    """This machine's float32 matmul throughput on the shape the LSTM projection uses."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH * TIMESTEPS, FEATURES)).astype("float32")
    w = rng.normal(size=(FEATURES, 4 * UNITS)).astype("float32")
    for _ in range(3):
        x @ w
    start = time.perf_counter()
    for _ in range(repeats):
        x @ w
    seconds = (time.perf_counter() - start) / repeats
    return 2 * x.shape[0] * FEATURES * 4 * UNITS / seconds / 1e9


def time_steps(step, steps):
    """Seconds of each of `steps` calls of `step`."""
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return times


def kerastutor_step(data):
    from kerastutor import layers, models
    from kerastutor.utils import set_random_seed

    set_random_seed(0)
    tweet_a = layers.Input(shape=(TIMESTEPS, FEATURES))
    tweet_b = layers.Input(shape=(TIMESTEPS, FEATURES))
    shared_lstm = layers.LSTM(UNITS)
    merged = layers.concatenate([shared_lstm(tweet_a), shared_lstm(tweet_b)], axis=-1)
    predictions = layers.Dense(1, activation="sigmoid")(merged)
    model = models.Model(inputs=[tweet_a, tweet_b], outputs=predictions)
    model.compile(optimizer="rmsprop", loss="binary_crossentropy")
    a, b, y = data

    def step():
        model.train_on_batch([a, b], y)

    return step


def peak_memory(step):
    """Peak bytes NumPy allocates during one call of `step`."""
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def keras_step(data):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    keras.utils.set_random_seed(0)
    tweet_a = keras.Input(shape=(TIMESTEPS, FEATURES))
    tweet_b = keras.Input(shape=(TIMESTEPS, FEATURES))
    shared_lstm = keras.layers.LSTM(UNITS)
    merged = keras.layers.concatenate([shared_lstm(tweet_a), shared_lstm(tweet_b)], axis=-1)
    predictions = keras.layers.Dense(1, activation="sigmoid")(merged)
    model = keras.Model(inputs=[tweet_a, tweet_b], outputs=predictions)
    model.compile(optimizer="rmsprop", loss="binary_crossentropy")
    a, b, y = data
    return lambda: model.train_on_batch([a, b], y)


def torch_step(data):
    import torch

    torch.manual_seed(0)
    lstm = torch.nn.LSTM(FEATURES, UNITS, batch_first=True)
    dense = torch.nn.Linear(2 * UNITS, 1)
    params = list(lstm.parameters()) + list(dense.parameters())
    optimizer = torch.optim.RMSprop(params, lr=0.001, alpha=0.9, eps=1e-7)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    a, b, y = (torch.from_numpy(x) for x in data)

    def step():
        optimizer.zero_grad()
        _, (h_a, _) = lstm(a)
        _, (h_b, _) = lstm(b)
        logits = dense(torch.cat([h_a[-1], h_b[-1]], dim=-1))
        loss = loss_fn(logits, y)
        loss.backward()
        optimizer.step()

    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=4, help="timed steps per framework per round")
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    data = make_data()

    throughput = matmul_gflops()
    steps = {"kerastutor": kerastutor_step(data)}
    for name, make_step in (("keras", keras_step), ("torch", torch_step)):
        try:
            steps[name] = make_step(data)
        except ImportError:
            print(f"{name}: not installed, skipped")
    for step in steps.values():
        for _ in range(args.warmup):
            step()
    times = {name: [] for name in steps}
    round_medians = {name: [] for name in steps}
    for _ in range(args.rounds):
        for name, step in steps.items():
            seconds = time_steps(step, args.steps)
            times[name] += seconds
            round_medians[name].append(statistics.median(seconds))

    seconds = statistics.median(times["kerastutor"])
    achieved = step_flops() / seconds / 1e9
    print(f"model: seed 002, 2 x ({TIMESTEPS}, {FEATURES}) -> shared LSTM({UNITS}), batch {BATCH}")
    print(f"machine float32 matmul throughput: {throughput:.1f} GFLOP/s")
    print(f"matmul-only lower bound per step:   {step_flops() / throughput / 1e9:.3f} s")
    print(
        f"kerastutor: {seconds:.3f} s/step, peak memory {peak_memory(steps['kerastutor']) / 2**20:.1f} MiB, "
        f"{achieved:.1f} GFLOP/s ({achieved / throughput:.0%} of matmul throughput)"
    )
    for name in steps:
        if name == "kerastutor":
            continue
        ratios = [
            ours / theirs
            for ours, theirs in zip(round_medians["kerastutor"], round_medians[name], strict=True)
        ]
        print(
            f"{name}: {statistics.median(times[name]):.3f} s/step; kerastutor / {name} = "
            f"{statistics.median(ratios):.2f}x (rounds: {min(ratios):.2f}x to {max(ratios):.2f}x)"
        )


if __name__ == "__main__":
    main()
