"""Variable and Parameter: the learner's handle on an array and its gradient."""
import copy
import pickle

import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
from teachgrad import Function, FunctionNode, Parameter, Variable, VariableNode


def f32(*values):
    return np.array(values, dtype=np.float32)


# -- construction and errors that teach ------------------------------------------

def test_list_is_rejected_with_a_fix():
    with pytest.raises(TypeError) as info:
        Variable([1, 2])
    message = str(info.value)
    assert 'ndarray' in message and 'list' in message
    assert 'Variable(np.array([1, 2], dtype=np.float32))' in message


@pytest.mark.parametrize('value', [3.0, 2, (1, 2), 'abc'])
def test_other_non_arrays_are_rejected(value):
    with pytest.raises(TypeError, match='ndarray'):
        Variable(value)


def test_data_setter_checks_type_too():
    x = Variable(f32(1))
    with pytest.raises(TypeError, match='ndarray'):
        x.data = [1.0]


def test_attributes():
    data = np.arange(6, dtype=np.float32).reshape(2, 3)
    x = Variable(data, name='x')
    assert x.data is data and x.array is data
    assert (x.shape, x.ndim, x.size, x.dtype, len(x)) == ((2, 3), 2, 6, np.float32, 2)
    assert x.name == 'x' and x.creator is None and x.grad is None and x.rank == 0
    assert x.requires_grad and x.xp is np
    assert isinstance(x.node, VariableNode) and x.node.get_variable_or_none() is x
    assert x.label == '(2, 3), float32'
    x.name = 'renamed'
    assert x.node.name == 'renamed'
    with pytest.raises(TypeError):
        len(Variable(np.float32(1) * np.ones((), np.float32)))
    assert Variable(np.array([[2.5]], np.float32)).item() == 2.5


def test_placeholder_variable():
    v = Variable()
    assert v.data is None and repr(v) == 'variable(None)'


# -- repr in Chainer's style ----------------------------------------------------

def test_repr_exactly_like_chainer():
    assert repr(Variable(f32(5))) == 'variable([5.])'
    assert str(Variable(f32(5))) == 'variable([5.])'
    W = Variable(np.array([[1.25, -0.5, 2.], [0., 1., 3.5]], np.float32), name='W')
    assert repr(W) == ('variable W([[ 1.25, -0.5 ,  2.  ],\n'
                       '            [ 0.  ,  1.  ,  3.5 ]])')
    assert str(W) == ('variable W([[ 1.25 -0.5   2.  ]\n'
                      '            [ 0.    1.    3.5 ]])')
    assert repr(Parameter(name='W')) == 'variable W(None)'
    assert repr(Parameter(np.zeros(2, np.float32), name='b')) == 'variable b([0., 0.])'
    assert repr(Variable(np.array(0.25, np.float32))) == 'variable(0.25)'
    assert repr(Variable(np.zeros((0, 3)))) == 'variable([], shape=(0, 3))'


def test_repr_of_the_seed_tuple():
    x = Variable(np.array([5], dtype=np.float32))
    assert repr((x, x.data)) == "(variable([5.]), array([5.], dtype=float32))"


# -- grad -------------------------------------------------------------------------

def test_grad_setter_rejects_wrong_shape_naming_both():
    x = Variable(np.ones((2, 3), np.float32), name='x')
    with pytest.raises(ValueError) as info:
        x.grad = np.ones((3, 2), np.float32)
    assert '(3, 2)' in str(info.value) and '(2, 3)' in str(info.value)
    assert 'x has shape' in str(info.value)


def test_grad_setter_rejects_wrong_dtype_and_type():
    x = Variable(np.ones(2, np.float32))
    with pytest.raises(TypeError, match='astype'):
        x.grad = np.ones(2, np.float64)
    with pytest.raises(TypeError, match='ndarray'):
        x.grad = [1.0, 1.0]
    x.grad = Variable(np.ones(2, np.float32))            # a Variable's data is taken
    assert type(x.grad) is np.ndarray


def test_grad_var_cleargrad_zerograd_addgrad():
    x = Variable(f32(1, 2))
    assert x.grad_var is None
    x.grad = f32(3, 4)
    assert isinstance(x.grad_var, Variable)
    np.testing.assert_array_equal(x.grad_var.data, [3, 4])
    x.grad_var = Variable(f32(5, 6))
    np.testing.assert_array_equal(x.grad, [5, 6])
    other = Variable(f32(0, 0), grad=f32(1, 1))
    x.addgrad(other)
    np.testing.assert_array_equal(x.grad, [6, 7])
    x.cleargrad()
    assert x.grad is None
    x.addgrad(other)
    np.testing.assert_array_equal(x.grad, [1, 1])
    x.zerograd()
    np.testing.assert_array_equal(x.grad, [0, 0])
    assert x.grad.dtype == np.float32


# -- operators ---------------------------------------------------------------------

ARRAY = np.array([2.0, 4.0], np.float32)


@pytest.mark.parametrize('expr, expected', [
    (lambda x: x + 1, [2, 3]), (lambda x: 1 + x, [2, 3]),
    (lambda x: x - 1, [0, 1]), (lambda x: 1 - x, [0, -1]),
    (lambda x: x * 3, [3, 6]), (lambda x: 3 * x, [3, 6]),
    (lambda x: x / 2, [0.5, 1]), (lambda x: 2 / x, [2, 1]),
    (lambda x: x ** 2, [1, 4]), (lambda x: 2 ** x, [2, 4]),
    (lambda x: x + 1.5, [2.5, 3.5]), (lambda x: np.float32(2) * x, [2, 4]),
    (lambda x: x + ARRAY, [3, 6]), (lambda x: ARRAY + x, [3, 6]),
    (lambda x: x - ARRAY, [-1, -2]), (lambda x: ARRAY - x, [1, 2]),
    (lambda x: x * ARRAY, [2, 8]), (lambda x: ARRAY * x, [2, 8]),
    (lambda x: x / ARRAY, [0.5, 0.5]), (lambda x: ARRAY / x, [2, 2]),
    (lambda x: x ** ARRAY, [1, 16]), (lambda x: ARRAY ** x, [2, 16]),
    (lambda x: -x, [-1, -2]), (lambda x: abs(-x), [1, 2]),
    (lambda x: x + x, [2, 4]), (lambda x: x * x, [1, 4]),
])
def test_operators_with_numbers_and_arrays_on_either_side(expr, expected):
    x = Variable(f32(1, 2))
    y = expr(x)
    assert type(y) is Variable                     # a numpy array on the left too
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, expected)
    assert y.creator is not None


def test_matmul_operators_with_arrays():
    W = np.array([[1., 2.], [3., 4.]], np.float32)
    x = Variable(np.array([[1., 1.]], np.float32))
    assert type(x @ W) is Variable and type(W @ x.T) is Variable
    np.testing.assert_array_equal((x @ W).data, [[4, 6]])
    np.testing.assert_array_equal((W @ x.T).data, [[3], [7]])


def test_gradients_through_constants_on_either_side():
    x = Variable(f32(1, 2))
    y = ARRAY / x + (3 - x) * ARRAY + 2 ** x
    F.sum(y).backward()
    np.testing.assert_allclose(x.grad, -ARRAY / x.data ** 2 - ARRAY + 2 ** x.data * np.log(2),
                               rtol=1e-6)


def test_unsupported_operand_says_what_works():
    x = Variable(f32(1))
    with pytest.raises(TypeError, match='Variable, a numpy array or a Python number'):
        x + [1.0]


def test_dtype_promotion_follows_numpy_between_variables_and_chainer_for_constants():
    x32 = Variable(f32(1, 2))
    x64 = Variable(np.array([1., 2.]))
    assert (x32 + x64).dtype == np.float64                  # no silent downcast
    # A constant array or numpy number takes the Variable's float dtype, as in
    # Chainer: noise from np.random.randn keeps a float32 model float32.
    assert (x32 * np.ones(2)).dtype == np.float32
    assert (np.ones(2) * x32).dtype == np.float32
    assert (x32 + 0.5 * np.random.randn(2)).dtype == np.float32
    assert (x32 * np.float64(2.5)).dtype == np.float32
    assert (x32 ** np.float64(2)).dtype == np.float32
    np.testing.assert_array_equal((x32 - np.array([0.5, 1.])).data, [0.5, 1.])
    assert (x32 * 2.5).dtype == np.float32                  # Python numbers are weak
    assert (x64 * np.ones(2, np.float32)).dtype == np.float64
    i = Variable(np.array([1, 2], np.int32))
    assert (i / 2).dtype == np.float64
    y = x32 + x64
    F.sum(y).backward()
    assert x32.grad.dtype == np.float32 and x64.grad.dtype == np.float64


def test_broadcasting_grads_are_summed_back_to_each_shape():
    a = Variable(np.ones((2, 3), np.float32))
    b = Variable(f32(1, 2, 3))
    c = Variable(np.full((2, 1), 2, np.float32))
    F.sum(a * b + c).backward()
    np.testing.assert_array_equal(a.grad, [[1, 2, 3], [1, 2, 3]])
    np.testing.assert_array_equal(b.grad, [2, 2, 2])
    np.testing.assert_array_equal(c.grad, [[3], [3]])
    assert c.grad.shape == (2, 1)


# -- array-like helpers -------------------------------------------------------------

def test_reshape_transpose_T_and_getitem_methods():
    x = Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    assert x.reshape(3, 2).shape == (3, 2)
    assert x.reshape((3, 2)).shape == (3, 2)
    assert x.reshape([6]).shape == (6,)
    assert x.T.shape == (3, 2) and x.transpose().shape == (3, 2)
    assert x.transpose(1, 0).shape == (3, 2) and x.transpose((1, 0)).shape == (3, 2)
    y = x[:, [0, 0, 2]]
    F.sum(y).backward()
    np.testing.assert_array_equal(x.grad, [[2, 0, 1], [2, 0, 1]])   # repeated index summed
    assert x[Variable(np.array([1]))].shape == (1, 3)                 # Variable as index


def test_getitem_error_names_the_shape():
    with pytest.raises(IndexError, match=r'shape \(2, 3\)'):
        Variable(np.zeros((2, 3), np.float32))[5]


# -- graph handling -----------------------------------------------------------------

def test_unchain_and_unchain_backward():
    x = Variable(f32(1))
    h = x * 2
    y = h + 1
    y.unchain()
    assert y.creator is None and y.rank == 0
    y.backward()
    assert x.grad is None
    h2 = x * 2
    z = (h2 + 1) * 3
    z.unchain_backward()
    assert z.creator is None and h2.creator is None


def test_creator_setter_updates_rank():
    x = Variable(f32(1))
    y = x * 2 * 3
    assert y.rank == 2 and y.creator.rank == 1
    z = Variable(f32(1))
    z.creator = y.creator
    assert z.rank == 2


def test_parameter_initialization_and_pickle():
    p = Parameter(name='W')
    assert not p.is_initialized and p.data is None
    p.initialize((2, 3))
    assert p.shape == (2, 3) and p.is_initialized
    q = Parameter(np.ones(2, np.float32), name='b')
    q.grad = np.ones(2, np.float32)
    r = pickle.loads(pickle.dumps(q))
    assert isinstance(r, Parameter) and r.name == 'b'
    np.testing.assert_array_equal(r.data, q.data)
    np.testing.assert_array_equal(r.grad, q.grad)
    assert copy.deepcopy(q).name == 'b'


def test_as_variable_and_as_array():
    a = np.ones(2)
    v = teachgrad.as_variable(a)
    assert not v.requires_grad and v.data is a
    assert teachgrad.as_variable(v) is v
    assert teachgrad.as_array(v) is a and teachgrad.as_array(a) is a


def test_requires_grad_false_leaf_gets_no_grad():
    a = Variable(f32(1, 2), requires_grad=False)
    b = Variable(f32(3, 4))
    F.sum(a * b).backward()
    assert a.grad is None
    np.testing.assert_array_equal(b.grad, [1, 2])


# -- configuration -------------------------------------------------------------------

def test_no_backprop_mode_records_nothing():
    x = Variable(f32(1, 2))
    with teachgrad.no_backprop_mode():
        y = x * 2
        with teachgrad.force_backprop_mode():
            z = x * 2
        w = z * 2
    assert y.creator is None and not y.requires_grad
    assert z.creator is not None
    assert w.creator is None
    assert teachgrad.config.enable_backprop


def test_using_config_restores_and_nests():
    assert teachgrad.config.train
    with teachgrad.using_config('train', False):
        assert not teachgrad.config.train
        with teachgrad.using_config('train', True):
            assert teachgrad.config.train
        assert not teachgrad.config.train
    assert teachgrad.config.train
    with pytest.raises(RuntimeError):
        with teachgrad.using_config('train', False):
            raise RuntimeError
    assert teachgrad.config.train
    with teachgrad.using_config('brand_new', 1):
        assert teachgrad.config.brand_new == 1
    assert not hasattr(teachgrad.config, 'brand_new')


# -- writing new functions ----------------------------------------------------------

class Cube(FunctionNode):
    label = '**3'

    def forward(self, x):
        self.x = x
        return x ** 3

    def backward(self, gy):
        return 3 * self.x ** 2 * gy


class MulAdd(Function):
    """Chainer's classic style: tuples in, tuples out, inputs passed to backward."""

    def forward(self, inputs):
        x, y, z = inputs
        return x * y + z,

    def backward(self, inputs, grad_outputs):
        x, y, z = inputs
        gw, = grad_outputs
        return y * gw, x * gw, gw


class TwoOutputs(FunctionNode):
    def forward(self, x):
        return x * 2, x * 3

    def backward(self, ga, gb):
        return 2 * ga + 3 * gb


def test_functionnode_subclass():
    x = Variable(f32(2))
    y = Cube()(x)
    np.testing.assert_array_equal(y.data, [8])
    y.backward()
    np.testing.assert_array_equal(x.grad, [12])
    assert y.creator.label == '**3' and y.creator.inputs == (x.node,)
    assert y.creator.outputs[0]() is y.node
    assert repr(y.creator) == '<Cube **3>'


def test_function_subclass_old_chainer_style():
    x, y, z = (Variable(f32(v)) for v in (2, 3, 4))
    w = MulAdd()(x, y, z)
    np.testing.assert_array_equal(w.data, [10])
    w.backward()
    assert (x.grad[0], y.grad[0], z.grad[0]) == (3, 2, 1)
    assert w.creator.label == 'MulAdd'


def test_function_subclass_cpu_gpu_split():
    class Twice(Function):
        def forward_cpu(self, inputs):
            return inputs[0] * 2,

        def backward_cpu(self, inputs, grad_outputs):
            return grad_outputs[0] * 2,

    x = Variable(f32(1, 2))
    y = Twice()(x)
    F.sum(y).backward()
    np.testing.assert_array_equal(x.grad, [2, 2])


def test_multi_output_function_and_apply():
    x = Variable(f32(1))
    a, b = TwoOutputs()(x)
    (a + b).backward()
    np.testing.assert_array_equal(x.grad, [5])
    ys = Cube().apply((x,))
    assert isinstance(ys, tuple) and len(ys) == 1


def test_missing_forward_or_backward_explains():
    class NoBackward(FunctionNode):
        def forward(self, x):
            return x

    with pytest.raises(NotImplementedError, match='forward'):
        FunctionNode()(f32(1))
    y = NoBackward()(Variable(f32(1)))
    with pytest.raises(NotImplementedError, match='backward'):
        y.backward()


def test_functions_take_arrays_but_not_lists():
    with pytest.raises(TypeError, match='np.array'):
        F.exp([1.0])


def test_double_backprop_keeps_float32_and_records_the_grad_graph():
    x = Variable(f32(1))
    y = x * x * 2
    y.backward(enable_double_backprop=True)
    assert x.grad.dtype == np.float32 and x.grad_var.dtype == np.float32
    assert x.grad_var.creator is not None and x.grad.tolist() == [4.0]
