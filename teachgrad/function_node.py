"""FunctionNode: one operation in the graph, with its forward and backward side by side.

To add an operation, subclass :class:`FunctionNode`, compute the result from
arrays in ``forward`` (keeping on ``self`` whatever backward will need) and
return the input gradients from the output gradients in ``backward``. The
chain rule in words, beside the backward, is what the backward stepper shows:

>>> import numpy as np
>>> from teachgrad import FunctionNode, Variable
>>> class Cube(FunctionNode):
...     label = '**3'
...     chain_rule = ('3 · {0}² · {gy}',)
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

Chainer's ways of writing a function run too, each in a file of its own:
the classic ``Function`` (``function.py``) and Chainer v7's contract,
``forward(inputs)``, ``backward(indexes, grad_outputs)`` (``function_styles.py``).
"""
import itertools
import weakref

import numpy

from teachgrad import backend
from teachgrad import checks
from teachgrad import function_styles
from teachgrad.configuration import config
from teachgrad.variable import Variable

# The links being called right now, outermost first (Link.__call__ sets it):
# a picture can fold the functions that ran inside one link into one box.
link_scope = ()

# Counts recorded calls: sorting functions by it gives the order forward ran them.
_forward_clock = itertools.count()


class FunctionNode:
    """Base class of every operation.

    After a call: ``inputs`` (the input VariableNodes), ``outputs`` (weak
    references to the output nodes), ``rank`` (the distance from the leaves),
    ``forward_order`` (when it ran), ``scope`` (the links being called); after
    a backward, ``backward_order`` (its step, 1, 2, ...). ``chain_rule`` is the
    grad each input gets, in words: ``{0}``, ``{1}`` the inputs, ``{c}`` a
    constant, ``{out}`` the output, ``{gy}`` the output's grad.
    """
    inputs = ()
    outputs = ()
    rank = 0
    scope = ()
    backward_order = None
    forward_order = 0
    chain_rule = None

    @property
    def label(self):
        """How the operation reads in a graph picture (class name by default)."""
        return type(self).__name__

    def __call__(self, *inputs):
        """Apply to Variables or arrays; returns a Variable (or a tuple of them)."""
        ys = self.apply(inputs)
        return ys[0] if len(ys) == 1 else ys

    def apply(self, inputs):
        """Run forward on ``inputs``, link the graph if backprop is on; a tuple of Variables."""
        inputs = [_as_input(x) for x in inputs]
        ys = function_styles.forward(self, inputs)  # _forward on their arrays, + type checks, hooks
        ys = ys if type(ys) is tuple else (ys,)
        requires_grad = config.enable_backprop and any(x.requires_grad for x in inputs)
        outputs = tuple(Variable(_as_array(y, inputs), requires_grad=requires_grad)
                        for y in ys)
        if requires_grad:
            self._record([x.node for x in inputs], [y.node for y in outputs])
        return outputs

    def _record(self, inputs, outputs):
        """Link this call into the graph: inputs -> self -> outputs."""
        self.inputs = tuple(inputs)
        self.rank = max(node.rank for node in inputs)
        self.scope = link_scope
        self.forward_order = next(_forward_clock)
        for node in outputs:
            node.creator = self
            node.rank = self.rank + 1
        # Weak references: the graph must not keep big outputs alive.
        self.outputs = tuple(weakref.ref(node) for node in outputs)

    # Subclasses define these two. Both work on plain arrays.
    def forward(self, *xs):
        raise NotImplementedError('{} must define forward(self, *arrays) returning the '
                                  'output array(s)'.format(type(self).__name__))

    def backward(self, *gys):
        raise NotImplementedError('{} has no backward(self, *grad_outputs), so gradients '
                                  'cannot flow through it'.format(type(self).__name__))

    # How forward and backward are called. teachgrad's own style passes the
    # arrays one by one; function_styles.py swaps these two for classes that
    # follow one of Chainer's contracts.
    def _forward(self, xs):
        return self.forward(*xs)

    def _backward(self, gys):
        return self.backward(*gys)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        function_styles.adapt(cls, FunctionNode._forward)

    def __repr__(self):
        return '<{} {}>'.format(type(self).__name__, self.label)


def _as_input(x):
    if isinstance(x, Variable):
        return x
    checks.check_input(x)
    return Variable(x, requires_grad=False)       # a constant: no grad


def _as_array(y, inputs):
    # numpy turns 0-d results into scalars (np.float32(3.0)); outputs must be arrays.
    if backend.is_array(y):
        return y
    xp = numpy if isinstance(y, numpy.generic) else backend.get_array_module(
        *[x.data for x in inputs])
    return xp.asarray(y)


function_styles.add_chainer_methods(FunctionNode)   # add_hook, as in Chainer
from teachgrad.function import Function  # NOQA: E402,F401  (Chainer's classic style)
