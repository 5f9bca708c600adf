"""DictDataset: named arrays of the same length, read as ``{'x': ..., 't': ...}``.

>>> import numpy as np
>>> d = DictDataset(x=np.array([10, 20]), t=np.array([0, 1]))
>>> sorted(d[1].items())
[('t', np.int64(1)), ('x', np.int64(20))]
"""
import numpy


class DictDataset:
    """Zip named datasets of equal length; ``d[i]`` is a dict of their ``i``-th examples."""

    def __init__(self, **datasets):
        if not datasets:
            raise ValueError('DictDataset needs at least one dataset, e.g. '
                             'DictDataset(x=x, t=t)')
        length = None
        for key, dataset in datasets.items():
            if length is None:
                length, first = len(dataset), key
            elif len(dataset) != length:
                raise ValueError(
                    'DictDataset: {!r} has {} examples but {!r} has {}; all must '
                    'have the same length'.format(key, len(dataset), first, length))
        self._datasets = datasets
        self._length = length

    def __getitem__(self, index):
        batches = {key: dataset[index] for key, dataset in self._datasets.items()}
        if isinstance(index, (slice, list, numpy.ndarray)):
            length = len(next(iter(batches.values())))
            return [{key: batch[i] for key, batch in batches.items()}
                    for i in range(length)]
        return batches

    def __len__(self):
        return self._length
