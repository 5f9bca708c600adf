"""Chainer's classic ``Function``: tuples of arrays in and out.

Before FunctionNode, Chainer functions got the input arrays in backward too:
``forward(self, inputs)`` returns a tuple of arrays and ``backward(self,
inputs, grad_outputs)`` returns one grad per input. Either can be split into
``*_cpu`` and ``*_gpu`` versions, picked by the arrays' module.

>>> import numpy as np
>>> from teachgrad import Variable
>>> class Square(Function):
...     def forward(self, inputs):
...         x, = inputs
...         return x ** 2,
...     def backward(self, inputs, grad_outputs):
...         x, = inputs
...         gy, = grad_outputs
...         return 2 * x * gy,
>>> x = Variable(np.array([3.]))
>>> Square()(x).backward()
>>> x.grad
array([6.])
"""
import numpy

from teachgrad import backend
from teachgrad.function_node import FunctionNode
from teachgrad.function_styles import as_tuple


class Function(FunctionNode):
    """Chainer's classic function style (see the module's docstring)."""

    def _forward(self, xs):
        self._input_arrays = tuple(xs)   # old-style backward receives the inputs
        return as_tuple(self.forward(self._input_arrays))

    def _backward(self, gys):
        return as_tuple(self.backward(self._input_arrays, gys))

    def forward(self, inputs):
        """Dispatch to ``forward_cpu``/``forward_gpu`` when a subclass defines those."""
        if backend.get_array_module(*inputs) is numpy:
            return self.forward_cpu(inputs)
        return self.forward_gpu(inputs)

    def backward(self, inputs, grad_outputs):
        if backend.get_array_module(*inputs) is numpy:
            return self.backward_cpu(inputs, grad_outputs)
        return self.backward_gpu(inputs, grad_outputs)

    def forward_cpu(self, inputs):
        raise NotImplementedError(
            '{} must define forward(self, inputs) returning a tuple of '
            'arrays'.format(type(self).__name__))

    def forward_gpu(self, inputs):
        return self.forward_cpu(inputs)

    def backward_cpu(self, inputs, grad_outputs):
        raise NotImplementedError(
            '{} has no backward(self, inputs, grad_outputs)'.format(type(self).__name__))

    def backward_gpu(self, inputs, grad_outputs):
        return self.backward_cpu(inputs, grad_outputs)
