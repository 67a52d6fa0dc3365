"""The Embedding's gradient (ops.take along axis 0) sums repeated rows as np.add.at does.

`_add_rows_at` is the fast path (a stable sort, assignments and `np.add.reduceat`);
`np.add.at` is its readable twin, the definition of Keras's dense rule
(each looked-up row's gradient added to the row it was read from).
"""

import numpy as np
import pytest

from kerastutor import autodiff, layers, ops
from kerastutor.autodiff import Variable
from kerastutor.ops.numpy import _add_rows_at

CASES = [
    ("2-D ids with repeats", (50, 8), lambda rng: rng.integers(0, 50, size=(16, 30))),
    ("mostly padding", (50, 8), lambda rng: np.where(rng.random((8, 40)) < 0.8, 0, 7)),
    ("negative and positive spellings", (6, 3), lambda rng: np.array([-1, 5, 0, -6, 2, 5])),
    ("one id", (4, 2), lambda rng: np.array(3)),
    ("every id read once", (20, 4), lambda rng: rng.permutation(20)[:12].reshape(3, 4)),
    ("no ids", (4, 2), lambda rng: np.zeros((2, 0), dtype=int)),
    ("rows of matrices", (5, 2, 3), lambda rng: rng.integers(0, 5, size=(4, 7))),
]


@pytest.mark.parametrize("table_shape, make_ids", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_add_rows_at_agrees_with_np_add_at(table_shape, make_ids):
    rng = np.random.default_rng(0)
    ids = make_ids(rng)
    rows = rng.normal(size=ids.shape + table_shape[1:]).astype("float32")
    fast, readable = np.zeros(table_shape, "float32"), np.zeros(table_shape, "float32")
    _add_rows_at(fast, ids, rows)
    np.add.at(readable, ids, rows)
    assert fast.dtype == readable.dtype
    np.testing.assert_allclose(fast, readable, rtol=1e-6, atol=1e-6)


def test_the_embedding_gradient_counts_every_lookup_of_a_row():
    table = Variable(np.zeros((5, 2), "float32"), name="embeddings")
    ids = np.array([[1, 1, 3], [1, 0, 3]])
    with autodiff.watch([table]):
        ops.sum(ops.take(table, ids, axis=0)).backward()
    np.testing.assert_array_equal(table.grad, [[1, 1], [3, 3], [0, 0], [2, 2], [0, 0]])


def test_an_embedding_layer_trains_the_rows_it_looked_up_only():
    layer = layers.Embedding(6, 2)
    ids = np.array([[2, 2, 5]])
    layer.build(ids.shape)
    with autodiff.watch(layer.trainable_weights):
        ops.sum(layer(ids) * np.array([1.0, -1.0], "float32")).backward()
    grad = layer.embeddings.grad
    np.testing.assert_array_equal(grad[[2, 5]], [[2, -2], [1, -1]])
    np.testing.assert_array_equal(np.delete(grad, [2, 5], axis=0), 0)
