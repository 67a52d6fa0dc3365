"""Every Example in a kerastutor.layers module runs and prints what it shows."""

import doctest
import importlib
import pkgutil

import pytest

import kerastutor.layers

MODULES = [
    f"kerastutor.layers.{info.name}" for info in pkgutil.iter_modules(kerastutor.layers.__path__)
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
