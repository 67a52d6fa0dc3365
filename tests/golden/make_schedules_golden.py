"""Learning-rate sequences from real Keras 3 schedules. Run by hand, never in CI.

    cd <repo> && flock /tmp/golden.lock env TF_CPP_MIN_LOG_LEVEL=3 \
        /tmp/kerasref/bin/python tests/golden/make_schedules_golden.py

Writes ``tests/golden/fixtures_schedules/schedules.json``: for each schedule
below, its Keras config and ``schedule(step)`` for steps 0..STEPS-1, as the
float32 numbers Keras computes, and what an optimizer built with it reports as
``learning_rate`` after each of the first training steps. Byte-identical from
run to run. tests/optimizers/test_schedules_golden.py compares kerastutor.
"""

import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras
import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "fixtures_schedules" / "schedules.json"
STEPS = 50

S = keras.optimizers.schedules
SCHEDULES = {
    "exponential": S.ExponentialDecay(0.1, decay_steps=7, decay_rate=0.8),
    "exponential_staircase": S.ExponentialDecay(0.1, decay_steps=7, decay_rate=0.8, staircase=True),
    "piecewise": S.PiecewiseConstantDecay(boundaries=[5, 20, 35], values=[0.5, 0.2, 0.05, 0.01]),
    "polynomial": S.PolynomialDecay(0.1, decay_steps=30, end_learning_rate=0.01),
    "polynomial_power_cycle": S.PolynomialDecay(
        0.1, decay_steps=12, end_learning_rate=0.001, power=2.0, cycle=True
    ),
    "inverse_time": S.InverseTimeDecay(0.1, decay_steps=4, decay_rate=0.5),
    "inverse_time_staircase": S.InverseTimeDecay(
        0.1, decay_steps=4, decay_rate=0.5, staircase=True
    ),
    "cosine": S.CosineDecay(0.1, decay_steps=40),
    "cosine_alpha_warmup": S.CosineDecay(
        0.0, decay_steps=30, alpha=0.1, warmup_target=0.2, warmup_steps=10
    ),
    "cosine_restarts": S.CosineDecayRestarts(0.1, first_decay_steps=5),
    "cosine_restarts_t1_mmul_alpha": S.CosineDecayRestarts(
        0.1, first_decay_steps=8, t_mul=1.0, m_mul=0.7, alpha=0.05
    ),
    "cosine_restarts_t3": S.CosineDecayRestarts(0.1, first_decay_steps=3, t_mul=3.0, m_mul=0.5),
}


def main():
    fixture = {"keras_version": keras.__version__, "steps": STEPS, "schedules": {}}
    for name, schedule in SCHEDULES.items():
        values = [float(np.float32(schedule(step))) for step in range(STEPS)]
        optimizer = keras.optimizers.SGD(learning_rate=schedule)
        variable = keras.Variable(np.ones(2, "float32"))
        reported = []
        for _ in range(4):
            reported.append(float(np.float32(optimizer.learning_rate)))
            optimizer.apply([np.ones(2, "float32")], [variable])
        fixture["schedules"][name] = {
            "serialized": json.loads(json.dumps(keras.optimizers.schedules.serialize(schedule))),
            "values": values,
            "optimizer_learning_rate": reported,
        }
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(fixture, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(SCHEDULES)} schedules x {STEPS} steps -> {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
