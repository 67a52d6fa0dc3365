"""Write optimizer files with real Keras 3.15.1 (run by hand; the tests never need Keras).

    cd <repo> && flock /tmp/golden.lock env TF_CPP_MIN_LOG_LEVEL=3 \
        /tmp/kerasref/bin/python tests/optimizers/keras_files/make_keras_files.py

For each optimizer of `optimizer_cases.py`: three `train_on_batch` steps, then
`<stem>.weights.h5` (the first as a whole `<stem>.keras`, whose config holds a
schedule as Keras writes it), and `<stem>.npz`: Keras's weights after one
more step, which a loaded kerastutor model must reproduce.
"""

import pathlib
import sys

import keras
import numpy as np

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))
from optimizer_cases import OPTIMIZERS, STEPS_BEFORE_SAVING, build, data  # noqa: E402


def main():
    x, y = data()
    for index, stem in enumerate(OPTIMIZERS):
        model = build(keras, stem)
        for _ in range(STEPS_BEFORE_SAVING):
            model.train_on_batch(x, y)
        if index == 0:
            model.save(HERE / f"{stem}.keras")
        else:
            model.save_weights(HERE / f"{stem}.weights.h5")
        model.train_on_batch(x, y)
        weights = {f"weight_{i}": w for i, w in enumerate(model.get_weights())}
        names = np.array([v.path for v in model.optimizer.variables])
        np.savez(HERE / f"{stem}.npz", optimizer_variable_paths=names, **weights)
        print(stem, len(model.optimizer.variables), "optimizer variables")


if __name__ == "__main__":
    main()
