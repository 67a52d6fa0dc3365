"""Seed 001: a frozen, pretrained Embedding; summary, config and weights.

The seed's code runs with `keras.*` imports replaced by `kerastutor.*`; the
printed lines are compared with the seed's output (its Chinese comments
removed, trailing spaces ignored).
"""

import numpy as np
import pytest

from kerastutor.layers import Embedding
from kerastutor.models import Sequential

SEED_SUMMARY = """\
_________________________________________________________________
Layer (type)                 Output Shape              Param #
=================================================================
embedding (Embedding)        (None, 3, 2)              12
=================================================================
Total params: 12
Trainable params: 0
Non-trainable params: 12
_________________________________________________________________"""

SEED_CONFIG = {
    "name": "embedding",
    "trainable": False,
    "batch_input_shape": (None, 3),
    "dtype": "float32",
    "input_dim": 6,
    "output_dim": 2,
    "embeddings_initializer": {
        "class_name": "RandomUniform",
        "config": {"minval": -0.05, "maxval": 0.05, "seed": None},
    },
    "embeddings_regularizer": None,
    "activity_regularizer": None,
    "embeddings_constraint": None,
    "mask_zero": False,
    "input_length": 3,
}

SEED_CONFIG_PRINTED = (
    "{'name': 'embedding', 'trainable': False, 'batch_input_shape': (None, 3), 'dtype': "
    "'float32', 'input_dim': 6, 'output_dim': 2, 'embeddings_initializer': {'class_name': "
    "'RandomUniform', 'config': {'minval': -0.05, 'maxval': 0.05, 'seed': None}}, "
    "'embeddings_regularizer': None, 'activity_regularizer': None, 'embeddings_constraint': "
    "None, 'mask_zero': False, 'input_length': 3}"
)

SEED_WEIGHTS_PRINTED = """\
[array([[1., 0.],
       [0., 1.],
       [0., 0.],
       [0., 0.],
       [0., 0.],
       [0., 0.]], dtype=float32)]"""


def run_seed():
    """The seed's section 3, verbatim but for the imports."""
    input_array = np.array([[1, 2, 3], [2, 1, 0], [1, 0, 0], [3, 2, 1]])  # 4个样本
    g_word_embedding_matrix = np.eye(6, 2)
    model = Sequential()
    model.add(
        Embedding(
            6,
            2,
            embeddings_initializer="uniform",
            weights=[g_word_embedding_matrix],
            input_length=3,
            trainable=False,
            name="embedding",
        )
    )
    model.compile("rmsprop", "mse")
    model.summary()
    output_array = model.predict(input_array)
    print(output_array.shape)
    layer = model.get_layer("embedding")
    print(layer.get_config())
    print(layer.get_weights())
    return model, input_array, output_array


def printed_sections(out):
    lines = [line.rstrip() for line in out.splitlines()]
    summary = lines[:9]
    rest = lines[9:]
    return summary, rest


def test_summary_matches_the_seed(capsys):
    run_seed()
    summary, _ = printed_sections(capsys.readouterr().out)
    assert summary == SEED_SUMMARY.splitlines()


def test_output_shape_config_and_weights_match_the_seed(capsys):
    model, input_array, output_array = run_seed()
    _, rest = printed_sections(capsys.readouterr().out)
    assert rest[0] == "(4, 3, 2)"
    assert rest[1] == SEED_CONFIG_PRINTED
    assert "\n".join(rest[2:]) == SEED_WEIGHTS_PRINTED

    layer = model.get_layer("embedding")
    assert layer.get_config() == SEED_CONFIG
    (weights,) = layer.get_weights()
    assert weights.dtype == np.float32
    np.testing.assert_array_equal(weights, np.eye(6, 2, dtype="float32"))
    # The output is the one-hot product the seed explains: row i of W for index i.
    np.testing.assert_array_equal(output_array, np.eye(6, 2, dtype="float32")[input_array])


def test_frozen_embedding_counts_as_non_trainable():
    model, _, _ = run_seed()
    layer = model.get_layer("embedding")
    assert layer.trainable is False
    assert layer.trainable_weights == []
    assert len(layer.non_trainable_weights) == 1
    assert model.count_params() == 12


def test_weights_override_the_initializer_only_at_build():
    layer = Embedding(6, 2, weights=[np.eye(6, 2)], input_length=3)
    assert not layer.built
    layer(np.array([[0, 1, 2]]))
    np.testing.assert_array_equal(layer.get_weights()[0], np.eye(6, 2))


def test_unknown_keyword_argument_is_refused_like_keras_2():
    with pytest.raises(TypeError) as error:
        Embedding(6, 2, input_lenght=3)
    assert error.value.args == ("Keyword argument not understood:", "input_lenght")
