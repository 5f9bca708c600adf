"""Link: an object that owns parameters and computes with them.

A :class:`Link` holds :class:`~teachgrad.Parameter` objects (assigned inside
``with self.init_scope():``) and computes something from them in ``forward``.
Parameters are always listed in the same order: a link's own parameters
first, then each child's, each group sorted by name. The rest lives in files
of its own: links of links in ``chain.py`` (named children), ``chain_list.py``
(numbered ones) and ``sequential.py`` (layers in a row); devices in
``link_devices.py``, copies in ``link_copy.py``, Chainer's deprecated
spellings in ``link_deprecated.py``.

>>> import numpy as np
>>> import teachgrad.links as L
>>> class MLP(Chain):
...     def __init__(self):
...         super().__init__()
...         with self.init_scope():
...             self.l1 = L.Linear(4, 3)
...             self.l2 = L.Linear(3, 2)
...     def forward(self, x):
...         return self.l2(self.l1(x))
>>> model = MLP()
>>> [path for path, _ in model.namedparams()]
['/l1/W', '/l1/b', '/l2/W', '/l2/b']
>>> print(model)
MLP(
  (l1): Linear(in_size=4, out_size=3, nobias=False),
  (l2): Linear(in_size=3, out_size=2, nobias=False),
)
"""
import contextlib
import functools

import numpy

from teachgrad import backend
from teachgrad import function_node as _fn
from teachgrad.link_copy import LinkCopies
from teachgrad.link_deprecated import LinkDeprecated, is_shape
from teachgrad.link_devices import LinkDevices
from teachgrad.variable import Parameter


def _call_in_scope(link, fn, args, kwargs):
    # Functions applied while a link runs record it in FunctionNode.scope, so a
    # graph picture can fold them into one box. A link that calls itself again
    # (a user's __call__ that calls super().__call__) is recorded once.
    prev = _fn.link_scope
    if prev and prev[-1] is link:
        return fn(*args, **kwargs)
    _fn.link_scope = prev + (link,)
    try:
        return fn(*args, **kwargs)
    finally:
        _fn.link_scope = prev


class Link(LinkDevices, LinkCopies, LinkDeprecated):
    """A building block that owns parameters and persistent values.

    Assign :class:`~teachgrad.Parameter` objects to attributes inside
    ``with self.init_scope():`` to register them; compute in ``forward``.
    ``link(x)`` calls ``forward(x)``.

    >>> import numpy as np
    >>> from teachgrad import Parameter
    >>> import teachgrad.functions as F
    >>> class Scale(Link):
    ...     def __init__(self):
    ...         super().__init__()
    ...         with self.init_scope():
    ...             self.a = Parameter(np.array([2.], dtype=np.float32))
    ...     def forward(self, x):
    ...         return x * F.broadcast_to(self.a, x.shape)
    >>> Scale()(np.array([1., 3.], dtype=np.float32))
    variable([2., 6.])
    """

    def __init__(self, **params):
        object.__setattr__(self, '_within_init_scope', False)
        self._params = set()
        self._persistent = set()
        self._cpu = True
        self._device_id = None
        self.name = None
        for name, value in params.items():
            shape, dtype = (value, numpy.float32) if is_shape(value) else value
            self._add_param(name, shape, dtype, None, stacklevel=3)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A subclass may define __call__ instead of forward (older Chainer
        # code does). Wrap it so it, too, records the link scope that graph
        # pictures use.
        call = cls.__dict__.get('__call__')
        if call is not None and not getattr(call, '_records_link_scope', False):
            @functools.wraps(call)
            def __call__(self, *args, **kwargs):
                return _call_in_scope(self, call, (self,) + args, kwargs)
            __call__._records_link_scope = True
            cls.__call__ = __call__

    def __call__(self, *args, **kwargs):
        forward = getattr(self, 'forward', None)
        if forward is None:
            raise AttributeError(
                '{} has no forward method. Define forward(self, x) to say what '
                'the link computes; calling the link runs it.'.format(type(self).__name__))
        return _call_in_scope(self, forward, args, kwargs)

    __call__._records_link_scope = True

    # -- registration ---------------------------------------------------------
    @property
    def within_init_scope(self):
        """True inside ``with self.init_scope():``."""
        return getattr(self, '_within_init_scope', False)

    @contextlib.contextmanager
    def init_scope(self):
        """Inside this block, assigning a Parameter (or, in a Chain, a Link)
        to an attribute registers it.

        >>> import numpy as np
        >>> from teachgrad import Parameter
        >>> link = Link()
        >>> with link.init_scope():
        ...     link.W = Parameter(np.zeros((2, 2), dtype=np.float32))
        >>> [name for name, _ in link.namedparams()]
        ['/W']
        """
        old = self.within_init_scope
        object.__setattr__(self, '_within_init_scope', True)
        try:
            yield
        finally:
            object.__setattr__(self, '_within_init_scope', old)

    def __setattr__(self, name, value):
        if self.within_init_scope and isinstance(value, Parameter):
            value.name = name
            if not self._cpu:
                value.to_gpu(self._device_id)
            self._params.add(name)
            self._persistent.discard(name)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        self._params.discard(name)
        self._persistent.discard(name)
        object.__delattr__(self, name)

    def add_persistent(self, name, value):
        """Register a value (an array or a number) that is saved and loaded
        with the link but not trained, like BatchNormalization's running mean.

        >>> import numpy as np
        >>> link = Link()
        >>> link.add_persistent('count', 0)
        >>> link.count
        0
        """
        if name in self.__dict__:
            raise AttributeError(
                'cannot register a new persistent value {!r}: the attribute already '
                'exists'.format(name))
        self._persistent.add(name)
        self._params.discard(name)
        object.__setattr__(self, name, value)

    def register_persistent(self, name):
        """Mark an existing attribute as persistent (saved and loaded)."""
        if not hasattr(self, name):
            raise AttributeError(
                'cannot register {!r} as a persistent value: there is no such '
                'attribute'.format(name))
        self._persistent.add(name)
        self._params.discard(name)

    # -- walking the hierarchy ----------------------------------------------------
    def params(self, include_uninit=True):
        """Every parameter under this link: own ones first, each group sorted by name."""
        d = self.__dict__
        for name in sorted(self._params):
            if include_uninit or d[name].data is not None:
                yield d[name]

    def namedparams(self, include_uninit=True):
        """``(path, parameter)`` pairs, paths like ``'/l1/W'``."""
        d = self.__dict__
        for name in sorted(self._params):
            if include_uninit or d[name].data is not None:
                yield '/' + name, d[name]

    def children(self):
        """The direct child links (none for a plain Link)."""
        return iter(())

    def links(self, skipself=False):
        """This link (unless ``skipself``) and every link below it."""
        if not skipself:
            yield self
        for child in self.children():
            yield from child.links()

    def namedlinks(self, skipself=False):
        """``(path, link)`` pairs: ``'/'`` for this link, ``'/l1'`` for a child."""
        if not skipself:
            yield '/', self

    def count_params(self):
        """The number of scalars in all initialized parameters."""
        return sum(p.size for p in self.params(include_uninit=False))

    # -- gradients ---------------------------------------------------------------
    def cleargrads(self):
        """Set every parameter's grad to None before a new backward
        (grads accumulate otherwise)."""
        for param in self.params():
            param.cleargrad()

    def addgrads(self, link):
        """Add the grads of the same parameters of another link to these."""
        for dst, src in zip(self.params(), link.params()):
            dst.addgrad(src)

    def copyparams(self, link):
        """Copy the parameter values (not the grads) of a link of the same structure.

        Parameters are matched by path (``/l1/W``), never by position. Every
        path is checked first: one that ``link`` lacks raises KeyError and one
        of another shape ValueError, and nothing is copied.
        """
        src = dict(link.namedparams())
        pairs = list(self.namedparams())
        missing = [path for path, _ in pairs if path not in src]
        if missing:
            raise KeyError(
                'copyparams: the source {} has no parameter {}; its parameters are {}. '
                'Copy between links built the same way (same child names).'.format(
                    type(link).__name__, ', '.join(missing), sorted(src) or 'none'))
        for path, dst in pairs:
            s = src[path].data
            if s is not None and dst.data is not None and dst.data.shape != s.shape:
                raise ValueError('copyparams: {} has shape {} here but {} in the '
                                 'source; nothing was copied'.format(
                                     path, dst.data.shape, s.shape))
        for path, dst in pairs:
            s = src[path].data
            if s is None:
                continue
            if dst.data is None:
                dst.data = dst.xp.array(backend.to_cpu(s))
            else:
                dst.data[...] = backend.to_cpu(s) if dst.xp is numpy else s

    def enable_update(self):
        for param in self.params():
            if param.update_rule is not None:
                param.update_rule.enabled = True

    def disable_update(self):
        """Freeze this link: the optimizer leaves its parameters alone."""
        for param in self.params():
            if param.update_rule is not None:
                param.update_rule.enabled = False

    @property
    def update_enabled(self):
        return any(p.update_rule is not None and p.update_rule.enabled
                   for p in self.params())

    # -- saving and loading ------------------------------------------------------
    def serialize(self, serializer):
        """Save or load this link's parameters and persistent values.

        A lazily created parameter that is still uninitialized takes the
        loaded array's shape.
        """
        d = self.__dict__
        for name in sorted(self._params):
            param = d[name]
            data = serializer(name, param.data)
            if param.data is None and data is not None:
                from teachgrad import initializers
                dtype = initializers.resolve_dtype(param.initializer)
                array = numpy.array(backend.to_cpu(data), dtype=dtype)
                param.data = array if self._cpu else backend.to_gpu(array, self._device_id)
        for name in sorted(self._persistent):
            object.__setattr__(self, name, serializer(name, d[name]))

    # -- display -----------------------------------------------------------------
    @property
    def printable_specs(self):
        """``(name, value)`` pairs shown in ``str(link)``; links override it."""
        return iter(())

    def __str__(self):
        specs = ', '.join('{}={}'.format(k, v) for k, v in self.printable_specs)
        return '{}({})'.format(type(self).__name__, specs)

    __repr__ = __str__

    def _repr_svg_(self):
        # Jupyter's picture of a link; text repr when no picture can be made.
        try:
            from teachgrad import viz
            return viz.repr_svg(self)
        except Exception:
            return None


def children_text(cls_name, items):
    lines = []
    for key, child in items:
        for line in '({}): {},'.format(key, child).splitlines():
            lines.append('  ' + line + '\n')
    body = ''.join(lines)
    return '{}({})'.format(cls_name, '\n' + body if body else '')


# Chain, ChainList and Sequential live in files of their own; they stay
# importable from here (teachgrad.link.Chain), as in Chainer.
from teachgrad.chain import Chain  # NOQA: E402,F401
from teachgrad.chain_list import ChainList  # NOQA: E402,F401
from teachgrad.sequential import Sequential  # NOQA: E402,F401
