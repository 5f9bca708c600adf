"""teachgrad.exercises: each check passes a right answer, fails a wrong or missing one,
and its message names the wrong thing with the numbers."""
import numpy as np
import pytest

import teachgrad.functions as F
from teachgrad import FunctionNode, Variable
from teachgrad.exercises import (
    ExerciseFailed, check_backward_function, check_freed, check_grad, check_order,
    check_shape, check_value, draw_wrong)


class Mul(FunctionNode):
    label = '*'

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, gy):
        return gy * self.b, gy * self.a


class MulWrongB(Mul):
    def backward(self, gy):
        return gy * self.b, gy * self.b


class MulNoGy(Mul):
    def backward(self, gy):
        return self.b, self.a


class Unanswered(Mul):
    def backward(self, gy):
        raise NotImplementedError()


class WrongShape(Mul):
    def backward(self, gy):
        return gy.sum(), gy * self.a


INPUTS = {'a': np.array([1., 2.]), 'b': np.array([3., -1.])}


def test_value_right_prints_and_returns(capsys):
    check_value('x.grad', Variable(np.array([8.], dtype=np.float32)), np.array([8.]))
    assert capsys.readouterr().out == 'Correct: x.grad is [8].\n'


@pytest.mark.parametrize('got, words', [
    (np.array([10.]), 'x.grad should be [8] but it is [10] (off by 2).'),
    (np.array([8., 8.]), 'x.grad should have shape (1,) but has shape (2,)'),
    ('eight', 'should be a number or an array of numbers'),
])
def test_value_wrong(got, words):
    with pytest.raises(ExerciseFailed) as e:
        check_value('x.grad', got, np.array([8.]))
    assert words in str(e.value)


def test_value_first_wrong_element_named():
    with pytest.raises(ExerciseFailed, match=r'at index \(1, 0\): 5 instead of 3'):
        check_value('W', np.array([[1., 2.], [5., 4.]]), np.array([[1., 2.], [3., 4.]]))


@pytest.mark.parametrize('check', [
    lambda: check_value('x.grad', None, 1.0),
    lambda: check_shape('h', None, (2,)),
    lambda: check_order(None, Variable(np.array([1.])) * 2),
    lambda: check_freed(None, Variable(np.array([1.])) * 2),
    lambda: check_grad(None, np.array([1.])),
    lambda: check_backward_function(Unanswered, INPUTS),
    lambda: check_backward_function(None, INPUTS),
])
def test_unanswered_fails_with_not_answered(check):
    with pytest.raises(ExerciseFailed, match='not answered yet'):
        check()


def test_exercise_failed_is_an_assertion_error():
    # nbgrader (and pytest) count an AssertionError as a failed test.
    assert issubclass(ExerciseFailed, AssertionError)


def test_shape():
    check_shape('h', Variable(np.zeros((4, 3), dtype=np.float32)), (4, 3))
    with pytest.raises(ExerciseFailed, match=r'should have shape \(4, 3\) but has shape \(3, 4\)'):
        check_shape('h', np.zeros((3, 4)), (4, 3))
    with pytest.raises(ExerciseFailed, match='a tuple of ints'):
        check_shape('h', 'four by three', (4, 3))


def test_backward_function_right(capsys):
    check_backward_function(Mul, INPUTS)
    assert capsys.readouterr().out == (
        'Correct: the backward of * gives the right gradient for a, b (4 numbers checked).\n')


def test_backward_function_names_the_wrong_input_with_numbers():
    with pytest.raises(ExerciseFailed) as e:
        check_backward_function(MulWrongB, INPUTS)
    text = str(e.value)
    assert text.startswith('The backward of * gives a wrong gradient for b:\n- for b:')
    # gy = [1.5, 2.5]: backward gave gy * b = [4.5, -2.5]; the truth is gy * a = [1.5, 5].
    assert 'backward gave [4.5 -2.5]' in text and 'is [1.5 5].' in text
    assert 'for a' not in text
    svg_source = e.value.picture.source
    # b's box and the arrow from b into `*` are red, a's are not.
    red = [line for line in svg_source.splitlines() if '#d62728' in line]
    assert len(red) == 2
    assert any('->' in line for line in red)
    assert 'should be [1.5 5]' in svg_source


def test_backward_function_catches_a_forgotten_gy():
    with pytest.raises(ExerciseFailed, match='for a, b'):
        check_backward_function(MulNoGy, INPUTS)


def test_backward_function_reports_a_wrong_shape():
    with pytest.raises(ExerciseFailed, match=r'raised ValueError: .*shape \(\) for an input of '
                                             r'shape \(2,\)'):
        check_backward_function(WrongShape, INPUTS)


def test_backward_function_leaves_inputs_unchanged():
    inputs = {k: v.copy() for k, v in INPUTS.items()}
    with pytest.raises(ExerciseFailed):
        check_backward_function(MulWrongB, inputs)
    for k in inputs:
        np.testing.assert_array_equal(inputs[k], INPUTS[k])


def test_check_grad():
    def softplus(x):
        return F.log(1 + F.exp(x))

    check_grad(softplus, np.array([-1., 0., 2.]), np.ones(3))

    def wrong(x):
        return softplus(Variable(x.data))       # cuts the graph: no gradient reaches x

    with pytest.raises(ExerciseFailed, match='no gradient'):
        check_grad(wrong, np.array([-1., 0., 2.]), np.ones(3))


def diamond():
    x = Variable(np.array([2.]), name='x')
    a = x * x
    a.name = 'a'
    b = a * 3
    b.name = 'b'
    c = a + 1
    c.name = 'c'
    y = b * c
    y.name = 'y'
    return x, a, b, c, y


def test_order_right_and_state_restored(capsys):
    x, a, b, c, y = diamond()
    check_order([y, b, c, a], y)   # b and c tie on rank: first pushed, first visited
    assert capsys.readouterr().out.startswith('Correct: backward visits `*` (which made y), then')
    assert x.grad is None and y.grad is None
    assert y.creator.backward_order is None


def test_order_wrong_says_which_step():
    x, a, b, c, y = diamond()
    with pytest.raises(ExerciseFailed, match=r'Step 2 is wrong: backward visits `\* 3` '
                                             r'\(which made b\) there, you predicted `\*` '
                                             r'\(which made a\)'):
        check_order([y, a, b, c], y)
    with pytest.raises(ExerciseFailed, match='Backward visits 4 functions, you listed 3'):
        check_order([y, b, c], y)


def test_order_naive_depth_first_is_wrong():
    # y = x*x + x: the recursive order (+, then x*x) happens to be right here;
    # in the diamond a naive depth-first walk visits a before c.
    x, a, b, c, y = diamond()
    with pytest.raises(ExerciseFailed):
        check_order(['*', '* 3', '*', '+ 1'], y)


def test_freed():
    x, a, b, c, y = diamond()
    check_freed([a, b, c], y)
    check_freed([], y, retain_grad=True)
    with pytest.raises(ExerciseFailed, match='x keeps its grad: it is a leaf'):
        check_freed(['a', 'b', 'c', 'x'], y)
    with pytest.raises(ExerciseFailed, match='y keeps its grad: it is the output'):
        check_freed(['a', 'b', 'c', 'y'], y)
    with pytest.raises(ExerciseFailed, match='c also loses its grad'):
        check_freed(['a', 'b'], y)
    with pytest.raises(ExerciseFailed, match="'z' is not a Variable of this graph"):
        check_freed(['z'], y)
    assert x.grad is None and a.node.grad_state is None


def test_draw_wrong_marks_only_the_given_variable():
    x = Variable(np.array([2.]), name='x')
    w = Variable(np.array([3.]), name='w')
    y = x * w + x
    source = draw_wrong(y, {w: None}).source
    red = [line for line in source.splitlines() if '#d62728' in line]
    assert len(red) == 2       # w's box and its one arrow


def test_freed_ignores_unnamed_intermediates_nobody_holds():
    x = Variable(np.array([5.]), name='x')
    z = 2 * x
    z.name = 'z'
    y = x ** 2 - z + 1          # x**2 and (x**2 - z) are freed too, but unreachable by name
    check_freed([z], y)


def test_checking_names_whose_code_failed():
    from teachgrad.exercises import checking
    with pytest.raises(ExerciseFailed, match='your backward raised ZeroDivisionError'):
        with checking('your backward'):
            1 / 0
    with pytest.raises(ExerciseFailed, match="name 'Three' is not defined. If your answer cell"):
        with checking('your Three'):
            Three()   # noqa: F821
    with pytest.raises(ExerciseFailed, match='your Three is not answered yet'):
        with checking('your Three'):
            raise NotImplementedError()
