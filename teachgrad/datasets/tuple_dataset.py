"""TupleDataset: several arrays of the same length, read as ``(x, t)`` examples.

>>> import numpy as np
>>> d = TupleDataset(np.array([[0., 1.], [2., 3.]]), np.array([1, 0]))
>>> d[0]
(array([0., 1.]), np.int64(1))
>>> d[0:2]
[(array([0., 1.]), np.int64(1)), (array([2., 3.]), np.int64(0))]
"""
import numpy


class TupleDataset:
    """Zip datasets (arrays, lists, other datasets) of equal length.

    ``d[i]`` is the tuple of each dataset's ``i``-th example; a slice or a
    list of indices gives a list of such tuples.
    """

    def __init__(self, *datasets):
        if not datasets:
            raise ValueError('TupleDataset needs at least one dataset, e.g. '
                             'TupleDataset(x, t)')
        length = len(datasets[0])
        for i, dataset in enumerate(datasets):
            if len(dataset) != length:
                raise ValueError(
                    'TupleDataset: dataset {} has {} examples but dataset 0 has {}; '
                    'all must have the same length'.format(i, len(dataset), length))
        self._datasets = datasets
        self._length = length

    def __getitem__(self, index):
        batches = [dataset[index] for dataset in self._datasets]
        if isinstance(index, (slice, list, numpy.ndarray)):
            return [tuple(batch[i] for batch in batches) for i in range(len(batches[0]))]
        return tuple(batches)

    def __len__(self):
        return self._length

    def __repr__(self):
        return '<TupleDataset {} examples, {} fields>'.format(
            self._length, len(self._datasets))
