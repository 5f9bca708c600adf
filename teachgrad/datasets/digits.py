"""The 8x8 handwritten digits that ship with scikit-learn: real data, no download.

1797 grey images of the digits 0-9 (pixel values 0-16), small enough that an
MLP trains on them in seconds on a laptop. They need no download, so they are
the real data set of the lessons, and the one to use offline.

>>> train, test = get_digits()                       # doctest: +SKIP
>>> x, t = train[0]                                  # doctest: +SKIP
>>> x.shape, x.dtype, t.dtype                        # doctest: +SKIP
((64,), dtype('float32'), dtype('int32'))
"""
import math

import numpy

from teachgrad.datasets.tuple_dataset import TupleDataset

_cache = {}


def _load_digits():
    if 'digits' not in _cache:
        try:
            from sklearn.datasets import load_digits
        except ImportError as e:
            raise ImportError(
                'get_digits() reads the digits that ship with scikit-learn, which '
                'is not installed. Install it with:  pip install "teachgrad[training]"'
            ) from e
        bunch = load_digits()
        _cache['digits'] = (bunch.data, bunch.target)
    return _cache['digits']


def get_digits(withlabel=True, ndim=1, scale=1., dtype='float32', label_dtype='int32',
               test_size=0.2, seed=0):
    """Return ``(train, test)`` splits of scikit-learn's 8x8 digits.

    Args:
        withlabel: if True, each split is a :class:`TupleDataset` of
            ``(image, label)``; if False, a plain array of images.
        ndim: 1 gives images of shape (64,), 2 gives (8, 8), 3 gives
            (1, 8, 8) for convolutions.
        scale: pixel values are scaled to ``[0, scale]``.
        dtype: dtype of the images; ``label_dtype`` that of the labels.
        test_size: a fraction of the 1797 examples (0.2 gives 360) or a number
            of examples for the test split.
        seed: the split is a random permutation drawn with this seed, so the
            same seed always gives the same split.

    Example (scikit-learn needed)::

        >>> train, test = get_digits()
        >>> len(train), len(test)
        (1437, 360)
    """
    data, target = _load_digits()
    n = len(data)
    if isinstance(test_size, float):
        if not 0.0 <= test_size <= 1.0:
            raise ValueError('test_size={} as a fraction must be between 0 and 1'
                             .format(test_size))
        n_test = int(math.ceil(test_size * n))
    else:
        n_test = int(test_size)
    if not 0 <= n_test <= n:
        raise ValueError('test_size={} must be at most the {} examples'.format(
            test_size, n))
    shapes = {1: (64,), 2: (8, 8), 3: (1, 8, 8)}
    if ndim not in shapes:
        raise ValueError('ndim must be 1 (64,), 2 (8, 8) or 3 (1, 8, 8), not {!r}'
                         .format(ndim))
    images = data.astype(dtype).reshape((n,) + shapes[ndim])
    images *= scale / 16.
    labels = target.astype(label_dtype)
    order = numpy.random.RandomState(seed).permutation(n)
    test_idx, train_idx = numpy.sort(order[:n_test]), numpy.sort(order[n_test:])
    if not withlabel:
        return images[train_idx], images[test_idx]
    return (TupleDataset(images[train_idx], labels[train_idx]),
            TupleDataset(images[test_idx], labels[test_idx]))

