"""The shared layer test harness (STYLE.md principle 6).

`check_layer(case)` puts one layer through the checks every layer must pass:

1. the symbolic output shape (calling it on `Input`s) equals the eager output
   shape on real arrays (None where the size depends on the data) and equals
   `compute_output_shape`;
2. the weights have the expected count, shapes and parameter total;
3. `get_config` -> `from_config` rebuilds a layer with the same config that,
   given the same weights, computes the same numbers;
4. one gradient step on a squared-error loss lowers the loss (layers with
   trainable weights only);
5. non-trainable weights (BatchNormalization's moving statistics) change
   only in a call with `training=True`.

A `LayerCase` says how to make the layer and what to feed it; `LAYER_CASES`
covers every layer class and its main options.
"""

from dataclasses import dataclass, field

import numpy as np

from kerastutor import autodiff, ops
from kerastutor import layers as L
from kerastutor.engine.base_layer import _LAYER_CLASSES

__all__ = [
    "LayerCase",
    "LAYER_CASES",
    "COVERED_CLASSES",
    "CELL_CLASSES",
    "check_layer",
    "make_data",
    "as_list",
]

BATCH = 3


@dataclass
class LayerCase:
    """One layer configuration to check.

    Args:
        id: the pytest id.
        make: a function returning a fresh layer.
        input_shapes: one shape per input, without the batch axis (None for
            any length: the eager data then uses `free_size`).
        dtype: input dtype ('float32', or 'int32' for Embedding indices).
        int_high: for int inputs, indices are drawn from [0, int_high).
        weight_shapes: the expected shapes of `get_weights()`, in order.
        free_size: the size eager data gets on axes the shape leaves open.
        options: keyword arguments for the eager call (e.g. training=True).
        non_trainable: how many of the weights are non-trainable (they come
            last in `get_weights()`).
        weight_dtypes: the dtype of each weight, when not all float32
            (Normalization's `count` is an int64).
        training_moves_statistics: whether a training call changes the
            non-trainable weights (BatchNormalization's do; Normalization's
            change only in `adapt`).
    """

    id: str
    make: object
    input_shapes: list
    weight_shapes: list = field(default_factory=list)
    dtype: str = "float32"
    int_high: int = 1
    free_size: int = 4
    options: dict = field(default_factory=dict)
    non_trainable: int = 0
    weight_dtypes: list = None
    training_moves_statistics: bool = True


def as_list(x):
    """Every output, flat: stacked cells' states come nested, `[out, [h1, c1], h2]`."""
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in as_list(item)]
    return [x]


def _flat_shapes(shapes):
    """compute_output_shape's shapes, flat: a shape is a tuple of sizes, lists nest them."""
    if all(size is None or isinstance(size, int) for size in shapes):
        return [tuple(shapes)]
    return [shape for item in shapes for shape in _flat_shapes(item)]


def make_data(case, rng, batch=BATCH):
    """One array per input: standard normal floats, or indices in [0, int_high)."""
    arrays = []
    for shape in case.input_shapes:
        full = (batch,) + tuple(case.free_size if d is None else d for d in shape)
        if case.dtype.startswith("int"):
            arrays.append(rng.integers(0, case.int_high, size=full).astype(case.dtype))
        else:
            arrays.append(rng.standard_normal(full).astype(case.dtype))
    return arrays


def _single_or_list(items):
    return items[0] if len(items) == 1 else items


def _shapes_agree(symbolic, eager):
    """A symbolic shape fits an eager one: same rank, None or equal sizes."""
    return len(symbolic) == len(eager) and all(
        s is None or s == e for s, e in zip(symbolic, eager, strict=True)
    )


def check_shapes(case):
    """Symbolic shape == eager shape == compute_output_shape."""
    layer = case.make()
    inputs = [L.Input(shape=shape, dtype=case.dtype) for shape in case.input_shapes]
    symbolic = as_list(layer(_single_or_list(inputs)))
    symbolic_shapes = [t.shape for t in symbolic]
    batch_shapes = [(None,) + tuple(shape) for shape in case.input_shapes]
    computed = layer.compute_output_shape(_single_or_list(batch_shapes))
    computed_shapes = _flat_shapes(computed) if len(symbolic) > 1 else [tuple(computed)]
    assert computed_shapes == symbolic_shapes, (computed_shapes, symbolic_shapes)

    data = make_data(case, np.random.default_rng(0))
    eager = as_list(layer(_single_or_list(data), **case.options))
    eager_shapes = [np.shape(autodiff.data_of(x)) for x in eager]
    assert len(eager_shapes) == len(symbolic_shapes)
    for symbolic_shape, eager_shape in zip(symbolic_shapes, eager_shapes, strict=True):
        assert symbolic_shape[0] is None, symbolic_shape
        assert eager_shape[0] == BATCH
        assert _shapes_agree(symbolic_shape, eager_shape), (symbolic_shape, eager_shape)
    return layer, data


def check_weights(case, layer):
    weights = layer.get_weights()
    assert [w.shape for w in weights] == [tuple(s) for s in case.weight_shapes]
    dtypes = case.weight_dtypes or ["float32"] * len(weights)
    assert [str(w.dtype) for w in weights] == dtypes
    expected = sum(int(np.prod(s)) for s in case.weight_shapes)
    assert layer.count_params() == expected


def check_config_round_trip(case, layer, data):
    config = layer.get_config()
    layer_class = _LAYER_CLASSES[type(layer).__name__]
    assert layer_class is type(layer)
    clone = layer_class.from_config(config)
    assert clone.get_config() == config
    assert clone.name == layer.name
    clone(_single_or_list([np.copy(x) for x in data]), **case.options)
    clone.set_weights(layer.get_weights())
    if case.options.get("training"):
        return  # random (Dropout): the numbers differ between calls by design
    first = as_list(layer(_single_or_list(data)))
    second = as_list(clone(_single_or_list(data)))
    for a, b in zip(first, second, strict=True):
        np.testing.assert_allclose(autodiff.data_of(a), autodiff.data_of(b), atol=1e-6)


def _squared_error(layer, data, targets):
    outputs = as_list(layer(_single_or_list(data)))
    losses = [
        ops.mean(ops.square(ops.subtract(o, t))) for o, t in zip(outputs, targets, strict=True)
    ]
    total = losses[0]
    for loss in losses[1:]:
        total = ops.add(total, loss)
    return total


def check_training_step(case, layer, data, learning_rate=0.05):
    """One step of gradient descent on a squared error lowers it."""
    variables = layer.trainable_weights
    if not variables:
        return
    rng = np.random.default_rng(1)
    targets = [
        rng.standard_normal(np.shape(autodiff.data_of(o))).astype("float32")
        for o in as_list(layer(_single_or_list(data)))
    ]
    with autodiff.watch(variables):
        loss = _squared_error(layer, data, targets)
        assert isinstance(loss, autodiff.Tensor), (
            f"{layer.name}: the output does not depend on the watched weights; "
            "`call` must compute through kerastutor.ops"
        )
        loss.backward()
    before = float(autodiff.data_of(loss))
    for variable in variables:
        assert variable.grad is not None, variable.name
        assert variable.grad.shape == variable.shape, variable.name
        variable.assign(variable.data - learning_rate * variable.grad)
    after = float(autodiff.data_of(_squared_error(layer, data, targets)))
    assert after < before, (before, after)


def check_non_trainable_weights(case, layer, data):
    """Non-trainable weights come last, and only a training call may change them."""
    assert len(layer.non_trainable_weights) == case.non_trainable
    assert layer.weights[len(layer.weights) - case.non_trainable :] == layer.non_trainable_weights
    if not case.non_trainable:
        return
    before = [np.copy(v.data) for v in layer.non_trainable_weights]
    layer(_single_or_list(data))
    layer(_single_or_list(data), training=False)
    for variable, value in zip(layer.non_trainable_weights, before, strict=True):
        np.testing.assert_array_equal(variable.data, value, err_msg=variable.name)
    layer(_single_or_list(data), training=True)
    changed = [
        not np.array_equal(variable.data, value)
        for variable, value in zip(layer.non_trainable_weights, before, strict=True)
    ]
    if case.training_moves_statistics:
        assert all(changed), [v.name for v, c in zip(layer.non_trainable_weights, changed) if not c]
    else:
        assert not any(changed), [v.name for v, c in zip(layer.non_trainable_weights, changed) if c]


def check_layer(case):
    layer, data = check_shapes(case)
    check_weights(case, layer)
    check_non_trainable_weights(case, layer, data)
    check_config_round_trip(case, layer, data)
    check_training_step(case, layer, data)


LAYER_CASES = [
    LayerCase("dense", lambda: L.Dense(5), [(12,)], [(12, 5), (5,)]),
    LayerCase("dense_3d", lambda: L.Dense(5, activation="relu"), [(7, 12)], [(12, 5), (5,)]),
    LayerCase(
        "dense_4d_no_bias",
        lambda: L.Dense(3, activation="tanh", use_bias=False),
        [(2, 3, 4)],
        [(4, 3)],
    ),
    LayerCase("dense_softmax", lambda: L.Dense(4, activation="softmax"), [(6,)], [(6, 4), (4,)]),
    LayerCase(
        "dense_any_length", lambda: L.Dense(2, activation="sigmoid"), [(None, 3)], [(3, 2), (2,)]
    ),
    LayerCase(
        "embedding",
        lambda: L.Embedding(10, 4, input_length=6),
        [(6,)],
        [(10, 4)],
        dtype="int32",
        int_high=10,
    ),
    LayerCase(
        "embedding_mask_zero_any_length",
        lambda: L.Embedding(10, 3, mask_zero=True),
        [(None,)],
        [(10, 3)],
        dtype="int32",
        int_high=10,
    ),
    LayerCase("lstm", lambda: L.LSTM(4), [(5, 3)], [(3, 16), (4, 16), (16,)]),
    LayerCase(
        "lstm_sequences",
        lambda: L.LSTM(4, return_sequences=True),
        [(None, 3)],
        [(3, 16), (4, 16), (16,)],
    ),
    LayerCase(
        "lstm_state",
        lambda: L.LSTM(2, return_state=True, unit_forget_bias=False),
        [(5, 3)],
        [(3, 8), (2, 8), (8,)],
    ),
    LayerCase(
        "lstm_sequences_state",
        lambda: L.LSTM(3, return_sequences=True, return_state=True),
        [(4, 2)],
        [(2, 12), (3, 12), (12,)],
    ),
    LayerCase("simple_rnn", lambda: L.SimpleRNN(4), [(5, 3)], [(3, 4), (4, 4), (4,)]),
    LayerCase(
        "simple_rnn_sequences_state_dropout",
        lambda: L.SimpleRNN(3, return_sequences=True, return_state=True, dropout=0.2, seed=1),
        [(None, 2)],
        [(2, 3), (3, 3), (3,)],
    ),
    LayerCase("gru", lambda: L.GRU(4), [(5, 3)], [(3, 12), (4, 12), (2, 12)]),
    LayerCase(
        "gru_reset_before_state",
        lambda: L.GRU(3, reset_after=False, return_sequences=True, return_state=True),
        [(None, 2)],
        [(2, 9), (3, 9), (9,)],
    ),
    LayerCase(
        "gru_backwards_no_bias",
        lambda: L.GRU(2, use_bias=False, go_backwards=True),
        [(4, 3)],
        [(3, 6), (2, 6)],
    ),
    LayerCase(
        "lstm_dropout_training",
        lambda: L.LSTM(3, dropout=0.3, recurrent_dropout=0.3, seed=2),
        [(4, 2)],
        [(2, 12), (3, 12), (12,)],
        options={"training": True},
    ),
    LayerCase(
        "rnn_lstm_cell",
        lambda: L.RNN(L.LSTMCell(3), return_sequences=True),
        [(4, 2)],
        [(2, 12), (3, 12), (12,)],
    ),
    LayerCase(
        "rnn_stacked_cells_state",
        lambda: L.RNN(
            L.StackedRNNCells([L.GRUCell(3), L.SimpleRNNCell(2), L.LSTMCell(2)]), return_state=True
        ),
        [(4, 2)],
        [(2, 9), (3, 9), (2, 9), (3, 2), (2, 2), (2,), (2, 8), (2, 8), (8,)],
    ),
    LayerCase(
        "conv2d_same",
        lambda: L.Conv2D(4, (3, 3), padding="same"),
        [(6, 5, 2)],
        [(3, 3, 2, 4), (4,)],
    ),
    LayerCase(
        "conv2d_valid_strided",
        lambda: L.Conv2D(3, 2, strides=2, activation="relu"),
        [(7, 6, 1)],
        [(2, 2, 1, 3), (3,)],
    ),
    LayerCase(
        "conv2d_same_strided_no_bias",
        lambda: L.Conv2D(2, (2, 3), strides=(2, 1), padding="same", use_bias=False),
        [(5, 5, 3)],
        [(2, 3, 3, 2)],
    ),
    LayerCase("flatten", lambda: L.Flatten(), [(3, 4, 2)]),
    LayerCase("flatten_2d", lambda: L.Flatten(), [(5,)]),
    *[
        LayerCase(f"activation_{name}", lambda name=name: L.Activation(name), [(4, 3)])
        for name in ("relu", "sigmoid", "tanh", "softmax", "linear")
    ],
    LayerCase("dropout_inference", lambda: L.Dropout(0.5), [(6,)]),
    LayerCase("dropout_training", lambda: L.Dropout(0.3), [(4, 3)], options={"training": True}),
    LayerCase("concatenate", lambda: L.Concatenate(), [(3,), (5,)]),
    LayerCase("concatenate_axis1", lambda: L.Concatenate(axis=1), [(2, 4), (3, 4), (1, 4)]),
    LayerCase("add", lambda: L.Add(), [(4, 2), (4, 2)]),
    LayerCase("add_three", lambda: L.Add(), [(3,), (3,), (3,)]),
    # ---- activation layers
    LayerCase("relu_capped", lambda: L.ReLU(max_value=1.0, negative_slope=0.1), [(4, 3)]),
    LayerCase("relu_threshold", lambda: L.ReLU(threshold=0.5), [(5,)]),
    LayerCase("leaky_relu", lambda: L.LeakyReLU(), [(4, 3)]),
    LayerCase("elu", lambda: L.ELU(alpha=0.7), [(2, 3)]),
    LayerCase("prelu", lambda: L.PReLU(alpha_initializer="ones"), [(4, 3)], [(4, 3)]),
    LayerCase("prelu_shared", lambda: L.PReLU(shared_axes=[1, 2]), [(3, 3, 2)], [(1, 1, 2)]),
    LayerCase("softmax_layer", lambda: L.Softmax(), [(5,)]),
    LayerCase("softmax_two_axes", lambda: L.Softmax(axis=(1, 2)), [(2, 3)]),
    # ---- preprocessing, identity and noise layers
    LayerCase("rescaling", lambda: L.Rescaling(1 / 255.0, offset=-0.5), [(4, 3)]),
    LayerCase("rescaling_per_channel", lambda: L.Rescaling([0.5, 2.0, -1.0]), [(2, 3)]),
    LayerCase("identity", lambda: L.Identity(), [(3, 2)]),
    LayerCase(
        "normalization",
        lambda: L.Normalization(),
        [(4, 3)],
        [(3,), (3,), ()],
        non_trainable=3,
        weight_dtypes=["float32", "float32", "int64"],
        training_moves_statistics=False,
    ),
    LayerCase(
        "normalization_given",
        lambda: L.Normalization(axis=(1, 2), mean=[1.0, -1.0], variance=[4.0, 0.25]),
        [(3, 2)],
    ),
    LayerCase(
        "normalization_invert", lambda: L.Normalization(mean=2.0, variance=9.0, invert=True), [(5,)]
    ),
    LayerCase("activity_regularization", lambda: L.ActivityRegularization(0.01, 0.1), [(5,)]),
    LayerCase("gaussian_noise_inference", lambda: L.GaussianNoise(0.3), [(4,)]),
    LayerCase(
        "gaussian_noise_training",
        lambda: L.GaussianNoise(0.3, seed=2),
        [(4,)],
        options={"training": True},
    ),
    LayerCase("gaussian_dropout_inference", lambda: L.GaussianDropout(0.4), [(2, 3)]),
    LayerCase("spatial_dropout1d_inference", lambda: L.SpatialDropout1D(0.5), [(4, 3)]),
    LayerCase(
        "spatial_dropout2d_training",
        lambda: L.SpatialDropout2D(0.5, seed=3),
        [(3, 3, 4)],
        options={"training": True},
    ),
    # ---- convolution and pooling (issue 11)
    LayerCase(
        "conv2d_dilated", lambda: L.Conv2D(3, 3, dilation_rate=2), [(7, 6, 2)], [(3, 3, 2, 3), (3,)]
    ),
    LayerCase(
        "conv2d_groups_same",
        lambda: L.Conv2D(4, (2, 3), padding="same", groups=2),
        [(None, None, 6)],
        [(2, 3, 3, 4), (4,)],
    ),
    LayerCase("conv1d", lambda: L.Conv1D(4, 3, activation="relu"), [(7, 2)], [(3, 2, 4), (4,)]),
    LayerCase(
        "conv1d_causal_dilated",
        lambda: L.Conv1D(2, 2, padding="causal", dilation_rate=3),
        [(None, 3)],
        [(2, 3, 2), (2,)],
    ),
    LayerCase(
        "conv1d_same_strided_groups_no_bias",
        lambda: L.Conv1D(4, 3, strides=2, padding="same", groups=2, use_bias=False),
        [(9, 4)],
        [(3, 2, 4)],
    ),
    LayerCase(
        "conv2d_transpose", lambda: L.Conv2DTranspose(3, 3), [(4, 5, 2)], [(3, 3, 3, 2), (3,)]
    ),
    LayerCase(
        "conv2d_transpose_same_strided",
        lambda: L.Conv2DTranspose(2, (3, 2), strides=2, padding="same", output_padding=1),
        [(3, 4, 3)],
        [(3, 2, 2, 3), (2,)],
    ),
    LayerCase(
        "depthwise_conv2d",
        lambda: L.DepthwiseConv2D(3, depth_multiplier=2, padding="same"),
        [(5, 4, 3)],
        [(3, 3, 3, 2), (6,)],
    ),
    LayerCase(
        "separable_conv2d",
        lambda: L.SeparableConv2D(4, 2, strides=2, activation="tanh"),
        [(6, 5, 3)],
        [(2, 2, 3, 1), (1, 1, 3, 4), (4,)],
    ),
    LayerCase("max_pooling1d", lambda: L.MaxPooling1D(), [(7, 3)]),
    LayerCase("max_pooling1d_same_strided", lambda: L.MaxPooling1D(3, 2, "same"), [(None, 2)]),
    LayerCase("max_pooling2d", lambda: L.MaxPooling2D(), [(6, 5, 2)]),
    LayerCase("max_pooling2d_same", lambda: L.MaxPooling2D((3, 2), (2, 1), "same"), [(5, 5, 3)]),
    LayerCase("average_pooling1d", lambda: L.AveragePooling1D(2, 1), [(5, 4)]),
    LayerCase("average_pooling2d_same", lambda: L.AveragePooling2D(3, padding="same"), [(7, 4, 2)]),
    LayerCase("global_max_pooling1d", lambda: L.GlobalMaxPooling1D(), [(None, 3)]),
    LayerCase(
        "global_max_pooling2d_keepdims", lambda: L.GlobalMaxPooling2D(keepdims=True), [(4, 3, 2)]
    ),
    LayerCase(
        "global_average_pooling1d", lambda: L.GlobalAveragePooling1D(keepdims=True), [(5, 3)]
    ),
    LayerCase("global_average_pooling2d", lambda: L.GlobalAveragePooling2D(), [(None, None, 4)]),
    LayerCase(
        "bidirectional_lstm",
        lambda: L.Bidirectional(L.LSTM(3)),
        [(4, 2)],
        [(2, 12), (3, 12), (12,)] * 2,
    ),
    *[
        LayerCase(
            f"bidirectional_lstm_sequences_state_{mode}",
            lambda mode=mode: L.Bidirectional(
                L.LSTM(2, return_sequences=True, return_state=True), merge_mode=mode
            ),
            [(None, 3)],
            [(3, 8), (2, 8), (8,)] * 2,
        )
        for mode in ("concat", "sum", "mul", "ave", None)
    ],
    LayerCase(
        "bidirectional_gru_sequences",
        lambda: L.Bidirectional(L.GRU(3, return_sequences=True), merge_mode="sum"),
        [(4, 2)],
        [(2, 9), (3, 9), (2, 9)] * 2,
    ),
    LayerCase(
        "bidirectional_simple_rnn_state",
        lambda: L.Bidirectional(L.SimpleRNN(2, return_state=True), merge_mode="mul"),
        [(None, 3)],
        [(3, 2), (2, 2), (2,)] * 2,
    ),
    LayerCase(
        "time_distributed_dense", lambda: L.TimeDistributed(L.Dense(3)), [(4, 2)], [(2, 3), (3,)]
    ),
    LayerCase(
        "time_distributed_conv2d",
        lambda: L.TimeDistributed(L.Conv2D(2, 3, padding="same")),
        [(None, 4, 4, 1)],
        [(3, 3, 1, 2), (2,)],
        free_size=3,
    ),
    LayerCase("repeat_vector", lambda: L.RepeatVector(3), [(4,)]),
    LayerCase("masking", lambda: L.Masking(), [(5, 3)]),
    LayerCase("masking_value", lambda: L.Masking(mask_value=-1.0), [(None, 2)]),
    # --- shape, normalization and merging (issue 11)
    LayerCase("subtract", lambda: L.Subtract(), [(4, 2), (4, 2)]),
    LayerCase("subtract_broadcast", lambda: L.Subtract(), [(4, 3), (1, 3)]),
    LayerCase("multiply_three", lambda: L.Multiply(), [(3,), (3,), (3,)]),
    LayerCase("multiply_ranks", lambda: L.Multiply(), [(2, 5), (5,)]),
    LayerCase("average", lambda: L.Average(), [(2, 3), (2, 3)]),
    LayerCase("maximum", lambda: L.Maximum(), [(4,), (4,), (4,)]),
    LayerCase("minimum", lambda: L.Minimum(), [(3, 2), (3, 2)]),
    LayerCase("dot_vectors", lambda: L.Dot(axes=1), [(5,), (5,)]),
    LayerCase("dot_pairs", lambda: L.Dot(axes=(2, 2)), [(3, 4), (2, 4)]),
    LayerCase("dot_normalize", lambda: L.Dot(axes=(1, 2), normalize=True), [(3, 2), (4, 3)]),
    LayerCase("unit_normalization", lambda: L.UnitNormalization(), [(5,)]),
    LayerCase("unit_normalization_axes", lambda: L.UnitNormalization(axis=[1, 2]), [(2, 3, 2)]),
    LayerCase("reshape", lambda: L.Reshape((2, 6)), [(3, 4)]),
    LayerCase("reshape_infer", lambda: L.Reshape((-1, 2)), [(3, 4)]),
    LayerCase("reshape_any_length", lambda: L.Reshape((-1, 2)), [(None, 4)]),
    LayerCase("permute", lambda: L.Permute((2, 1)), [(3, 5)]),
    LayerCase("permute_3d", lambda: L.Permute((3, 1, 2)), [(2, 3, 4)]),
    LayerCase(
        "flatten_channels_first", lambda: L.Flatten(data_format="channels_first"), [(2, 3, 4)]
    ),
    LayerCase("up_sampling1d", lambda: L.UpSampling1D(3), [(4, 2)]),
    LayerCase("up_sampling2d", lambda: L.UpSampling2D((2, 3)), [(3, 2, 2)]),
    LayerCase(
        "up_sampling2d_channels_first",
        lambda: L.UpSampling2D(2, data_format="channels_first"),
        [(2, 3, 2)],
    ),
    LayerCase("zero_padding1d", lambda: L.ZeroPadding1D((1, 2)), [(3, 2)]),
    LayerCase("zero_padding2d", lambda: L.ZeroPadding2D(((1, 0), (2, 1))), [(3, 2, 2)]),
    LayerCase(
        "zero_padding2d_channels_first",
        lambda: L.ZeroPadding2D(1, data_format="channels_first"),
        [(2, 3, 2)],
    ),
    LayerCase("cropping1d", lambda: L.Cropping1D((1, 2)), [(5, 2)]),
    LayerCase("cropping2d", lambda: L.Cropping2D(((1, 0), (0, 2))), [(3, 4, 2)]),
    LayerCase(
        "cropping2d_channels_first",
        lambda: L.Cropping2D(1, data_format="channels_first"),
        [(2, 4, 3)],
    ),
    LayerCase(
        "batch_normalization",
        lambda: L.BatchNormalization(),
        [(4,)],
        [(4,), (4,), (4,), (4,)],
        non_trainable=2,
    ),
    LayerCase(
        "batch_normalization_training",
        lambda: L.BatchNormalization(momentum=0.5),
        [(3, 2)],
        [(2,), (2,), (2,), (2,)],
        options={"training": True},
        non_trainable=2,
    ),
    LayerCase(
        "batch_normalization_axis1_no_scale",
        lambda: L.BatchNormalization(axis=1, scale=False),
        [(3, 2, 2)],
        [(3,), (3,), (3,)],
        non_trainable=2,
    ),
    LayerCase("layer_normalization", lambda: L.LayerNormalization(), [(5,)], [(5,), (5,)]),
    LayerCase(
        "layer_normalization_axes",
        lambda: L.LayerNormalization(axis=[1, 2], center=False),
        [(3, 2, 4)],
        [(3, 2)],
    ),
    LayerCase(
        "group_normalization", lambda: L.GroupNormalization(groups=2), [(3, 4)], [(4,), (4,)]
    ),
    LayerCase(
        "group_normalization_channels_first",
        lambda: L.GroupNormalization(groups=-1, axis=1, center=False),
        [(3, 2, 2)],
        [(3,)],
    ),
    LayerCase("lambda_named_function", lambda: L.Lambda(ops.tanh), [(3, 2)]),
    LayerCase(
        "lambda_output_shape",
        lambda: L.Lambda(ops.sum, output_shape=(), arguments={"axis": (1, 2)}),
        [(3, 2)],
    ),
]

# Every public layer class must appear in at least one case (InputLayer is
# checked in the engine tests: it cannot be called).
COVERED_CLASSES = {
    "Dense",
    "Embedding",
    "LSTM",
    "GRU",
    "SimpleRNN",
    "RNN",
    "Conv2D",
    "Flatten",
    "Activation",
    "ReLU",
    "LeakyReLU",
    "PReLU",
    "ELU",
    "Softmax",
    "Rescaling",
    "Normalization",
    "Identity",
    "ActivityRegularization",
    "GaussianNoise",
    "GaussianDropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "Dropout",
    "Concatenate",
    "Add",
    "Conv1D",
    "Conv2DTranspose",
    "DepthwiseConv2D",
    "SeparableConv2D",
    "MaxPooling1D",
    "MaxPooling2D",
    "AveragePooling1D",
    "AveragePooling2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "Bidirectional",
    "TimeDistributed",
    "RepeatVector",
    "Masking",
    "Subtract",
    "Multiply",
    "Average",
    "Maximum",
    "Minimum",
    "Dot",
    "UnitNormalization",
    "Reshape",
    "Permute",
    "UpSampling1D",
    "UpSampling2D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "Cropping1D",
    "Cropping2D",
    "Lambda",
    "BatchNormalization",
    "LayerNormalization",
    "GroupNormalization",
}

# Cells run one timestep on (inputs, states), so the harness checks them
# inside `RNN(cell)` (the rnn_* cases above), not on their own.
CELL_CLASSES = {"SimpleRNNCell", "GRUCell", "LSTMCell", "StackedRNNCells"}
