"""The examples in the optimizers' and schedules' docstrings run and print what they say."""

import doctest
import importlib
import pkgutil

import pytest

import kerastutor.optimizers
import kerastutor.optimizers.schedules

MODULES = ["kerastutor.optimizers"] + [
    f"{package.__name__}.{info.name}"
    for package in (kerastutor.optimizers, kerastutor.optimizers.schedules)
    for info in pkgutil.iter_modules(package.__path__)
    if not info.ispkg
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_examples_are_there():
    attempted = sum(doctest.testmod(importlib.import_module(n)).attempted for n in MODULES)
    assert attempted >= 15
