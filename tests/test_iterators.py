"""SerialIterator: Chainer's batching, epoch counting and shuffling rules."""
import numpy as np
import pytest

from teachgrad import iterators
from teachgrad.iterators import SerialIterator, ShuffleOrderSampler


def test_repeat_in_order_fills_the_last_batch_from_the_next_epoch():
    it = SerialIterator(list(range(6)), 4, shuffle=False)
    assert it.epoch == 0 and it.epoch_detail == 0.0 and not it.is_new_epoch
    assert it.previous_epoch_detail is None
    assert next(it) == [0, 1, 2, 3]
    assert (it.epoch, it.is_new_epoch) == (0, False)
    assert it.epoch_detail == pytest.approx(4 / 6)
    assert it.previous_epoch_detail == 0.0
    assert it.next() == [4, 5, 0, 1]
    assert (it.epoch, it.is_new_epoch) == (1, True)
    assert it.epoch_detail == pytest.approx(1 + 2 / 6)
    assert it.previous_epoch_detail == pytest.approx(4 / 6)
    assert next(it) == [2, 3, 4, 5]
    assert (it.epoch, it.is_new_epoch, it.epoch_detail) == (2, True, 2.0)
    assert next(it) == [0, 1, 2, 3]
    assert (it.epoch, it.is_new_epoch) == (2, False)


def test_no_repeat_gives_a_short_last_batch_then_stops():
    it = SerialIterator(list(range(5)), 2, repeat=False, shuffle=False)
    assert next(it) == [0, 1]
    assert next(it) == [2, 3]
    assert it.epoch == 0
    assert next(it) == [4]
    assert (it.epoch, it.is_new_epoch, it.epoch_detail) == (1, True, 1.0)
    with pytest.raises(StopIteration):
        next(it)
    with pytest.raises(StopIteration):
        next(it)


def test_no_repeat_exact_multiple():
    it = SerialIterator(list(range(4)), 2, repeat=False, shuffle=False)
    assert list(it) == [[0, 1], [2, 3]]
    assert it.epoch == 1


def test_batch_larger_than_dataset_spans_several_epochs():
    it = SerialIterator(list(range(3)), 7, shuffle=False)
    assert next(it) == [0, 1, 2, 0, 1, 2, 0]
    assert it.epoch == 2 and it.is_new_epoch
    assert it.epoch_detail == pytest.approx(2 + 1 / 3)
    no_repeat = SerialIterator(list(range(3)), 7, repeat=False, shuffle=False)
    assert next(no_repeat) == [0, 1, 2]


def test_shuffle_uses_numpy_global_random_state_like_chainer():
    np.random.seed(0)
    it = SerialIterator(list(range(10)), 5)   # shuffle is on by default
    batches = [next(it) for _ in range(3)]
    np.random.seed(0)
    first = np.random.permutation(10)         # drawn at construction
    second = np.random.permutation(10)        # drawn when epoch 1 ends
    assert batches == [list(first[:5]), list(first[5:]), list(second[:5])]


def test_shuffled_epochs_cover_every_example_once_even_across_batches():
    np.random.seed(1)
    it = SerialIterator(list(range(7)), 3)
    seen = []
    while it.epoch < 3:
        seen.extend(next(it))
    # 3 epochs end exactly when 21 examples were drawn (7 batches of 3).
    assert len(seen) == 21
    for e in range(3):
        assert sorted(seen[7 * e:7 * (e + 1)]) == list(range(7))


def test_same_seed_same_batches():
    def batches(seed):
        np.random.seed(seed)
        it = SerialIterator(list(range(20)), 6)
        return [next(it) for _ in range(8)]
    assert batches(3) == batches(3)
    assert batches(3) != batches(4)


def test_reset_starts_over():
    it = SerialIterator(list(range(4)), 3, shuffle=False)
    next(it)
    next(it)
    it.reset()
    assert (it.epoch, it.current_position, it.is_new_epoch) == (0, 0, False)
    assert it.previous_epoch_detail is None
    assert next(it) == [0, 1, 2]


def test_examples_come_from_dataset_indexing():
    class D:
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return ('ex', int(i))
    it = SerialIterator(D(), 2, shuffle=False)
    assert next(it) == [('ex', 0), ('ex', 1)]


def test_custom_order_sampler():
    calls = []

    def reverse(order, position):
        calls.append(position)
        return np.arange(len(order))[::-1]
    it = SerialIterator(list(range(4)), 3, order_sampler=reverse)
    assert next(it) == [3, 2, 1]
    assert next(it) == [0, 3, 2]
    assert calls == [0, 3]      # the position where the epoch ended, as in Chainer
    with pytest.raises(ValueError, match='not both'):
        SerialIterator([1], 1, shuffle=True, order_sampler=reverse)


def test_shuffle_order_sampler_with_own_random_state():
    a = ShuffleOrderSampler(np.random.RandomState(5))(np.arange(6), 0)
    np.testing.assert_array_equal(a, np.random.RandomState(5).permutation(6))


def test_bad_arguments_explain():
    with pytest.raises(ValueError, match='batch_size'):
        SerialIterator([1, 2], 0)
    with pytest.raises(ValueError, match='empty'):
        SerialIterator([], 2)


class _Store:
    """A tiny serializer pair over one dict (saving, then loading)."""
    def __init__(self, data, loading):
        self.data, self.loading = data, loading

    def __getitem__(self, key):
        return _Store(self.data.setdefault(key, {}), self.loading)

    def __call__(self, key, value):
        if self.loading:
            return self.data[key]
        self.data[key] = value.copy() if isinstance(value, np.ndarray) else value
        return value


def test_serialize_round_trip_continues_identically():
    np.random.seed(2)
    it = SerialIterator(list(range(7)), 3)
    for _ in range(4):
        next(it)
    store = {}
    it.serialize(_Store(store, loading=False))
    expected = [next(it) for _ in range(3)]
    np.random.seed(99)
    other = SerialIterator(list(range(7)), 3)
    other.serialize(_Store(store, loading=True))
    assert other.epoch == 1 and other.current_position == 5
    assert other.previous_epoch_detail == pytest.approx(1 + 2 / 7)
    # The rest of this epoch follows the saved order; later epochs reshuffle.
    assert next(other)[:2] == expected[0][:2]


def test_iterators_module_exports():
    assert iterators.SerialIterator is SerialIterator
