"""Chainer v7's way of writing a FunctionNode, and forward_cpu/forward_gpu.

teachgrad's own contract (``function_node.py``): ``forward(self, *arrays)``
returns the output array(s); ``backward(self, *grads)`` gets one grad array
per output and returns one per input.

Chainer v7's contract, which its tutorials and functions follow:
``forward(self, inputs)`` gets one tuple of arrays and returns a tuple, and
keeps what backward needs with ``self.retain_inputs(indexes)`` /
``self.retain_outputs(indexes)``; ``backward(self, target_input_indexes,
grad_outputs)`` gets a tuple of Variables and returns Variables (or arrays).
A class may also define ``forward_cpu`` and ``forward_gpu`` instead of
``forward``; the arrays' module picks one.

The contract is read from the class, once, when it is defined: the number
of arguments that forward and backward take (one tuple and two for Chainer,
one array per input and one grad per output for teachgrad), and a
``forward_cpu`` without ``forward``. Where both contracts fit (a teachgrad
function of one input with two outputs), a class that uses the retain API
is Chainer's; a class attribute ``chainer_v7 = True`` (or False) settles it
outright. The names of the parameters play no part.

>>> import numpy as np
>>> from teachgrad import FunctionNode, Variable
>>> class Square(FunctionNode):
...     def forward(self, inputs):
...         self.retain_inputs((0,))
...         x, = inputs
...         return x ** 2,
...     def backward(self, inputs, grad_outputs):   # any names: the contract decides
...         x, = self.get_retained_inputs()
...         return 2 * x * grad_outputs[0],
>>> x = Variable(np.array([3.]))
>>> y, = Square().apply((x,))
>>> y.backward()
>>> x.grad
array([6.])
"""
import numpy

from teachgrad import backend
from teachgrad import checks as _checks
from teachgrad import function_hook as _function_hook
from teachgrad.configuration import config as _config
from teachgrad.utils import type_check as _type_check

_VARARGS = 0x04     # the code flag of a function with *args


def adapt(cls, default_forward):
    """Give ``cls`` (a FunctionNode subclass) the calling convention of its contract.

    ``default_forward`` is FunctionNode's own ``_forward``: a class that
    already has another one (``Function``, or a class adapted before) is left
    as it is.
    """
    if 'forward' not in cls.__dict__ and ('forward_cpu' in cls.__dict__
                                          or 'forward_gpu' in cls.__dict__):
        cls.forward = _forward_on_device
        if getattr(cls, 'chainer_v7', None) is None and cls._forward is default_forward:
            cls.chainer_v7 = True           # forward_cpu(inputs) takes Chainer's tuple
    if cls._forward is default_forward and _follows_chainer_v7(cls):
        cls.chainer_v7 = True
        cls._forward = _v7_forward
        cls._backward = _v7_backward
        for name in ('retain_inputs', 'retain_outputs', 'get_retained_inputs',
                     'get_retained_outputs'):
            if not hasattr(cls, name):
                setattr(cls, name, globals()['_' + name])


def _follows_chainer_v7(cls):
    stated = getattr(cls, 'chainer_v7', None)
    if stated is not None:
        return stated
    if _arity(cls.forward) != 1 or _arity(cls.backward) != 2:
        return False        # one array per input, one grad per output: teachgrad's
    # One tuple in forward, two arguments in backward: Chainer's, or a teachgrad
    # function of one input with two outputs. Chainer's keeps what its backward
    # needs with its retain API, and checks its inputs with check_type_forward;
    # a teachgrad function of that shape has no use for either.
    return 'check_type_forward' in cls.__dict__ or any(
        _calls(method, _RETAIN_API) for method in (
            cls.forward, cls.backward, getattr(cls, 'forward_cpu', None)))


_RETAIN_API = {'retain_inputs', 'retain_outputs', 'get_retained_inputs',
               'get_retained_outputs'}


def _calls(method, names):
    code = getattr(method, '__code__', None)
    return code is not None and not names.isdisjoint(code.co_names)


def _arity(method):
    """How many positional arguments ``method`` takes besides self (None: any number)."""
    code = getattr(method, '__code__', None)
    if code is None or code.co_flags & _VARARGS:
        return None
    return code.co_argcount - 1


def _forward_on_device(self, inputs):
    """Chainer's forward: ``forward_cpu`` for numpy arrays, ``forward_gpu`` for cupy."""
    if backend.get_array_module(*inputs) is numpy or not hasattr(self, 'forward_gpu'):
        return self.forward_cpu(inputs)
    return self.forward_gpu(inputs)


def _v7_forward(self, xs):
    self._forward_inputs = tuple(xs)        # what retain_inputs() picks from
    try:
        ys = as_tuple(self.forward(self._forward_inputs))
    finally:
        del self._forward_inputs
    xp = backend.get_array_module(*xs)
    self._retained_outputs = tuple(
        xp.asarray(ys[i]) for i in getattr(self, '_retain_output_indexes', ()))
    return ys


def _v7_backward(self, gys):
    from teachgrad.configuration import no_backprop_mode
    from teachgrad.variable import Variable
    grads = tuple(None if g is None else Variable(g, requires_grad=False) for g in gys)
    with no_backprop_mode():        # the grads' own arithmetic builds no graph
        gxs = as_tuple(self.backward(tuple(range(len(self.inputs))), grads))
    return tuple(g.data if isinstance(g, Variable) else g for g in gxs)


def _retain_inputs(self, indexes):
    """Keep the inputs at ``indexes`` for backward."""
    self._retained_inputs = tuple(self._forward_inputs[i] for i in indexes)


def _retain_outputs(self, indexes):
    """Keep the outputs at ``indexes`` for backward."""
    self._retain_output_indexes = tuple(indexes)


def _get_retained_inputs(self):
    """The inputs kept by ``retain_inputs``, as Variables."""
    from teachgrad.variable import Variable
    return tuple(Variable(a, requires_grad=False) for a in self._retained_inputs)


def _get_retained_outputs(self):
    """The outputs kept by ``retain_outputs``, as Variables."""
    from teachgrad.variable import Variable
    return tuple(Variable(a, requires_grad=False) for a in self._retained_outputs)


def as_tuple(ys):
    """``ys`` as a tuple: a tuple stays, a list is converted, anything else is wrapped."""
    if isinstance(ys, tuple):
        return ys
    if isinstance(ys, list):
        return tuple(ys)
    return (ys,)


# -- what watches every call: Chainer's input type checks and function hooks --

def forward(f, inputs):
    """Run ``f._forward`` on the arrays of the Variables ``inputs``, with the checks
    and hooks that are on.

    A class that defines ``check_type_forward(in_types)`` has its inputs checked
    first (``teachgrad.utils.type_check``); active function hooks
    (``teachgrad.function_hook``) see the call before and after. A forward that
    fails on an input with no data (None) says so.
    """
    xs = [x.data for x in inputs]
    try:
        if _config.type_check and hasattr(f, 'check_type_forward'):
            _type_check.check_forward(f, xs)
        if _function_hook.n_active:
            return _function_hook._forward_with_hooks(f, xs)
        return f._forward(xs)
    except Exception as error:
        _checks.explain_missing_data(f, inputs, error)
        raise


def backward(f, gys):
    """Run ``f``'s backward on the grads ``gys``, with the function hooks that are on:
    one grad (or None) per input, as a tuple (a backward may return one grad, a
    tuple or a list)."""
    if _function_hook.n_active:
        gxs = _function_hook._backward_with_hooks(f, gys)
    else:
        gxs = f._backward(gys)
    if type(gxs) is not tuple:
        gxs = tuple(gxs) if type(gxs) is list else (gxs,)
    if len(gxs) != len(f.inputs):
        _checks.wrong_number_of_grads(f, gxs)
    return gxs


def add_chainer_methods(cls):
    """Give FunctionNode Chainer's per-function hook methods (teachgrad/function_hook.py)."""
    cls.local_function_hooks = property(_function_hook._local_hooks,
                                        doc='The hooks registered on this function alone, by name.')
    cls.add_hook = _add_hook
    cls.delete_hook = _delete_hook


def _add_hook(self, hook, name=None):
    """Register a :class:`~teachgrad.FunctionHook` for this function only."""
    _function_hook._add_local_hook(self, hook, name)


def _delete_hook(self, name):
    """Unregister the hook added under ``name`` by :meth:`add_hook`."""
    _function_hook._delete_local_hook(self, name)
