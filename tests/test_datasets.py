"""Datasets (teachgrad.datasets), DatasetMixin and concat_examples (teachgrad.dataset)."""
import sys

import numpy as np
import pytest

from teachgrad import dataset, datasets


# -- TupleDataset / DictDataset ---------------------------------------------------
def test_tuple_dataset_index_slice_list_and_array():
    x = np.arange(10).reshape(5, 2)
    t = np.array([0, 1, 2, 3, 4])
    d = datasets.TupleDataset(x, t)
    assert len(d) == 5
    xi, ti = d[2]
    np.testing.assert_array_equal(xi, [4, 5])
    assert ti == 2
    batch = d[1:3]
    assert isinstance(batch, list) and len(batch) == 2
    np.testing.assert_array_equal(batch[1][0], [4, 5])
    assert [e[1] for e in d[[4, 0]]] == [4, 0]
    assert [e[1] for e in d[np.array([3, 1])]] == [3, 1]


def test_tuple_dataset_errors():
    with pytest.raises(ValueError, match='at least one'):
        datasets.TupleDataset()
    with pytest.raises(ValueError, match='dataset 1 has 2 examples but dataset 0 has 3'):
        datasets.TupleDataset(np.zeros(3), np.zeros(2))


def test_dict_dataset():
    d = datasets.DictDataset(x=np.arange(3), t=np.array([5, 6, 7]))
    assert len(d) == 3
    assert d[1] == {'x': 1, 't': 6}
    assert d[0:2] == [{'x': 0, 't': 5}, {'x': 1, 't': 6}]
    with pytest.raises(ValueError, match="same length"):
        datasets.DictDataset(x=np.arange(3), t=np.arange(2))


def test_transform_dataset():
    d = datasets.TransformDataset(datasets.TupleDataset(np.arange(3), np.arange(3)),
                                  lambda e: (e[0] * 10, e[1]))
    assert len(d) == 3
    assert d[2] == (20, 2)
    assert d[:2] == [(0, 0), (10, 1)]


# -- SubDataset and splits -------------------------------------------------------------
def test_sub_dataset_positive_and_negative_indices():
    s = datasets.SubDataset(list('abcdefg'), 2, 5)
    assert len(s) == 3
    assert [s[i] for i in range(3)] == ['c', 'd', 'e']
    assert s[-1] == 'e' and s[-3] == 'c'
    assert s[0:2] == ['c', 'd']
    with pytest.raises(IndexError):
        s[3]
    with pytest.raises(IndexError):
        s[-4]


def test_sub_dataset_with_order():
    order = [3, 1, 0, 2]
    s = datasets.SubDataset(list('wxyz'), 1, 3, order)
    assert list(s) == ['x', 'w']


def test_sub_dataset_checks_bounds_and_order_length():
    with pytest.raises(ValueError):
        datasets.SubDataset([1, 2], 0, 3)
    with pytest.raises(ValueError, match='order has 1 indices'):
        datasets.SubDataset([1, 2], 0, 1, order=[0])


def test_split_dataset_in_order():
    a, b = datasets.split_dataset(list(range(5)), 2)
    assert list(a) == [0, 1] and list(b) == [2, 3, 4]
    with pytest.raises(ValueError, match='first_size=6'):
        datasets.split_dataset(list(range(5)), 6)


def test_split_dataset_random_is_a_seeded_partition():
    data = list(range(20))
    a, b = datasets.split_dataset_random(data, 15, seed=3)
    assert len(a) == 15 and len(b) == 5
    assert sorted(list(a) + list(b)) == data
    order = np.random.RandomState(3).permutation(20)   # Chainer's rule
    assert list(a) == list(order[:15]) and list(b) == list(order[15:])
    a2, _ = datasets.split_dataset_random(data, 15, seed=3)
    assert list(a2) == list(a)


def test_split_dataset_random_without_seed_uses_numpy_global_random_state():
    np.random.seed(7)
    a, _ = datasets.split_dataset_random(list(range(10)), 5)
    np.random.seed(7)
    b, _ = datasets.split_dataset_random(list(range(10)), 5)
    assert list(a) == list(b)
    np.random.seed(7)
    assert list(a) == list(np.random.permutation(10)[:5])


def test_cross_validation_folds_cover_everything_once():
    folds = datasets.get_cross_validation_datasets(list(range(7)), 3)
    assert len(folds) == 3
    vals = sorted(x for _, v in folds for x in v)
    assert vals == list(range(7))
    for train, val in folds:
        assert sorted(list(train) + list(val)) == list(range(7))
    assert [list(v) for _, v in folds] == [[4, 5, 6], [2, 3], [0, 1]]


# -- DatasetMixin ---------------------------------------------------------------------
class _Squares(dataset.DatasetMixin):
    def __len__(self):
        return 6

    def get_example(self, i):
        return i * i


def test_dataset_mixin_indexing():
    d = _Squares()
    assert d[4] == 16
    assert d[1:6:2] == [1, 9, 25]
    assert d[-2:] == [16, 25]
    assert d[[0, 2]] == [0, 4]
    assert d[np.array([5])] == [25]


def test_dataset_mixin_requires_get_example():
    class Empty(dataset.DatasetMixin):
        def __len__(self):
            return 1
    with pytest.raises(NotImplementedError, match='get_example'):
        Empty()[0]


# -- concat_examples ------------------------------------------------------------------
def test_concat_examples_tuples():
    batch = [(np.array([1, 2], 'f'), np.int32(0)), (np.array([3, 4], 'f'), np.int32(1))]
    x, t = dataset.concat_examples(batch)
    np.testing.assert_array_equal(x, [[1, 2], [3, 4]])
    assert x.dtype == np.float32
    np.testing.assert_array_equal(t, [0, 1])
    assert t.dtype == np.int32


def test_concat_examples_dicts_and_plain_arrays():
    out = dataset.concat_examples([{'a': np.zeros(2), 'b': 1}, {'a': np.ones(2), 'b': 2}])
    assert set(out) == {'a', 'b'}
    assert out['a'].shape == (2, 2)
    np.testing.assert_array_equal(out['b'], [1, 2])
    arr = dataset.concat_examples([np.zeros((2, 3)), np.ones((2, 3))])
    assert arr.shape == (2, 2, 3)


def test_concat_examples_padding():
    out = dataset.concat_examples([np.array([1, 2, 3]), np.array([4])], padding=0)
    np.testing.assert_array_equal(out, [[1, 2, 3], [4, 0, 0]])
    x, t = dataset.concat_examples(
        [(np.ones((1, 2)), np.array([1])), (np.ones((2, 1)), np.array([2, 3]))],
        padding=(-1, 9))
    np.testing.assert_array_equal(x, [[[1, 1], [-1, -1]], [[1, -1], [1, -1]]])
    np.testing.assert_array_equal(t, [[1, 9], [2, 3]])


def test_concat_examples_errors_explain():
    with pytest.raises(ValueError, match='empty batch'):
        dataset.concat_examples([])
    with pytest.raises(ValueError, match='padding'):
        dataset.concat_examples([np.zeros(2), np.zeros(3)])


def test_concat_examples_cpu_device_and_to_device():
    x, = dataset.concat_examples([(np.zeros(2),), (np.ones(2),)], device=-1)
    assert isinstance(x, np.ndarray)
    a = np.zeros(2)
    assert dataset.to_device(None, a) is a
    assert dataset.to_device('@numpy', a) is a
    with pytest.raises(ValueError, match='unknown device'):
        dataset.to_device('tpu', a)


# -- get_digits ------------------------------------------------------------------------
def test_get_digits_default_split_shapes_dtypes_and_scale():
    train, test = datasets.get_digits()
    assert (len(train), len(test)) == (1437, 360)
    x, t = train[0]
    assert x.shape == (64,) and x.dtype == np.float32
    assert t.dtype == np.int32
    xs = np.stack([e[0] for e in train])
    assert xs.min() == 0.0 and xs.max() == 1.0
    labels = {int(e[1]) for e in test}
    assert labels == set(range(10))


def test_get_digits_split_is_seeded_and_disjoint():
    from sklearn.datasets import load_digits
    raw = load_digits()
    train, test = datasets.get_digits(seed=1, test_size=100, scale=16.)
    train2, test2 = datasets.get_digits(seed=1, test_size=100, scale=16.)
    np.testing.assert_array_equal(test[0][0], test2[0][0])
    rows = {tuple(e[0].astype(int)) + (int(e[1]),) for e in train}
    rows_test = {tuple(e[0].astype(int)) + (int(e[1]),) for e in test}
    assert len(train) + len(test) == len(raw.data)
    # every example comes from scikit-learn's data, pixel values unchanged at scale 16
    everything = {tuple(r.astype(int)) + (int(t),) for r, t in zip(raw.data, raw.target)}
    assert rows | rows_test <= everything
    _, other = datasets.get_digits(seed=2, test_size=100)
    assert not np.array_equal(np.stack([e[0] for e in other]) * 16,
                              np.stack([e[0] for e in test]))


def test_get_digits_options():
    train, test = datasets.get_digits(withlabel=False, ndim=3, dtype='float64',
                                      test_size=0.5)
    assert isinstance(train, np.ndarray)
    assert train.shape[1:] == (1, 8, 8) and train.dtype == np.float64
    assert len(test) == 899
    train, _ = datasets.get_digits(ndim=2)
    assert train[0][0].shape == (8, 8)
    with pytest.raises(ValueError, match='ndim'):
        datasets.get_digits(ndim=4)
    with pytest.raises(ValueError, match='test_size'):
        datasets.get_digits(test_size=1.5)


def test_get_digits_without_sklearn_says_how_to_install(monkeypatch):
    from teachgrad.datasets import digits
    monkeypatch.setattr(digits, '_cache', {})
    monkeypatch.setitem(sys.modules, 'sklearn', None)
    monkeypatch.setitem(sys.modules, 'sklearn.datasets', None)
    with pytest.raises(ImportError, match=r'pip install "teachgrad\[training\]"'):
        datasets.get_digits()

