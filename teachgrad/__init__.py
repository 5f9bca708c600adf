"""teachgrad: a small define-by-run deep-learning framework that shows its work.

The public names follow Chainer v7, so Chainer tutorials run with ``chainer``
replaced by ``teachgrad``.

>>> import numpy as np
>>> import teachgrad
>>> x = teachgrad.Variable(np.array([5], dtype=np.float32))
>>> y = x ** 2 - 2 * x + 1
>>> y.backward()
>>> x.grad
array([8.], dtype=float32)
"""
import importlib

from teachgrad import backend  # NOQA
from teachgrad.configuration import (  # NOQA
    config, global_config, using_config, no_backprop_mode, force_backprop_mode)
from teachgrad.variable import Variable, Parameter, VariableNode, as_variable, as_array  # NOQA
from teachgrad.function_node import FunctionNode, Function  # NOQA
from teachgrad.backend import get_array_module  # NOQA
from teachgrad import functions  # NOQA

__version__ = '0.1.0'

# Submodules and names loaded on first use, so `import teachgrad` stays light
# (numpy only) while `teachgrad.links`, `from teachgrad import Chain` and
# Chainer's other spellings all work.
_SUBMODULES = {
    'links', 'optimizers', 'optimizer', 'optimizer_hooks', 'serializers',
    'datasets', 'dataset', 'iterators', 'training', 'gradient_check',
    'initializers', 'link', 'reporter', 'utils', 'viz', 'widgets', 'backprop',
    'exercises',
}
_NAMES = {
    'Link': 'link', 'Chain': 'link', 'ChainList': 'link', 'Sequential': 'link',
    'Optimizer': 'optimizer',
    'report': 'reporter', 'report_scope': 'reporter', 'Reporter': 'reporter',
    'Summary': 'reporter', 'DictSummary': 'reporter',
}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module('teachgrad.' + name)
    if name in _NAMES:
        return getattr(importlib.import_module('teachgrad.' + _NAMES[name]), name)
    raise AttributeError("module 'teachgrad' has no attribute {!r}".format(name))


def __dir__():
    return sorted(set(globals()) | _SUBMODULES | set(_NAMES))
