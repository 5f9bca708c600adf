"""FunctionHook, PrintHook and TimerHook: called around every forward and backward."""
import io

import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import Variable, function_hook
from teachgrad.function_hooks import FunctionHook, PrintHook, TimerHook


class Recorder(FunctionHook):
    name = 'Recorder'

    def __init__(self):
        self.events = []

    def added(self, function):
        self.events.append(('added', function))

    def deleted(self, function):
        self.events.append(('deleted', function))

    def forward_preprocess(self, function, in_data):
        self.events.append(('fpre', function.label, [d.copy() for d in in_data]))

    def forward_postprocess(self, function, in_data):
        self.events.append(('fpost', function.label))

    def backward_preprocess(self, function, in_data, out_grad):
        self.events.append(('bpre', function.label, [d.copy() for d in in_data],
                            [g.copy() for g in out_grad]))

    def backward_postprocess(self, function, in_data, out_grad):
        self.events.append(('bpost', function.label))


def test_with_block_sees_forward_and_backward_in_order_with_arrays():
    x = Variable(np.array([1., 2.]))
    with Recorder() as r:
        y = F.sum(F.exp(x))
        y.backward()
    assert [e[:2] for e in r.events] == [
        ('added', None), ('fpre', 'exp'), ('fpost', 'exp'), ('fpre', 'sum'), ('fpost', 'sum'),
        ('bpre', 'sum'), ('bpost', 'sum'), ('bpre', 'exp'), ('bpost', 'exp'), ('deleted', None)]
    np.testing.assert_array_equal(r.events[1][2][0], [1., 2.])
    bpre_exp = r.events[7]
    np.testing.assert_array_equal(bpre_exp[2][0], [1., 2.])       # exp's input
    np.testing.assert_array_equal(bpre_exp[3][0], [1., 1.])       # grad of sum's input
    assert teachgrad.get_function_hooks() == {}
    assert function_hook.n_active == 0


def test_hooks_do_not_change_results():
    x = Variable(np.array([[0.5, -1.], [2., 3.]]))
    y = F.sum(F.tanh(x) * x)
    y.backward()
    plain = (y.data.copy(), x.grad.copy())
    x.cleargrad()
    with Recorder():
        y = F.sum(F.tanh(x) * x)
        y.backward()
    assert y.data == plain[0]
    np.testing.assert_array_equal(x.grad, plain[1])


def test_local_hook_only_for_that_function():
    x = Variable(np.array([1., 2.]))
    r = Recorder()
    from teachgrad.functions.activation import ReLU
    f = ReLU()
    f.add_hook(r)
    assert r.events == [('added', f)] and list(f.local_function_hooks) == ['Recorder']
    y = f(x)
    F.exp(x)                                    # not hooked
    F.sum(y).backward()
    assert [e[:2] for e in r.events[1:]] == [('fpre', 'relu'), ('fpost', 'relu'),
                                             ('bpre', 'relu'), ('bpost', 'relu')]
    f.delete_hook('Recorder')
    assert r.events[-1] == ('deleted', f) and function_hook.n_active == 0
    with pytest.raises(KeyError, match="no hook named 'Recorder'"):
        f.delete_hook('Recorder')
    with pytest.raises(TypeError, match='takes a FunctionHook'):
        f.add_hook(object())


def test_same_name_twice_is_refused_and_leaves_first_on():
    with TimerHook() as first:
        with pytest.raises(KeyError, match="already on"):
            with TimerHook():
                pass
        assert teachgrad.get_function_hooks()['TimerHook'] is first
    assert function_hook.n_active == 0


def test_timer_hook_counts_and_report():
    model = L.Linear(3, 2)
    x = Variable(np.ones((4, 3), dtype=np.float32))
    with TimerHook() as t:
        loss = F.sum(F.relu(model(x)))
        loss.backward()
    assert [n for n, _ in t.call_history] == ['LinearFunction', 'ReLU', 'Sum', 'Sum', 'ReLU',
                                              'LinearFunction']
    assert all(s >= 0 for _, s in t.call_history)
    assert t.total_time() == pytest.approx(sum(s for _, s in t.call_history))
    assert t.summary()['ReLU']['occurrence'] == 2
    out = io.StringIO()
    t.print_report(unit='us', file=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ['FunctionName', 'ElapsedTime', 'Occurrence']
    assert [ln.split()[0] for ln in lines[1:]] == ['LinearFunction', 'ReLU', 'Sum']
    assert all(ln.split()[1].endswith('us') and ln.split()[2] == '2' for ln in lines[1:])
    assert len({len(ln) for ln in lines}) == 1      # right-aligned columns
    with pytest.raises(ValueError, match="unit must be one of"):
        t.print_report(unit='minutes')


def test_timer_total_time_counts_nested_calls_once():
    t = TimerHook()
    class Outer(teachgrad.FunctionNode):
        def forward(self, x):
            return x + 1
    f_out, f_in = Outer(), Outer()
    t.forward_preprocess(f_out, (np.zeros(1),))
    t.forward_preprocess(f_in, (np.zeros(1),))
    t.forward_postprocess(f_in, (np.zeros(1),))
    t.forward_postprocess(f_out, (np.zeros(1),))
    inner, outer = t.call_history[0][1], t.call_history[1][1]
    assert outer >= inner and t.total_time() == outer


def test_print_hook_writes_forward_and_backward():
    out = io.StringIO()
    x = Variable(np.array([1., 3.], dtype=np.float32))
    with PrintHook(file=out):
        F.sum(x).backward()
    text = out.getvalue()
    assert text.count('function\tsum') == 2
    assert 'output gradient\n- grad shape: ()\n- grad dtype: float32\n' in text
    assert 'mean=2.00000000, std=1.00000000' in text
