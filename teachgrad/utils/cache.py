"""cached_property: compute an attribute once, separately with and without backprop."""
import functools

from teachgrad.configuration import config


class cached_property(object):
    """A read-only property computed on first access and then kept.

    Two values are kept, one per setting of ``config.enable_backprop``: a
    value computed inside ``no_backprop_mode()`` has no graph, so it must not
    be handed out where backward will need one.

    >>> import numpy as np
    >>> import teachgrad
    >>> import teachgrad.functions as F
    >>> class C(object):
    ...     calls = 0
    ...     def __init__(self, x):
    ...         self.x = x
    ...     @cached_property
    ...     def y(self):
    ...         C.calls += 1
    ...         return F.sigmoid(self.x)
    >>> obj = C(teachgrad.Variable(np.array([0.], dtype=np.float32)))
    >>> obj.y is obj.y, C.calls
    (True, 1)
    >>> with teachgrad.no_backprop_mode():
    ...     obj.y.creator is None
    True
    >>> C.calls
    2
    >>> obj.y = 3
    Traceback (most recent call last):
    ...
    AttributeError: C.y is computed from the object's other attributes and cannot be assigned
    """

    def __init__(self, func):
        functools.update_wrapper(self, func)
        self.func = func

    def __get__(self, obj, cls):
        if obj is None:
            return self
        caches = obj.__dict__.setdefault(self.__name__, {})
        key = config.enable_backprop
        if key not in caches:
            caches[key] = self.func(obj)
        return caches[key]

    def __set__(self, obj, value):
        # a data descriptor, so the cache in obj.__dict__ never shadows __get__
        raise AttributeError('{}.{} is computed from the object\'s other attributes and cannot '
                             'be assigned'.format(type(obj).__name__, self.__name__))
