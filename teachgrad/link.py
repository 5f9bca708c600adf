"""Links: objects that own parameters, and Chains that put links together.

A :class:`Link` holds :class:`~teachgrad.Parameter` objects (assigned inside
``with self.init_scope():``) and computes something from them in ``forward``.
A :class:`Chain` holds named child links, a :class:`ChainList` numbered ones.
Parameters are always listed in the same order: a link's own parameters
first, then each child's, each group sorted by name.

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
import copy as copy_module
import functools
import warnings

import numpy

from teachgrad import backend
from teachgrad import function_node as _fn
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


class Link:
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
            shape, dtype = (value, numpy.float32) if _is_shape(value) else value
            self._add_param(name, shape, dtype, None, stacklevel=3)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A subclass may define __call__ instead of forward (older Chainer
        # code, like the seed tutorial). Wrap it so it, too, records the link
        # scope that graph pictures use.
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

    def add_param(self, name, shape=None, dtype=numpy.float32, initializer=None):
        """Register a new parameter (Chainer's older style; deprecated).

        Prefer assigning ``Parameter(initializer, shape)`` inside
        ``init_scope()``. Without an initializer the values are NaN until set.
        """
        self._add_param(name, shape, dtype, initializer, stacklevel=3)

    def _add_param(self, name, shape, dtype, initializer, stacklevel):
        warnings.warn(
            'add_param is deprecated: assign a Parameter inside '
            '"with self.init_scope():" instead.', DeprecationWarning, stacklevel=stacklevel)
        if name in self.__dict__:
            raise AttributeError(
                'cannot register a new parameter {!r}: the attribute already '
                'exists'.format(name))
        from teachgrad import initializers
        if initializer is None:
            initializer = initializers.NaN(dtype)
        param = Parameter(initializer, shape)
        with self.init_scope():
            setattr(self, name, param)

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

    def zerograds(self):
        """Deprecated: fill every grad with zeros. Use :meth:`cleargrads`."""
        warnings.warn('Link.zerograds is deprecated. Use Link.cleargrads instead.',
                      DeprecationWarning, stacklevel=2)
        for param in self.params(include_uninit=False):
            param.zerograd()

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

    # -- copies and devices -------------------------------------------------------
    def copy(self, mode='share'):
        """A copy of this link hierarchy.

        ``'share'`` (default): new Parameter objects that share the arrays;
        ``'copy'``: an independent deep copy; ``'init'``: a deep copy with
        freshly initialized parameters. The copy has no name (it is not in any
        chain yet).
        """
        if mode == 'share':
            ret = copy_module.copy(self)
            object.__setattr__(ret, '_params', set(self._params))
            object.__setattr__(ret, '_persistent', set(self._persistent))
            object.__setattr__(ret, 'name', None)
            d = ret.__dict__
            for name in ret._params:
                d[name] = copy_module.copy(d[name])
                d[name].grad = None
            return ret
        if mode == 'copy':
            ret = copy_module.deepcopy(self)
        elif mode == 'init':
            ret = copy_module.deepcopy(self)
            for param in ret.params(include_uninit=False):
                param.initialize(param.shape)
                if ret.xp is not numpy:
                    param.to_gpu()
        else:
            raise ValueError("copy mode must be 'share', 'copy' or 'init', not {!r}"
                             .format(mode))
        object.__setattr__(ret, 'name', None)
        return ret

    def repeat(self, n_repeat, mode='init'):
        """A :class:`Sequential` of ``n_repeat`` copies of this link.

        ``mode`` is how each copy is made (see :meth:`copy`): ``'init'`` gives
        every copy freshly initialized parameters, ``'copy'`` the same values
        but its own arrays, ``'share'`` the very same arrays in all copies.

        >>> import numpy as np
        >>> import teachgrad.links as L
        >>> np.random.seed(0)
        >>> blocks = L.Linear(3, 3).repeat(2)
        >>> [name for name, _ in blocks.namedparams()]
        ['/0/W', '/0/b', '/1/W', '/1/b']
        >>> bool((blocks[0].W.array == blocks[1].W.array).all())
        False
        >>> len(L.Linear(3, 3).repeat(0))
        0
        """
        if mode not in ('init', 'copy', 'share'):
            raise ValueError("repeat mode must be 'init' (new parameters), 'copy' (same "
                             "values, own arrays) or 'share' (same arrays), not {!r}"
                             .format(mode))
        ret = Sequential()
        for _ in range(n_repeat):
            ret.append(self.copy(mode))
        return ret

    @property
    def xp(self):
        """numpy, or cupy after :meth:`to_gpu`."""
        return numpy if self._cpu else backend._load_cupy()

    @property
    def device(self):
        """The device the parameters live on: ``<CpuDevice (numpy)>`` or a GpuDevice.

        It compares equal to its name, so ``link.device == '@numpy'`` works.
        """
        if self._cpu:
            return backend.CpuDevice()
        return backend.GpuDevice.from_device_id(self._device_id or 0)

    def to_cpu(self):
        """Move parameters and persistent arrays to numpy; returns self."""
        for link in self.links():
            d = link.__dict__
            for name in link._params:
                d[name].to_cpu()
            for name in link._persistent:
                if backend.is_array(d[name]):
                    d[name] = backend.to_cpu(d[name])
            object.__setattr__(link, '_cpu', True)
            object.__setattr__(link, '_device_id', None)
        return self

    def to_gpu(self, device=None):
        """Move parameters and persistent arrays to cupy; returns self."""
        if not backend.gpu_available():
            backend.to_gpu(numpy.zeros(0))      # raises the explanatory error
        for link in self.links():
            d = link.__dict__
            for name in link._params:
                d[name].to_gpu(device)
            for name in link._persistent:
                if backend.is_array(d[name]):
                    d[name] = backend.to_gpu(d[name], device)
            object.__setattr__(link, '_cpu', False)
            object.__setattr__(link, '_device_id', device)
        return self

    def to_device(self, device):
        """Move parameters (with their grads) and persistent arrays to ``device``.

        ``device`` is anything :func:`teachgrad.get_device` takes: ``'@numpy'``
        or ``-1`` for the CPU, ``'@cupy:N'`` or ``N`` for GPU N, or a device
        object. Returns self.

        >>> import teachgrad.links as L
        >>> L.Linear(2, 3).to_device('@numpy').device
        <CpuDevice (numpy)>
        """
        if device in ('cpu', 'native', '@native'):      # names older code used
            device = '@numpy'
        device = backend.get_device(device)
        if isinstance(device, backend.CpuDevice):
            return self.to_cpu()
        return self.to_gpu(device.device.id)

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


def _is_shape(value):
    if value is None or isinstance(value, int):
        return True
    try:
        return all(isinstance(int(v), int) for v in value)
    except (TypeError, ValueError):
        return False


def _children_str(cls_name, items):
    lines = []
    for key, child in items:
        for line in '({}): {},'.format(key, child).splitlines():
            lines.append('  ' + line + '\n')
    body = ''.join(lines)
    return '{}({})'.format(cls_name, '\n' + body if body else '')


class Chain(Link):
    """A link made of named child links (assigned inside ``init_scope()``).

    >>> import teachgrad.links as L
    >>> class Net(Chain):
    ...     def __init__(self):
    ...         super().__init__()
    ...         with self.init_scope():
    ...             self.fc = L.Linear(3, 2)
    ...     def forward(self, x):
    ...         return self.fc(x)
    >>> net = Net()
    >>> [name for name, _ in net.namedparams()]
    ['/fc/W', '/fc/b']
    >>> net.fc.name
    'fc'
    """

    def __init__(self, **links):
        super().__init__()
        self._children = set()
        for name, link in links.items():
            self._add_child(name, link)
        if links:
            warnings.warn(
                'Chain(name=link, ...) is deprecated: assign the links inside '
                '"with self.init_scope():" instead.', DeprecationWarning, stacklevel=2)

    def __getitem__(self, name):
        """``chain['l1']`` is ``chain.l1``."""
        return getattr(self, name)

    def __setattr__(self, name, value):
        if self.within_init_scope and isinstance(value, Parameter) \
                and name in self._children:
            raise AttributeError(
                'cannot register the parameter {0!r}: {0!r} is already a child link '
                'of this chain. Give the parameter another name, or remove the link '
                'first with del self.{0}.'.format(name))
        if self.within_init_scope and isinstance(value, Link):
            if hasattr(self, name):
                raise AttributeError(
                    'cannot register a new link {!r}: the attribute already '
                    'exists'.format(name))
            value.name = name
            self._children.add(name)
        super().__setattr__(name, value)

    def __delattr__(self, name):
        self._children.discard(name)
        super().__delattr__(name)

    def _add_child(self, name, link):
        if name in self.__dict__:
            raise AttributeError('cannot register a new link {!r}: the attribute '
                                 'already exists'.format(name))
        if not isinstance(link, Link):
            raise TypeError('a child must be a Link, but {!r} is a {}'.format(
                name, type(link).__name__))
        with self.init_scope():
            setattr(self, name, link)

    def add_link(self, name, link):
        """Register a child link (deprecated: assign it inside ``init_scope()``)."""
        warnings.warn('Chain.add_link is deprecated: assign the link inside '
                      '"with self.init_scope():" instead.', DeprecationWarning,
                      stacklevel=2)
        self._add_child(name, link)

    def children(self):
        d = self.__dict__
        for name in sorted(self._children):
            yield d[name]

    def params(self, include_uninit=True):
        yield from super().params(include_uninit)
        for child in self.children():
            yield from child.params(include_uninit)

    def namedparams(self, include_uninit=True):
        yield from super().namedparams(include_uninit)
        d = self.__dict__
        for name in sorted(self._children):
            prefix = '/' + name
            for path, param in d[name].namedparams(include_uninit):
                yield prefix + path, param

    def namedlinks(self, skipself=False):
        if not skipself:
            yield '/', self
        d = self.__dict__
        for name in sorted(self._children):
            prefix = '/' + name
            yield prefix, d[name]
            for path, link in d[name].namedlinks(skipself=True):
                yield prefix + path, link

    def copy(self, mode='share'):
        ret = super().copy(mode)
        if mode == 'share':
            object.__setattr__(ret, '_children', set(self._children))
            d = ret.__dict__
            for name in ret._children:
                child = d[name].copy(mode)
                object.__setattr__(child, 'name', name)
                d[name] = child
        return ret

    def serialize(self, serializer):
        super().serialize(serializer)
        d = self.__dict__
        for name in sorted(self._children):
            d[name].serialize(serializer[name])

    def __str__(self):
        return _children_str(type(self).__name__,
                             ((child.name, child) for child in self.children()))

    __repr__ = __str__


class ChainList(Link):
    """A link made of numbered child links, like a list.

    >>> import teachgrad.links as L
    >>> layers = ChainList(L.Linear(4, 3), L.Linear(3, 2))
    >>> len(layers), layers[-1].name
    (2, '1')
    >>> [name for name, _ in layers.namedparams()]
    ['/0/W', '/0/b', '/1/W', '/1/b']
    """

    def __init__(self, *links):
        super().__init__()
        self._children = []
        for link in links:
            self.add_link(link)

    def __setattr__(self, name, value):
        if self.within_init_scope and isinstance(value, Link):
            raise TypeError(
                'a ChainList numbers its links: use chainlist.append(link) instead '
                'of assigning {!r} inside init_scope()'.format(name))
        super().__setattr__(name, value)

    def __getitem__(self, index):
        """The link at ``index`` (negative indices and slices work as for lists)."""
        return self._children[index]

    def __iter__(self):
        return iter(self._children)

    def __len__(self):
        return len(self._children)

    def add_link(self, link):
        """Append a link; its name becomes its index as a string."""
        if not isinstance(link, Link):
            raise TypeError('a ChainList holds Links, but got {}'.format(
                type(link).__name__))
        link.name = str(len(self._children))
        self._children.append(link)

    def append(self, link):
        """Same as :meth:`add_link`."""
        self.add_link(link)

    def children(self):
        return iter(self._children)

    def params(self, include_uninit=True):
        yield from super().params(include_uninit)
        for child in self._children:
            yield from child.params(include_uninit)

    def namedparams(self, include_uninit=True):
        yield from super().namedparams(include_uninit)
        for idx, child in enumerate(self._children):
            prefix = '/{}'.format(idx)
            for path, param in child.namedparams(include_uninit):
                yield prefix + path, param

    def namedlinks(self, skipself=False):
        if not skipself:
            yield '/', self
        for idx, child in enumerate(self._children):
            prefix = '/{}'.format(idx)
            yield prefix, child
            for path, link in child.namedlinks(skipself=True):
                yield prefix + path, link

    def copy(self, mode='share'):
        ret = super().copy(mode)
        if mode == 'share':
            children = []
            for idx, child in enumerate(self._children):
                c = child.copy(mode)
                object.__setattr__(c, 'name', str(idx))
                children.append(c)
            object.__setattr__(ret, '_children', children)
        return ret

    def serialize(self, serializer):
        super().serialize(serializer)
        for idx, child in enumerate(self._children):
            child.serialize(serializer[str(idx)])

    def __str__(self):
        return _children_str(type(self).__name__, enumerate(self._children))

    __repr__ = __str__


class Sequential(ChainList):
    """Layers applied one after another: links and plain functions alike.

    Links are registered as numbered children (so optimizers and serializers
    find their parameters); functions such as ``F.relu`` just run in between.

    >>> import numpy as np
    >>> import teachgrad.functions as F
    >>> import teachgrad.links as L
    >>> model = Sequential(L.Linear(4, 3), F.relu, L.Linear(3, 2))
    >>> model(np.ones((1, 4), dtype=np.float32)).shape
    (1, 2)
    >>> [name for name, _ in model.namedparams()]
    ['/0/W', '/0/b', '/1/W', '/1/b']
    """

    def __init__(self, *layers):
        super().__init__()
        self._layers = []
        for layer in layers:
            self.append(layer)

    def append(self, layer):
        """Add a link or a function at the end."""
        if isinstance(layer, Link):
            self.add_link(layer)
        elif not callable(layer):
            raise TypeError('a Sequential holds links and functions, but got {}: pass '
                            'e.g. L.Linear(3, 2) or F.relu'.format(type(layer).__name__))
        self._layers.append(layer)

    def forward(self, *xs):
        for layer in self._layers:
            xs = layer(*xs) if isinstance(xs, tuple) else layer(xs)
        return xs

    def __getitem__(self, index):
        return self._layers[index]

    def __iter__(self):
        return iter(self._layers)

    # -- joining (Chainer's list-like API) --
    def extend(self, layers):
        """Append every layer of ``layers`` (a Sequential or any iterable)."""
        for layer in layers:
            self.append(layer)

    def __add__(self, other):
        """``a + b``: a new Sequential with a's layers then b's (the same objects).

        >>> import teachgrad.functions as F
        >>> import teachgrad.links as L
        >>> model = Sequential(L.Linear(4, 3), F.relu) + Sequential(L.Linear(3, 2))
        >>> len(model), [name for name, _ in model.namedparams()][-2:]
        (3, ['/1/W', '/1/b'])
        """
        if not isinstance(other, Sequential):
            raise ValueError(
                '+ joins two Sequentials, but the right side is a {}. To add one '
                'layer, use model.append(layer) or model + Sequential(layer).'.format(
                    type(other).__name__))
        ret = Sequential()
        ret.extend(self)
        ret.extend(other)
        return ret

    def __iadd__(self, other):
        if not isinstance(other, Sequential):
            raise ValueError(
                '+= extends a Sequential with another Sequential, but got a {}. To add '
                'one layer, use model.append(layer).'.format(type(other).__name__))
        self.extend(other)
        return self

    def flatten(self):
        """A Sequential whose layers are those of every nested Sequential, in order.

        >>> import teachgrad.functions as F
        >>> import teachgrad.links as L
        >>> inner = Sequential(L.Linear(3, 3), F.relu)
        >>> outer = Sequential(L.Linear(4, 3), inner)
        >>> len(outer), len(outer.flatten())
        (2, 3)
        """
        ret = Sequential()
        for layer in self:
            if isinstance(layer, Sequential):
                ret.extend(layer.flatten())
            else:
                ret.append(layer)
        return ret

    def __len__(self):
        return len(self._layers)

    def copy(self, mode='share'):
        ret = super().copy(mode)
        links = iter(ret._children)
        object.__setattr__(ret, '_layers', [next(links) if isinstance(layer, Link) else layer
                                            for layer in self._layers])
        return ret

    def __str__(self):
        # A function prints by name: its default str carries a memory address.
        return _children_str(type(self).__name__, enumerate(
            layer if isinstance(layer, Link) else getattr(layer, '__name__', type(layer).__name__)
            for layer in self._layers))

    __repr__ = __str__
