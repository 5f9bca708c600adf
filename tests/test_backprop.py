"""The rules of backward (Chainer v7 semantics), each pinned by a test, and
the step generator that both backward() and the stepping widgets run."""
import gc
import sys
import tracemalloc
import warnings

import numpy as np
import pytest

import teachgrad.functions as F
from teachgrad import FunctionNode, Variable
from teachgrad.backprop import BackwardStep, backward_steps


def f32(*values):
    return np.array(values, dtype=np.float32)


# -- leaf and intermediate grads ---------------------------------------------------

def test_leaf_grads_accumulate_until_cleargrad():
    x = Variable(f32(3))
    for expected in (6, 12, 18):
        (x * x).backward()
        assert x.grad[0] == expected
    x.cleargrad()
    (x * x).backward()
    assert x.grad[0] == 6


def test_intermediate_grads_are_freed_unless_retained():
    x = Variable(f32(5))
    z = 2 * x
    y = x ** 2 - z + 1
    y.backward()
    assert z.grad is None and z.node.grad_state == 'freed'
    y.backward(retain_grad=True)
    assert z.grad[0] == -1 and z.node.grad_state == 'retained'


def test_grad_kept_by_an_earlier_retain_grad_is_freed_by_the_next_backward():
    # The seed's In[7]-In[9].
    x = Variable(f32(5))
    z = 2 * x
    y = x ** 2 - z + 1
    y.backward(retain_grad=True)
    np.testing.assert_array_equal(z.grad, [-1])
    y.backward()
    assert z.grad is None


def test_grad_set_by_the_user_on_the_output_is_kept_and_reused():
    # The seed's In[21]-In[23]: without cleargrads the second backward adds up.
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]], np.float32))
    W = Variable(np.array([[1., 0., -1.], [2., 1., 0.]], np.float32))
    b = Variable(np.zeros(2, np.float32))
    y = F.linear(x, W, b)
    seed = np.ones((2, 2), dtype=np.float32)
    y.grad = seed
    y.backward()
    np.testing.assert_array_equal(W.grad, [[5, 7, 9], [5, 7, 9]])
    np.testing.assert_array_equal(b.grad, [2, 2])
    assert y.grad is seed and y.node.grad_state == 'seed'
    y.backward()
    np.testing.assert_array_equal(W.grad, [[10, 14, 18], [10, 14, 18]])
    np.testing.assert_array_equal(b.grad, [4, 4])
    np.testing.assert_array_equal(seed, np.ones((2, 2)))         # never modified


@pytest.mark.parametrize('shape', [(), (1,), (1, 1)])
def test_size_one_output_is_seeded_with_ones(shape):
    x = Variable(np.full(shape, 3, np.float32))
    y = x * x
    with warnings.catch_warnings():
        warnings.simplefilter('error')        # no deprecation chatter for (1,)
        y.backward()
    np.testing.assert_array_equal(y.grad, np.ones(shape))
    assert y.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, np.full(shape, 6))


def test_non_scalar_output_without_grad_warns_and_computes_nothing():
    # The seed's In[12].
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))
    h = x ** 2
    y = h - 2 * x + 1
    with pytest.warns(UserWarning) as record:
        y.backward()
    message = str(record[0].message)
    assert 'y.grad' in message and 'F.sum' in message and '(2, 3)' in message
    assert x.grad is None and h.grad is None and y.grad is None
    assert y.creator.backward_order is None             # no step ran


def test_wrong_shape_grad_is_rejected_naming_both_shapes():
    x = Variable(np.ones((2, 3), np.float32))
    y = x * 2
    with pytest.raises(ValueError) as info:
        y.grad = np.ones((3, 2), np.float32)
    assert '(3, 2)' in str(info.value) and '(2, 3)' in str(info.value)


def test_backward_returning_a_wrong_shape_is_reported():
    class Broken(FunctionNode):
        def forward(self, x):
            return x.sum(keepdims=True)

        def backward(self, gy):
            return gy                   # should be broadcast back to x's shape

    x = Variable(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError) as info:
        Broken()(x).backward()
    assert 'Broken' in str(info.value)
    assert '(1, 1)' in str(info.value) and '(2, 3)' in str(info.value)


def test_backward_returning_too_few_grads_is_reported():
    class Broken(FunctionNode):
        def forward(self, a, b):
            return a + b

        def backward(self, gy):
            return (gy,)

    with pytest.raises(ValueError, match='returned 1 gradients for 2 inputs'):
        Broken()(Variable(f32(1)), Variable(f32(2))).backward()


def test_variable_used_several_times_sums_its_grads():
    x = Variable(f32(2))
    (x * x * x).backward()
    assert x.grad[0] == 12                                  # 3 x**2
    x.cleargrad()
    a, b = x * 2, x * 3
    (a * b).backward()                                      # 6 x**2 -> 12 x
    assert x.grad[0] == 24
    x.cleargrad()
    F.sum(F.stack([x] * 10)).backward()
    assert x.grad[0] == 10


def test_each_function_runs_once_after_all_its_grads_arrived():
    # x feeds a long branch and a short one; h's creator must wait for both.
    x = Variable(f32(1))
    h = x * 2
    long = h
    for _ in range(5):
        long = long + 1
    y = long * h
    steps = list(backward_steps(y))
    functions = [s.function for s in steps]
    assert len(functions) == len(set(functions)) == 7
    assert functions[-1] is h.creator
    assert x.grad[0] == 2 * (2 * 2 + 5)                    # d/dx (2x + 5) * 2x = 8x + 10


def test_grads_never_share_memory():
    # In-place updates of one grad (an optimizer's weight decay) must not
    # change another one.
    a = Variable(np.ones((2, 3), np.float32))
    b = Variable(np.ones((2, 3), np.float32))
    F.sum(a + b).backward()
    assert not np.shares_memory(a.grad, b.grad)
    W1 = Variable(np.ones((2, 3), np.float32))
    W2 = Variable(np.ones((3, 2), np.float32))
    F.sum(W1 + W2.T).backward()
    assert not np.shares_memory(W1.grad, W2.grad)
    # here the view (A.grad = gy.T) reaches its leaf before gy itself does
    A = Variable(np.ones((3, 2), np.float32))
    B = Variable(np.ones((2, 3), np.float32))
    y = F.sum(A.T + F.identity(F.identity(B)))
    order = [s.function.label for s in backward_steps(y)]
    assert order == ['sum', '+', 'identity', 'transpose', 'identity']
    assert not np.shares_memory(A.grad, B.grad)
    x = Variable(np.ones((2, 3), np.float32))
    y = x.reshape(3, 2)
    y.grad = np.ones((3, 2), np.float32)
    y.backward()
    assert not np.shares_memory(x.grad, y.grad)
    x.grad += 1
    np.testing.assert_array_equal(y.grad, np.ones((3, 2)))
    h1, h2 = x * 1, x * 1
    (F.sum(h1 + h2)).backward(retain_grad=True)
    assert not np.shares_memory(h1.grad, h2.grad)


def test_mixed_dtypes_give_each_grad_its_variables_dtype():
    a = Variable(f32(1, 2))
    b = Variable(np.array([3., 4.]))
    y = a * b
    assert y.dtype == np.float64                           # numpy's promotion
    F.sum(y).backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64
    np.testing.assert_array_equal(a.grad, [3, 4])


def test_unused_output_of_a_multi_output_function_gets_zeros():
    class Split(FunctionNode):
        def forward(self, x):
            return x[:1] * 1, x[1:] * 1

        def backward(self, ga, gb):
            return np.concatenate([ga, gb])

    x = Variable(f32(1, 2))
    a, b = Split()(x)
    (a * 3).backward()             # b is alive but got no grad: zeros are passed
    np.testing.assert_array_equal(x.grad, [3, 0])


# -- the step generator -------------------------------------------------------------

def test_backward_steps_order_and_records():
    x = Variable(f32(2), name='x')
    z = 2 * x
    y = x ** 2 - z + 1
    steps = backward_steps(y)
    first = next(steps)
    assert isinstance(first, BackwardStep) and first.index == 1
    assert first.function is y.creator and first.function.label == '+ 1'
    np.testing.assert_array_equal(first.grad_outputs[0], [1])
    assert x.grad is None                                  # nothing reached x yet
    rest = list(steps)
    assert [s.index for s in rest] == [2, 3, 4]
    labels = [s.function.label for s in [first] + rest]
    assert labels[:2] == ['+ 1', '-']
    assert sorted(labels[2:]) == ['* 2', '**2']
    for s in [first] + rest:
        assert s.function.backward_order == s.index
        assert len(s.grad_inputs) == len(s.function.inputs)
    np.testing.assert_array_equal(x.grad, [2])             # 2x - 2
    assert y.node.grad_state == 'seed' and z.node.grad_state == 'freed'
    assert x.node.grad_state is None                       # leaves keep their grad
    assert '<BackwardStep 1: + 1>' == repr(first)


def test_leaf_grad_appears_as_soon_as_it_is_produced():
    x = Variable(f32(3))
    y = (x * 2) + 1
    steps = backward_steps(y)
    next(steps)
    assert x.grad is None
    next(steps)
    np.testing.assert_array_equal(x.grad, [2])


def test_backward_steps_retain_grad_states():
    x = Variable(f32(2))
    h = x * 3
    y = h * h
    list(backward_steps(y, retain_grad=True))
    assert h.node.grad_state == 'retained'
    np.testing.assert_array_equal(h.grad, [12])
    list(backward_steps(y))
    assert h.node.grad_state == 'freed' and h.grad is None


def test_backward_order_is_overwritten_by_each_backward():
    x = Variable(f32(1))
    h = x * 2
    y1 = h + 1
    y2 = h * 5 + 1
    y1.backward()
    assert (y1.creator.backward_order, h.creator.backward_order) == (1, 2)
    y2.backward()
    assert h.creator.backward_order == 3


def test_a_dropped_intermediate_variable_still_passes_its_grad():
    x = Variable(f32(3))
    y = x * 2
    y = y * 5                      # the first y is gone; its node lives in the graph
    gc.collect()
    y.backward()
    np.testing.assert_array_equal(x.grad, [10])


# -- long chains --------------------------------------------------------------------

def test_100000_op_chain_backprops_without_recursion():
    limit = sys.getrecursionlimit()
    x = Variable(f32(1))
    y = x
    for _ in range(100000):
        y = y + 1e-6
    y.backward()
    np.testing.assert_array_equal(x.grad, [1])
    assert sys.getrecursionlimit() == limit
    del y                            # freeing a long chain must not recurse either
    gc.collect()


def _count_calls(n):
    x = Variable(f32(1))
    y = x
    for _ in range(n):
        y = y * 1.0001
    calls = [0]

    def profile(frame, event, arg):
        if event in ('call', 'c_call'):
            calls[0] += 1

    sys.setprofile(profile)
    try:
        y.backward()
    finally:
        sys.setprofile(None)
    return calls[0]


def test_backward_work_grows_linearly_with_chain_length():
    # Counting calls (Python and C) instead of timing: 4x the ops must take
    # about 4x the calls. A quadratic algorithm (rescanning a list of
    # candidates at every step) would give about 16x.
    small, big = _count_calls(1000), _count_calls(4000)
    assert 3.6 < big / small < 4.4


# -- memory -------------------------------------------------------------------------

def test_chain_of_100_ops_keeps_only_a_few_big_arrays_alive():
    MiB = 1 << 20
    x = Variable(np.ones(MiB, np.float32))        # 4 MiB
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        y = x
        for _ in range(50):                         # 100 function nodes
            y = y * 1.0001 + 0.0001
        after_forward, peak_forward = tracemalloc.get_traced_memory()
        F.sum(y).backward()
        after_backward, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # y (4 MiB) is alive; DeZero would keep ~100 such arrays (400 MiB).
    assert after_forward - base < 2 * 4 * MiB
    assert peak_forward - base < 4 * 4 * MiB      # y, y * 1.0001, and the next y
    assert peak - base < 5 * 4 * MiB
    assert after_backward - base < 3 * 4 * MiB    # y and x.grad
    assert x.grad.shape == (MiB,)
