"""kerastutor's `.keras` files have the structure of the ones real Keras 3 wrote.

For each fixture model, kerastutor builds the same model and writes its
config; every layer entry and its config may hold only keys Keras 3 wrote
for it (Keras 3 refuses an argument it does not know, so a key too many
breaks loading there; a key fewer takes Keras's default, as
`activity_regularizer=None`). The by-hand check
(saving_fixtures/check_in_keras.py) loads the files in Keras itself.
"""

import pathlib
import sys

import pytest

import kerastutor
from kerastutor.saving import keras_format, saving_lib

FIXTURES = pathlib.Path(__file__).parent / "saving_fixtures"
sys.path.insert(0, str(FIXTURES))
from fixture_models import all_models  # noqa: E402

KERAS_FILES = {
    "tweets": "tweets.keras",
    "stack": "stack.keras",
    "nested": "nested.keras",
    "vision": "vision.keras",
    **{f"seed_{name}": f"seed_{name}.keras" for name in ("tweets", "embedding", "decoder")},
    **{f"seed_{name}": f"seed_{name}.keras" for name in ("shared", "conv")},
}


def entries(config):
    """Every layer entry of a model config, nested models' layers included, in order."""
    found = []
    for entry in config["config"]["layers"]:
        found.append(entry)
        if "layers" in entry["config"]:
            found += entries(entry)
    return found


@pytest.mark.parametrize("name", sorted(KERAS_FILES))
def test_layer_entries_have_only_keys_keras_3_wrote(name):
    keras_config = saving_lib.read_archive(FIXTURES / KERAS_FILES[name])[1]
    model = all_models(kerastutor)[name][0]
    ours = keras_format.to_keras(model)
    assert ours["class_name"] == keras_config["class_name"]
    theirs_entries, our_entries = entries(keras_config), entries(ours)
    assert [e["class_name"] for e in our_entries] == [e["class_name"] for e in theirs_entries]
    for mine, theirs in zip(our_entries, theirs_entries, strict=True):
        # kerastutor writes a build_config for every built layer; Keras 3 only for
        # layers with a `build` of their own, and ignores it on the others.
        assert set(mine) - {"build_config"} <= set(theirs), mine["class_name"]
        assert set(mine["config"]) <= set(theirs["config"]), mine["class_name"]


def test_a_layer_called_with_tensor_arguments_keeps_keras_3s_build_shapes():
    keras_config = saving_lib.read_archive(FIXTURES / "seed_decoder.keras")[1]
    ours = keras_format.to_keras(all_models(kerastutor)["seed_decoder"][0])
    for name in ("encoder", "decoder", "dense_2"):
        theirs = next(e for e in keras_config["config"]["layers"] if e["name"] == name)
        mine = next(e for e in ours["config"]["layers"] if e["config"]["name"] == name)
        assert mine["build_config"] == theirs["build_config"], name
