"""kerastutor's training steps against real Keras's (tests/golden/README.md).

For every training case of `tests/golden/cases.py`: build the same model with
kerastutor, give it the fixture's starting weights, compile with the same
optimizer and loss, and take the same three `train_on_batch` steps. After
each step the loss and every weight must equal Keras's within 1e-5.
"""

from pathlib import Path

import numpy as np
import pytest
from golden import cases

from kerastutor import layers, models, optimizers

FIXTURES = Path(__file__).parent / "golden" / "fixtures"
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def load_case(train):
    data = np.load(FIXTURES / f"{train.name}.npz", allow_pickle=False)
    model = train.case.build(layers, models)
    count = len(model.weights)
    model.set_weights([data[f"weight_{i}"] for i in range(count)])
    optimizer = optimizers.get({"class_name": train.optimizer, "config": train.optimizer_kwargs})
    model.compile(optimizer=optimizer, loss=train.loss)
    inputs = [data[f"input_{i}"] for i in range(len(model.inputs))]
    x = inputs[0] if len(inputs) == 1 else inputs
    return model, data, x, data["target_0"]


@pytest.mark.parametrize(
    "name", [name for name, train in cases.TRAIN_CASES.items() if not train.tf_sparse_quirk]
)
def test_three_steps_match_keras(name):
    train = cases.TRAIN_CASES[name]
    model, data, x, y = load_case(train)
    for step in range(1, train.steps + 1):
        loss = model.train_on_batch(x, y)
        np.testing.assert_allclose(
            loss, data["loss"][step - 1], **TOLERANCE, err_msg=f"step {step}"
        )
        for i, (variable, weight) in enumerate(
            zip(model.weights, model.get_weights(), strict=True)
        ):
            np.testing.assert_allclose(
                weight,
                data[f"step{step}_weight_{i}"],
                **TOLERANCE,
                err_msg=f"{name}: step {step}, weight {variable.name}",
            )


@pytest.mark.parametrize(
    "name", [name for name, train in cases.TRAIN_CASES.items() if train.tf_sparse_quirk]
)
def test_tf_sparse_quirk_case_matches_a_dense_optimizer(name):
    """Repeated ids + Adam: Keras-on-TF squares each occurrence's gradient (README).

    kerastutor's gradients are dense, as Keras's are on its JAX, PyTorch and
    NumPy backends. After the first step (same starting weights, so the same
    gradients) the Dense weights must match TensorFlow, and the embeddings
    must match Adam's formula applied to the fixture's dense gradient, which
    differs from what TensorFlow did. Later steps start from different
    embeddings, so they are not comparable.
    """
    train = cases.TRAIN_CASES[name]
    model, data, x, y = load_case(train)
    model.train_on_batch(x, y)
    config = optimizers.Adam(**train.optimizer_kwargs).get_config()
    embedding_index = [i for i, v in enumerate(model.weights) if "embedding" in v.name]
    assert embedding_index, "the quirk case must train an Embedding"
    for i, weight in enumerate(model.get_weights()):
        if i not in embedding_index:
            np.testing.assert_allclose(weight, data[f"step1_weight_{i}"], **TOLERANCE)
            continue
        g = data[f"step1_grad_{i}"].astype(np.float64)
        m = (1 - config["beta_1"]) * g
        v = (1 - config["beta_2"]) * g * g
        alpha = config["learning_rate"] * np.sqrt(1 - config["beta_2"]) / (1 - config["beta_1"])
        dense_adam = data[f"weight_{i}"] - alpha * m / (np.sqrt(v) + config["epsilon"])
        np.testing.assert_allclose(weight, dense_adam, **TOLERANCE)
        # The fixture really does differ there: the test compares something.
        assert not np.allclose(data[f"step1_weight_{i}"], dense_adam, **TOLERANCE)
