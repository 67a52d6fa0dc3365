"""What `fit` owes the optimizer's options, as Keras 3's fit does them."""

import io

import numpy as np
import pytest

import kerastutor as keras


def _model(seed=0):
    rng = np.random.default_rng(seed)
    inputs = keras.Input((5,))
    hidden = keras.layers.Dense(4, activation="tanh")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(2)(hidden))
    model.set_weights(
        [rng.normal(size=w.shape).astype("float32") * 0.3 for w in model.get_weights()]
    )
    return model


def _data():
    rng = np.random.default_rng(1)
    return rng.normal(size=(40, 5)).astype("float32"), rng.normal(size=(40, 2)).astype("float32")


def test_loss_scale_factor_leaves_the_updates_unchanged():
    # fit scales the loss before the gradients and `apply` divides them back.
    x, y = _data()
    plain, scaled = _model(), _model()
    plain.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    scaled.compile(optimizer=keras.optimizers.SGD(0.05, loss_scale_factor=8.0), loss="mse")
    for model in (plain, scaled):
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(plain.get_weights(), scaled.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_fit_ends_with_the_moving_averages_when_use_ema():
    x, y = _data()
    model = _model()
    optimizer = keras.optimizers.Adam(0.05, use_ema=True, ema_momentum=0.9)
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    averages = [optimizer._averages[optimizer._get_variable_index(w)].data for w in model.weights]
    for weight, average in zip(model.get_weights(), averages, strict=True):
        np.testing.assert_array_equal(weight, average)


@pytest.mark.parametrize(
    ("optimizer", "expected"),
    [("sgd", 2), ("adam", 2 + 2 * 34), ("nadam", 2 + 2 * 34 + 1)],
)
def test_summary_counts_every_optimizer_variable(optimizer, expected):
    # 34 trainable numbers; Keras 3 counts iteration, learning_rate, the slots
    # (and Nadam's running momentum product) in "Optimizer params".
    x, y = _data()
    model = _model()
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, batch_size=40, epochs=1, verbose=0)
    lines = io.StringIO()
    model.summary(print_fn=lambda line, **_: lines.write(line + "\n"))
    optimizer_line = [line for line in lines.getvalue().splitlines() if "Optimizer params" in line]
    assert optimizer_line and f"{expected:,}" in optimizer_line[0].split(":")[1]


def test_a_metric_with_several_thresholds_logs_an_array_and_the_bar_its_mean(capsys):
    # Keras 3 keeps Precision(thresholds=[...])'s values as an array in the
    # history and evaluate's dict, and its progress line shows their mean.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 3)).astype("float32")
    y = (rng.random((20, 1)) > 0.5).astype("float32")
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(inputs))
    model.set_weights([np.array([[0.5], [-0.3], [0.2]], "float32"), np.zeros(1, "float32")])
    precision = keras.metrics.Precision(thresholds=[0.3, 0.6])
    model.compile("sgd", "binary_crossentropy", metrics=[precision])
    history = model.fit(x, y, epochs=1, verbose=2, shuffle=False)
    values = history.history["precision"][0]
    assert np.shape(values) == (2,)
    assert f"precision: {np.mean(values):.4f}" in capsys.readouterr().out
    results = model.evaluate(x, y, verbose=0, return_dict=True)
    assert np.shape(results["precision"]) == (2,)
