"""kerastutor's schedules against the sequences real Keras 3 computed (make_schedules_golden.py)."""

import json
from pathlib import Path

import numpy as np
import pytest

from kerastutor import optimizers
from kerastutor.autodiff import Variable

FIXTURE = Path(__file__).parents[1] / "golden" / "fixtures_schedules" / "schedules.json"
GOLDEN = json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(GOLDEN["schedules"]))
def test_schedule_values_match_keras_over_50_steps(name):
    entry = GOLDEN["schedules"][name]
    schedule = optimizers.schedules.deserialize(entry["serialized"])
    assert optimizers.schedules.serialize(schedule) == entry["serialized"]
    values = [float(schedule(step)) for step in range(GOLDEN["steps"])]
    np.testing.assert_allclose(values, entry["values"], rtol=1e-6, atol=1e-9, err_msg=name)


@pytest.mark.parametrize("name", sorted(GOLDEN["schedules"]))
def test_an_optimizer_reports_the_scheduled_rate_at_each_step(name):
    entry = GOLDEN["schedules"][name]
    optimizer = optimizers.SGD(learning_rate=optimizers.schedules.deserialize(entry["serialized"]))
    w = Variable(np.ones(2, "float32"), name="w")
    reported = []
    for _ in entry["optimizer_learning_rate"]:
        reported.append(optimizer.learning_rate)
        optimizer.apply([np.ones(2, "float32")], [w])
    np.testing.assert_allclose(reported, entry["optimizer_learning_rate"], rtol=1e-6, atol=1e-9)


def test_the_fixture_is_small():
    assert FIXTURE.stat().st_size < 200_000
