"""Class 5 of reliability: errors that teach. Each names the function, the
shapes or types involved, and the fix, and the failed call changes nothing."""
import io

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import datasets, iterators, optimizers, serializers, training, Variable

from unchanged import Unchanged


@settings(max_examples=30, deadline=None)
@given(batch_a=st.integers(2, 4), batch_b=st.integers(2, 4), n=st.integers(1, 3))
def test_batched_matmul_names_the_batch_shapes(batch_a, batch_b, n):
    a = Variable(np.ones((batch_a, 2, n), np.float32))
    b = Variable(np.ones((batch_b, n, 3), np.float32))
    if batch_a == batch_b:
        assert F.matmul(a, b).shape == (batch_a, 2, 3)
        return
    with pytest.raises(ValueError) as info:
        F.matmul(a, b)
    message = str(info.value)
    assert 'remapped' not in message
    assert 'the batch shapes ({},) and ({},) do not match'.format(batch_a, batch_b) in message
    assert 'batches of matrices (2, {0}) and ({0}, 3)'.format(n) in message


def test_batched_matmul_broadcasts_batch_axes_of_size_one():
    y = F.matmul(np.ones((4, 2, 3), np.float32), np.ones((1, 3, 5), np.float32))
    assert y.shape == (4, 2, 5)


def test_concat_of_nothing():
    with pytest.raises(ValueError, match=r'concat got an empty list: there is nothing to '
                                         r'join.*F\.concat\(\[a, b\], axis=1\)'):
        F.concat([])


@pytest.mark.parametrize('call', [
    lambda v: F.relu(v), lambda v: F.sigmoid(v), lambda v: v * 2, lambda v: F.sum(v),
])
def test_a_variable_without_data_is_named(call):
    v = Variable(None, name='h')
    with pytest.raises(TypeError, match=r"got a Variable with no data \(None\) as input 0 "
                                        r"\(h\)\. Give it an array first"):
        call(v)


def test_relu_of_variable_none_example():
    with pytest.raises(TypeError, match="'relu' got a Variable with no data"):
        F.relu(Variable(None))


def test_linear_with_zero_inputs():
    with pytest.raises(ValueError, match=r'Linear: in_size must be a positive whole number, '
                                         r'but got 0'):
        L.Linear(0, 2)


def test_custom_backward_may_return_a_list_as_in_chainer():
    class Mul(teachgrad.FunctionNode):
        def forward(self, a, b):
            self.a, self.b = a, b
            return a * b

        def backward(self, gy):
            return [gy * self.b, gy * self.a]

    a = Variable(np.array([2.], np.float32))
    b = Variable(np.array([3.], np.float32))
    Mul()(a, b).backward()
    assert (a.grad.tolist(), b.grad.tolist()) == ([3.], [2.])


def test_custom_backward_returning_a_number_is_explained():
    class Bad(teachgrad.FunctionNode):
        def forward(self, a):
            return a * 2

        def backward(self, gy):
            return 2.0

    a = Variable(np.array([2.], np.float32))
    with pytest.raises(TypeError, match=r'Bad\.backward returned a float as the gradient of '
                                        r'an input of shape \(1,\); each gradient must be an '
                                        r'array'):
        Bad()(a).backward()


def test_saving_an_optimizer_that_was_never_set_up():
    with pytest.raises(RuntimeError, match=r'SGD is not set up, so it has no state to save or '
                                           r'load yet: call optimizer\.setup\(model\) first'):
        serializers.save_npz(io.BytesIO(), optimizers.SGD())


def test_loading_into_an_optimizer_that_was_never_set_up():
    model = L.Linear(2, 2)
    buffer = io.BytesIO()
    serializers.save_npz(buffer, optimizers.SGD().setup(model))
    buffer.seek(0)
    opt = optimizers.SGD()
    with pytest.raises(RuntimeError, match='SGD is not set up'):
        serializers.load_npz(buffer, opt)


def test_trainer_over_an_iterator_that_does_not_repeat(tmp_path):
    model = L.Classifier(L.Linear(2, 2))
    opt = optimizers.SGD().setup(model)
    data = datasets.TupleDataset(np.ones((4, 2), np.float32), np.array([0, 1, 0, 1], np.int32))
    it = iterators.SerialIterator(data, 2, repeat=False, shuffle=False)
    trainer = training.Trainer(training.updaters.StandardUpdater(it, opt), (3, 'epoch'),
                               out=str(tmp_path))
    with pytest.raises(RuntimeError, match=r"the training iterator 'main' ran out of examples "
                                           r"after 2 iterations.*repeat=False.*"
                                           r"SerialIterator\(dataset, batch_size\)") as info:
        trainer.run(show_loop_exception_msg=False)
    assert not isinstance(info.value, StopIteration)
    assert trainer.updater.iteration == 2


def test_np_exp_of_a_variable_points_at_f_exp():
    with pytest.raises(TypeError, match=r'Use F\.exp\(x\)'):
        np.exp(Variable(np.ones(2, np.float32)))


def test_float64_into_a_float32_linear_is_refused_as_in_chainer():
    f = L.Linear(3, 2)
    with Unchanged(f):
        with pytest.raises(TypeError, match=r'Linear: the input is float64 but W is float32; '
                                            r'both must have the same dtype.*'
                                            r'x\.astype\(np\.float32\)'):
            f(np.ones((1, 3)))


def test_float64_bias_with_float32_weights_is_refused():
    with pytest.raises(TypeError, match='Linear: b is float64 but W is float32'):
        F.linear(np.ones((1, 3), np.float32), np.ones((2, 3), np.float32), np.zeros(2))


def test_convolution_of_one_image_suggests_adding_the_batch_axis():
    conv = L.Convolution2D(3, 2, 3)
    with pytest.raises(ValueError, match=r'x \(3, 5, 5\).*For one image write x\[None\]'):
        conv(np.ones((3, 5, 5), np.float32))
