"""TabularDataset: a dataset of rows that all have the same named columns.

Where a plain dataset only answers ``dataset[i]``, a tabular one also knows
its column names (``keys``) and can hand out whole columns at once
(``get_examples``), so views that pick rows and columns (``slice``), glue
datasets side by side (``join``) or end to end (``concat``) and rename the
output format (``astuple`` / ``asdict``) cost nothing until data is read.

>>> import numpy as np
>>> from teachgrad.dataset import tabular
>>> d = tabular.from_data({'x': np.arange(4) * 10, 'y': ['a', 'b', 'c', 'd']})
>>> len(d), d.keys, d.mode
(4, ('x', 'y'), <class 'dict'>)
>>> d.astuple()[1]
(np.int64(10), 'b')
>>> view = d.slice[[3, 0], 'y']
>>> list(view), view.mode is None
(['d', 'a'], True)
>>> d.fetch()['y']
['a', 'b', 'c', 'd']
"""
import numbers

import numpy

from teachgrad import backend
from teachgrad.dataset.dataset_mixin import DatasetMixin


class TabularDataset(DatasetMixin):
    """Base class of tabular datasets.

    A subclass defines ``__len__``, ``keys`` (the column names, a tuple of
    str), ``mode`` (``tuple``, ``dict``, or ``None`` for a single column
    given as plain values) and ``get_examples(indices, key_indices)``, which
    returns one list or array per requested column (all rows when
    ``indices`` is None, all columns when ``key_indices`` is None).

    >>> import numpy as np
    >>> class Squares(TabularDataset):
    ...     def __len__(self):
    ...         return 4
    ...     keys = ('n', 'n2')
    ...     mode = tuple
    ...     def get_examples(self, indices, key_indices):
    ...         n = np.arange(4) if indices is None else np.asarray(indices)
    ...         columns = (n, n * n)
    ...         return columns if key_indices is None else tuple(columns[k] for k in key_indices)
    >>> d = Squares()
    >>> d[3]
    (np.int64(3), np.int64(9))
    >>> d.asdict()[2]
    {'n': np.int64(2), 'n2': np.int64(4)}
    >>> d.slice[1:3, ('n2',)].fetch()
    (array([1, 4]),)
    """

    def __len__(self):
        raise NotImplementedError('{} must define __len__'.format(type(self).__name__))

    @property
    def keys(self):
        """The column names, a tuple of strings."""
        raise NotImplementedError('{} must define keys'.format(type(self).__name__))

    @property
    def mode(self):
        """How a row is given: ``tuple``, ``dict``, or ``None`` (one column, plain values)."""
        raise NotImplementedError('{} must define mode'.format(type(self).__name__))

    def get_examples(self, indices, key_indices):
        """One list/array per column in ``key_indices`` (None: all), rows ``indices`` (None: all)."""
        raise NotImplementedError('{} must define get_examples(indices, key_indices)'.format(
            type(self).__name__))

    # -- reading -------------------------------------------------------------
    def _shape(self, columns):
        if self.mode is tuple:
            return tuple(columns)
        if self.mode is dict:
            return dict(zip(self.keys, columns))
        if self.mode is None:
            return columns[0]
        raise ValueError('{}.mode must be tuple, dict or None, not {!r}'.format(
            type(self).__name__, self.mode))

    def get_example(self, i):
        if isinstance(i, numbers.Integral):
            if not -len(self) <= i < len(self):
                raise IndexError('index {} is out of range for a dataset of {} rows'.format(
                    i, len(self)))
            i = i % len(self)
        return self._shape([column[0] for column in self.get_examples([i], None)])

    def __iter__(self):
        return (self.get_example(i) for i in range(len(self)))

    def fetch(self):
        """All the data, column by column (a tuple, dict or single list/array, by ``mode``)."""
        return self._shape(self.get_examples(None, None))

    def convert(self, data):
        """Turn fetched columns into arrays (override with :meth:`with_converter`)."""
        if isinstance(data, tuple):
            return tuple(_as_array(d) for d in data)
        if isinstance(data, dict):
            return {k: _as_array(v) for k, v in data.items()}
        return _as_array(data)

    # -- views -------------------------------------------------------------
    @property
    def slice(self):
        """``dataset.slice[rows, columns]``: a view of some rows and columns.

        ``rows`` is a slice, a list of ints or a list of bools (one per row);
        ``columns`` a tuple of names or positions, or one name/position (the
        view then gives plain values).
        """
        return _SliceHelper(self)

    def astuple(self):
        """A view whose rows are tuples."""
        return _AsMode(self, tuple)

    def asdict(self):
        """A view whose rows are dicts keyed by column name."""
        return _AsMode(self, dict)

    as_tuple = astuple
    as_dict = asdict

    def join(self, *datasets):
        """Columns of several datasets of the same length side by side."""
        return _Join(self, *datasets)

    def concat(self, *datasets):
        """Rows of several datasets with the same keys one after another."""
        return _Concat(self, *datasets)

    def transform(self, keys, transform):
        """A dataset whose rows are ``transform(*row)`` (``transform(**row)`` in dict mode)."""
        return _Transform(self, keys, transform)

    def transform_batch(self, keys, transform_batch):
        """Like :meth:`transform`, but ``transform_batch`` gets and returns whole columns."""
        return _TransformBatch(self, keys, transform_batch)

    def with_converter(self, converter):
        """The same data with ``convert`` replaced by ``converter``."""
        return _WithConverter(self, converter)


def _as_array(data):
    if backend.is_array(data):
        return data
    if len(data) and backend.is_array(data[0]):
        return backend.get_array_module(data[0]).asarray(data)
    return numpy.asarray(data)


def _index_list(indices, n):
    """Rows as a list of ints in 0..n-1 (None stays None: all rows)."""
    if indices is None:
        return None
    if isinstance(indices, slice):
        return list(range(*indices.indices(n)))
    indices = list(indices)
    if indices and all(isinstance(i, (bool, numpy.bool_)) for i in indices):
        if len(indices) != n:
            raise ValueError('a boolean row mask needs one value per row: got {} for a dataset '
                             'of {} rows'.format(len(indices), n))
        return [i for i, keep in enumerate(indices) if keep]
    out = []
    for i in indices:
        i = int(i)
        if not -n <= i < n:
            raise IndexError('row {} is out of range for a dataset of {} rows'.format(i, n))
        out.append(i % n)
    return out


def _key_index_list(keys, names):
    out = []
    for key in keys:
        if isinstance(key, numbers.Integral):
            if not -len(names) <= key < len(names):
                raise IndexError('column {} is out of range: the dataset has {} columns {}'
                                 .format(key, len(names), names))
            out.append(key % len(names))
        elif key in names:
            out.append(names.index(key))
        else:
            raise KeyError('no column named {!r}; the columns are {}'.format(key, names))
    return tuple(out)


class _SliceHelper(object):
    def __init__(self, dataset):
        self._dataset = dataset

    def __getitem__(self, args):
        indices, keys = args if isinstance(args, tuple) else (args, None)
        return _Slice(self._dataset, indices, keys)


class _Slice(TabularDataset):
    def __init__(self, dataset, indices, keys):
        self._dataset = dataset
        self._unary = None if keys is None else not isinstance(keys, tuple)
        if self._unary:
            keys = (keys,)
        self._indices = _index_list(indices, len(dataset))
        self._key_indices = None if keys is None else _key_index_list(keys, dataset.keys)

    def __len__(self):
        return len(self._dataset) if self._indices is None else len(self._indices)

    @property
    def keys(self):
        if self._key_indices is None:
            return self._dataset.keys
        return tuple(self._dataset.keys[k] for k in self._key_indices)

    @property
    def mode(self):
        if self._unary is None:
            return self._dataset.mode
        return None if self._unary else (self._dataset.mode or tuple)

    def get_examples(self, indices, key_indices):
        indices = _index_list(indices, len(self))
        if self._indices is not None:
            indices = self._indices if indices is None else [self._indices[i] for i in indices]
        if self._key_indices is not None:
            key_indices = self._key_indices if key_indices is None else tuple(
                self._key_indices[k] for k in key_indices)
        return self._dataset.get_examples(indices, key_indices)

    def convert(self, data):
        return self._dataset.convert(data)


class _AsMode(TabularDataset):
    def __init__(self, dataset, mode):
        self._dataset = dataset
        self._mode = mode

    def __len__(self):
        return len(self._dataset)

    @property
    def keys(self):
        return self._dataset.keys

    @property
    def mode(self):
        return self._mode

    def get_examples(self, indices, key_indices):
        return self._dataset.get_examples(indices, key_indices)

    def convert(self, data):
        return self._dataset.convert(data)


class _Join(TabularDataset):
    def __init__(self, *datasets):
        seen = []
        for d in datasets:
            if len(d) != len(datasets[0]):
                raise ValueError('join needs datasets of one length, but they have {} rows'
                                 .format([len(x) for x in datasets]))
            twice = set(seen) & set(d.keys)
            if twice:
                raise ValueError('join: column names must be unique, but {} appear in more '
                                 'than one dataset'.format(sorted(twice)))
            seen.extend(d.keys)
        self._datasets = datasets

    def __len__(self):
        return len(self._datasets[0])

    @property
    def keys(self):
        return tuple(k for d in self._datasets for k in d.keys)

    @property
    def mode(self):
        for d in self._datasets:
            if d.mode:
                return d.mode
        return tuple

    def get_examples(self, indices, key_indices):
        # which dataset owns each requested column, and its position there
        owners = [(d, i) for d in self._datasets for i in range(len(d.keys))]
        wanted = range(len(owners)) if key_indices is None else key_indices
        columns = []
        for k in wanted:
            d, i = owners[k]
            columns.append(d.get_examples(indices, (i,))[0])
        return tuple(columns)

    def convert(self, data):
        return self._datasets[0].convert(data)


class _Concat(TabularDataset):
    def __init__(self, *datasets):
        for d in datasets[1:]:
            if d.keys != datasets[0].keys:
                raise ValueError('concat needs datasets with the same keys, but got {} and {}'
                                 .format(datasets[0].keys, d.keys))
        self._datasets = datasets

    def __len__(self):
        return sum(len(d) for d in self._datasets)

    @property
    def keys(self):
        return self._datasets[0].keys

    @property
    def mode(self):
        return self._datasets[0].mode

    def get_examples(self, indices, key_indices):
        indices = list(range(len(self))) if indices is None else _index_list(indices, len(self))
        n_columns = len(self.keys) if key_indices is None else len(key_indices)
        columns = [[] for _ in range(n_columns)]
        for i in indices:
            for d in self._datasets:
                if i < len(d):
                    for column, value in zip(columns, d.get_examples([i], key_indices)):
                        column.append(value[0])
                    break
                i -= len(d)
        return tuple(columns)

    def convert(self, data):
        return self._datasets[0].convert(data)


class _Transform(TabularDataset):
    def __init__(self, dataset, keys, transform):
        self._dataset = dataset
        self._keys = keys if isinstance(keys, tuple) else (keys,)
        self._transform = transform
        self._mode = None
        self._mode_known = False

    def __len__(self):
        return len(self._dataset)

    @property
    def keys(self):
        return self._keys

    @property
    def mode(self):
        if not self._mode_known:
            self.get_examples([0], None)
        return self._mode

    def get_examples(self, indices, key_indices):
        wanted = range(len(self._keys)) if key_indices is None else key_indices
        columns = tuple([] for _ in wanted)
        d = self._dataset
        for row in zip(*d.get_examples(indices, None)):
            out = self._transform(**dict(zip(d.keys, row))) if d.mode is dict else \
                self._transform(*row)
            mode = tuple if isinstance(out, tuple) else dict if isinstance(out, dict) else None
            if self._mode_known and mode is not self._mode:
                raise ValueError('transform returned a {} after returning a {}; it must return '
                                 'the same kind every time'.format(
                                     getattr(mode, '__name__', 'plain value'),
                                     getattr(self._mode, '__name__', 'plain value')))
            self._mode, self._mode_known = mode, True
            values = out if mode is tuple else (
                tuple(out[k] for k in self._keys) if mode is dict else (out,))
            if len(values) != len(self._keys):
                raise ValueError('transform returned {} values for the {} keys {}'.format(
                    len(values), len(self._keys), self._keys))
            for column, k in zip(columns, wanted):
                column.append(values[k])
        return columns

    def convert(self, data):
        return self._dataset.convert(data)


class _TransformBatch(_Transform):
    def get_examples(self, indices, key_indices):
        d = self._dataset
        columns = d.get_examples(indices, None)
        out = self._transform(**dict(zip(d.keys, columns))) if d.mode is dict else \
            self._transform(*columns)
        mode = tuple if isinstance(out, tuple) else dict if isinstance(out, dict) else None
        if self._mode_known and mode is not self._mode:
            raise ValueError('transform_batch must return the same kind (tuple, dict or one '
                             'column) every time')
        self._mode, self._mode_known = mode, True
        values = out if mode is tuple else (
            tuple(out[k] for k in self._keys) if mode is dict else (out,))
        if len(values) != len(self._keys):
            raise ValueError('transform_batch returned {} columns for the {} keys {}'.format(
                len(values), len(self._keys), self._keys))
        n = len(self) if indices is None else len(_index_list(indices, len(d)))
        for v in values:
            if len(v) != n:
                raise ValueError('transform_batch returned a column of {} rows for {} rows; '
                                 'it must keep the number of rows'.format(len(v), n))
        wanted = range(len(self._keys)) if key_indices is None else key_indices
        return tuple(values[k] for k in wanted)


class _WithConverter(TabularDataset):
    def __init__(self, dataset, converter):
        self._dataset = dataset
        self._converter = converter

    def __len__(self):
        return len(self._dataset)

    @property
    def keys(self):
        return self._dataset.keys

    @property
    def mode(self):
        return self._dataset.mode

    def get_examples(self, indices, key_indices):
        return self._dataset.get_examples(indices, key_indices)

    def convert(self, data):
        if isinstance(data, tuple):
            return self._converter(*data)
        if isinstance(data, dict):
            return self._converter(**data)
        return self._converter(data)
