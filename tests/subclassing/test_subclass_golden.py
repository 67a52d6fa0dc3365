"""Subclassed models trained side by side with Keras 3 (tests/golden/make_subclass_golden.py).

The same classes (tests/golden/subclass_models.py), the same seeded weights,
the same data: after three epochs of fit every weight, the loss history, the
predictions and `model.losses` must agree with Keras's, and the `.keras` file
Keras saved must load here and predict the same.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import kerastutor as keras

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
sys.path.insert(0, str(GOLDEN))
from subclass_models import combine_model, data, net_classes, seeded  # noqa: E402

FIXTURE = json.loads((GOLDEN / "fixtures_subclass" / "subclass.json").read_text())
ATOL = 1e-5


def close(got, want, what):
    for index, (g, w) in enumerate(zip(got, want, strict=True)):
        np.testing.assert_allclose(g, w, rtol=ATOL, atol=ATOL, err_msg=f"{what} [{index}]")


@pytest.fixture(scope="module")
def registered_net():
    _, net = net_classes(keras)
    keras.saving.register_keras_serializable(package="golden")(net)
    return net


def test_a_subclassed_model_trains_to_keras_weights(registered_net):
    want = FIXTURE["net"]
    x, y = data()
    model = registered_net(name="net")
    model(x[:2])
    # Keras 3's order: attributes in assignment order, the custom layer's own weights
    # before those of the BatchNormalization it holds. (Keras's paths also name the
    # outer layers, 'net/scale/batch_normalization/gamma'; kerastutor's give the
    # layer and the weight.)
    assert [w.path for w in model.weights] == [
        "/".join(path.split("/")[-2:]) for path in want["weight_paths"]
    ]
    model.set_weights(seeded([w.shape for w in model.get_weights()], 7))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="mse")
    history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    close(history.history["loss"], want["loss"], "loss")
    close(model.get_weights(), want["weights"], "weights after fit")
    close(model.predict(x, verbose=0), want["predict"], "predict")
    _ = model(x[:3])
    close([float(loss) for loss in model.losses], want["losses_after_call"], "losses")
    # The counter the custom layer assigns in `call`: one per step, predict and call.
    close([float(model.blocks[1].calls.data)], [want["calls_at_the_end"]], "counter")


def test_a_layer_called_on_two_tensors_trains_to_keras_weights():
    want = FIXTURE["combine"]
    x, y = data()
    b = np.round(np.linspace(-1, 1, 36).reshape(12, 3), 3).astype("float32")
    model = combine_model(keras)
    model.set_weights(seeded([w.shape for w in model.get_weights()], 8))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    history = model.fit([x, b], y, batch_size=6, epochs=3, shuffle=False, verbose=0)
    close(history.history["loss"], want["loss"], "loss")
    close(model.get_weights(), want["weights"], "weights after fit")


def test_the_keras_saved_subclassed_model_loads(registered_net):
    x, _ = data()
    loaded = keras.models.load_model(GOLDEN / "fixtures_subclass" / "net.keras")
    assert type(loaded) is registered_net and loaded.units == 6
    close(loaded.get_weights(), FIXTURE["net"]["weights"], "loaded weights")
    close(loaded.predict(x, verbose=0), FIXTURE["net"]["predict"], "loaded predict")


def test_training_resumes_from_the_keras_file_with_its_optimizer_state(registered_net):
    x, y = data()
    loaded = keras.models.load_model(GOLDEN / "fixtures_subclass" / "net.keras")
    loaded.train_on_batch(x[:4], y[:4])
    close(loaded.get_weights(), FIXTURE["net"]["weights_after_resumed_step"], "resumed step")
