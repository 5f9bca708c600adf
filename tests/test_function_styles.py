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


# -- the contract decides, not the names of the parameters ---------------------------

class MulAddGuide(FunctionNode):
    """Chainer's guide names backward's first parameter ``inputs``."""

    def forward(self, inputs):
        self.retain_inputs((0, 1))
        x, y, z = inputs
        return x * y + z,

    def backward(self, inputs, grad_outputs):
        x, y = self.get_retained_inputs()
        gw, = grad_outputs
        return y * gw, x * gw, gw


def test_v7_style_whose_backward_names_its_first_parameter_inputs():
    x, y, z = (Variable(np.array([v], dtype=np.float32)) for v in (2., 3., 4.))
    w, = MulAddGuide().apply((x, y, z))
    assert w.data[0] == 10.
    w.backward()
    assert (x.grad[0], y.grad[0], z.grad[0]) == (3., 2., 1.)
    assert MulAddGuide.chainer_v7 is True


class ExpAddDevices(FunctionNode):
    """Chainer v7 with forward_cpu / forward_gpu and no forward."""

    def forward_cpu(self, inputs):
        self.retain_inputs((0, 1))
        x, y = inputs
        self.device = 'cpu'
        return np.exp(x) + np.exp(y),

    def forward_gpu(self, inputs):      # never reached with numpy arrays
        raise AssertionError('forward_gpu ran on numpy arrays')

    def backward(self, target_input_indexes, grad_outputs):
        x, y = self.get_retained_inputs()
        gz, = grad_outputs
        return F.exp(x) * gz, F.exp(y) * gz


def test_function_node_with_forward_cpu_dispatches_on_the_array_module():
    x = Variable(np.array([0., 1.]))
    y = Variable(np.array([1., 0.]))
    f = ExpAddDevices()
    z, = f.apply((x, y))
    assert f.device == 'cpu'
    np.testing.assert_allclose(z.data, np.exp([0., 1.]) + np.exp([1., 0.]))
    F.sum(z).backward()
    np.testing.assert_allclose(x.grad, np.exp([0., 1.]))
    gradient_check.check_backward(lambda a, b: ExpAddDevices().apply((a, b))[0],
                                  (np.array([0.3, -0.2]), np.array([0.1, 0.5])), np.ones(2))


class DoubleFunction(Function):
    """The classic Function with forward_cpu only."""

    def forward_cpu(self, inputs):
        return inputs[0] * 2,

    def backward_cpu(self, inputs, grad_outputs):
        return grad_outputs[0] * 2,


def test_classic_function_with_forward_cpu():
    x = Variable(np.array([1.5]))
    y = DoubleFunction()(x)
    y.backward()
    assert y.data[0] == 3. and x.grad[0] == 2.


def test_a_class_can_state_its_contract():
    class Split(FunctionNode):          # teachgrad's style, one input, two outputs
        chainer_v7 = False

        def forward(self, x):
            return x[:1] * 1, x[1:] * 1

        def backward(self, ga, gb):
            return np.concatenate([ga, gb])

    x = Variable(np.array([1., 2.]))
    a, b = Split()(x)
    (a * 3 + b).backward()
    np.testing.assert_array_equal(x.grad, [3., 1.])


def test_teachgrad_style_is_unchanged_by_chainer_adapters():
    assert SquareNode._forward is FunctionNode._forward
    assert SquareChainerNode._forward is not FunctionNode._forward
    assert SquareFunction._forward is Function._forward
