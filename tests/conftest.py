"""Shared test set-up: every test starts with fresh layer names and a fixed seed.

Keras names layers per session (`dense`, `dense_1`, ...) and the seeds' error
texts quote such names, so each test starts a new "session". This directory
is on `sys.path` (pytest inserts a conftest's folder), which is how tests
import `layer_harness`.
"""

import pytest

from kerastutor import backend as K
from kerastutor.utils import set_random_seed


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    set_random_seed(0)
    yield
