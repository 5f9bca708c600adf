"""Optimizers: change the parameters a little, against their gradients.

An :class:`Optimizer` is set up on a link (``optimizer.setup(model)``) and
gives each of its parameters an :class:`UpdateRule` (``param.update_rule``).
``optimizer.update()`` then runs, in this order:

1. if a loss function is given: ``loss = lossfun(*args)``,
   ``model.cleargrads()``, ``loss.backward()``;
2. the pre-update hooks (e.g. :class:`WeightDecay` adds ``rate * p`` to each grad);
3. ``optimizer.t += 1``;
4. each parameter's update rule (SGD: ``p += -lr * grad``);
5. the post-update hooks.

What each update did stays readable for pictures and widgets:

* ``param.update_rule.state``: the rule's memory, e.g. ``'v'`` (velocity) for
  MomentumSGD, ``'m'`` and ``'v'`` for Adam, ``'h'`` for AdaGrad, ``'ms'`` for
  RMSprop (Chainer's names);
* ``param.update_rule.last_update``: the array that the latest update added to
  the parameter (``p += last_update``), or None before the first update. It
  may be reused by the next update; copy it to keep it.
* ``param.update_rule.t``: how many times this parameter was updated.

>>> import numpy as np
>>> import teachgrad.links as L
>>> from teachgrad import optimizers
>>> f = L.Linear(2, 1, initialW=np.array([[1., 1.]], dtype=np.float32))
>>> opt = optimizers.SGD(lr=0.1).setup(f)
>>> f.W.grad = np.array([[2., -4.]], dtype=np.float32)
>>> opt.update()
>>> f.W.data, f.W.update_rule.last_update
(array([[0.8, 1.4]], dtype=float32), array([[-0.2,  0.4]], dtype=float32))
"""
import collections
import math
import warnings

import numpy

from teachgrad import backend
from teachgrad.optimizer_hooks.weight_decay import WeightDecay  # NOQA  (Chainer's old path)
from teachgrad.optimizer_hooks.lasso import Lasso  # NOQA
from teachgrad.optimizer_hooks.gradient_clipping import GradientClipping  # NOQA
from teachgrad.optimizer_hooks.gradient_hard_clipping import GradientHardClipping  # NOQA


class NonFiniteWarning(RuntimeWarning):
    """A loss or gradient became NaN or infinite during an update."""


class Hyperparameter:
    """A set of hyperparameters that falls back to a parent set.

    Each update rule's hyperparameters have the optimizer's as parent, so
    ``optimizer.lr = 0.1`` changes every rule, while ``rule.hyperparam.lr``
    can still be set for one parameter.

    ``checks`` maps a name to the values it accepts (keyword arguments of
    :func:`teachgrad._checks.check_real`, or ``bool``); a set that has none
    uses its parent's. Every assignment is checked, so a bad value is
    refused on the line that sets it, never steps later inside an update.

    >>> parent = Hyperparameter(checks={'lr': {'low': 0}}, owner='SGD')
    >>> parent.lr = 0.1
    >>> child = Hyperparameter(parent)
    >>> child.lr
    0.1
    >>> child.lr = -1
    Traceback (most recent call last):
    ...
    ValueError: SGD: lr must be a number in [0, inf), but got -1.
    """

    def __init__(self, parent=None, checks=None, owner=None):
        object.__setattr__(self, '_parent', parent)
        object.__setattr__(self, '_checks', checks)
        object.__setattr__(self, '_owner', owner)

    def __getattr__(self, name):
        if name.startswith('_') or self.__dict__.get('_parent') is None:
            raise AttributeError('hyperparameter {!r} is not set'.format(name))
        return getattr(self._parent, name)

    def __setattr__(self, name, value):
        if not name.startswith('_'):
            value = self.check(name, value)
        object.__setattr__(self, name, value)

    def _lookup(self, attr):
        hp = self
        while hp is not None:
            found = hp.__dict__.get(attr)
            if found is not None:
                return found
            hp = hp.__dict__.get('_parent')
        return None

    def check(self, name, value):
        """``value`` if ``name`` accepts it; a teaching error otherwise."""
        from teachgrad import _checks
        spec = (self._lookup('_checks') or {}).get(name)
        owner = self._lookup('_owner') or 'the optimizer'
        if spec is None:
            return value
        if spec is bool:
            return _checks.check_bool(owner, name, value)
        return _checks.check_real(owner, name, value, **spec)

    @property
    def parent(self):
        return self._parent

    def get_dict(self):
        """Every entry visible here, the parent's included."""
        d = {} if self._parent is None else self._parent.get_dict()
        d.update((k, v) for k, v in self.__dict__.items() if not k.startswith('_'))
        return d

    def __repr__(self):
        d = self.get_dict()
        return 'Hyperparameter({})'.format(
            ', '.join('{}={}'.format(k, d[k]) for k in sorted(d)))


class HyperparameterProxy:
    """Makes ``optimizer.lr`` read and write ``optimizer.hyperparam.lr``."""

    def __init__(self, name):
        self.name = name
        self.__doc__ = 'Alias to ``self.hyperparam.{}``'.format(name)

    def __get__(self, obj, type=None):
        if obj is None:
            return self
        return getattr(obj.hyperparam, self.name)

    def __set__(self, obj, value):
        setattr(obj.hyperparam, self.name, value)


class UpdateRule:
    """How one parameter is updated from its gradient.

    Subclasses define ``init_state(param)`` (create ``self.state`` entries on
    the first update) and ``update_core_cpu(param)`` (and optionally
    ``update_core_gpu``), which must add the change to ``param.data`` in place
    and store it in ``self.last_update``.

    Attributes:
        state: dict of per-parameter arrays (None before the first update).
        hyperparam: this rule's :class:`Hyperparameter` (parent: the optimizer's).
        t: number of updates made by this rule.
        enabled: False freezes the parameter.
        last_update: the change added to the parameter by the latest update.
    """

    def __init__(self, parent_hyperparam=None):
        self._pre_update_hooks = collections.OrderedDict()
        self._post_update_hooks = collections.OrderedDict()
        self._state = None
        self.enabled = True
        self.hyperparam = Hyperparameter(parent_hyperparam)
        self.t = 0
        self.last_update = None

    @property
    def state(self):
        """The rule's per-parameter arrays (velocity, moments...)."""
        return self._state

    def add_hook(self, hook, name=None, timing='auto'):
        """Call ``hook(rule, param)`` before (or after) this rule's updates."""
        _add_hook(self._pre_update_hooks, self._post_update_hooks, hook, name, timing)

    def remove_hook(self, name):
        try:
            del self._pre_update_hooks[name]
        except KeyError:
            del self._post_update_hooks[name]

    def check_ready(self, param):
        """Raise, before anything changes, if updating ``param`` would fail.

        The hyperparameters were checked when they were set; the default
        checks that the grad fits the parameter, and rules add their own.
        """
        data, grad = param.data, param.grad
        if data is None or grad is None:
            return
        if grad.shape != data.shape or grad.dtype != data.dtype:
            raise ValueError(
                '{}: the grad of {} has shape {} ({}) but the parameter has shape {} '
                '({}); a gradient must match its parameter. Was param.data '
                'replaced after backward? Call model.cleargrads() and run backward '
                'again.'.format(type(self).__name__, param.name, grad.shape, grad.dtype,
                                data.shape, data.dtype))

    def update(self, param):
        """Update ``param`` from ``param.grad`` (nothing if disabled)."""
        if not self.enabled:
            return
        self.check_ready(param)
        self.t += 1
        if param.data is not None and self._state is None:
            self._state = {}
            self.init_state(param)
        for hook in self._pre_update_hooks.values():
            hook(self, param)
        self.update_core(param)
        for hook in self._post_update_hooks.values():
            hook(self, param)

    def update_core(self, param):
        if param.grad is None:
            return
        if isinstance(param.data, numpy.ndarray):
            self.update_core_cpu(param)
        else:
            self.update_core_gpu(param)

    def update_core_cpu(self, param):
        raise NotImplementedError

    def update_core_gpu(self, param):
        # The formulas are written with array methods, so cupy runs them too.
        self.update_core_cpu(param)

    def init_state(self, param):
        """Create the state arrays; called at the first update."""
        pass

    def _state_template(self, param=None):
        # The entries init_state creates, found by running it on a scratch
        # copy: zero arrays of the right shapes for ``param``, or (without an
        # initialized param) just the keys, mapped to None.
        import copy
        from teachgrad.variable import Variable
        scratch = copy.copy(self)
        scratch._state = {}
        if param is None or param.data is None:
            arr = numpy.zeros(1, dtype=numpy.float32)
            scratch.init_state(Variable(arr, grad=arr))
            return dict.fromkeys(scratch._state)
        scratch.init_state(param)
        return scratch._state

    def _state_keys(self, param=None):
        return list(self._state_template(param))

    def serialize(self, serializer, param=None):
        """Save or load ``t`` and the state arrays.

        Given the ``param`` this rule updates (the optimizer passes it), a
        rule that has no state yet checks the loaded arrays against the
        shapes its state would have, so a file from another model is refused.
        """
        from teachgrad.serializer import Deserializer
        self.t = serializer('t', self.t)
        if self._state is None:
            if isinstance(serializer, Deserializer):
                # Read every entry; take the state only if all were there, so
                # missing entries leave it to be created at the next update.
                # A rule saved before its first update has no state entries.
                has_key = getattr(serializer, 'has_key', None)
                template = self._state_template(param)
                loaded = {key: serializer(key, value) for key, value in template.items()
                          if has_key is None or has_key(key)}
                if loaded and len(loaded) == len(template) and all(
                        v is not None for v in loaded.values()):
                    self._state = loaded
        else:
            for key in list(self._state):
                self._state[key] = serializer(key, self._state[key])


def _add_hook(pre, post, hook, name, timing):
    """Register ``hook`` in the ``pre`` or ``post`` dict (optimizers and rules alike)."""
    if not callable(hook):
        raise TypeError('a hook must be callable, not {}'.format(type(hook).__name__))
    timing = _timing(hook, timing)
    name = _hook_name(hook, name)
    if name in pre or name in post:
        raise KeyError('hook "{}" already exists'.format(name))
    (pre if timing == 'pre' else post)[name] = hook


def _timing(hook, timing):
    if timing not in ('pre', 'post', 'auto'):
        raise ValueError("timing must be 'pre', 'post' or 'auto', not {!r}".format(timing))
    if timing == 'auto':
        timing = getattr(hook, 'timing', 'pre')
        if timing not in ('pre', 'post'):
            raise ValueError('the hook\'s timing attribute must be "pre" or "post"')
    return timing


def _hook_name(hook, name):
    if name is None:
        name = getattr(hook, 'name', getattr(hook, '__name__', None))
    if name is None:
        raise ValueError('the hook has no name: pass add_hook(hook, name="...")')
    return name


class Optimizer:
    """Base class of optimizers: a target link, a step count ``t``, hooks.

    Attributes:
        target: the link being optimized (set by :meth:`setup`).
        t: number of updates so far.
        epoch: incremented by :meth:`new_epoch`.
    """
    target = None
    t = 0
    epoch = 0
    _pre_update_hooks = None
    _post_update_hooks = None
    _warned_nonfinite = False

    def setup(self, link):
        """Start optimizing ``link``; returns the optimizer, so
        ``opt = SGD().setup(model)`` works."""
        from teachgrad.link import Link
        if not isinstance(link, Link):
            raise TypeError(
                'setup() needs a Link or Chain (the model), but got {}'.format(
                    type(link).__name__))
        self.target = link
        self.t = 0
        self.epoch = 0
        self._pre_update_hooks = collections.OrderedDict()
        self._post_update_hooks = collections.OrderedDict()
        self._warned_nonfinite = False
        _warn_if_nothing_to_train(link)
        return self

    def update(self, lossfun=None, *args, **kwds):
        raise NotImplementedError

    def new_epoch(self, auto=False):
        """Count one more epoch (a Trainer's updater calls this)."""
        self.epoch += 1

    def _check_setup(self):
        if self._pre_update_hooks is None:
            raise RuntimeError(
                '{0} is not set up: call optimizer.setup(model) before using it.'.format(
                    type(self).__name__))

    def add_hook(self, hook, name=None, timing='auto'):
        """Register a hook, e.g. ``optimizer.add_hook(WeightDecay(0.0005))``.

        A hook with ``call_for_each_param = True`` is called as
        ``hook(param.update_rule, param)`` for every parameter; any other hook
        as ``hook(optimizer)``. ``timing`` is ``'pre'`` (before the update),
        ``'post'`` or ``'auto'`` (the hook's ``timing`` attribute, else pre).
        """
        self._check_setup()
        _add_hook(self._pre_update_hooks, self._post_update_hooks, hook, name, timing)
        if hasattr(hook, 'added'):
            try:
                hook.added(self)
            except BaseException:       # a hook that refuses this optimizer is not kept
                name = _hook_name(hook, name)
                self._pre_update_hooks.pop(name, None)
                self._post_update_hooks.pop(name, None)
                raise

    def remove_hook(self, name):
        self._check_setup()
        hooks = self._pre_update_hooks if name in self._pre_update_hooks \
            else self._post_update_hooks
        hook = hooks.pop(name)
        if hasattr(hook, 'deleted'):
            hook.deleted(self)

    def call_hooks(self, timing='pre'):
        """Run the pre- or post-update hooks."""
        if timing not in ('pre', 'post'):
            raise ValueError("timing must be 'pre' or 'post'")
        hooks = self._pre_update_hooks if timing == 'pre' else self._post_update_hooks
        for hook in hooks.values():
            self._call_hook(hook)

    def _call_hook(self, hook):
        if getattr(hook, 'call_for_each_param', False):
            for param in self.target.params():
                hook(param.update_rule, param)
        else:
            hook(self)

    def serialize(self, serializer):
        """Save or load ``t``, ``epoch`` and every update rule's state."""
        if self.target is None:
            raise RuntimeError(
                '{0} is not set up, so it has no state to save or load yet: call '
                'optimizer.setup(model) first, then save_npz/load_npz.'.format(
                    type(self).__name__))
        self.t = serializer('t', self.t)
        self.epoch = serializer('epoch', self.epoch)
        for name, param in self.target.namedparams():
            rule = getattr(param, 'update_rule', None)
            if rule is not None:
                rule.serialize(serializer[name], param=param)

    def __repr__(self):
        hp = getattr(self, 'hyperparam', None)
        items = hp.__dict__.items() if hp is not None else ()
        return '{}({})'.format(type(self).__name__, ', '.join(
            '{}={!r}'.format(k, v) for k, v in items if not k.startswith('_')))


def _warn_if_nothing_to_train(link):
    if next(link.params(), None) is not None:
        return
    from teachgrad.link import Link
    from teachgrad.variable import Parameter
    stray = sorted(k for k, v in vars(link).items() if isinstance(v, (Link, Parameter)))
    if stray:
        warnings.warn(
            '{} has no registered parameters, so the optimizer has nothing to '
            'train, but it has the attributes {}. Assign links and parameters '
            'inside "with self.init_scope():" in __init__ so they are registered.'
            .format(type(link).__name__, stray), stacklevel=3)


def _persistent_values(target):
    # Copies of every link's persistent values (small: running means, counts).
    values = []
    for link in target.links():
        for name in link._persistent:
            value = link.__dict__[name]
            values.append((link, name, value.copy() if backend.is_array(value) else value))
    return values


def _finite(g):
    """Whether every element of the grad ``g`` is a finite number (None counts as finite)."""
    return g is None or bool(backend.get_array_module(g).isfinite(g).all())


class GradientMethod(Optimizer):
    """An optimizer that updates each parameter from its gradient with an
    :class:`UpdateRule`; subclasses define :meth:`create_update_rule`."""

    #: ``{name: accepted values}`` for :class:`Hyperparameter` (subclasses set it).
    hyperparam_checks = None

    def __init__(self):
        super().__init__()
        self.hyperparam = Hyperparameter(checks=self.hyperparam_checks,
                                         owner=type(self).__name__)

    def setup(self, link):
        super().setup(link)
        for param in link.params():
            param.update_rule = self.create_update_rule()
        return self

    def create_update_rule(self):
        raise NotImplementedError

    def reallocate_cleared_grads(self, params=None):
        """Give every initialized parameter without a grad a zero grad (Chainer
        does this, so momentum keeps moving a parameter that got no gradient)."""
        for param in self.target.params() if params is None else params:
            if param.grad is None and param.data is not None:
                param.grad = param.xp.zeros_like(param.data)

    def call_hooks(self, timing='pre'):
        if timing not in ('pre', 'post'):
            raise ValueError("timing must be 'pre' or 'post'")
        hooks = self._pre_update_hooks if timing == 'pre' else self._post_update_hooks
        for hook in hooks.values():
            self._call_hook(hook)
            self.reallocate_cleared_grads()

    def update(self, lossfun=None, *args, **kwds):
        """One optimization step.

        With ``lossfun``: ``loss = lossfun(*args, **kwds)``, clear the grads,
        ``loss.backward()``; then (also without ``lossfun``, using the grads
        already there) the pre-update hooks, ``t += 1``, every parameter's
        update rule, the post-update hooks.
        """
        self._check_setup()
        if lossfun is not None:
            # A forward or backward that fails must leave the grads neither
            # cleared nor half summed (the arrays are kept, not copied: backward
            # makes new ones), and the running statistics that a forward
            # updates (BatchNormalization's) as they were.
            grads = [(p, p.grad) for p in self.target.params()]
            persistent = _persistent_values(self.target)
            try:
                loss = lossfun(*args, **kwds)
                self._check_loss(loss)
                self.target.cleargrads()
                loss.backward()
            except BaseException:
                for p, g in grads:
                    p.grad = g
                for link, name, value in persistent:
                    object.__setattr__(link, name, value)
                raise
            del loss
        # One walk over the model serves the whole step.
        params = list(self.target.params())
        # Everything that could stop the step halfway is checked before the
        # first grad or parameter changes.
        for param in params:
            rule = param.update_rule
            if rule is not None and rule.enabled:
                rule.check_ready(param)
        self.reallocate_cleared_grads(params)
        self.call_hooks('pre')
        self.t += 1
        with numpy.errstate(over='ignore'):     # the fast _finite may overflow; it re-checks
            bad = [p for p in params if p.update_rule is not None and not _finite(p.grad)]
        for param in params:
            if param.update_rule is not None:
                param.update_rule.update(param)
        if bad:
            self._warn_nonfinite_grads(bad)
        self.reallocate_cleared_grads(params)
        self.call_hooks('post')

    def _check_loss(self, loss):
        data = getattr(loss, 'data', loss)
        if data is None or getattr(data, 'size', 1) != 1:
            return
        value = float(data)
        if not math.isfinite(value) and not self._warned_nonfinite:
            self._warned_nonfinite = True
            warnings.warn(
                'step {}: the loss is {}. Every gradient computed from it will be '
                'NaN or infinite too and will spoil the parameters. Common causes: '
                'a learning rate that is too large (the loss grew each step), log '
                'of 0, or division by zero. Lower the learning rate or add '
                'GradientClipping. (Further non-finite values are not reported.)'
                .format(self.t + 1, value), NonFiniteWarning, stacklevel=3)

    def _warn_nonfinite_grads(self, bad):
        if self._warned_nonfinite:
            return
        self._warned_nonfinite = True
        names = {id(p): path for path, p in self.target.namedparams()}
        details = []
        for p in bad:
            g = p.grad
            xp = p.xp
            details.append('{} ({} NaN, {} infinite of {} values)'.format(
                names.get(id(p), p.name), int(xp.isnan(g).sum()), int(xp.isinf(g).sum()),
                g.size))
        warnings.warn(
            'step {}: the gradient of {} is not finite, so the update made these '
            'parameters NaN or infinite too. Lower the learning rate, add '
            'GradientClipping, or look for log(0), sqrt(0) or division by zero in '
            'the loss. (Further non-finite values are not reported.)'.format(
                self.t, ', '.join(details)), NonFiniteWarning, stacklevel=3)


from teachgrad import _fast  # NOQA: E402
_fast.install(__name__)     # a faster _finite
