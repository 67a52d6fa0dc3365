"""Write the legacy HDF5 fixtures with real tf_keras (Keras 2), run by hand; CI never has it.

    python3 -m venv /tmp/tfkerasref
    /tmp/tfkerasref/bin/pip install "tensorflow-cpu==2.21.*" "tf_keras==2.21.*" h5py
    cd <repo> && TF_CPP_MIN_LOG_LEVEL=3 /tmp/tfkerasref/bin/python \\
        tests/saving_fixtures/make_legacy_files.py

For each model of `seed_models.py`: seeded weights, one training step (so
the optimizer has state), then `legacy_<name>.h5` (Keras 2's
`model.save("m.h5")`) and `legacy_<name>.npz`: the inputs, the labels, the
predictions of the saved model, its parameter count, and every weight after
one more training step (`next_0`, `next_1`, ... in `model.weights` order).
The tweets model's weights alone go to `legacy_tweets_weights.h5` too.
"""

import pathlib
import sys

import numpy as np
import tf_keras as keras

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))
from seed_models import build, flat_inputs  # noqa: E402


def main():
    keras.utils.set_random_seed(0)
    for name, (model, inputs, labels) in build(keras).items():
        model.train_on_batch(inputs, labels)
        model.save(HERE / f"legacy_{name}.h5")
        if name == "tweets":  # Keras 2's `save_weights` with an `.h5` name: weights only
            model.save_weights(HERE / "legacy_tweets_weights.h5")
        predictions = model.predict(inputs, verbose=0)
        model.train_on_batch(inputs, labels)
        arrays = {f"input_{i}": array for i, array in enumerate(flat_inputs(inputs))}
        following = {f"next_{i}": w for i, w in enumerate(model.get_weights())}
        np.savez(
            HERE / f"legacy_{name}.npz",
            labels=labels,
            predictions=predictions,
            params=model.count_params(),
            **arrays,
            **following,
        )
        print(f"legacy_{name}.h5: {model.count_params()} parameters")


if __name__ == "__main__":
    main()
