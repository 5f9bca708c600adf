"""FunctionHook: code that runs before and after every function's forward and backward.

A hook is switched on for every function called inside a ``with`` block, or
for one function with :meth:`FunctionNode.add_hook`. While no hook is on, the
engine pays one integer test per call (``n_active``).

>>> import numpy as np
>>> import teachgrad.functions as F
>>> from teachgrad import Variable
>>> class CountCalls(FunctionHook):
...     name = 'CountCalls'
...     def __init__(self):
...         self.forward, self.backward = [], []
...     def forward_postprocess(self, function, in_data):
...         self.forward.append(function.label)
...     def backward_postprocess(self, function, in_data, out_grad):
...         self.backward.append(function.label)
>>> x = Variable(np.array([1., 2.]))
>>> with CountCalls() as counter:
...     y = F.sum(F.exp(x))
...     y.backward()
>>> counter.forward, counter.backward
(['exp', 'sum'], ['sum', 'exp'])
>>> F.exp(x) is not None and counter.forward    # off after the with block
['exp', 'sum']
"""
import collections
import threading

# How many hooks are registered anywhere (globally, in any thread, or on any
# function). FunctionNode.apply and backward_steps test it before looking up
# hooks, so the engine's ordinary path stays a single integer test.
n_active = 0

_local = threading.local()


def get_function_hooks():
    """The hooks that are on for every function called in this thread, by name.

    >>> from teachgrad.function_hooks import TimerHook
    >>> with TimerHook():
    ...     list(get_function_hooks())
    ['TimerHook']
    >>> list(get_function_hooks())
    []
    """
    hooks = getattr(_local, 'hooks', None)
    if hooks is None:
        hooks = _local.hooks = collections.OrderedDict()
    return hooks


def _count(delta):
    global n_active
    n_active += delta


class FunctionHook(object):
    """Base class of function hooks; every callback does nothing by default.

    Subclasses override some of :meth:`added`, :meth:`deleted`,
    :meth:`forward_preprocess`, :meth:`forward_postprocess`,
    :meth:`backward_preprocess` and :meth:`backward_postprocess`. ``in_data``
    is the tuple of the function's input arrays (None for an input whose array
    is gone by backward time), ``out_grad`` the tuple of its output gradients.
    ``name`` is the key under which the hook is registered; two hooks of one
    name cannot be on at the same time.
    """
    name = 'FunctionHook'

    def __enter__(self):
        hooks = get_function_hooks()
        if self.name in hooks:
            raise KeyError(
                'a hook named {!r} is already on; leave its with-block first, or give this '
                'one another name (hook.name = ...)'.format(self.name))
        hooks[self.name] = self
        _count(+1)
        self.added(None)
        return self

    def __exit__(self, *exc):
        hooks = get_function_hooks()
        hooks[self.name].deleted(None)
        del hooks[self.name]
        _count(-1)

    def added(self, function):
        """Called when the hook is registered (``function`` is None for a with-block)."""

    def deleted(self, function):
        """Called when the hook is unregistered (``function`` is None for a with-block)."""

    def forward_preprocess(self, function, in_data):
        """Called just before ``function`` computes its forward."""

    def forward_postprocess(self, function, in_data):
        """Called just after ``function`` computed its forward."""

    def backward_preprocess(self, function, in_data, out_grad):
        """Called just before ``function`` computes its backward."""

    def backward_postprocess(self, function, in_data, out_grad):
        """Called just after ``function`` computed its backward."""


# -- used by FunctionNode (forward) and backprop (backward) while a hook is on --

def _hooks_of(function):
    """The hooks that apply to ``function``: the global ones, then its own."""
    hooks = get_function_hooks()
    local = function.__dict__.get('_local_function_hooks')
    if local:
        hooks = collections.OrderedDict(hooks)
        hooks.update(local)
    return list(hooks.values())


def _forward_with_hooks(function, xs):
    """``function._forward(xs)`` with every applicable hook called around it."""
    hooks = _hooks_of(function)
    in_data = tuple(xs)
    for hook in hooks:
        hook.forward_preprocess(function, in_data)
    ys = function._forward(xs)
    for hook in hooks:
        hook.forward_postprocess(function, in_data)
    return ys


def _backward_with_hooks(function, gys):
    """``function._backward(gys)`` with every applicable hook called around it."""
    hooks = _hooks_of(function)
    in_data = tuple(_input_array(node) for node in function.inputs)
    out_grad = tuple(gys)
    for hook in hooks:
        hook.backward_preprocess(function, in_data, out_grad)
    gxs = function._backward(gys)
    for hook in hooks:
        hook.backward_postprocess(function, in_data, out_grad)
    return gxs


def _input_array(node):
    var = node.get_variable_or_none()
    return var.data if var is not None else node.data


def _local_hooks(function):
    hooks = function.__dict__.get('_local_function_hooks')
    if hooks is None:
        hooks = function._local_function_hooks = collections.OrderedDict()
    return hooks


def _add_local_hook(function, hook, name=None):
    if not isinstance(hook, FunctionHook):
        raise TypeError('add_hook takes a FunctionHook (for example TimerHook()), but got '
                        '{}'.format(type(hook).__name__))
    name = hook.name if name is None else name
    hooks = _local_hooks(function)
    if name in hooks:
        raise KeyError('{} already has a hook named {!r}; delete_hook({!r}) first or pass '
                       'another name'.format(type(function).__name__, name, name))
    hooks[name] = hook
    _count(+1)
    hook.added(function)


def _delete_local_hook(function, name):
    hooks = _local_hooks(function)
    if name not in hooks:
        raise KeyError('{} has no hook named {!r}; its hooks are {}'.format(
            type(function).__name__, name, list(hooks)))
    hooks[name].deleted(function)
    del hooks[name]
    _count(-1)
