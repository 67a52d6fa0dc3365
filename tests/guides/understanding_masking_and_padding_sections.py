"""keras-io's guide "Understanding masking & padding", one function per section.

Each function re-types the Keras 3 version of one section of
guides/understanding_masking_and_padding.py, with ``keras`` passed in (real
Keras 3 or kerastutor); ``ops`` is ``keras.ops`` and ``layers`` is
``keras.layers``, as the guide imports them (the guide's first version spelt
them ``tf.split``, ``tf.not_equal``, ...). What the guide prints (padded
arrays, ``_keras_mask`` of eager and symbolic tensors) is handed to ``run``
(see ``guide_run.py``). Departures from the guide, all marked ``# [test]``:

* seeded weights and seeded data, so the numbers can be compared with Keras's;
* TemporalSoftmax's 0 / 0 at masked steps is computed without NumPy's
  warning (kerastutor's eager values are NumPy arrays; TensorFlow is silent);
* a few more lines that show what each section claims: a padded sequence and
  the same sequence without its padding give the same LSTM output, a layer
  that does not opt in to masking drops the mask (with Keras's warning), the
  mask a mask-consuming layer receives.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["SECTIONS"]

RAW_INPUTS = [
    [711, 632, 71],
    [73, 8, 3215, 55, 927],
    [83, 91, 1, 645, 1253, 927],
]


def _mask_fact(run, key, mask):
    """A concrete mask (or None) as its dtype and its values."""
    if mask is None:
        run.fact(key, None)
        return
    value = np.asarray(run.keras.ops.convert_to_numpy(mask))
    run.fact(key, {"dtype": value.dtype.name, "values": value.tolist()})


def _symbolic_mask_fact(run, key, mask):
    """A symbolic mask (or None) as its shape and dtype."""
    if mask is None:
        run.fact(key, None)
        return
    run.fact(key, {"shape": tuple(mask.shape), "dtype": str(mask.dtype)})


def _padded_inputs(keras):
    return keras.utils.pad_sequences(RAW_INPUTS, padding="post")


def _masked_embedding(keras):
    """The Masking layer's output of the mask-generating section."""
    ops = keras.ops
    padded_inputs = _padded_inputs(keras)
    unmasked_embedding = ops.cast(
        ops.tile(ops.expand_dims(padded_inputs, axis=-1), [1, 1, 10]), "float32"
    )
    return keras.layers.Masking()(unmasked_embedding)


def padding_sequence_data(keras, run):
    """## Padding sequence data: pad_sequences, 'post' padding as the guide prints it."""
    raw_inputs = [list(sequence) for sequence in RAW_INPUTS]
    padded_inputs = keras.utils.pad_sequences(raw_inputs, padding="post")
    run.fact("padded_inputs", padded_inputs.tolist())
    run.fact("padded_inputs.dtype", padded_inputs.dtype.name)
    run.fact("padded_inputs.type", type(padded_inputs).__name__)

    # [test] what the comments mention: 'pre' padding (the default), the `value` argument,
    # and cutting long sequences to `maxlen` from the front (default) or the back.
    run.fact("pre", keras.utils.pad_sequences(raw_inputs, padding="pre").tolist())
    run.fact("default", keras.utils.pad_sequences(raw_inputs).tolist())
    run.fact("value=-1", keras.utils.pad_sequences(raw_inputs, padding="post", value=-1).tolist())
    run.fact("maxlen=4", keras.utils.pad_sequences(raw_inputs, maxlen=4).tolist())
    run.fact(
        "maxlen=4 truncating=post",
        keras.utils.pad_sequences(raw_inputs, maxlen=4, truncating="post").tolist(),
    )


def mask_generating_layers(keras, run):
    """## Mask-generating layers: Embedding(mask_zero=True) and Masking, their `_keras_mask`."""
    ops = keras.ops
    layers = keras.layers
    padded_inputs = _padded_inputs(keras)

    embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
    masked_output = embedding(padded_inputs)
    _mask_fact(run, "masked_output._keras_mask", masked_output._keras_mask)
    run.fact("masked_output.shape", masked_output.shape)

    masking_layer = layers.Masking()
    # Simulate the embedding lookup by expanding the 2D input to 3D,
    # with embedding dimension of 10.
    unmasked_embedding = ops.cast(
        ops.tile(ops.expand_dims(padded_inputs, axis=-1), [1, 1, 10]), "float32"
    )
    masked_embedding = masking_layer(unmasked_embedding)
    _mask_fact(run, "masked_embedding._keras_mask", masked_embedding._keras_mask)
    run.fact("masked_embedding.shape", masked_embedding.shape)
    run.array("masked_embedding", masked_embedding)

    # [test] the same masks from compute_mask, and the looked-up vectors for seeded weights
    _mask_fact(run, "embedding.compute_mask", embedding.compute_mask(padded_inputs))
    _mask_fact(run, "masking_layer.compute_mask", masking_layer.compute_mask(unmasked_embedding))
    run.fact("embedding.supports_masking", embedding.supports_masking)
    run.fact("masking_layer.supports_masking", masking_layer.supports_masking)
    run.seed(embedding, "mask_generating_layers")
    run.array("embedding(padded_inputs)", embedding(padded_inputs))
    unmasked = layers.Embedding(input_dim=5000, output_dim=16)
    _mask_fact(run, "mask_zero=False: compute_mask", unmasked.compute_mask(padded_inputs))
    run.fact("mask_zero=False: supports_masking", unmasked.supports_masking)


def mask_propagation(keras, run):
    """## Mask propagation in the Functional API and Sequential API: Embedding -> LSTM."""
    layers = keras.layers
    padded_inputs = _padded_inputs(keras)

    model = keras.Sequential(
        [
            layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True),
            layers.LSTM(32),
        ]
    )
    # [test] call it on the padded batch, with seeded weights
    model(padded_inputs)
    run.seed(model, "mask_propagation_sequential")
    run.array("sequential(padded_inputs)", model(padded_inputs))

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
    _symbolic_mask_fact(run, "x._keras_mask", x._keras_mask)  # [test]
    outputs = layers.LSTM(32)(x)
    _symbolic_mask_fact(run, "outputs._keras_mask", getattr(outputs, "_keras_mask", None))

    model = keras.Model(inputs, outputs)
    run.model("functional", model)
    run.summary("functional", model)

    # [test] with seeded weights: each padded sequence gives the LSTM output of the
    # same sequence without its padding, 'post' or 'pre'.
    run.seed(model, "mask_propagation_functional")
    run.array("predict(post)", model.predict(padded_inputs, verbose=0))
    pre = keras.utils.pad_sequences(RAW_INPUTS, padding="pre")
    run.array("predict(pre)", model.predict(pre, verbose=0))
    for index, sequence in enumerate(RAW_INPUTS):
        unpadded = np.asarray([sequence], dtype="int32")
        run.array(f"predict(raw_inputs[{index}])", model.predict(unpadded, verbose=0))


def passing_mask_tensors_directly(keras, run):
    """## Passing mask tensors directly to layers: compute_mask, then `lstm(x, mask=mask)`."""
    layers = keras.layers

    class MyLayer(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
            self.lstm = layers.LSTM(32)

        def call(self, inputs):
            x = self.embedding(inputs)
            # Note that you could also prepare a `mask` tensor manually.
            # It only needs to be a boolean tensor
            # with the right shape, i.e. (batch_size, timesteps).
            mask = self.embedding.compute_mask(inputs)
            output = self.lstm(x, mask=mask)  # The layer will ignore the masked values
            return output

    layer = MyLayer()
    x = run.rng("x").random((32, 10)) * 100  # [test] seeded in place of np.random
    x = x.astype("int32")
    x[::2, 6:] = 0  # [test] padding at the end of every other sample, so the mask matters
    y = layer(x)
    run.fact("y.shape", y.shape)
    run.fact("layer.weight_shapes", [tuple(w.shape) for w in layer.weights])

    run.seed(layer, "passing_mask_tensors_directly")  # [test]
    run.array("layer(x)[:8]", layer(x)[:8])
    # [test] a mask prepared by hand; `mask=None`, which still finds the mask the
    # embedding's output carries; and a plain array, with no mask (the padding then counts)
    embedded = layer.embedding(x[:8])
    run.array("lstm(x, mask=x != 0)", layer.lstm(embedded, mask=np.asarray(x[:8]) != 0))
    run.array("lstm(x, mask=None)", layer.lstm(embedded, mask=None))
    run.array("lstm(np.asarray(x))", layer.lstm(np.asarray(embedded)))


def _temporal_split(keras):
    ops = keras.ops

    class TemporalSplit(keras.layers.Layer):
        """Split the input tensor into 2 tensors along the time dimension."""

        def call(self, inputs):
            # Expect the input to be 3D and mask to be 2D, split the input tensor into 2
            # subtensors along the time axis (axis 1).
            return ops.split(inputs, 2, axis=1)

        def compute_mask(self, inputs, mask=None):
            # Also split the mask into 2 if it presents.
            if mask is None:
                return None
            return ops.split(mask, 2, axis=1)

    return TemporalSplit


def layers_that_modify_the_mask(keras, run):
    """## Supporting masking in your custom layers: TemporalSplit splits the mask too."""
    layers = keras.layers
    TemporalSplit = _temporal_split(keras)
    masked_embedding = _masked_embedding(keras)

    first_half, second_half = TemporalSplit()(masked_embedding)
    _mask_fact(run, "first_half._keras_mask", first_half._keras_mask)
    _mask_fact(run, "second_half._keras_mask", second_half._keras_mask)
    run.fact("first_half.shape", first_half.shape)
    run.fact("second_half.shape", second_half.shape)

    # [test] a layer that overrides compute_mask supports masking without saying so
    run.fact("supports_masking", TemporalSplit().supports_masking)

    # [test] in a functional model: each half keeps its half of the mask, each LSTM uses it
    inputs = keras.Input(shape=(6, 10))
    first, second = TemporalSplit()(layers.Masking()(inputs))
    _symbolic_mask_fact(run, "first._keras_mask", first._keras_mask)
    _symbolic_mask_fact(run, "second._keras_mask", second._keras_mask)
    outputs = [layers.LSTM(4)(first), layers.LSTM(4)(second)]
    model = keras.Model(inputs, outputs)
    run.model("model", model)
    run.summary("model", model)  # the mask's ops (not_equal, any, split) are nodes too
    run.seed(model, "layers_that_modify_the_mask")
    first_out, second_out = model.predict(np.asarray(masked_embedding), verbose=0)
    run.array("predict[0]", first_out)
    run.array("predict[1]", second_out)


def layers_that_generate_a_mask(keras, run):
    """## Supporting masking (second example): a CustomEmbedding that makes a mask."""
    ops = keras.ops

    class CustomEmbedding(keras.layers.Layer):
        def __init__(self, input_dim, output_dim, mask_zero=False, **kwargs):
            super().__init__(**kwargs)
            self.input_dim = input_dim
            self.output_dim = output_dim
            self.mask_zero = mask_zero

        def build(self, input_shape):
            self.embeddings = self.add_weight(
                shape=(self.input_dim, self.output_dim),
                initializer="random_normal",
                dtype="float32",
            )

        def call(self, inputs):
            inputs = ops.cast(inputs, "int32")
            return ops.take(self.embeddings, inputs)

        def compute_mask(self, inputs, mask=None):
            if not self.mask_zero:
                return None
            return ops.not_equal(inputs, 0)

    layer = CustomEmbedding(10, 32, mask_zero=True)
    x = run.rng("x").random((3, 10)) * 9  # [test] seeded in place of np.random
    x = x.astype("int32")

    y = layer(x)
    mask = layer.compute_mask(x)
    _mask_fact(run, "mask", mask)
    run.fact("y.shape", y.shape)

    # [test] the mask reaches the output, which holds the rows of seeded weights
    _mask_fact(run, "y._keras_mask", y._keras_mask)
    run.fact("supports_masking", layer.supports_masking)
    run.seed(layer, "layers_that_generate_a_mask")
    run.array("layer(x)", layer(x))
    no_mask = CustomEmbedding(10, 32)
    y = no_mask(x)
    _mask_fact(run, "mask_zero=False: compute_mask", no_mask.compute_mask(x))
    _mask_fact(run, "mask_zero=False: y._keras_mask", getattr(y, "_keras_mask", None))

    # [test] in a functional model the mask is symbolic
    inputs = keras.Input(shape=(None,), dtype="int32")
    outputs = CustomEmbedding(10, 32, mask_zero=True)(inputs)
    _symbolic_mask_fact(run, "outputs._keras_mask", outputs._keras_mask)


def opting_in_to_mask_propagation(keras, run):
    """## Opting-in to mask propagation: MyActivation sets supports_masking = True."""
    ops = keras.ops
    layers = keras.layers

    class MyActivation(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            # Signal that the layer is safe for mask propagation
            self.supports_masking = True

        def call(self, inputs):
            return ops.relu(inputs)

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
    x = MyActivation()(x)  # Will pass the mask along
    _symbolic_mask_fact(run, "Mask found", x._keras_mask)
    outputs = layers.LSTM(32)(x)  # Will receive the mask

    model = keras.Model(inputs, outputs)
    run.model("model", model)
    run.summary("model", model)

    # [test] seeded weights: the padded batch gives each unpadded sequence's output
    run.seed(model, "opting_in_to_mask_propagation")
    padded_inputs = _padded_inputs(keras)
    run.array("predict", model.predict(padded_inputs, verbose=0))
    unpadded = np.asarray([RAW_INPUTS[0]], dtype="int32")
    run.array("predict(raw_inputs[0])", model.predict(unpadded, verbose=0))

    # [test] the same layer without supports_masking destroys the mask, and says so
    class PlainActivation(keras.layers.Layer):
        def call(self, inputs):
            return ops.relu(inputs)

    embedded = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = PlainActivation(name="plain_activation")(embedded)
    run.fact("supports_masking", PlainActivation().supports_masking)
    run.fact("warnings", [str(w.message) for w in caught if "mask" in str(w.message)])
    run.fact("categories", [w.category.__name__ for w in caught if "mask" in str(w.message)])
    _symbolic_mask_fact(run, "y._keras_mask", getattr(y, "_keras_mask", None))
    eager_embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = PlainActivation(name="plain_eager")(eager_embedding(padded_inputs))
    run.fact("eager warnings", [str(w.message) for w in caught if "mask" in str(w.message)])
    _mask_fact(run, "eager y._keras_mask", getattr(y, "_keras_mask", None))


def layers_that_need_mask_information(keras, run):
    """## Writing layers that need mask information: TemporalSoftmax uses `mask` in call."""
    ops = keras.ops
    layers = keras.layers
    received = []  # [test] the masks call was given

    class TemporalSoftmax(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs, mask=None):
            received.append(mask)
            assert mask is not None
            broadcast_float_mask = ops.expand_dims(ops.cast(mask, "float32"), -1)
            inputs_exp = ops.exp(inputs) * broadcast_float_mask
            inputs_sum = ops.sum(inputs_exp * broadcast_float_mask, axis=-1, keepdims=True)
            return inputs_exp / inputs_sum

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=10, output_dim=32, mask_zero=True)(inputs)
    x = layers.Dense(1)(x)
    outputs = TemporalSoftmax()(x)
    run.fact("a mask given to call while the graph is built", received[-1] is not None)

    model = keras.Model(inputs, outputs)
    run.model("model", model)
    run.summary("model", model)
    run.seed(model, "layers_that_need_mask_information")  # [test]
    rng = run.rng("data")  # [test] seeded in place of np.random
    ids = rng.integers(0, 10, size=(32, 100))
    # The guide's last line passes a second array, which lands in `training`: Keras 3
    # refuses it (TypeError: Functional.call() got multiple values for argument
    # 'training'). [test] The error is recorded, then the model is called on `ids` alone.
    second = rng.random((32, 100, 1))
    run.error("model(ids, second)", lambda: model(ids, second))
    received.clear()
    # [test] 0 / 0 at the masked steps: TensorFlow computes NaN silently, NumPy warns
    with np.errstate(invalid="ignore"):
        y = model(ids)
    run.fact("calls", len(received))

    # [test] what it computed: 1 for a kept step; 0 / 0 (NaN) for a masked one
    y = np.asarray(keras.ops.convert_to_numpy(y))
    run.fact("y.shape", y.shape)
    run.fact("NaN where the id is 0", bool(np.array_equal(np.isnan(y[..., 0]), ids == 0)))
    run.array("y[:2] (NaN as -1)", np.where(np.isnan(y[:2]), -1.0, y[:2]))
    _mask_fact(run, "mask given to call", received[-1][:2])


SECTIONS = [
    padding_sequence_data,
    mask_generating_layers,
    mask_propagation,
    passing_mask_tensors_directly,
    layers_that_modify_the_mask,
    layers_that_generate_a_mask,
    opting_in_to_mask_propagation,
    layers_that_need_mask_information,
]
