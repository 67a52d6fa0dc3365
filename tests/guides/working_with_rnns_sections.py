"""keras-io's guide "Working with RNNs" (guides/working_with_rnns.py), one function per section.

As in ``functional_api_sections.py``: each function re-types one section's
code with ``keras`` passed in (real Keras 3 or kerastutor), ``layers`` being
``keras.layers`` as the guide imports it, and hands what the guide shows to
``run``. Departures from the guide, all marked ``# [test]``:

* seeded synthetic data in place of ``np.random.random`` and of the MNIST
  download (the same shapes, fewer samples), so a section runs in a second;
* weights replaced by seeded values before anything is computed (a layer
  first called on data is called once more after seeding), so the numbers
  can be compared with Keras's; BatchNormalization keeps its initial
  statistics, since a seeded moving variance could be negative;
* ``shuffle=False`` in ``fit``, fewer timesteps and samples;
* the guide's ``tf.*`` calls (``tf.argmax``, ``tf.expand_dims``,
  ``tf.nest``, ``tf.matmul``, ``tf.einsum``, ``tf.TensorShape``) typed with
  NumPy, ``keras.ops`` and plain tuples, since ``keras`` is the only library
  a kerastutor learner has.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SECTIONS"]


def _token_ids(run, name, shape, vocab):
    """[test] Seeded integer sequences in [0, vocab), for an Embedding."""
    return run.rng(name).integers(0, vocab, size=shape)


def _lstm_model(keras):
    """The first model of the guide: Embedding, LSTM(128), Dense(10), added one by one."""
    layers = keras.layers
    model = keras.Sequential()
    # An Embedding for a vocabulary of 1000 words, each a vector of 64 numbers
    model.add(layers.Embedding(input_dim=1000, output_dim=64))
    # An LSTM with 128 units
    model.add(layers.LSTM(128))
    # A Dense layer with 10 units
    model.add(layers.Dense(10))
    return model


def _input_shape_facts(run, model, x):
    """[test] What a first call on `x` builds: the model's input and output shapes."""
    run.fact("model(x).shape", model(x).shape)
    run.fact("model.input_shapes", [tuple(t.shape) for t in model.inputs])
    run.fact("model.output_shapes", [tuple(t.shape) for t in model.outputs])
    run.fact("layer.output.shapes", [layer.output.shape for layer in model.layers])


def _numbers_facts(run, model, x, name):
    """[test] The layers, parameter counts and summary of the built model, and its predictions."""
    model(x)
    run.fact("model.layers", [[layer.name, type(layer).__name__] for layer in model.layers])
    run.fact("model.layer_params", [layer.count_params() for layer in model.layers])
    run.fact("model.count_params", model.count_params())
    run.fact("model.weight_shapes", [tuple(w.shape) for w in model.weights])
    run.summary("model", model)
    run.seed(model, name)
    run.array("predict", model.predict(x, verbose=0))


def built_in_rnn_layers(keras, run):
    """## Built-in RNN layers: a simple example; summary() before the model is built.

    Keras 3 prints a table of unbuilt layers (0 params); the first call
    builds the model for that call's input shape. (Pending: kerastutor's
    Embedding without `input_length` sets `input_shape=(None,)`, as Keras 2
    did, so the model is built at once: see PENDING in test_guides.py.)
    """
    model = _lstm_model(keras)
    run.summary("unbuilt", model)  # Keras 3: a table of unbuilt layers, 0 params
    _input_shape_facts(run, model, _token_ids(run, "built_in", (3, 12), 1000))


def built_in_rnn_layers_numbers(keras, run):
    """## Built-in RNN layers: a simple example, once built: parameter counts and numbers."""
    model = _lstm_model(keras)
    _numbers_facts(run, model, _token_ids(run, "built_in", (3, 12), 1000), "built_in_rnn_layers")


def built_in_rnn_features(keras, run):
    """## Built-in RNN layers (the list after the example): dropout, go_backwards, unroll.

    [test] The guide lists these options in words; this types each one for
    the three layers on seeded weights (dropout outside training changes
    nothing), then one LSTM shared by two inputs of different lengths, which
    learners ask about next.
    """
    layers = keras.layers
    x = run.rng("features.x").standard_normal((3, 7, 4)).astype("float32")
    for kind in ("LSTM", "GRU", "SimpleRNN"):
        layer_class = getattr(layers, kind)
        plain = layer_class(5, return_sequences=True)
        plain(x)
        run.seed(plain, f"features.{kind}")
        weights = plain.get_weights()
        variants = {
            "plain": {},
            "go_backwards": {"go_backwards": True},
            "unroll": {"unroll": True},
            "dropout": {"dropout": 0.5, "recurrent_dropout": 0.5},
            "return_state": {"return_state": True},
        }
        for name, options in variants.items():
            layer = layer_class(5, return_sequences=True, **options)
            layer(x)
            layer.set_weights(weights)
            result = layer(x)
            if options.get("return_state"):
                run.fact(f"{kind}.{name}.shapes", [r.shape for r in result])
                result = result[-1]
            run.array(f"{kind}.{name}", result)

    lstm = layers.LSTM(6)
    short = keras.Input(shape=(4, 3))
    long = keras.Input(shape=(9, 3))
    shared = keras.Model([short, long], layers.concatenate([lstm(short), lstm(long)]))
    run.model("shared", shared)
    run.summary("shared", shared)
    run.seed(shared, "features.shared")
    rng = run.rng("features.shared")
    data = [rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 9, 3))]
    run.array("shared.predict", shared.predict(data, verbose=0))


def _gru_model(keras):
    """The second model: GRU(256, return_sequences=True) under a SimpleRNN(128)."""
    layers = keras.layers
    model = keras.Sequential()
    model.add(layers.Embedding(input_dim=1000, output_dim=64))
    # The GRU's output is 3-D: (batch_size, timesteps, 256)
    model.add(layers.GRU(256, return_sequences=True))
    # The SimpleRNN's output is 2-D: (batch_size, 128)
    model.add(layers.SimpleRNN(128))
    model.add(layers.Dense(10))
    return model


def outputs_and_states(keras, run):
    """## Outputs and states: return_sequences=True keeps one output per timestep.

    (Pending as `built_in_rnn_layers`: the unbuilt summary and the shapes the
    first call builds.)
    """
    model = _gru_model(keras)
    run.summary("unbuilt", model)
    _input_shape_facts(run, model, _token_ids(run, "outputs_and_states", (2, 9), 1000))


def outputs_and_states_numbers(keras, run):
    """## Outputs and states, once built: parameter counts and numbers."""
    model = _gru_model(keras)
    x = _token_ids(run, "outputs_and_states", (2, 9), 1000)
    _numbers_facts(run, model, x, "outputs_and_states")
    # [test] the shapes the guide's comments give, for this batch
    run.fact("gru(x).shape", model.layers[1](model.layers[0](x)).shape)


def return_state_encoder_decoder(keras, run):
    """## Outputs and states (second half): an encoder's states start the decoder."""
    layers = keras.layers
    encoder_vocab = 1000
    decoder_vocab = 2000

    encoder_input = layers.Input(shape=(None,))
    encoder_embedded = layers.Embedding(input_dim=encoder_vocab, output_dim=64)(encoder_input)

    # The states, in addition to the output
    output, state_h, state_c = layers.LSTM(64, return_state=True, name="encoder")(encoder_embedded)
    encoder_state = [state_h, state_c]
    run.fact("encoder.output.shape", output.shape)
    run.fact("encoder_state.shapes", [s.shape for s in encoder_state])

    decoder_input = layers.Input(shape=(None,))
    decoder_embedded = layers.Embedding(input_dim=decoder_vocab, output_dim=64)(decoder_input)

    # The two states are the new LSTM's initial state
    decoder_output = layers.LSTM(64, name="decoder")(decoder_embedded, initial_state=encoder_state)
    output = layers.Dense(10)(decoder_output)

    model = keras.Model([encoder_input, decoder_input], output)
    run.model("model", model)
    run.summary("model", model)

    run.seed(model, "encoder_decoder")  # [test]
    encoder_ids = _token_ids(run, "encoder_ids", (3, 7), encoder_vocab)
    decoder_ids = _token_ids(run, "decoder_ids", (3, 5), decoder_vocab)
    run.array("predict", model.predict([encoder_ids, decoder_ids], verbose=0))


def rnn_layers_and_cells(keras, run):
    """## RNN layers and RNN cells: `RNN(LSTMCell(10))` computes what `LSTM(10)` does.

    [test] The guide states it in words; this types it, for each of the three
    cells, and a list of cells (stacked in one RNN) next to two stacked layers.
    """
    layers = keras.layers
    x = run.rng("cells.x").standard_normal((4, 6, 8)).astype("float32")
    pairs = [
        (layers.LSTM(10), layers.RNN(layers.LSTMCell(10))),
        (layers.GRU(10), layers.RNN(layers.GRUCell(10))),
        (layers.SimpleRNN(10), layers.RNN(layers.SimpleRNNCell(10))),
    ]
    for built_in, wrapped in pairs:
        kind = type(built_in).__name__
        built_in(x), wrapped(x)
        run.fact(f"{kind}.names", [built_in.name, wrapped.name, wrapped.cell.name])
        run.fact(f"{kind}.weight_shapes", [w.shape for w in built_in.weights])
        run.fact(f"RNN({kind}Cell).weight_shapes", [w.shape for w in wrapped.weights])
        run.seed(built_in, f"cells.{kind}")
        wrapped.set_weights(built_in.get_weights())
        run.array(f"{kind}(x)", built_in(x))
        run.array(f"RNN({kind}Cell)(x)", wrapped(x))

    stacked = layers.RNN([layers.LSTMCell(10), layers.GRUCell(6)], return_sequences=True)
    first = layers.LSTM(10, return_sequences=True)
    second = layers.GRU(6, return_sequences=True)
    run.fact("stacked(x).shape", stacked(x).shape)
    second(first(x))
    run.fact("stacked.weight_shapes", [w.shape for w in stacked.weights])
    run.seed(stacked, "cells.stacked")
    first.set_weights(stacked.get_weights()[:3])
    second.set_weights(stacked.get_weights()[3:])
    run.array("stacked(x)", stacked(x))
    run.array("second(first(x))", second(first(x)))

    # return_state on stacked cells: the output, then each cell's states
    with_states = layers.RNN([layers.LSTMCell(10), layers.LSTMCell(6)], return_state=True)
    output, states_1, states_2 = with_states(keras.Input((6, 8)))
    run.fact(
        "stacked states", [output.shape, [s.shape for s in states_1], [s.shape for s in states_2]]
    )
    run.seed(with_states, "cells.with_states")
    output, states_1, states_2 = with_states(x)
    run.array("stacked h_2", states_2[0])
    run.array("stacked c_1", states_1[1])


def _paragraphs(run, name):
    """[test] Three seeded (20, 10, 50) batches in place of `np.random.random`."""
    rng = run.rng(name)
    return [rng.random((20, 10, 50)).astype(np.float32) for _ in range(3)]


def _rows(run, value):
    """[test] The first 2 of the 20 samples, to keep the fixture small."""
    return run.numpy(value)[:2]


def cross_batch_statefulness(keras, run):
    """## Cross-batch statefulness: a stateful LSTM carries its states to the next batch."""
    layers = keras.layers
    paragraph1, paragraph2, paragraph3 = _paragraphs(run, "statefulness")

    lstm_layer = layers.LSTM(64, stateful=True)
    lstm_layer(paragraph1)  # [test] builds the weights, which are then seeded
    run.seed(lstm_layer, "statefulness")
    lstm_layer.reset_states()

    output = lstm_layer(paragraph1)
    run.array("output1", _rows(run, output))
    output = lstm_layer(paragraph2)
    run.array("output2", _rows(run, output))
    output = lstm_layer(paragraph3)
    run.array("output3", _rows(run, output))
    run.fact("len(states)", len(lstm_layer.states))
    run.fact("states.shapes", [tuple(s.shape) for s in lstm_layer.states])
    run.array("states[0]", _rows(run, lstm_layer.states[0]))

    # reset_states() puts the states back to zeros (no initial_state was given)
    lstm_layer.reset_states()
    run.array("states after reset", [_rows(run, s) for s in lstm_layer.states])
    # [test] after the reset, paragraph1 gives the first output again
    run.array("output1 after reset", _rows(run, lstm_layer(paragraph1)))

    # [test] in a model with a fixed batch size the states exist before any call
    inputs = keras.Input(batch_shape=(20, 10, 50))
    in_model = layers.LSTM(64, stateful=True)
    keras.Model(inputs, in_model(inputs))
    run.fact("in_model.states.shapes", [tuple(s.shape) for s in in_model.states])
    run.array("in_model.states", [_rows(run, s) for s in in_model.states])


def rnn_state_reuse(keras, run):
    """### RNN State Reuse: `layer.states` as another layer's `initial_state`."""
    layers = keras.layers
    paragraph1, paragraph2, paragraph3 = _paragraphs(run, "state_reuse")

    lstm_layer = layers.LSTM(64, stateful=True)
    lstm_layer(paragraph1)  # [test] builds the weights, which are then seeded
    run.seed(lstm_layer, "state_reuse")
    lstm_layer.reset_states()
    output = lstm_layer(paragraph1)
    output = lstm_layer(paragraph2)
    run.array("output", _rows(run, output))

    existing_state = lstm_layer.states
    run.fact("len(existing_state)", len(existing_state))
    run.array("existing_state", [_rows(run, s) for s in existing_state])
    run.fact("weights", len(lstm_layer.weights))  # the states are not weights

    new_lstm_layer = layers.LSTM(64)
    new_lstm_layer(paragraph3, initial_state=existing_state)  # [test] builds, then seeded
    run.seed(new_lstm_layer, "state_reuse.new")
    new_output = new_lstm_layer(paragraph3, initial_state=existing_state)
    run.fact("new_output.shape", new_output.shape)
    run.array("new_output", _rows(run, new_output))
    # [test] starting from zeros gives other numbers
    run.array("new_output from zeros", _rows(run, new_lstm_layer(paragraph3)))
    # [test] the states are the layer's variables: a later call updates them in place
    lstm_layer(paragraph3)
    run.array("existing_state after another call", [_rows(run, s) for s in existing_state])


def bidirectional_rnns(keras, run):
    """## Bidirectional RNNs: two Bidirectional(LSTM) layers and a Dense."""
    layers = keras.layers
    model = keras.Sequential()
    model.add(layers.Bidirectional(layers.LSTM(64, return_sequences=True), input_shape=(5, 10)))
    model.add(layers.Bidirectional(layers.LSTM(32)))
    model.add(layers.Dense(10))
    run.model("model", model)
    run.summary("model", model)

    first = model.layers[0]
    run.fact("forward_layer", [first.forward_layer.name, first.forward_layer.go_backwards])
    run.fact("backward_layer", [first.backward_layer.name, first.backward_layer.go_backwards])
    run.seed(model, "bidirectional")  # [test]
    x = run.rng("bidirectional.x").standard_normal((3, 5, 10)).astype("float32")
    run.array("predict", model.predict(x, verbose=0))


def _build_model(keras, allow_cudnn_kernel=True):
    """The guide's `build_model`: LSTM(64) (or RNN(LSTMCell(64))), BatchNormalization, Dense."""
    input_dim = 28
    units = 64
    output_size = 10  # the labels are 0 to 9
    if allow_cudnn_kernel:
        # The LSTM layer with its default options (cuDNN when there is a GPU)
        lstm_layer = keras.layers.LSTM(units, input_shape=(None, input_dim))
    else:
        # An LSTMCell wrapped in an RNN layer (never cuDNN)
        lstm_layer = keras.layers.RNN(keras.layers.LSTMCell(units), input_shape=(None, input_dim))
    model = keras.models.Sequential(
        [
            lstm_layer,
            keras.layers.BatchNormalization(),
            keras.layers.Dense(output_size),
        ]
    )
    return model


def _fake_mnist(run, name, samples):
    """[test] (samples, 28, 28) "images" in [0, 1) and labels 0..9, in place of MNIST."""
    rng = run.rng(name)
    x = rng.integers(0, 256, size=(samples, 28, 28)) / 255.0
    y = rng.integers(0, 10, size=(samples,))
    return x, y


def _compile(keras, model):
    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer="sgd",
        metrics=["accuracy"],
    )


def cudnn_kernels(keras, run):
    """### Using CuDNN kernels when available: LSTM(64) and RNN(LSTMCell(64)) on MNIST rows."""
    batch_size = 64
    x_train, y_train = _fake_mnist(run, "mnist.train", 128)  # [test] for mnist.load_data()
    x_test, y_test = _fake_mnist(run, "mnist.test", 64)
    sample, sample_label = x_train[0], y_train[0]

    model = _build_model(keras, allow_cudnn_kernel=True)
    run.model("model", model)
    run.summary("model", model)
    run.seed(model.layers[0], "cudnn.lstm")  # [test] not BatchNormalization's statistics
    run.seed(model.layers[2], "cudnn.dense")
    _compile(keras, model)
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_test, y_test),
        batch_size=batch_size,
        epochs=1,
        shuffle=False,  # [test]
    )
    for key in sorted(history.history):
        run.array(f"history.{key}", history.history[key], atol=1e-4)

    noncudnn_model = _build_model(keras, allow_cudnn_kernel=False)
    run.model("noncudnn_model", noncudnn_model)
    run.summary("noncudnn_model", noncudnn_model)
    noncudnn_model.set_weights(model.get_weights())
    # [test] the same weights: the same predictions before training
    run.array("model.predict", model.predict(x_test[:4], verbose=0), atol=1e-4)
    run.array("noncudnn_model.predict", noncudnn_model.predict(x_test[:4], verbose=0), atol=1e-4)
    _compile(keras, noncudnn_model)
    history = noncudnn_model.fit(
        x_train,
        y_train,
        validation_data=(x_test, y_test),
        batch_size=batch_size,
        epochs=1,
        shuffle=False,  # [test]
    )
    for key in sorted(history.history):
        run.array(f"noncudnn.history.{key}", history.history[key], atol=1e-4)

    cpu_model = _build_model(keras, allow_cudnn_kernel=True)  # [test] no tf.device("CPU:0")
    cpu_model.set_weights(model.get_weights())
    logits = cpu_model.predict_on_batch(np.expand_dims(sample, 0))
    run.array("cpu_model.predict_on_batch", logits, atol=1e-4)
    result = np.argmax(run.numpy(logits), axis=1)
    run.fact("Predicted result, target result", [result.tolist(), int(sample_label)])


def _nested_cell_class(keras):
    """The guide's NestedCell: two inputs and two states per timestep, one of them 2-D."""
    ops = keras.ops

    @keras.saving.register_keras_serializable()
    class NestedCell(keras.layers.Layer):
        def __init__(self, unit_1, unit_2, unit_3, **kwargs):
            self.unit_1 = unit_1
            self.unit_2 = unit_2
            self.unit_3 = unit_3
            self.state_size = [(unit_1,), (unit_2, unit_3)]  # [test] tuples for tf.TensorShape
            self.output_size = [(unit_1,), (unit_2, unit_3)]
            super().__init__(**kwargs)

        def build(self, input_shapes):
            # two input shapes: [(batch, i1), (batch, i2, i3)]
            i1 = input_shapes[0][1]
            i2 = input_shapes[1][1]
            i3 = input_shapes[1][2]
            self.kernel_1 = self.add_weight(
                shape=(i1, self.unit_1), initializer="uniform", name="kernel_1"
            )
            self.kernel_2_3 = self.add_weight(
                shape=(i2, i3, self.unit_2, self.unit_3),
                initializer="uniform",
                name="kernel_2_3",
            )

        def call(self, inputs, states):
            # inputs: [(batch, input_1), (batch, input_2, input_3)]
            # states: [(batch, unit_1), (batch, unit_2, unit_3)]
            input_1, input_2 = inputs  # [test] for tf.nest.flatten(inputs)
            s1, s2 = states

            output_1 = ops.matmul(input_1, self.kernel_1)
            output_2_3 = ops.einsum("bij,ijkl->bkl", input_2, self.kernel_2_3)
            state_1 = s1 + output_1
            state_2_3 = s2 + output_2_3

            output = (output_1, output_2_3)
            new_states = (state_1, state_2_3)
            return output, new_states

        def get_config(self):
            return {"unit_1": self.unit_1, "unit_2": self.unit_2, "unit_3": self.unit_3}

    return NestedCell


def nested_inputs(keras, run):
    """## RNNs with list/dict inputs, or nested inputs: a custom NestedCell in `RNN`.

    The guide's output is Keras 2's (tf.keras). Keras 3's RNN reads one
    sequence tensor, so `rnn((input_1, input_2))` fails there (an IndexError
    from the cell's `build`, which receives only the first input's shape):
    the section records that the call fails (kerastutor raises a TypeError
    that says why), and runs what still works, one step of the cell by
    itself, on seeded weights, in place of the training on random data.
    """
    NestedCell = _nested_cell_class(keras)
    unit_1, unit_2, unit_3 = 10, 20, 30
    i1, i2, i3 = 32, 64, 32

    cell = NestedCell(unit_1, unit_2, unit_3)
    rnn = keras.layers.RNN(cell)
    run.fact("rnn.state_size", rnn.state_size)

    input_1 = keras.Input((None, i1))
    input_2 = keras.Input((None, i2, i3))
    try:
        rnn((input_1, input_2))
        failed = False
    except (IndexError, TypeError, ValueError):  # Keras 3: IndexError; kerastutor: TypeError
        failed = True
    run.fact("rnn((input_1, input_2)) fails", failed)

    # [test] one timestep of the cell by itself, with seeded weights
    rng = run.rng("nested")
    x_1 = rng.random((2, i1)).astype("float32")
    x_2 = rng.random((2, i2, i3)).astype("float32")
    s_1 = rng.random((2, unit_1)).astype("float32")
    s_2 = rng.random((2, unit_2, unit_3)).astype("float32")
    step_cell = NestedCell(unit_1, unit_2, unit_3)
    output, new_states = step_cell([x_1, x_2], [s_1, s_2])
    run.fact("cell.weight_shapes", [w.shape for w in step_cell.weights])
    run.fact("cell.output_shapes", [o.shape for o in output])
    run.seed(step_cell, "nested.cell")
    output, new_states = step_cell([x_1, x_2], [s_1, s_2])
    run.array("output_1", output[0], atol=1e-4)
    run.array("output_2_3[:, ::4, ::5]", run.numpy(output[1])[:, ::4, ::5], atol=1e-4)
    run.array("state_2_3[:, ::4, ::5]", run.numpy(new_states[1])[:, ::4, ::5], atol=1e-4)


SECTIONS = [
    built_in_rnn_layers,
    built_in_rnn_layers_numbers,
    built_in_rnn_features,
    outputs_and_states,
    outputs_and_states_numbers,
    return_state_encoder_decoder,
    rnn_layers_and_cells,
    cross_batch_statefulness,
    rnn_state_reuse,
    bidirectional_rnns,
    cudnn_kernels,
    nested_inputs,
]
