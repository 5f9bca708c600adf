"""Class 3 of reliability: bad values are refused where they are given.

Hyperparameters and hook settings are checked at construction and at every
assignment (on the optimizer, on one rule, through a hook's attribute), with
the accepted range in the message; a refused assignment changes nothing.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import optimizer_hooks, optimizers, viz

from unchanged import Unchanged

# (optimizer, hyperparameter, lowest accepted, highest accepted, is the top open?)
RANGES = [
    (optimizers.SGD, 'lr', 0, math.inf, True),
    (optimizers.MomentumSGD, 'lr', 0, math.inf, True),
    (optimizers.MomentumSGD, 'momentum', 0, 1, False),
    (optimizers.Adam, 'alpha', 0, math.inf, True),
    (optimizers.Adam, 'beta1', 0, 1, True),
    (optimizers.Adam, 'beta2', 0, 1, True),
    (optimizers.Adam, 'eps', 0, math.inf, True),
    (optimizers.Adam, 'eta', 0, math.inf, True),
    (optimizers.Adam, 'weight_decay_rate', 0, math.inf, True),
    (optimizers.AMSGrad, 'beta1', 0, 1, True),
    (optimizers.AdaGrad, 'lr', 0, math.inf, True),
    (optimizers.AdaGrad, 'eps', 0, math.inf, True),
    (optimizers.RMSprop, 'lr', 0, math.inf, True),
    (optimizers.RMSprop, 'alpha', 0, 1, False),
    (optimizers.RMSprop, 'eps', 0, math.inf, True),
]
ids = ['{}.{}'.format(c.__name__, n) for c, n, *_ in RANGES]


def outside(low, high, high_open):
    below = st.floats(max_value=low, exclude_max=True, allow_nan=False, allow_infinity=True)
    above = st.floats(min_value=high, exclude_min=not high_open, allow_nan=False,
                      allow_infinity=True) if high != math.inf else st.just(math.inf)
    return st.one_of(below, above, st.just(math.nan))


def not_numbers():
    return st.one_of(st.text(max_size=5), st.just(None), st.booleans(),
                     st.just(np.ones(1)), st.just([0.1]))


def setup(cls):
    model = L.Linear(2, 2)
    return model, cls().setup(model)


@pytest.mark.parametrize('cls,name,low,high,high_open', RANGES, ids=ids)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_out_of_range_values_are_refused_everywhere(cls, name, low, high, high_open, data):
    value = data.draw(outside(low, high, high_open))
    with pytest.raises(ValueError, match=r'{}: {}.* must be a number in \[{}, '.format(
            cls.__name__, name, low)):
        cls(**{name: value})
    model, opt = setup(cls)
    with Unchanged(model, opt):
        with pytest.raises(ValueError, match='must be a number in'):
            setattr(opt, name, value)
        with pytest.raises(ValueError, match='must be a number in'):
            setattr(model.W.update_rule.hyperparam, name, value)


@pytest.mark.parametrize('cls,name,low,high,high_open', RANGES, ids=ids)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_non_numbers_are_refused_with_their_type(cls, name, low, high, high_open, data):
    value = data.draw(not_numbers())
    with pytest.raises(TypeError, match=r'{}: {}.* but got .* \(an? \w+\)'.format(
            cls.__name__, name)):
        cls(**{name: value})


@pytest.mark.parametrize('cls,name,low,high,high_open', RANGES, ids=ids)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_values_in_range_are_accepted_and_kept_exactly(cls, name, low, high, high_open, data):
    top = high if high != math.inf else 1e6
    value = data.draw(st.floats(low, top, exclude_max=high_open, allow_nan=False))
    opt = cls(**{name: value})
    assert getattr(opt.hyperparam, name) == value
    opt.hyperparam.__setattr__(name, value)


def test_the_examples_of_the_issue():
    with pytest.raises(ValueError, match=r'SGD: lr \(the step size\) must be a number in '
                                         r'\[0, inf\), but got -0\.1\.'):
        optimizers.SGD(lr=-0.1)
    with pytest.raises(ValueError, match='got nan: every value computed from it would be NaN'):
        optimizers.SGD(lr=float('nan'))
    with pytest.raises(TypeError, match=r"got '0\.1' \(a str\)\. Write the number without "
                                        r'quotes: lr=0\.1\.'):
        optimizers.SGD(lr='0.1')
    with pytest.raises(ValueError, match=r'GradientClipping: threshold .* must be a number '
                                         r'in \(0, inf\), but got -1'):
        optimizer_hooks.GradientClipping(-1)
    with pytest.raises(TypeError, match=r"viz.set_options: timeout .* got 'x' \(a str\)"):
        viz.set_options(timeout='x')
    assert viz.options.timeout == 10.0


def test_flags_must_be_bools():
    with pytest.raises(TypeError, match="Adam: amsgrad must be True or False, but got 'yes'"):
        optimizers.Adam(amsgrad='yes')
    with pytest.raises(TypeError, match='RMSprop: eps_inside_sqrt must be True or False'):
        optimizers.RMSprop(eps_inside_sqrt=1)


@pytest.mark.parametrize('make,attr', [
    (lambda v: optimizer_hooks.WeightDecay(v), 'rate'),
    (lambda v: optimizer_hooks.Lasso(v), 'rate'),
    (lambda v: optimizer_hooks.GradientClipping(v), 'threshold'),
])
@settings(max_examples=15, deadline=None)
@given(bad=st.one_of(st.floats(max_value=0, exclude_max=True), st.just(math.nan),
                     st.just(math.inf), st.text(max_size=3)))
def test_hook_settings_are_checked_at_construction_and_assignment(make, attr, bad):
    with pytest.raises((TypeError, ValueError), match='{}.* must be a number in'.format(attr)):
        make(bad)
    hook = make(0.5)
    with pytest.raises((TypeError, ValueError), match='must be a number in'):
        setattr(hook, attr, bad)
    assert getattr(hook, attr) == 0.5


def test_gradient_clipping_never_steps_uphill():
    model = L.Linear(1, 1, initialW=np.array([[1.]], np.float32))
    opt = optimizers.SGD(lr=0.1).setup(model)
    opt.add_hook(optimizer_hooks.GradientClipping(0.5))
    model.W.grad = np.array([[10.]], np.float32)
    model.b.grad = np.zeros(1, np.float32)
    opt.update()
    assert model.W.data[0, 0] < 1       # moved downhill, by at most lr * 0.5
    assert model.W.data[0, 0] >= 1 - 0.05 - 1e-6


@settings(max_examples=20, deadline=None)
@given(low=st.floats(-10, 10), high=st.floats(-10, 10))
def test_hard_clipping_bounds(low, high):
    if low > high:
        with pytest.raises(ValueError, match='lower_bound .* is above upper_bound'):
            optimizer_hooks.GradientHardClipping(low, high)
        return
    hook = optimizer_hooks.GradientHardClipping(low, high)
    with pytest.raises(ValueError, match='is above upper_bound'):
        hook.upper_bound = low - 1
    assert (hook.lower_bound, hook.upper_bound) == (low, high)
    optimizer_hooks.GradientHardClipping(-math.inf, math.inf)


@pytest.mark.parametrize('name,bad', [
    ('timeout', 'x'), ('timeout', -1), ('timeout', math.nan), ('max_nodes', 0),
    ('max_nodes', 2.5), ('precision', -1), ('rankdir', 'XY'), ('legend', 'yes'),
    ('collapse_links', 'sometimes'), ('executable', 3),
])
def test_viz_options_are_checked_where_they_are_set(name, bad):
    before = repr(viz.options)
    with pytest.raises((TypeError, ValueError), match='viz.set_options: {}'.format(name)):
        viz.set_options(**{name: bad})
    with pytest.raises((TypeError, ValueError), match=name):
        setattr(viz.options, name, bad)
    assert repr(viz.options) == before


def test_viz_options_accept_their_documented_values():
    try:
        viz.set_options(timeout=None, rankdir='LR', collapse_links='auto', max_nodes=5,
                        precision=0, executable=None, legend=True)
        assert viz.options.timeout is None
    finally:
        viz.set_options(reset=True)


# -- F.linear and L.Linear -------------------------------------------------------

def test_bias_of_the_wrong_shape_is_refused_in_forward():
    x = np.ones((2, 3), np.float32)
    W = np.ones((4, 3), np.float32)
    with pytest.raises(ValueError, match=r'Linear: b has shape \(2, 4\) but W has shape '
                                         r'\(4, 3\): b needs one value per output, shape \(4,\)'):
        F.linear(x, W, np.ones((2, 4), np.float32))


def test_lazy_linear_refuses_a_1d_input():
    f = L.Linear(2)
    with Unchanged(f):
        with pytest.raises(ValueError, match=r'input of shape \(3,\), but it needs a batch.*'
                                             r'x\[None\] or x\.reshape\(1, -1\)'):
            f(np.ones(3, np.float32))
    assert f.W.data is None


def test_linear_names_the_shape_the_learner_passed():
    f = L.Linear(3, 2)
    with pytest.raises(ValueError, match=r'Linear: the input has shape \(3,\), but it needs '
                                         r'a batch: \(batch, features\)\. For one example '
                                         r'write x\[None\]'):
        f(np.ones(3, np.float32))
    with pytest.raises(ValueError, match=r'the input has shape \(2, 2, 2\), so 4 features '
                                         r'per example after flattening'):
        f(np.ones((2, 2, 2), np.float32))
    assert f(np.ones(3, np.float32)[None]).shape == (1, 2)


@pytest.mark.parametrize('sizes', [(0, 2), (2, 0), (-1, 2), (2.5, 2), ('3', 2), (0,)])
def test_linear_sizes_must_be_positive_whole_numbers(sizes):
    with pytest.raises(ValueError, match='Linear: .* must be a positive whole number'):
        L.Linear(*sizes)


@settings(max_examples=25, deadline=None)
@given(batch=st.integers(1, 4), features=st.integers(1, 4), out=st.integers(1, 4),
       dtype=st.sampled_from(['float64', 'float16', 'int32']))
def test_linear_refuses_other_dtypes_with_the_cast_to_write(batch, features, out, dtype):
    f = L.Linear(features, out)
    with Unchanged(f):
        with pytest.raises(TypeError, match=r'the input is {} but W is float32.*'
                                            r'x\.astype\(np\.float32\)'.format(dtype)):
            f(np.ones((batch, features), dtype))
    assert f(np.ones((batch, features), np.float32)).dtype == np.float32
