"""Every example in a teachgrad docstring runs and prints what it shows."""
import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import teachgrad

MODULES = sorted(name for _, name, _ in pkgutil.walk_packages(teachgrad.__path__, 'teachgrad.'))


@pytest.mark.parametrize('name', MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    np.random.seed(0)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, '{} of {} examples in {} failed (run pytest -rA for the report)'.format(
        result.failed, result.attempted, name)


def test_every_function_a_learner_calls_shows_an_example():
    import teachgrad.functions as F
    missing = sorted(name for name in dir(F) if not name.startswith('_') and name.islower()
                     and callable(getattr(F, name)) and name != 'install_variable_arithmetics'
                     and '>>>' not in (getattr(F, name).__doc__ or ''))
    assert not missing, 'F functions without an example in their docstring: {}'.format(missing)
