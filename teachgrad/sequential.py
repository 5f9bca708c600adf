"""Sequential: layers applied one after another, links and plain functions alike.
"""
import inspect

from teachgrad.chain_list import ChainList
from teachgrad.link import Link, children_text


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
        # As Chainer prints it: a link by its specs, a lambda by its source
        # line (its str says only '<lambda>'), any other callable by its str.
        return children_text(type(self).__name__, enumerate(
            _layer_text(layer) for layer in self._layers))

    __repr__ = __str__


def _layer_text(layer):
    if getattr(layer, '__name__', None) == '<lambda>':
        try:
            return inspect.getsource(layer).strip().rstrip(',')
        except (OSError, TypeError):          # typed at a prompt: no source file
            pass
    return str(layer)
