"""dataset.tabular: TabularDataset, its views and from_data."""
import numpy as np
import pytest

from teachgrad import iterators
from teachgrad.dataset import TabularDataset, concat_examples, tabular


class Grid(TabularDataset):
    """4 rows, columns a b c holding 3*row + column; counts the reads."""
    reads = 0

    def __len__(self):
        return 4

    @property
    def keys(self):
        return ('a', 'b', 'c')

    @property
    def mode(self):
        return tuple

    def get_examples(self, indices, key_indices):
        Grid.reads += 1
        data = np.arange(12).reshape(4, 3)
        if indices is not None:
            data = data[indices]
        if key_indices is not None:
            data = data[:, list(key_indices)]
        return tuple(data.T)


def test_rows_in_each_mode():
    d = Grid()
    assert len(d) == 4 and d.keys == ('a', 'b', 'c')
    assert d[1] == (3, 4, 5) and d[-1] == (9, 10, 11)
    assert d.asdict()[0] == {'a': 0, 'b': 1, 'c': 2}
    assert d.as_dict().mode is dict and d.asdict().astuple()[2] == (6, 7, 8)
    assert [row[0] for row in d] == [0, 3, 6, 9]
    with pytest.raises(IndexError, match='index 4 is out of range for a dataset of 4 rows'):
        d[4]


def test_fetch_is_column_major_and_convert_makes_arrays():
    a, b, c = Grid().fetch()
    np.testing.assert_array_equal(a, [0, 3, 6, 9])
    fetched = Grid().asdict().fetch()
    assert sorted(fetched) == ['a', 'b', 'c']
    lists = tabular.from_data({'x': [1, 2], 'y': [3., 4.]})
    converted = lists.convert(lists.fetch())
    assert isinstance(converted['x'], np.ndarray) and converted['y'].dtype == np.float64


def test_slice_rows_and_columns():
    d = Grid()
    view = d.slice[[3, 2], ('c', 0)]
    assert len(view) == 2 and view.keys == ('c', 'a')
    assert view[1] == (8, 6) and view.asdict()[1] == {'c': 8, 'a': 6}
    assert list(d.slice[1::2, 'b']) == [4, 10]
    assert d.slice[1::2, 'b'].mode is None
    assert list(d.slice[[True, False, False, True]].slice[:, 'a']) == [0, 9]
    nested = d.slice[1:].slice[[2, 0], ('c', 'b')].slice[:, ('b',)]
    assert nested.keys == ('b',) and list(nested) == [(10,), (4,)]
    Grid.reads = 0
    nested.fetch()
    assert Grid.reads == 1                   # one read for a whole column, through every view
    with pytest.raises(KeyError, match="no column named 'z'; the columns are"):
        d.slice[:, 'z']
    with pytest.raises(IndexError, match='row 7 is out of range'):
        d.slice[[7]]
    with pytest.raises(ValueError, match='boolean row mask needs one value per row'):
        d.slice[[True, False]]


def test_from_data_forms():
    assert tabular.from_data([0, 1, 2])[2] == 2
    assert tabular.from_data(([0, 1, 2], [3, 4, 5]))[0] == (0, 3)
    d = tabular.from_data((('a', [0, 1, 2]), ('b', np.array([3, 4, 5]))))
    assert d.keys == ('a', 'b') and d[0] == (0, 3)
    assert tabular.from_data({'a': [0, 1], 'b': [3, 4]})[1] == {'a': 1, 'b': 4}
    sq = tabular.from_data(('sq', lambda i: i * i), size=10)
    assert len(sq) == 10 and sq[5] == 25
    mixed = tabular.from_data({'x': [5, 6, 7], 'twice': lambda i: 2 * i})
    assert mixed[2] == {'x': 7, 'twice': 4}
    with pytest.raises(ValueError, match='needs the number of rows: pass size'):
        tabular.from_data(('sq', lambda i: i))
    with pytest.raises(TypeError, match='must be a list, an array or a function'):
        tabular.from_data(3)


def test_join_concat_transform_with_converter():
    x = tabular.from_data(('x', [1, 2, 3]))
    t = tabular.from_data(('t', [0, 1, 0]))
    joined = x.join(t)
    assert joined.keys == ('x', 't') and joined.mode is tuple and joined[2] == (3, 0)
    assert joined.slice[:, ('t',)].fetch() == ([0, 1, 0],)
    with pytest.raises(ValueError, match='column names must be unique'):
        x.join(x)
    with pytest.raises(ValueError, match='datasets of one length'):
        x.join(tabular.from_data(('y', [1])))
    both = joined.concat(joined)
    assert len(both) == 6 and both[4] == (2, 1)
    with pytest.raises(ValueError, match='same keys'):
        x.concat(t)
    squared = joined.transform(('x2', 't'), lambda x, t: (x * x, t))
    assert squared.mode is tuple and list(squared) == [(1, 0), (4, 1), (9, 0)]
    as_dict = joined.asdict().transform('s', lambda x, t: x + t)
    assert as_dict.mode is None and list(as_dict) == [1, 3, 3]
    conv = joined.with_converter(lambda x, t: (np.asarray(x) * 10, np.asarray(t)))
    xs, ts = conv.convert(conv.fetch())
    np.testing.assert_array_equal(xs, [10, 20, 30])


def test_tabular_dataset_feeds_an_iterator():
    d = tabular.from_data((np.arange(6, dtype=np.float32).reshape(3, 2),
                           np.array([0, 1, 1], np.int32)))
    batch = next(iterators.SerialIterator(d, 2, shuffle=False))
    x, t = concat_examples(batch)
    assert x.shape == (2, 2) and x.dtype == np.float32 and t.tolist() == [0, 1]


def test_delegate_dataset():
    inner = Grid().asdict()
    d = tabular.DelegateDataset(inner)
    assert d.keys == inner.keys and d.mode is dict and d[3]['c'] == 11
    with pytest.raises(TypeError, match='wraps a TabularDataset'):
        tabular.DelegateDataset([1, 2])


def test_abstract_methods_say_what_to_define():
    class Half(TabularDataset):
        def __len__(self):
            return 1
    with pytest.raises(NotImplementedError, match='Half must define get_examples'):
        Half().get_examples(None, None)


def test_transform_batch_gets_whole_columns():
    calls = []

    def scale(x, t):
        calls.append(len(x))
        return np.asarray(x) * 10, np.asarray(t)
    d = tabular.from_data((('x', [1, 2, 3]), ('t', [0, 1, 0]))).transform_batch(('x', 't'), scale)
    assert d.mode is tuple and d.keys == ('x', 't')
    xs, ts = d.fetch()
    np.testing.assert_array_equal(xs, [10, 20, 30])
    assert d.slice[[2, 0], 'x'].fetch().tolist() == [30, 10]
    assert 3 in calls and 2 in calls          # one call per read, with whole columns
    as_dict = tabular.from_data({'a': [1, 2]}).transform_batch('b', lambda a: [v + 1 for v in a])
    assert list(as_dict) == [2, 3]
    bad = tabular.from_data(('x', [1, 2])).transform_batch('y', lambda x: x[:1])
    with pytest.raises(ValueError, match='must keep the number of rows'):
        bad.fetch()
