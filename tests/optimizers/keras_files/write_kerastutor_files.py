"""The other direction: kerastutor writes `.keras` files that check_in_keras.py loads in Keras.

    cd <repo> && /work/main/.venv/bin/python tests/optimizers/keras_files/write_kerastutor_files.py DIR
    TF_CPP_MIN_LOG_LEVEL=3 /tmp/kerasref/bin/python tests/optimizers/keras_files/check_in_keras.py DIR

For each optimizer of `optimizer_cases.py`: three `train_on_batch` steps,
`DIR/<stem>.keras`, then one more step whose weights go to `DIR/<stem>_next.npz`.
"""

import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[2]))  # this checkout's kerastutor
from optimizer_cases import OPTIMIZERS, STEPS_BEFORE_SAVING, build, data  # noqa: E402

import kerastutor  # noqa: E402


def main(directory):
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    x, y = data()
    for stem in OPTIMIZERS:
        model = build(kerastutor, stem)
        for _ in range(STEPS_BEFORE_SAVING):
            model.train_on_batch(x, y)
        model.save(directory / f"{stem}.keras")
        model.train_on_batch(x, y)
        np.savez(directory / f"{stem}_next.npz", *model.get_weights())


if __name__ == "__main__":
    main(sys.argv[1])
