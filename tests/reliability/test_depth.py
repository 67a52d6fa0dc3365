"""Issue 13, item 4: no recursion on model depth anywhere.

A valid model 1,100 layers deep (deeper than Python's default recursion
limit of 1,000) builds, predicts, trains, prints its summary, saves, loads
and draws; a JSON nested 100,000 deep is refused with a teaching error,
not a RecursionError.
"""

import sys
import zipfile

import numpy as np
import pytest

import kerastutor as keras
from kerastutor import layers as L
from kerastutor.engine.graph_walk import depth_first

DEPTH = 1100


def _sequential():
    return keras.Sequential([keras.Input((2,)), *[L.Dense(2) for _ in range(DEPTH)]])


def _chain():
    x = inputs = keras.Input((2,))
    for _ in range(DEPTH):
        x = L.Dense(2)(x)
    return keras.Model(inputs, x)


@pytest.fixture(autouse=True)
def _default_recursion_limit():
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)  # what a learner's Python has
    yield
    sys.setrecursionlimit(limit)


@pytest.mark.parametrize("make", [_sequential, _chain], ids=["sequential", "functional"])
def test_a_model_deeper_than_the_recursion_limit_works_end_to_end(make, tmp_path):
    model = make()
    assert sum(isinstance(layer, L.Dense) for layer in model.layers) == DEPTH
    x = np.ones((2, 2), "float32")
    assert model.predict(x).shape == (2, 2)
    assert model.compute_output_shape((None, 2)) == (None, 2)
    lines = []
    model.summary(print_fn=lines.append)
    assert "dense" in "\n".join(lines)
    model.compile("sgd", "mse")
    model.fit(x, x, verbose=0)
    model.save(tmp_path / "deep.keras")
    loaded = keras.models.load_model(tmp_path / "deep.keras")
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), rtol=1e-6)
    assert len(keras.models.model_from_json(model.to_json()).layers) == len(model.layers)
    assert type(model).from_config(model.get_config()).count_params() == model.count_params()
    assert keras.utils.plot_model(model, show_shapes=True).box_count >= DEPTH


def test_a_nested_deep_model_runs_inside_another():
    inner = _chain()
    outer = keras.Sequential([keras.Input((2,)), inner, L.Dense(1)])
    assert outer.predict(np.ones((1, 2))).shape == (1, 1)


def test_json_nested_100000_deep_is_refused_before_parsing(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(ValueError, match="nests deeper than"):
        keras.models.model_from_json(deep)
    path = tmp_path / "deep.keras"
    keras.Sequential([keras.Input((2,)), L.Dense(1)]).save(path)
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries["config.json"] = ('{"class_name": "Sequential", "config": ' + deep + "}").encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match="nests deeper than"):
        keras.models.load_model(path)


def test_depth_first_lists_each_node_after_its_parents_as_a_recursive_walk_would():
    parents = {"out": ["b", "c"], "b": ["a"], "c": ["a", "b"], "a": []}
    assert depth_first(["out"], parents.__getitem__) == ["a", "b", "c", "out"]
    chain = {i: [i - 1] if i else [] for i in range(5000)}
    assert depth_first([4999], chain.__getitem__) == list(range(5000))
    with pytest.raises(ValueError, match="cycle"):
        depth_first([0], {0: [1], 1: [0]}.__getitem__)
