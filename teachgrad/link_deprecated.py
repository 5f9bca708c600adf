"""Chainer's older ways of building a link, kept so old code runs (with a warning).

``Link(W=(3, 2))``, ``link.add_param('W', (3, 2))`` and ``link.zerograds()``
still work; new code assigns ``Parameter`` objects inside ``init_scope()``
and calls ``cleargrads()``.

>>> is_shape((3, 2)), is_shape('W')
(True, False)
"""
import warnings

import numpy

from teachgrad.parameter import Parameter


class LinkDeprecated:
    """Chainer's deprecated Link methods: ``add_param`` and ``zerograds``."""

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

    def zerograds(self):
        """Deprecated: fill every grad with zeros. Use :meth:`cleargrads`."""
        warnings.warn('Link.zerograds is deprecated. Use Link.cleargrads instead.',
                      DeprecationWarning, stacklevel=2)
        for param in self.params(include_uninit=False):
            param.zerograd()



def is_shape(value):
    """Whether ``value`` reads as an array shape (an int, None or ints)."""
    if value is None or isinstance(value, int):
        return True
    try:
        return all(isinstance(int(v), int) for v in value)
    except (TypeError, ValueError):
        return False
