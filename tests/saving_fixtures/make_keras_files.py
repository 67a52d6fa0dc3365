"""Write the saving fixtures with real Keras 3 (run by hand; CI never has Keras).

    cd <repo> && TF_CPP_MIN_LOG_LEVEL=3 /tmp/kerasref/bin/python tests/saving_fixtures/make_keras_files.py

For each model of `fixture_models.py`: seeded weights, two training steps
(so the optimizer has state), then `<name>.keras` (`tiny.weights.h5` for the
smallest) and `<name>.npz` (the inputs, the labels and Keras's predictions).

For each model of `seed_models.py` (the same models make_legacy_files.py
saves with tf_keras): one training step, then `seed_<name>.keras` and
`seed_<name>.npz` (also the parameter count and every weight after one more
step, `next_0`, `next_1`, ...).
"""

import pathlib
import sys

import keras
import numpy as np

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))
import seed_models  # noqa: E402
from fixture_models import build, flat_inputs  # noqa: E402


def main():
    keras.utils.set_random_seed(0)
    for name, (model, inputs, labels) in build(keras).items():
        model.fit(inputs, labels, batch_size=3, epochs=1, verbose=0, shuffle=False)
        # One weights file, of the smallest model, keeps the fixtures under 200 KB.
        if name == "tiny":
            model.save_weights(HERE / f"{name}.weights.h5")
        else:
            model.save(HERE / f"{name}.keras")
        arrays = {f"input_{i}": array for i, array in enumerate(flat_inputs(inputs))}
        np.savez(
            HERE / f"{name}.npz",
            labels=labels,
            predictions=model.predict(inputs, verbose=0),
            **arrays,
        )
    write_seed_files()


def write_seed_files():
    keras.utils.set_random_seed(0)
    for name, (model, inputs, labels) in seed_models.build(keras).items():
        model.train_on_batch(inputs, labels)
        model.save(HERE / f"seed_{name}.keras")
        predictions = model.predict(inputs, verbose=0)
        model.train_on_batch(inputs, labels)
        arrays = {f"input_{i}": array for i, array in enumerate(flat_inputs(inputs))}
        following = {f"next_{i}": w for i, w in enumerate(model.get_weights())}
        np.savez(
            HERE / f"seed_{name}.npz",
            labels=labels,
            predictions=predictions,
            params=model.count_params(),
            **arrays,
            **following,
        )


if __name__ == "__main__":
    main()
