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

Then every layer case of tests/layer_harness.py: kerastutor (the Python
given as argument, default /work/main/.venv/bin/python) writes each case's
layer config, weights and input data; tf_keras rebuilds the layer from that
config (`keras.layers.deserialize`), in a one-layer model, sets the same
weights, saves it as Keras 2 does and predicts. The `.h5` files and the
predictions go into `legacy_layer_cases.zip` (HDF5 files are mostly padding:
zipped, a hundred fit in a few hundred kilobytes). A case tf_keras cannot
build is listed in the zip's `skipped.json` with tf_keras's error.
"""

import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile

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
    write_old_optimizer_file()
    write_lambda_file()
    write_layer_cases(sys.argv[1] if len(sys.argv) > 1 else "/work/main/.venv/bin/python")


DUMP_WITH_KERASTUTOR = """
import json, sys, numpy as np, kerastutor
sys.path.insert(0, {tests!r})
from layer_harness import LAYER_CASES, as_list, make_data
kerastutor.utils.set_random_seed(0)
cases = []
for case in LAYER_CASES:
    if case.options.get("training"):
        continue  # random numbers: nothing to compare
    layer = case.make()
    inputs = [kerastutor.Input(shape=shape, dtype=case.dtype) for shape in case.input_shapes]
    layer(inputs[0] if len(inputs) == 1 else inputs)
    data = make_data(case, np.random.default_rng(0))
    arrays = {{f"input_{{i}}": a for i, a in enumerate(data)}}
    arrays.update({{f"weight_{{i}}": w for i, w in enumerate(layer.get_weights())}})
    np.savez({folder!r} + f"/{{case.id}}.npz", **arrays)
    cases.append({{"id": case.id, "class_name": type(layer).__name__,
                   "config": layer.get_config(), "shapes": case.input_shapes,
                   "dtype": case.dtype}})
print(json.dumps(cases))
"""


# Arguments kerastutor's configs carry (from Keras 3) that some Keras 2 classes refuse,
# at the values that are also Keras 2's defaults: leaving them out changes nothing.
DEFAULTS = {
    "rms_scaling": False,
    "data_format": "channels_last",
    "kernel_regularizer": None,
    "recurrent_regularizer": None,
    "bias_regularizer": None,
    "kernel_constraint": None,
    "recurrent_constraint": None,
    "bias_constraint": None,
}


def keras_2_only(config):
    """The config (and any inner layer's) without those arguments at their defaults."""
    if isinstance(config, list):
        return [keras_2_only(value) for value in config]
    if not isinstance(config, dict):
        return config
    return {
        key: keras_2_only(value)
        for key, value in config.items()
        if not (key in DEFAULTS and value == DEFAULTS[key])
    }


def keras_2_names(class_name, config):
    """Keras 2 calls LeakyReLU's slope `alpha` (Keras 3: `negative_slope`)."""
    if class_name == "LeakyReLU" and "negative_slope" in config:
        config = {**config, "alpha": config["negative_slope"]}
        del config["negative_slope"]
    return config


def write_old_optimizer_file():
    """Keras 2's optimizers before 2.11 (`keras.optimizers.legacy`) name their slots
    `Adam/dense/kernel/m:0`, after the variable, and keep `Adam/iter:0`."""
    rng = np.random.default_rng(2)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="dense")])
    model.compile(optimizer=keras.optimizers.legacy.Adam(learning_rate=0.01), loss="mse")
    data, labels = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    model.train_on_batch(data, labels)
    model.save(HERE / "legacy_old_optimizer.h5")
    predictions = model.predict(data, verbose=0)
    model.train_on_batch(data, labels)
    following = {f"next_{i}": w for i, w in enumerate(model.get_weights())}
    np.savez(
        HERE / "legacy_old_optimizer.npz",
        input_0=data,
        labels=labels,
        predictions=predictions,
        params=model.count_params(),
        **following,
    )


def write_lambda_file():
    """A Keras 2 Lambda: its function is marshalled Python bytecode (never loaded here)."""
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2.0)(inputs))
    model.save(HERE / "legacy_lambda.h5")


ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # a fixed date: the zip is the same bytes at every run


def write_entry(archive, name, path):
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, path.read_bytes())


def write_layer_cases(kerastutor_python):
    repo = HERE.parent.parent
    with tempfile.TemporaryDirectory() as folder:
        code = DUMP_WITH_KERASTUTOR.format(tests=str(HERE.parent), folder=folder)
        result = subprocess.run(
            [kerastutor_python, "-c", code], cwd=repo, check=True, capture_output=True, text=True
        )
        skipped, predictions = {}, {}
        with zipfile.ZipFile(HERE / "legacy_layer_cases.zip", "w", zipfile.ZIP_DEFLATED) as out:
            for case in json.loads(result.stdout.splitlines()[-1]):
                arrays = np.load(f"{folder}/{case['id']}.npz")
                data = [arrays[f"input_{i}"] for i in range(len(case["shapes"]))]
                count = len([key for key in arrays if key.startswith("weight_")])
                weights = [arrays[f"weight_{i}"] for i in range(count)]
                try:
                    layer = keras.layers.deserialize(
                        {
                            "class_name": case["class_name"],
                            "config": keras_2_names(
                                case["class_name"], keras_2_only(case["config"])
                            ),
                        }
                    )
                    inputs = [keras.Input(shape, dtype=case["dtype"]) for shape in case["shapes"]]
                    model = keras.Model(inputs, layer(inputs[0] if len(inputs) == 1 else inputs))
                    layer.set_weights(weights)
                    model.save(f"{folder}/{case['id']}.h5")
                    outputs = model.predict(data if len(data) > 1 else data[0], verbose=0)
                except Exception as error:  # record every case tf_keras cannot build
                    skipped[case["id"]] = f"{type(error).__name__}: {str(error)[:300]}"
                    continue
                write_entry(out, f"{case['id']}.h5", pathlib.Path(f"{folder}/{case['id']}.h5"))
                outputs = outputs if isinstance(outputs, list) else [outputs]
                for i, array in enumerate(data):
                    predictions[f"{case['id']}/input_{i}"] = array
                for i, array in enumerate(outputs):
                    predictions[f"{case['id']}/output_{i}"] = array
            np.savez_compressed(f"{folder}/predictions.npz", **predictions)
            write_entry(out, "predictions.npz", pathlib.Path(f"{folder}/predictions.npz"))
            skipped_text = json.dumps(skipped, indent=1, sort_keys=True)
            out.writestr(zipfile.ZipInfo("skipped.json", date_time=ZIP_DATE), skipped_text)
    print(
        f"legacy_layer_cases.zip: {len(predictions) and len(set(k.split('/')[0] for k in predictions))} "
        f"cases, {len(skipped)} skipped: {sorted(skipped)}"
    )


if __name__ == "__main__":
    main()
