"""Seconds per training step of a GRU text classifier, kerastutor against Keras and PyTorch.

The model: Embedding(10000, 64) -> Bidirectional(GRU(64)) -> Dense(1, sigmoid),
rmsprop and binary crossentropy, batch 32 of 200 token ids (the shape of
Keras's IMDB text-classification example). Where `kerastutor.layers` has no
Bidirectional yet, the model is Embedding -> GRU(64) -> Dense(1) on every
side, and the script says so.

Also times kerastutor's LSTM(64) in the same model, to check that GRU trains
at least as fast as an LSTM of the same units (issue 10), and GRU with the
fused kernel switched off (the readable `_step` loop).

The frameworks take turns: each round times a few steps of each, and the
ratios are taken within a round, so a slow spell of a shared machine slows
both sides of a ratio alike. Seconds per step are medians over all timed
steps; the fastest step is printed too (the least disturbed by other work).

Usage:
    python benchmarks/train_step_gru.py [--rounds 5] [--steps 3] [--warmup 2]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

# The checkout's kerastutor, also when run with another environment's Python (one with Keras).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BATCH, TIMESTEPS, VOCAB, EMBED, UNITS = 32, 200, 10000, 64, 64


def make_data(seed=0):
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, VOCAB, size=(BATCH, TIMESTEPS)).astype("int32")
    y = rng.integers(0, 2, size=(BATCH, 1)).astype("float32")
    return ids, y


def time_steps(step, steps):
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return times


def _recurrent(layers, recurrent_class, bidirectional):
    layer = recurrent_class(UNITS)
    return layers.Bidirectional(layer) if bidirectional else layer


def kerastutor_step(data, recurrent="GRU", fused=True):
    from kerastutor import layers, models
    from kerastutor.layers.rnn import fused_kernels
    from kerastutor.utils import set_random_seed

    set_random_seed(0)
    bidirectional = hasattr(layers, "Bidirectional")
    ids = layers.Input(shape=(TIMESTEPS,), dtype="int32")
    h = layers.Embedding(VOCAB, EMBED)(ids)
    h = _recurrent(layers, getattr(layers, recurrent), bidirectional)(h)
    model = models.Model(ids, layers.Dense(1, activation="sigmoid")(h))
    model.compile(optimizer="rmsprop", loss="binary_crossentropy")
    x, y = data

    def step():
        with fused_kernels(fused):
            model.train_on_batch(x, y)

    return step, bidirectional


def keras_step(data, bidirectional):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    keras.utils.set_random_seed(0)
    ids = keras.Input(shape=(TIMESTEPS,), dtype="int32")
    h = keras.layers.Embedding(VOCAB, EMBED)(ids)
    h = _recurrent(keras.layers, keras.layers.GRU, bidirectional)(h)
    model = keras.Model(ids, keras.layers.Dense(1, activation="sigmoid")(h))
    model.compile(optimizer="rmsprop", loss="binary_crossentropy")
    x, y = data
    return lambda: model.train_on_batch(x, y)


def torch_step(data, bidirectional):
    import torch

    torch.manual_seed(0)
    embedding = torch.nn.Embedding(VOCAB, EMBED)
    gru = torch.nn.GRU(EMBED, UNITS, batch_first=True, bidirectional=bidirectional)
    dense = torch.nn.Linear(UNITS * (2 if bidirectional else 1), 1)
    params = [*embedding.parameters(), *gru.parameters(), *dense.parameters()]
    optimizer = torch.optim.RMSprop(params, lr=0.001, alpha=0.9, eps=1e-7)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    x, y = torch.from_numpy(data[0].astype("int64")), torch.from_numpy(data[1])

    def step():
        optimizer.zero_grad()
        _, h = gru(embedding(x))
        logits = dense(torch.cat(list(h), dim=-1))
        loss_fn(logits, y).backward()
        optimizer.step()

    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=3, help="timed steps per model per round")
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    data = make_data()

    gru, bidirectional = kerastutor_step(data, "GRU")
    steps = {
        "kerastutor GRU": gru,
        "kerastutor LSTM": kerastutor_step(data, "LSTM")[0],
        "kerastutor GRU, readable _step": kerastutor_step(data, "GRU", fused=False)[0],
    }
    for name, make_step in (("keras", keras_step), ("torch", torch_step)):
        try:
            steps[f"{name} GRU"] = make_step(data, bidirectional)
        except ImportError:
            print(f"{name}: not installed, skipped")
    for step in steps.values():
        for _ in range(args.warmup):
            step()
    times = {name: [] for name in steps}
    round_medians = {name: [] for name in steps}
    for _ in range(args.rounds):
        for name, step in steps.items():
            # Let the previous model's worker threads (TensorFlow's, OpenBLAS's),
            # which spin for a while after their work, go idle first.
            time.sleep(0.5)
            seconds = time_steps(step, args.steps)
            times[name] += seconds
            round_medians[name].append(statistics.median(seconds))

    wrapped = (
        f"Bidirectional(GRU({UNITS}))" if bidirectional else f"GRU({UNITS}) (no Bidirectional)"
    )
    print(
        f"model: Embedding({VOCAB}, {EMBED}) -> {wrapped} -> Dense(1), batch {BATCH} x {TIMESTEPS}"
    )
    ours = round_medians["kerastutor GRU"]
    for name in steps:
        line = (
            f"{name}: {statistics.median(times[name]):.3f} s/step (fastest {min(times[name]):.3f})"
        )
        if name != "kerastutor GRU":
            ratios = [a / b for a, b in zip(ours, round_medians[name], strict=True)]
            line += (
                f"; kerastutor GRU / this = {statistics.median(ratios):.2f}x "
                f"(rounds: {min(ratios):.2f}x to {max(ratios):.2f}x)"
            )
        print(line)


if __name__ == "__main__":
    main()
