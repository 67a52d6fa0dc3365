"""Every Example in kerastutor.callbacks runs and prints what it shows."""

import doctest
import importlib
import pkgutil

import pytest

import kerastutor.callbacks

MODULES = [
    f"kerastutor.callbacks.{info.name}"
    for info in pkgutil.iter_modules(kerastutor.callbacks.__path__)
] + ["kerastutor.callbacks"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
