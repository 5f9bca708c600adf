"""from_data: a TabularDataset from lists, arrays and functions of the row index."""
from teachgrad import backend
from teachgrad.dataset.tabular.tabular_dataset import TabularDataset


def from_data(data, *, size=None):
    """Build a TabularDataset from columns.

    ``data`` is one column (a list or array), a ``(name, column)`` pair, a
    tuple of columns or pairs (rows are tuples), or a dict ``{name: column}``
    (rows are dicts). A column may also be a function of the row index; then
    ``size`` gives the number of rows when no list or array does. Unnamed
    columns are called ``'_0'``, ``'_1'``... by position.

    >>> d = from_data([0, 1, 2])
    >>> d[0], d.keys
    (0, ('_0',))
    >>> d = from_data(([0, 1, 2], ('b', [3, 4, 5])))
    >>> d[1], d.keys
    ((1, 4), ('_0', 'b'))
    >>> d = from_data(('square', lambda i: i * i), size=10)
    >>> d[5]
    25
    """
    if isinstance(data, tuple) and len(data) == 2 and (
            isinstance(data[0], str) or
            isinstance(data[0], tuple) and data[0] and all(isinstance(k, str) for k in data[0])):
        return _column(data[0], data[1], size)
    if isinstance(data, tuple):
        columns = [c if isinstance(c, tuple) else ('_{}'.format(i), c)
                   for i, c in enumerate(data)]
        if not columns:
            raise ValueError('from_data got an empty tuple: give at least one column')
        size = _size(size, [c for _, c in columns])
        parts = [_column(k, c, size) for k, c in columns]
        return parts[0].join(*parts[1:]).astuple()
    if isinstance(data, dict):
        if not data:
            raise ValueError('from_data got an empty dict: give at least one column')
        size = _size(size, list(data.values()))
        parts = [_column(k, c, size) for k, c in data.items()]
        return parts[0].join(*parts[1:]).asdict()
    return _column('_0', data, size)


def _size(size, columns):
    for c in columns:
        if size is None and not callable(c):
            size = len(c)
    return size


def _column(key, data, size):
    if backend.is_array(data) or isinstance(data, list):
        if not isinstance(key, str):
            raise TypeError('a list or array column takes one name (a string), not {!r}'.format(
                key))
        return _Column(key, data)
    if callable(data):
        if size is None:
            raise ValueError('a column given as a function needs the number of rows: pass '
                             'size=... (or another column that is a list or array)')
        return _Index(size).transform(key, data)
    raise TypeError('from_data: a column must be a list, an array or a function of the row '
                    'index, not {}'.format(type(data).__name__))


class _Column(TabularDataset):
    """One named column held in a list or array."""

    def __init__(self, key, data):
        self._key = key
        self._data = data

    def __len__(self):
        return len(self._data)

    @property
    def keys(self):
        return (self._key,)

    @property
    def mode(self):
        return None

    def get_examples(self, indices, key_indices):
        n = 1 if key_indices is None else len(key_indices)
        if indices is None:
            column = self._data
        elif backend.is_array(self._data):
            column = self._data[list(indices)]
        else:
            column = [self._data[i] for i in indices]
        return (column,) * n


class _Index(TabularDataset):
    """The row numbers 0..size-1 as a column named ``index``."""

    def __init__(self, size):
        self._size = size

    def __len__(self):
        return self._size

    @property
    def keys(self):
        return ('index',)

    @property
    def mode(self):
        return None

    def get_examples(self, indices, key_indices):
        rows = list(range(self._size)) if indices is None else list(indices)
        return (rows,) * (1 if key_indices is None else len(key_indices))
