"""FunctionNode: one operation in the graph, with its forward and backward side by side.

To add an operation, subclass :class:`FunctionNode`, compute the result from
arrays in ``forward`` (keeping on ``self`` whatever backward will need) and
return the input gradients from the output gradients in ``backward``:

>>> import numpy as np
>>> from teachgrad import FunctionNode, Variable
>>> class Cube(FunctionNode):
...     label = '**3'
...     def forward(self, x):
...         self.x = x                 # backward needs x
...         return x ** 3
...     def backward(self, gy):
...         return 3 * self.x ** 2 * gy
>>> x = Variable(np.array([2.]))
>>> y = Cube()(x)
>>> y.backward()
>>> x.grad
array([12.])

Chainer's styles work too: the classic :class:`Function` (``forward(self,
inputs)`` and ``backward(self, inputs, grad_outputs)`` on tuples of arrays),
and Chainer v7's FunctionNode (``forward(self, inputs)`` with
``self.retain_inputs((0,))``, ``backward(self, target_input_indexes,
grad_outputs)`` on Variables, called with ``apply``).
"""
import inspect
import itertools
import weakref

import numpy

from teachgrad import backend
from teachgrad import function_hook as _function_hook
from teachgrad.configuration import config
from teachgrad.utils import type_check as _type_check
from teachgrad.variable import Variable

# The links being called right now, outermost first. Link.__call__ replaces
# this tuple; each function records the one it saw, so a picture can fold the
# functions that ran inside one link into a single box.
link_scope = ()


_weakref = weakref.ref
# Counts function calls, so the forward stepper can replay the true order.
_forward_clock = itertools.count()


def _output(y, inputs, requires_grad):
    # numpy turns 0-d results into scalars (np.float32(3.0)); outputs must be arrays.
    if type(y) is not numpy.ndarray and not backend.is_array(y):
        y = (numpy if isinstance(y, numpy.generic) else
             backend.get_array_module(*inputs)).asarray(y)
    return Variable(y, requires_grad=requires_grad)


def _explain_missing_data(f, inputs, error):
    # A Variable(None) (a placeholder, an uninitialized parameter) makes numpy
    # fail deep inside forward with a message about NoneType; name the cause.
    empty = [i for i, x in enumerate(inputs) if x._data is None]
    if empty:
        names = ', '.join('input {}{}'.format(i, ' ({})'.format(inputs[i].name)
                                             if inputs[i].name else '') for i in empty)
        raise TypeError(
            '{!r} got a Variable with no data (None) as {}. Give it an array first, '
            'e.g. x.data = np.zeros((2, 3), dtype=np.float32); an uninitialized '
            'parameter (W of L.Linear(out_size)) gets one on the link\'s first '
            'call.'.format(f.label if isinstance(f.label, str) else type(f).__name__,
                           names)) from error


class FunctionNode:
    """Base class of every operation.

    After a call, ``inputs`` holds the input :class:`VariableNode` objects,
    ``outputs`` weak references to the output nodes, ``rank`` the distance
    from the leaves, ``scope`` the links that were being called, and after a
    backward ``backward_order`` the step (1, 2, ...) at which backward visited
    this function. ``forward_order`` increases with every recorded call, so
    sorting by it gives the order in which forward ran.
    """
    inputs = ()
    outputs = ()
    rank = 0
    scope = ()
    backward_order = None
    forward_order = 0

    @property
    def label(self):
        """How the operation reads in a graph picture (class name by default)."""
        return type(self).__name__

    def __call__(self, *inputs):
        """Apply to Variables or arrays; returns a Variable (or a tuple of them)."""
        ys = self.apply(inputs)
        return ys[0] if len(ys) == 1 else ys

    def apply(self, inputs):
        """Run forward on ``inputs`` and, if backprop is on, link the graph.

        Returns a tuple of output Variables.
        """
        inputs = [x if isinstance(x, Variable) else _input_variable(x) for x in inputs]
        nodes = [x._node for x in inputs]
        xs = [x._data for x in inputs]
        # -- type-check hook (see teachgrad/utils/type_check.py) --
        if config.type_check and hasattr(self, 'check_type_forward'):
            _type_check.check_forward(self, xs)
        try:
            if _function_hook.n_active:    # FunctionHooks on (teachgrad/function_hook.py)
                ys = _function_hook._forward_with_hooks(self, xs)
            else:
                ys = self._forward(xs)
        except Exception as e:
            _explain_missing_data(self, inputs, e)
            raise
        requires_grad = False
        if config.enable_backprop:
            for n in nodes:
                if n.requires_grad:
                    requires_grad = True
                    break
        if type(ys) is tuple:
            outputs = tuple([_output(y, inputs, requires_grad) for y in ys])
        else:
            outputs = (_output(ys, inputs, requires_grad),)
        if requires_grad:
            self.inputs = tuple(nodes)
            rank = 0
            for n in nodes:
                if n.rank > rank:
                    rank = n.rank
            self.rank = rank
            self.scope = link_scope
            self.forward_order = next(_forward_clock)
            refs = []
            for y in outputs:
                n = y._node
                n.creator = self
                n.rank = rank + 1
                refs.append(_weakref(n))
            self.outputs = tuple(refs)
        return outputs

    # Subclasses define these two. Both work on plain arrays.
    def forward(self, *xs):
        raise NotImplementedError(
            '{} must define forward(self, *arrays) returning the output '
            'array(s)'.format(type(self).__name__))

    def backward(self, *gys):
        raise NotImplementedError(
            '{} has no backward(self, *grad_outputs), so gradients cannot flow '
            'through it'.format(type(self).__name__))

    # The calling conventions; Function (below) adapts them to Chainer's old style.
    def _forward(self, xs):
        return self.forward(*xs)

    def _backward(self, gys):
        return self.backward(*gys)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Chainer v7's own FunctionNode style: forward(self, inputs) on a tuple,
        # backward(self, target_input_indexes, grad_outputs) on Variables, with
        # retain_inputs()/get_retained_inputs(). Recognised by backward's
        # signature, so Chainer code written that way runs unchanged.
        backward = cls.__dict__.get('backward')
        if backward is not None and '_forward' not in cls.__dict__:
            names = list(inspect.signature(backward).parameters)[1:]
            if len(names) == 2 and names[1] == 'grad_outputs' and names[0] != 'inputs':
                cls._forward = _chainer_forward
                cls._backward = _chainer_backward

    def retain_inputs(self, indexes):
        """Chainer style: keep the inputs at ``indexes`` for backward."""
        self._retained_inputs = tuple(self._forward_inputs[i] for i in indexes)

    def retain_outputs(self, indexes):
        """Chainer style: keep the outputs at ``indexes`` for backward."""
        self._retain_output_indexes = tuple(indexes)

    def get_retained_inputs(self):
        """The inputs kept by :meth:`retain_inputs`, as Variables."""
        return tuple(Variable(a, requires_grad=False) for a in self._retained_inputs)

    def get_retained_outputs(self):
        """The outputs kept by :meth:`retain_outputs`, as Variables."""
        return tuple(Variable(a, requires_grad=False) for a in self._retained_outputs)

    # -- function hooks on this function only (see teachgrad/function_hook.py) --
    @property
    def local_function_hooks(self):
        """The hooks registered on this function alone, by name."""
        return _function_hook._local_hooks(self)

    def add_hook(self, hook, name=None):
        """Register a :class:`~teachgrad.FunctionHook` for this function only."""
        _function_hook._add_local_hook(self, hook, name)

    def delete_hook(self, name):
        """Unregister the hook added under ``name`` by :meth:`add_hook`."""
        _function_hook._delete_local_hook(self, name)

    def __repr__(self):
        return '<{} {}>'.format(type(self).__name__, self.label)


def _chainer_forward(self, xs):
    self._forward_inputs = tuple(xs)        # what retain_inputs() picks from
    try:
        ys = _as_tuple(self.forward(self._forward_inputs))
    finally:
        del self._forward_inputs
    xp = backend.get_array_module(*xs)
    self._retained_outputs = tuple(
        xp.asarray(ys[i]) for i in getattr(self, '_retain_output_indexes', ()))
    return ys


def _chainer_backward(self, gys):
    from teachgrad.configuration import no_backprop_mode
    grads = tuple(None if g is None else Variable(g, requires_grad=False) for g in gys)
    with no_backprop_mode():        # the grads' own arithmetic builds no graph
        gxs = _as_tuple(self.backward(tuple(range(len(self.inputs))), grads))
    return tuple(g.data if isinstance(g, Variable) else g for g in gxs)


def _input_variable(x):
    if not backend.is_array(x):
        raise TypeError(
            'functions take Variables or ndarrays, but got {}. Wrap plain '
            'numbers or lists with np.array(..., dtype=np.float32).'.format(
                type(x).__name__))
    return Variable(x, requires_grad=False)


class Function(FunctionNode):
    """Chainer's classic function style: tuples of arrays in and out.

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

    def _forward(self, xs):
        self._input_arrays = tuple(xs)   # old-style backward receives the inputs
        return _as_tuple(self.forward(self._input_arrays))

    def _backward(self, gys):
        return _as_tuple(self.backward(self._input_arrays, gys))

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


def _as_tuple(ys):
    if isinstance(ys, tuple):
        return ys
    if isinstance(ys, list):
        return tuple(ys)
    return (ys,)
