"""The examples in the docstrings of links, optimizers, initializers and
serializers run and print what they say."""
import doctest
import importlib

import numpy as np
import pytest

MODULES = [
    'teachgrad.link', 'teachgrad.links', 'teachgrad.links.linear',
    'teachgrad.links.classifier', 'teachgrad.links.embed_id',
    'teachgrad.links.convolution_2d', 'teachgrad.links.batch_normalization',
    'teachgrad.initializers', 'teachgrad.optimizer', 'teachgrad.optimizers',
    'teachgrad.optimizers.sgd', 'teachgrad.optimizers.momentum_sgd',
    'teachgrad.optimizers.adam', 'teachgrad.optimizer_hooks', 'teachgrad.serializers',
    'teachgrad.serializers.npz', 'teachgrad.functions.convolution',
    'teachgrad.functions.pooling', 'teachgrad.functions.normalization',
    'teachgrad.functions.embed_id',
]


@pytest.mark.parametrize('name', MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    state = np.random.get_state()
    try:
        np.random.seed(0)
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    finally:
        np.random.set_state(state)
    assert result.failed == 0
    assert result.attempted > 0, '{} has no examples'.format(name)
