"""The three ways a learner can write a new function all give the same gradients:
teachgrad's FunctionNode (arrays, forward and backward side by side), Chainer's
classic Function (tuples of arrays) and Chainer v7's FunctionNode (a tuple in,
Variables in backward, retain_inputs/get_retained_inputs)."""
import numpy as np
import pytest

import teachgrad.functions as F
from teachgrad import Function, FunctionNode, Variable, gradient_check


class SquareNode(FunctionNode):
    label = '**2'

    def forward(self, x):
        self.x = x
        return x ** 2

    def backward(self, gy):
        return 2 * self.x * gy


class SquareFunction(Function):
    def forward(self, inputs):
        x, = inputs
        return x ** 2,

    def backward(self, inputs, grad_outputs):
        x, = inputs
        gy, = grad_outputs
        return 2 * x * gy,


class SquareChainerNode(FunctionNode):
    def forward(self, inputs):
        self.retain_inputs((0,))
        x, = inputs
        return x ** 2,

    def backward(self, target_input_indexes, grad_outputs):
        x, = self.get_retained_inputs()
        gy, = grad_outputs
        return 2 * x * gy,


class ExpChainerNode(FunctionNode):
    """Keeps its output, as Chainer's exp does."""

    def forward(self, inputs):
        x, = inputs
        self.retain_outputs((0,))
        return np.exp(x),

    def backward(self, indexes, grad_outputs):
        y, = self.get_retained_outputs()
        return y * grad_outputs[0],


def square_node(x):
    return SquareNode().apply((x,))[0]


def square_chainer(x):
    return SquareChainerNode().apply((x,))[0]


@pytest.mark.parametrize('square', [square_node, SquareFunction(), square_chainer])
def test_every_style_gives_the_same_gradient(square):
    x = Variable(np.array([1., -2., 3.], dtype=np.float32))
    y = F.sum(square(x) * 3)
    y.backward()
    np.testing.assert_array_equal(x.grad, np.array([6., -12., 18.], dtype=np.float32))
    assert x.grad.dtype == np.float32


def test_chainer_style_function_node_passes_check_backward():
    x = np.random.RandomState(0).randn(4)
    gradient_check.check_backward(square_chainer, x, np.ones(4))
    gradient_check.check_backward(lambda v: ExpChainerNode().apply((v,))[0], x, np.ones(4))


def test_chainer_style_backward_builds_no_graph_and_returns_arrays():
    x = Variable(np.array([2.]))
    y = square_chainer(x)
    step_grads = []
    from teachgrad.backprop import backward_steps
    for step in backward_steps(y):
        step_grads.extend(step.grad_inputs)
    assert all(type(g) is np.ndarray for g in step_grads)
    assert x.grad[0] == 4.0
