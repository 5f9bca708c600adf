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
from teachgrad import backend  # NOQA
from teachgrad.configuration import (  # NOQA
    config, global_config, using_config, no_backprop_mode, force_backprop_mode)
from teachgrad.variable import Variable, Parameter, VariableNode, as_variable, as_array  # NOQA
from teachgrad.function_node import FunctionNode, Function  # NOQA
from teachgrad import functions  # NOQA
from teachgrad.backend import get_array_module  # NOQA

__version__ = '0.1.0'
