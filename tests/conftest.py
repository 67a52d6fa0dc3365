"""Shared test set-up: every test starts with fresh layer names and a fixed seed.

Keras names layers per session (`dense`, `dense_1`, ...) and the seeds' error
texts quote such names, so each test starts a new "session". This directory
is on `sys.path` (pytest inserts a conftest's folder), which is how tests
import `layer_harness`.
"""

import types

import numpy as np
import pytest

from kerastutor import backend as K
from kerastutor.layers import Embedding
from kerastutor.models import Sequential
from kerastutor.utils import set_random_seed


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    set_random_seed(0)
    yield


@pytest.fixture
def seed001():
    """Seed 001: a frozen Embedding whose weights are np.eye(6, 2)."""
    input_array = np.array([[1, 2, 3], [2, 1, 0], [1, 0, 0], [3, 2, 1]])
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
    return types.SimpleNamespace(
        model=model, layer=model.get_layer("embedding"), input_array=input_array
    )
