"""By hand, not in CI: real Keras 3 loads kerastutor's files and predicts the same.

    cd <repo> && TF_CPP_MIN_LOG_LEVEL=3 /tmp/kerasref/bin/python \\
        tests/saving_fixtures/check_in_keras.py /work/main/.venv/bin/python

The Python given as argument (one with kerastutor's dependencies) runs
kerastutor: it trains each model of `fixture_models.py` and of
`seed_models.py` (the seeds' models, named `seed_<name>` here) one epoch and writes
`<name>.keras`, `<name>.weights.h5` and the predictions into a temporary
folder, then trains one more step. Keras 3 loads each file with
`keras.saving.load_model` and compares the predictions, the layer names and
the optimizer; takes the same extra step (the optimizer state must have come
across for the numbers to agree); and loads each weights file into the same
model built by Keras.
"""

import json
import pathlib
import subprocess
import sys
import tempfile
import warnings

import numpy as np

HERE = pathlib.Path(__file__).parent
REPO = HERE.parent.parent

WRITE_WITH_KERASTUTOR = """
import sys, numpy as np, kerastutor
sys.path.insert(0, {here!r})
from fixture_models import all_models, flat_inputs
kerastutor.utils.set_random_seed(0)
for name, (model, inputs, labels) in all_models(kerastutor).items():
    model.fit(inputs, labels, batch_size=3, epochs=1, verbose=0, shuffle=False)
    model.save({folder!r} + f"/{{name}}.keras")
    model.save_weights({folder!r} + f"/{{name}}.weights.h5")
    arrays = {{f"input_{{i}}": a for i, a in enumerate(flat_inputs(inputs))}}
    predictions, iterations = model.predict(inputs), model.optimizer.iterations
    model.train_on_batch(inputs, labels)  # one more step: does the optimizer state carry over?
    np.savez({folder!r} + f"/{{name}}.npz", predictions=predictions,
             after_step=model.predict(inputs), labels=labels,
             layers=np.array([layer.name for layer in model.layers]),
             iterations=iterations, **arrays)
sys.path.insert(0, {tests!r})
from layer_harness import LAYER_CASES, as_list, make_data
for case in LAYER_CASES:
    inputs = [kerastutor.Input(shape=shape, dtype=case.dtype) for shape in case.input_shapes]
    model = kerastutor.Model(inputs, case.make()(inputs[0] if len(inputs) == 1 else inputs))
    data = make_data(case, np.random.default_rng(0))
    model.save({folder!r} + f"/case_{{case.id}}.keras")
    arrays = {{f"input_{{i}}": a for i, a in enumerate(as_list(data))}}
    outputs = {{f"output_{{i}}": a for i, a in enumerate(as_list(model.predict(data)))}}
    np.savez({folder!r} + f"/case_{{case.id}}.npz", **arrays, **outputs)
"""


def check_layer_cases(keras, folder):
    """Every layer case of tests/layer_harness.py, in a one-layer model kerastutor saved."""
    worst, failures = 0.0, []
    for path in sorted(pathlib.Path(folder).glob("case_*.keras")):
        data = np.load(path.with_suffix(".npz"), allow_pickle=False)
        inputs = [data[k] for k in sorted(data) if k.startswith("input_")]
        expected = [data[k] for k in sorted(data) if k.startswith("output_")]
        try:
            # A Lambda of an op Keras does not look up by name (`sum`) is loaded
            # as a learner would: naming the function.
            model = keras.saving.load_model(path, custom_objects={"sum": keras.ops.sum})
            got = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
            got = got if isinstance(got, list) else [got]
            worst = max([worst] + [np.abs(g - e).max() for g, e in zip(got, expected)])
        except Exception as error:  # report every case, then fail
            failures.append(f"{path.stem}: {type(error).__name__}: {str(error)[:200]}")
    print(
        f"{len(list(pathlib.Path(folder).glob('case_*.keras')))} layer cases: worst "
        f"difference {worst:.2e}, failures: {failures}"
    )
    return worst, failures


def main(kerastutor_python):
    import keras

    sys.path.insert(0, str(HERE))
    from fixture_models import all_models

    with tempfile.TemporaryDirectory() as folder:
        code = WRITE_WITH_KERASTUTOR.format(here=str(HERE), tests=str(HERE.parent), folder=folder)
        subprocess.run([kerastutor_python, "-c", code], cwd=REPO, check=True)
        keras_models = all_models(keras)
        worst = 0.0
        for name in keras_models:
            data = np.load(f"{folder}/{name}.npz", allow_pickle=False)
            inputs = [data[key] for key in sorted(data) if key.startswith("input_")]
            inputs = inputs if len(inputs) > 1 else inputs[0]
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                loaded = keras.saving.load_model(f"{folder}/{name}.keras")
            difference = np.abs(loaded.predict(inputs, verbose=0) - data["predictions"]).max()
            same_layers = [layer.name for layer in loaded.layers] == list(data["layers"])
            compiled = json.dumps(loaded.get_compile_config()["optimizer"]["class_name"])
            print(
                f"{name}.keras: {type(loaded).__name__}, layer names same: {same_layers}, "
                f"max |prediction difference| {difference:.2e}, optimizer {compiled} at "
                f"iteration {int(loaded.optimizer.iterations.numpy())} (kerastutor: "
                f"{int(data['iterations'])}), warnings: {[str(w.message)[:80] for w in caught]}"
            )
            if name != "stack":  # its Dropout draws other random numbers in a training step
                loaded.train_on_batch(inputs, data["labels"])
                step = np.abs(loaded.predict(inputs, verbose=0) - data["after_step"]).max()
                print(f"  one more training step in both: max difference {step:.2e}")
                worst = max(worst, step)
            model = keras_models[name][0]
            model.load_weights(f"{folder}/{name}.weights.h5")
            weights_difference = np.abs(
                model.predict(inputs, verbose=0) - data["predictions"]
            ).max()
            print(
                f"{name}.weights.h5 into Keras's own model: max difference {weights_difference:.2e}"
            )
            worst = max(worst, difference, weights_difference)
            if not same_layers:
                raise SystemExit(f"{name}: the layer names differ")
        cases_worst, failures = check_layer_cases(keras, folder)
        worst = max(worst, cases_worst)
        print(f"worst difference {worst:.2e}: {'OK' if worst < 1e-5 else 'TOO LARGE'}")
        if worst >= 1e-5 or failures:
            raise SystemExit(1)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "python")
