"""ChainList: a link made of numbered child links, like a list.
"""
from teachgrad.link import Link, children_text


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
        return children_text(type(self).__name__, enumerate(self._children))

    __repr__ = __str__
