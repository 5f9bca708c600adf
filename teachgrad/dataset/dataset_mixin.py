"""DatasetMixin: write ``get_example(i)`` and ``__len__``, get indexing for free.

>>> class Squares(DatasetMixin):
...     def __len__(self):
...         return 5
...     def get_example(self, i):
...         return i * i
>>> d = Squares()
>>> d[3], d[1:4], d[[0, 4]]
(9, [1, 4, 9], [0, 16])
"""
import numpy


class DatasetMixin:
    """Base class for datasets that compute one example at a time.

    Subclasses define ``__len__`` and ``get_example(i)``; ``dataset[i]``,
    ``dataset[a:b]`` and ``dataset[list_of_indices]`` then work, the last two
    returning lists of examples.
    """

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.get_example(i) for i in range(*index.indices(len(self)))]
        if isinstance(index, (list, numpy.ndarray)):
            return [self.get_example(i) for i in index]
        return self.get_example(index)

    def __len__(self):
        raise NotImplementedError(
            '{} must define __len__ (the number of examples)'.format(type(self).__name__))

    def get_example(self, i):
        """Return the ``i``-th example."""
        raise NotImplementedError(
            '{} must define get_example(self, i)'.format(type(self).__name__))
