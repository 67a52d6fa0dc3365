"""The differences docs/keras-differences.md lists that no other saving test covers."""

import pathlib

import numpy as np

import kerastutor
from kerastutor.models import load_model
from kerastutor.saving import keras_format, saving_lib

FIXTURES = pathlib.Path(__file__).parent / "saving_fixtures"


def test_model_names_are_keras_2s_here_and_kept_as_saved():
    inputs = kerastutor.Input((3,))
    model = kerastutor.Model(inputs, kerastutor.layers.Dense(2)(inputs))
    assert model.name.startswith("model")  # Keras 3 would say 'functional'
    assert type(model).__name__ == "Functional"  # kerastutor.Model builds a Functional, as Keras
    assert keras_format.to_keras(model)["class_name"] == "Functional"
    keras_3_name = saving_lib.read_archive(FIXTURES / "seed_tweets.keras")[1]["config"]["name"]
    assert keras_3_name.startswith("functional")
    assert load_model(FIXTURES / "seed_tweets.keras").name == keras_3_name
    assert load_model(FIXTURES / "legacy_tweets.h5").name == "model"  # tf_keras's


def test_a_keras_2_weights_file_leaves_the_optimizer_alone_as_keras_2_does():
    import sys

    sys.path.insert(0, str(FIXTURES))
    from seed_models import build

    model, inputs, labels = build(kerastutor)["tweets"]
    model.train_on_batch(inputs, labels)
    slots = [array.copy() for _, _, array in model.optimizer.get_state(model.weights)[1]]
    model.load_weights(FIXTURES / "legacy_tweets_weights.h5")
    assert model.optimizer.iterations == 1
    after = [array for _, _, array in model.optimizer.get_state(model.weights)[1]]
    assert all(np.array_equal(a, b) for a, b in zip(slots, after, strict=True))


def test_every_test_the_differences_page_names_exists():
    import re

    page = (pathlib.Path(__file__).parent.parent / "docs" / "keras-differences.md").read_text()
    named = re.findall(r"`(test_\w+\.py)::(test_\w+)", page)
    assert len(named) > 30
    for file_name, test_name in named:
        source = (pathlib.Path(__file__).parent / file_name).read_text()
        assert f"def {test_name}(" in source, f"{file_name}::{test_name}"
