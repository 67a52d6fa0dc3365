"""What fit refuses, and that a refused fit changed nothing.

Every check on arrays (training data, sample and class weights, validation
data and its weights) runs before the first weight update, so a failed fit
leaves the weights as they were. Keras 3.15.1's own reactions are noted
where kerastutor's message differs from its text.
"""

import numpy as np
import pytest

import kerastutor as keras
from kerastutor.utils import PyDataset


def classifier(outputs=1):
    inputs = keras.Input(shape=(3,))
    hidden = keras.layers.Dense(4, activation="tanh")(inputs)
    if outputs == 1:
        model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))
        model.compile(optimizer="sgd", loss="binary_crossentropy")
    else:
        heads = [
            keras.layers.Dense(1, activation="sigmoid", name=f"head_{i}")(hidden) for i in range(2)
        ]
        model = keras.Model(inputs, heads)
        model.compile(optimizer="sgd", loss="binary_crossentropy")
    return model


def data(count=10):
    rng = np.random.default_rng(0)
    return rng.random((count, 3)).astype("float32"), (rng.random((count, 1)) > 0.5).astype(
        "float32"
    )


def refused(model, error, match, **fit_kwargs):
    """fit raises `error` matching `match`, and no weight has changed."""
    before = model.get_weights()
    with pytest.raises(error, match=match):
        model.fit(verbose=0, **fit_kwargs)
    for old, new in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)


def test_sample_weight_of_the_wrong_length_names_both_lengths():
    x, y = data()
    refused(
        classifier(),
        ValueError,
        r"`sample_weight` for output '.*' has 8 entries but x has 10 samples",
        x=x,
        y=y,
        sample_weight=np.ones(8),
    )


def test_validation_weights_are_checked_before_the_first_update():
    x, y = data()
    refused(
        classifier(),
        ValueError,
        r"has 3 entries but x has 4 samples",
        x=x,
        y=y,
        validation_data=(x[:4], y[:4], np.ones(3)),
    )
    refused(
        classifier(),
        ValueError,
        r"different numbers of samples: x has 4, the targets",
        x=x,
        y=y,
        validation_data=(x[:4], y[:5]),
    )
    refused(
        classifier(),
        ValueError,
        r"`validation_data` must be a tuple \(x_val, y_val\) or",
        x=x,
        y=y,
        validation_data=(x, y, np.ones(10), 1),
    )


def test_validation_data_without_targets_for_a_compiled_loss():
    x, y = data()
    refused(
        classifier(),
        ValueError,
        r"`fit \(validation_data\)` needs both inputs x and targets y",
        x=x,
        y=y,
        validation_data=(x,),
    )


def test_per_sample_weights_for_per_timestep_losses_need_a_trailing_axis():
    # Keras 3 fails inside TensorFlow ("Dimensions must be equal"); the shapes to use are named.
    inputs = keras.Input(shape=(4, 2))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((6, 4, 2), dtype="float32")
    refused(
        model,
        ValueError,
        r"shape \(1,\) does not fit the loss values.*\(1, 4\).*shape \(1, 1\)",
        x=x,
        y=np.ones((6, 4, 1)),
        sample_weight=np.ones(6),
    )
    model.fit(x, np.ones((6, 4, 1)), sample_weight=np.ones((6, 1)), verbose=0)
    model.fit(x, np.ones((6, 4, 1)), sample_weight=np.ones((6, 4)), verbose=0)


def test_sample_weight_with_nan_is_refused():
    x, y = data()
    weights = np.ones(10)
    weights[3] = np.nan
    refused(
        classifier(),
        ValueError,
        "contains NaN or infinity, first at index 3",
        x=x,
        y=y,
        sample_weight=weights,
    )


def test_class_weight_problems():
    x, y = data()
    refused(
        classifier(),
        ValueError,
        "You cannot `class_weight` and `sample_weight` at the same time",
        x=x,
        y=y,
        class_weight={0: 1.0},
        sample_weight=np.ones(10),
    )
    refused(
        classifier(outputs=2),
        ValueError,
        "`class_weight` is only supported for Models with a single",
        x=x,
        y=[y, y],
        class_weight={0: 1.0, 1: 2.0},
    )
    refused(
        classifier(), TypeError, "must be a dict {class id: weight}", x=x, y=y, class_weight=[1, 2]
    )
    refused(
        classifier(),
        ValueError,
        "keys must be integer class ids",
        x=x,
        y=y,
        class_weight={"cat": 1.0},
    )
    refused(
        classifier(),
        ValueError,
        r"`class_weight\[1\]` must be a number",
        x=x,
        y=y,
        class_weight={1: "high"},
    )


def test_a_class_missing_from_the_targets_is_not_an_error_as_in_keras():
    x, y = data()
    model = classifier()
    # Keras 3 looks each label up with class_weight.get(label, 1.0): class 7 never occurs.
    model.fit(x, y, class_weight={0: 1.0, 7: 3.0}, verbose=0)


def test_a_train_step_that_does_not_return_a_dict():
    class Bad(keras.Model):
        def train_step(self, data):
            return 0.5

    inputs = keras.Input(shape=(3,))
    model = Bad(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    x, y = data()
    # Keras 3: AttributeError "'EagerTensor' object has no attribute 'items'".
    with pytest.raises(TypeError, match=r"`Bad.train_step` must return a dict of results.*float"):
        model.fit(x, y, verbose=0)


def test_generator_and_py_dataset_refuse_y_and_sample_weight_and_validation_split():
    x, y = data()

    class Batches(PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, index):
            return x[index * 5 : (index + 1) * 5], y[index * 5 : (index + 1) * 5]

    model = classifier()
    refused(
        model, ValueError, "`y` argument is not supported when using a PyDataset", x=Batches(), y=y
    )
    refused(
        model,
        ValueError,
        "`sample_weight` argument is not supported when using a generator",
        x=iter([(x, y)]),
        sample_weight=np.ones(10),
    )
    refused(
        model,
        ValueError,
        "`validation_split` is only supported for arrays",
        x=Batches(),
        validation_split=0.5,
    )


def test_a_generator_batch_with_class_weight_and_sample_weight_is_refused():
    x, y = data()
    model = classifier()
    with pytest.raises(ValueError, match="class_weight` and `sample_weight` at the same time"):
        model.fit(iter([(x, y, np.ones(10))]), class_weight={0: 2.0}, verbose=0)


def test_bad_loop_arguments():
    x, y = data()
    model = classifier()
    refused(
        model,
        ValueError,
        "`validation_freq` to be a list or int",
        x=x,
        y=y,
        validation_data=(x, y),
        validation_freq=0,
    )
    refused(model, ValueError, "`steps_per_epoch` of fit", x=x, y=y, steps_per_epoch=0)
    with pytest.raises(ValueError, match="`steps` of evaluate"):
        model.evaluate(x, y, steps=-1, verbose=0)


def test_no_loss_to_compute():
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd")
    x, y = data()
    with pytest.raises(ValueError, match="no loss to compute. Provide a `loss` argument"):
        model.fit(x, y, verbose=0)


def test_class_weight_with_one_label_per_timestep_is_refused_as_keras_fails():
    inputs = keras.Input(shape=(4, 2))
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(inputs))
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    labels = np.zeros((5, 4, 1), dtype="int32")
    refused(
        model,
        ValueError,
        r"one class per sample.*per-timestep sample weights",
        x=np.ones((5, 4, 2)),
        y=labels,
        class_weight={0: 2.0},
    )
