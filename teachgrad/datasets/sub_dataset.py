"""SubDataset and splits: a view of part of a dataset, in order or shuffled.

>>> train, val = split_dataset_random(list(range(10)), 7, seed=0)
>>> len(train), len(val)
(7, 3)
>>> sorted(list(train) + list(val)) == list(range(10))
True
"""
import numpy

from teachgrad.dataset.dataset_mixin import DatasetMixin


class SubDataset(DatasetMixin):
    """Examples ``start`` to ``finish - 1`` of ``dataset``, optionally through ``order``.

    With ``order`` (a permutation of ``range(len(dataset))``), the view's
    ``i``-th example is ``dataset[order[start + i]]``. Nothing is copied.

    >>> s = SubDataset('abcdef', 1, 4)
    >>> len(s), s[0], s[-1]
    (3, 'b', 'd')
    """

    def __init__(self, dataset, start, finish, order=None):
        if start < 0 or finish > len(dataset) or start > finish:
            raise ValueError(
                'SubDataset: start={} and finish={} must satisfy 0 <= start <= '
                'finish <= len(dataset) = {}'.format(start, finish, len(dataset)))
        if order is not None and len(order) != len(dataset):
            raise ValueError(
                'SubDataset: order has {} indices but the dataset has {} examples; '
                'order must be a permutation of the whole dataset'.format(
                    len(order), len(dataset)))
        self._dataset = dataset
        self._start = start
        self._finish = finish
        self._size = finish - start
        self._order = order

    def __len__(self):
        return self._size

    def get_example(self, i):
        if not -self._size <= i < self._size:
            raise IndexError('index {} is out of range for a SubDataset of {} '
                             'examples'.format(i, self._size))
        index = self._start + i if i >= 0 else self._finish + i
        if self._order is not None:
            index = self._order[index]
        return self._dataset[index]


def split_dataset(dataset, first_size, order=None):
    """Split into the first ``first_size`` examples and the rest (two SubDatasets).

    >>> a, b = split_dataset([5, 6, 7], 1)
    >>> list(a), list(b)
    ([5], [6, 7])
    """
    n = len(dataset)
    if not 0 <= first_size <= n:
        raise ValueError('split_dataset: first_size={} must be between 0 and the '
                         'dataset size {}'.format(first_size, n))
    return (SubDataset(dataset, 0, first_size, order),
            SubDataset(dataset, first_size, n, order))


def split_dataset_random(dataset, first_size, seed=None):
    """Split into two SubDatasets of randomly chosen examples (no overlap).

    ``seed`` makes the split reproducible (the order is
    ``numpy.random.RandomState(seed).permutation(len(dataset))``, as in
    Chainer). With ``seed=None`` the order comes from numpy's global random
    state, so ``np.random.seed(0)`` earlier in a lesson reproduces it too.
    """
    n = len(dataset)
    if seed is None:
        order = numpy.random.permutation(n)
    else:
        order = numpy.random.RandomState(seed).permutation(n)
    return split_dataset(dataset, first_size, order)


def get_cross_validation_datasets(dataset, n_folds, order=None):
    """``n_folds`` pairs ``(train, validation)`` for k-fold cross validation.

    Every example is in exactly one validation part. The folds come in
    Chainer's order: the first validates on the end of ``order``, the next on
    the block before it, and so on.

    >>> folds = get_cross_validation_datasets(list(range(6)), 3)
    >>> [list(v) for _, v in folds]
    [[4, 5], [2, 3], [0, 1]]
    """
    order = numpy.arange(len(dataset)) if order is None else numpy.array(order)
    whole = len(dataset)
    borders = [whole * i // n_folds for i in range(n_folds + 1)]
    splits = []
    for i in reversed(range(n_folds)):
        test_size = borders[i + 1] - borders[i]
        splits.append(split_dataset(dataset, whole - test_size, order))
        # Rotate the validation block to the front: the block before it
        # becomes the end, the next validation part.
        order = numpy.roll(order, test_size)
    return splits


def get_cross_validation_datasets_random(dataset, n_folds, seed=None):
    """Like :func:`get_cross_validation_datasets` on a random order (seeded
    like :func:`split_dataset_random`)."""
    n = len(dataset)
    if seed is None:
        order = numpy.random.permutation(n)
    else:
        order = numpy.random.RandomState(seed).permutation(n)
    return get_cross_validation_datasets(dataset, n_folds, order)


def split_dataset_n(dataset, n, order=None):
    """Split into ``n`` SubDatasets of ``len(dataset) // n`` examples each.

    The ``len(dataset) % n`` examples at the end (of ``order``) are left out.

    >>> [list(s) for s in split_dataset_n(list(range(7)), 3)]
    [[0, 1], [2, 3], [4, 5]]
    """
    if isinstance(n, bool) or not isinstance(n, (int, numpy.integer)) or n < 1:
        raise ValueError('split_dataset_n: n must be a positive integer (the number of '
                         'parts), not {!r}'.format(n))
    size = len(dataset) // n
    return [SubDataset(dataset, size * i, size * (i + 1), order) for i in range(n)]


def split_dataset_n_random(dataset, n, seed=None):
    """Split into ``n`` SubDatasets of ``len(dataset) // n`` randomly chosen examples each.

    No example is in two parts. ``seed`` fixes the split (the order is
    ``numpy.random.RandomState(seed).permutation(len(dataset))``); without it
    numpy's global random state is used, so ``np.random.seed`` reproduces it.

    >>> parts = split_dataset_n_random(list(range(10)), 3, seed=0)
    >>> [list(p) for p in parts]
    [[2, 8, 4], [9, 1, 6], [7, 3, 0]]
    """
    n_examples = len(dataset)
    if seed is None:
        order = numpy.random.permutation(n_examples)
    else:
        order = numpy.random.RandomState(seed).permutation(n_examples)
    return split_dataset_n(dataset, n, order)
