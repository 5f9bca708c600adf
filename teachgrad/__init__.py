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
from teachgrad.function_node import FunctionNode  # NOQA
from teachgrad.function import Function  # NOQA
from teachgrad.backend import get_array_module  # NOQA
# Devices and the default dtype, as chainer.get_device / using_device / get_dtype.
from teachgrad.backend import get_device, using_device, get_dtype  # NOQA
from teachgrad import functions  # NOQA
from teachgrad import _fast  # NOQA
from teachgrad import double_backprop  # NOQA
from teachgrad.double_backprop import grad  # NOQA

double_backprop.install()  # Variable.copy, which a double backprop's grads use

_fast.install_loaded()     # the speed paths; TEACHGRAD_FAST=0 keeps the plain code

__version__ = '0.1.0'

# Set to True to silence the FutureWarning of teachgrad.utils.experimental().
disable_experimental_feature_warning = False

# Submodules and names loaded on first use, so `import teachgrad` stays light
# (numpy only) while `teachgrad.links`, `from teachgrad import Chain` and
# Chainer's other spellings all work.
_SUBMODULES = {
    'links', 'optimizers', 'optimizer', 'optimizer_hooks', 'serializers',
    'datasets', 'dataset', 'iterators', 'training', 'gradient_check',
    'initializers', 'link', 'reporter', 'utils', 'viz', 'widgets', 'backprop',
    'exercises',
}
_SUBMODULES |= {'backends', 'testing'}   # devices (backends.cuda); test helpers
_ALIASES = {'cuda': 'teachgrad.backends.cuda'}   # Chainer's old chainer.cuda
_NAMES = {
    'Link': 'link', 'Chain': 'link', 'ChainList': 'link', 'Sequential': 'link',
    'Optimizer': 'optimizer',
    'report': 'reporter', 'report_scope': 'reporter', 'Reporter': 'reporter',
    'Summary': 'reporter', 'DictSummary': 'reporter',
}
# Function hooks and probability distributions.
_SUBMODULES |= {'function_hook', 'function_hooks', 'distribution', 'distributions'}
_NAMES.update({'FunctionHook': 'function_hook', 'get_function_hooks': 'function_hook',
               'Distribution': 'distribution', 'kl_divergence': 'distribution',
               'register_kl': 'distribution', 'cross_entropy': 'distribution'})


def __getattr__(name):
    if name in _ALIASES:
        return importlib.import_module(_ALIASES[name])
    if name in _SUBMODULES:
        return importlib.import_module('teachgrad.' + name)
    if name in _NAMES:
        return getattr(importlib.import_module('teachgrad.' + _NAMES[name]), name)
    raise AttributeError("module 'teachgrad' has no attribute {!r}".format(name))


def __dir__():
    return sorted(set(globals()) | _SUBMODULES | set(_NAMES) | set(_ALIASES))


# In IPython and Jupyter, an error raised inside teachgrad shows its message
# under the learner's own frames, not under every frame of the framework.
from teachgrad._ipython import show_full_tracebacks  # NOQA
if 'IPython' in __import__('sys').modules:
    from teachgrad import _ipython
    _ipython.install()
    del _ipython
