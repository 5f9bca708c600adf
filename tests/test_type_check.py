"""teachgrad.utils.type_check: expressions, expect, eval, InvalidType and the
check_type_forward hook that FunctionNode and Function call before forward."""
import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
from teachgrad import utils
from teachgrad.utils import type_check

T = utils.type_check


@pytest.fixture
def in_types():
    data = (np.empty((3, 2, 2), dtype=np.float32), np.empty((1, 2, 2), dtype=np.float32))
    return T.get_types(data, 'in_types', False)


def _message(cond):
    with pytest.raises(T.InvalidType) as info:
        T.expect(cond)
    return str(info.value)


# -- the type-checks guide, block by block -----------------------------------------
def test_guide_basic_and_detail(in_types):
    x_type, y_type = in_types
    T.expect(x_type.shape[0] > 0)
    T.expect(x_type.dtype.kind == 'f')
    T.expect(x_type.shape[1] == y_type.shape[1])
    assert _message(x_type.ndim == 2) == 'Expect: in_types[0].ndim == 2\nActual: 3 != 2'
    assert _message(x_type.dtype == np.float64) == (
        "Expect: in_types[0].dtype == <class 'numpy.float64'>\n"
        "Actual: float32 != <class 'numpy.float64'>")


def test_guide_internal_mechanism(in_types):
    x_type, y_type = in_types
    actual = x_type.eval()
    assert isinstance(actual, T.TypeInfo) and isinstance(x_type, T.Expr)
    assert actual.shape == (3, 2, 2) and actual.ndim == 3 and actual.size == 12
    assert actual.dtype == np.float32
    assert x_type.shape[0].eval() == 3
    assert _message(x_type.shape[0] == y_type.shape[0] * 4) == (
        'Expect: in_types[0].shape[0] == in_types[1].shape[0] * 4\nActual: 3 != 4')


def test_guide_named_variable_and_calls(in_types):
    x_type, _ = in_types
    cond = x_type.shape[0] == T.Variable(2, 'in_size')
    assert str(cond) == 'in_types[0].shape[0] == in_size'
    assert _message(cond) == 'Expect: in_types[0].shape[0] == in_size\nActual: 3 != 2'
    total = T.Variable(np.sum, 'sum')
    assert _message(total(x_type.shape) == 10) == (
        'Expect: sum(in_types[0].shape) == 10\nActual: 7 != 10')


def test_guide_hand_written_invalid_type(in_types):
    x_shape = in_types[0].shape.eval()
    assert x_shape == (3, 2, 2)
    with pytest.raises(T.InvalidType) as info:
        raise T.InvalidType('Shape is expected to be ...', 'Shape is ...')
    assert str(info.value) == 'Expect: Shape is expected to be ...\nActual: Shape is ...'
    assert info.value.expect == 'Shape is expected to be ...'
    assert info.value.actual == 'Shape is ...'


def test_guide_typical_check(in_types):
    x_type, y_type = in_types
    T.expect(in_types.size() == 2)
    T.expect(in_types.size() == 2, in_types[0].ndim == 3)
    T.expect(x_type.dtype == np.float32, x_type.ndim == 3, x_type.shape[1] == 2)
    assert _message(in_types.size() == 3) == 'Expect: in_types.size == 3\nActual: 2 != 3'


def test_expect_stops_at_the_first_false_condition(in_types):
    x_type, _ = in_types
    with pytest.raises(T.InvalidType) as info:
        T.expect(x_type.ndim == 3, x_type.shape[0] == 5, x_type.shape[1] == 7)
    assert info.value.expect == 'in_types[0].shape[0] == 5'
    assert info.value.actual == '3 != 5'


# -- expressions print as written --------------------------------------------------------
@pytest.mark.parametrize('build, text, value', [
    (lambda x, y: x + y * 2, 'x + y * 2', 11),
    (lambda x, y: (x + y) * 2, '(x + y) * 2', 14),
    (lambda x, y: x - (y - 1), 'x - (y - 1)', 0),
    (lambda x, y: x - y - 1, 'x - y - 1', -2),
    (lambda x, y: 2 ** x ** 2, '2 ** x ** 2', 2 ** 9),
    (lambda x, y: (x ** 2) ** 2, '(x ** 2) ** 2', 81),
    (lambda x, y: -x + 1, '-x + 1', -2),
    (lambda x, y: -(x + 1), '-(x + 1)', -4),
    (lambda x, y: x // 2 % y, 'x // 2 % y', 1),
    (lambda x, y: 10 / x, '10 / x', 10 / 3),
    (lambda x, y: x << 1 | y, 'x << 1 | y', 6),
])
def test_expression_text_and_value(build, text, value):
    e = build(T.Variable(3, 'x'), T.Variable(4, 'y'))
    assert str(e) == text
    assert e.eval() == value


def test_indexing_and_slices_print_as_python(in_types):
    x_type, _ = in_types
    assert str(x_type.shape[1:]) == 'in_types[0].shape[1:]'
    assert x_type.shape[1:].eval() == (2, 2)
    assert str(x_type.shape[::2]) == 'in_types[0].shape[::2]'
    assert str(x_type.shape[-1]) == 'in_types[0].shape[-1]'
    assert str(T.Constant((1,))) == '(1,)'


def test_comparisons_give_the_negated_operator(in_types):
    x_type, _ = in_types
    for cond, actual in [(x_type.ndim != 3, '3 == 3'), (x_type.ndim < 2, '3 >= 2'),
                         (x_type.ndim <= 2, '3 > 2'), (x_type.ndim > 3, '3 <= 3'),
                         (x_type.ndim >= 4, '3 < 4')]:
        with pytest.raises(T.InvalidType) as info:
            T.expect(cond)
        assert info.value.actual == actual


def test_expression_refuses_to_be_a_bool(in_types):
    x_type, _ = in_types
    with pytest.raises(RuntimeError, match='expect\\(cond1, cond2'):
        if x_type.ndim == 3 and x_type.ndim == 2:
            pass


def test_expect_refuses_a_plain_bool_with_a_lesson():
    with pytest.raises(TypeError, match='in_types\\[0\\].ndim == 2'):
        T.expect(True)


def test_eval_make_variable_prod_and_light_mode(in_types):
    x_type, _ = in_types
    assert T.eval(x_type.shape) == (3, 2, 2)
    assert T.eval(5) == 5
    assert T.prod(x_type.shape).eval() == 12
    assert str(T.prod(x_type.shape)) == 'prod(in_types[0].shape)'
    assert isinstance(T.make_variable(3, 'n'), T.Variable)
    assert not T.in_light_mode()
    with T.light_mode:
        assert T.in_light_mode()
        assert T.prod((3, 4)) == 12
        assert T.make_variable(3, 'n') == 3
        light = T.get_light_types((np.zeros((2, 5)),))
        assert light.size() == 1
        T.expect(light[0].ndim == 2, light[0].shape[1] == 5)
        with pytest.raises(T.InvalidType):
            T.expect(light[0].ndim == 3)
    assert not T.in_light_mode()


def test_same_types_and_broadcast():
    assert T.same_types(np.zeros(2), np.zeros(3))
    assert not T.same_types(np.zeros(2), [1, 2])
    a, b = T.get_types((np.zeros((2, 3)), np.zeros((3,))), 'in_types', False)
    T.expect_broadcast_shapes(a.shape, b.shape)
    with pytest.raises(T.InvalidType, match='cannot broadcast'):
        T.expect_broadcast_shapes(a.shape, T.get_types((np.zeros(4),), 'in_types', False)[0].shape)


def test_argname_names_inputs_and_checks_their_number():
    in_types = T.get_types((np.zeros(2), np.zeros(3)), 'in_types', False)
    T._argname(in_types, ('x', 'W'))
    assert str(in_types[1].shape[0] == in_types[0].shape[0]) == 'W.shape[0] == x.shape[0]'
    with pytest.raises(T.InvalidType, match='expected 1 \\(x\\), got 2'):
        T._argname(in_types, ('x',))


def test_invalid_type_is_a_value_error_and_pickles():
    import pickle
    e = T.InvalidType('a == 1', '2 != 1')
    assert isinstance(e, ValueError)
    back = pickle.loads(pickle.dumps(e))
    assert (back.expect, back.actual, str(back)) == ('a == 1', '2 != 1', str(e))


# -- the hook -----------------------------------------------------------------------------
class _MatVec(teachgrad.FunctionNode):
    calls = 0

    def check_type_forward(self, in_types):
        type_check.expect(in_types.size() == 2)
        w_type, x_type = in_types
        type_check.expect(
            w_type.dtype.kind == 'f',
            w_type.ndim == 2,
            x_type.ndim == 1,
            w_type.shape[1] == x_type.shape[0],
        )

    def forward(self, w, x):
        type(self).calls += 1
        self.w, self.x = w, x
        return w @ x

    def backward(self, gy):
        return np.outer(gy, self.x), self.w.T @ gy


class _OldStyle(teachgrad.Function):
    def check_type_forward(self, in_types):
        x_type, = in_types
        type_check.expect(x_type.dtype == np.float32)

    def forward(self, inputs):
        return inputs[0] * 2,

    def backward(self, inputs, grad_outputs):
        return grad_outputs[0] * 2,


class _V7Style(teachgrad.FunctionNode):
    def check_type_forward(self, in_types):
        type_check._argname(in_types, ('x',))
        x_type, = in_types
        type_check.expect(x_type.ndim == 2)

    def forward(self, inputs):
        return inputs[0] + 1,

    def backward(self, target_input_indexes, grad_outputs):
        return grad_outputs[0],


def test_hook_passes_good_inputs_and_grads_flow():
    w = teachgrad.Variable(np.arange(6, dtype=np.float64).reshape(2, 3))
    x = teachgrad.Variable(np.array([1., 2., 3.]))
    y = _MatVec()(w, x)
    np.testing.assert_array_equal(y.data, [8., 26.])
    F.sum(y).backward()
    np.testing.assert_array_equal(x.grad, [3., 5., 7.])


def test_hook_stops_bad_inputs_before_forward_and_teaches():
    w = teachgrad.Variable(np.zeros((2, 3), np.float32))
    x = teachgrad.Variable(np.zeros(4, np.float32))
    before = _MatVec.calls
    with pytest.raises(type_check.InvalidType) as info:
        _MatVec()(w, x)
    assert _MatVec.calls == before            # forward never ran
    assert x.grad is None and w.creator is None
    msg = str(info.value)
    assert 'Invalid operation is performed in: _MatVec (Forward)' in msg
    assert 'Expect: in_types[0].shape[1] == in_types[1].shape[0]\nActual: 3 != 4' in msg
    assert 'in_types[0] is input 0: shape (2, 3), dtype float32' in msg
    assert 'in_types[1] is input 1: shape (4,), dtype float32' in msg
    assert 'How to fix' in msg
    assert info.value.expect == 'in_types[0].shape[1] == in_types[1].shape[0]'
    assert info.value.actual == '3 != 4'


def test_hook_checks_the_number_of_inputs():
    with pytest.raises(type_check.InvalidType, match='in_types.size == 2\nActual: 1 != 2'):
        _MatVec()(np.zeros((2, 2)))


def test_hook_runs_for_classic_function_and_v7_style():
    x = teachgrad.Variable(np.ones(2, np.float32))
    np.testing.assert_array_equal(_OldStyle()(x).data, [2., 2.])
    with pytest.raises(type_check.InvalidType, match="dtype == <class 'numpy.float32'>"):
        _OldStyle()(np.ones(2, np.float64))
    assert _V7Style().apply((np.zeros((1, 2)),))[0].shape == (1, 2)
    with pytest.raises(type_check.InvalidType, match='x.ndim == 2\nActual: 1 != 2'):
        _V7Style().apply((np.zeros(2),))


def test_hook_is_skipped_when_type_check_is_off():
    with teachgrad.using_config('type_check', False):
        y = _OldStyle()(np.ones(2, np.float64))
    np.testing.assert_array_equal(y.data, [2., 2.])


def test_light_mode_pass_builds_no_expressions(monkeypatch):
    built = []
    orig = T.get_types
    monkeypatch.setattr(T, 'get_types', lambda *a, **k: built.append(1) or orig(*a, **k))
    _MatVec()(np.zeros((2, 3)), np.zeros(3))
    assert built == []                      # good inputs: only the cheap pass
    with pytest.raises(T.InvalidType):
        _MatVec()(np.zeros((2, 3)), np.zeros(2))
    assert built == [1]


def test_direct_expect_has_no_function_text(in_types):
    # Outside a function's check the message is exactly Expect/Actual.
    assert 'In plain words' not in _message(in_types[0].ndim == 5)


# -- F.reshape ---------------------------------------------------------------------------
def test_reshape_to_an_impossible_shape_is_invalid_type_and_value_error():
    x = teachgrad.Variable(np.arange(6, dtype=np.float32))
    with pytest.raises(type_check.InvalidType) as info:
        F.reshape(x, (4, 2))
    e = info.value
    assert isinstance(e, ValueError)
    assert e.expect == 'prod(in_types[0].shape) == prod((4, 2))'
    assert e.actual == '6 != 8'
    assert 'shape (6,) has 6 elements, and shape (4, 2) holds 8' in str(e)
    with pytest.raises(type_check.InvalidType, match='needs a multiple of 4'):
        x.reshape(4, -1)
    assert x.creator is None and x.grad is None


def test_reshape_with_minus_one_and_bad_shapes():
    x = teachgrad.Variable(np.arange(6, dtype=np.float32))
    assert F.reshape(x, (-1, 3)).shape == (2, 3)
    with pytest.raises(ValueError, match='only one of them may be -1'):
        F.reshape(x, (-1, -1))
    with teachgrad.using_config('type_check', False):
        with pytest.raises(ValueError, match='number of elements must stay the same'):
            F.reshape(x, (4, 2))


class _EvalsInItsCheck(teachgrad.FunctionNode):
    def check_type_forward(self, in_types):
        shape = in_types[0].shape.eval()        # only works on expressions
        if len(shape) != 1:
            raise type_check.InvalidType('a vector', 'shape {}'.format(shape))

    def forward(self, x):
        return x * 2

    def backward(self, gy):
        return gy * 2


def test_check_written_for_expressions_still_runs():
    np.testing.assert_array_equal(_EvalsInItsCheck()(np.ones(2)).data, [2., 2.])
    with pytest.raises(type_check.InvalidType, match=r'Expect: a vector\nActual: shape \(2, 2\)'):
        _EvalsInItsCheck()(np.ones((2, 2)))
