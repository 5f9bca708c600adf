"""Chain: a link made of named child links.
"""
import warnings

from teachgrad.link import Link, children_text
from teachgrad.parameter import Parameter


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
        return children_text(type(self).__name__,
                             ((child.name, child) for child in self.children()))

    __repr__ = __str__
