"""Every docstring Example in skmusic runs as written."""

import doctest
import importlib
import pkgutil

import pytest

import skmusic

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(skmusic.__path__, prefix="skmusic.")
    if info.name not in ("skmusic.cli", "skmusic.__main__")
)

# the examples train tiny networks: one torch thread is fastest (and repeatable)
pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name, globs={}):
        if test.examples and test.name.startswith(name):
            runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
