"""Parameter: a Variable that a Link owns and an optimizer updates.

>>> import numpy as np
>>> from teachgrad import Parameter
>>> Parameter(np.zeros(2, dtype=np.float32), name='b')
variable b([0., 0.])
"""
import numpy

from teachgrad import backend
from teachgrad.variable import Variable


class Parameter(Variable):
    """A Variable that a Link owns and an optimizer updates.

    It may start uninitialized (data None) and get its shape later, as
    ``L.Linear(2)`` does on its first call.

    >>> import numpy as np
    >>> p = Parameter(np.zeros(2, dtype=np.float32), name='b')
    >>> p
    variable b([0., 0.])
    >>> Parameter(name='W')
    variable W(None)
    """
    __slots__ = ('initializer', 'update_rule')

    def __init__(self, initializer=None, shape=None, name=None):
        self.initializer = initializer
        self.update_rule = None
        data = initializer if backend.is_array(initializer) else None
        super().__init__(data, name=name)
        if data is None and shape is not None:
            self.initialize(shape)

    @property
    def is_initialized(self):
        return self._data is not None

    def initialize(self, shape):
        """Create the data with the given shape from the initializer."""
        from teachgrad import initializers
        self.data = initializers.generate_array(self.initializer, shape, numpy)
        self._grad = None

    def update(self):
        """Apply the update rule an optimizer gave this parameter (if any)."""
        if self.update_rule is not None:
            self.update_rule.update(self)

    def __reduce__(self):
        return _recover_parameter, (self._data, self.name, self._grad,
                                    self.initializer, self.update_rule)


def _recover_parameter(data, name, grad, initializer, update_rule):
    p = Parameter(initializer=data if data is not None else initializer, name=name)
    p.initializer = initializer
    p._grad = grad
    p.update_rule = update_rule
    return p
