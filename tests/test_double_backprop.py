"""Double backprop: every function that says ``double_backprop = True`` passes
check_double_backward in float64; the rest stop a double backprop with an
error that names them; the done-when checks (Newton's method, tanh's
derivatives, a gradient penalty)."""
import math

import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
from teachgrad import Variable
from teachgrad.gradient_check import check_double_backward


def _u(*shape, low=-1.0, high=1.0):
    return np.random.uniform(low, high, shape)


def _pos(*shape):
    return np.random.uniform(0.5, 2.0, shape)


def _away_from_zero(*shape):
    x = np.random.uniform(0.3, 1.5, shape)
    return x * np.where(np.random.rand(*shape) < 0.5, -1, 1)


# name -> (func, input arrays); the output grads and the grads of the grads are
# random arrays of the right shapes.
CASES = {
    'add': (lambda a, b: a + b, lambda: (_u(2, 3), _u(3))),
    'sub': (lambda a, b: a - b, lambda: (_u(2, 3), _u(2, 3))),
    'mul': (lambda a, b: a * b, lambda: (_u(2, 3), _u(1, 3))),
    'div': (lambda a, b: a / b, lambda: (_u(2, 3), _pos(3))),
    'pow': (lambda a, b: a ** b, lambda: (_pos(2, 3), _u(2, 3))),
    'neg': (lambda a: -a, lambda: (_u(2, 3),)),
    'add_constant': (lambda a: a + 2.5, lambda: (_u(2, 3),)),
    'sub_constant': (lambda a: a - 2.5, lambda: (_u(2, 3),)),
    'rsub_constant': (lambda a: 2.5 - a, lambda: (_u(2, 3),)),
    'mul_constant': (lambda a: a * 2.5, lambda: (_u(2, 3),)),
    'div_constant': (lambda a: a / 2.5, lambda: (_u(2, 3),)),
    'rdiv_constant': (lambda a: 2.5 / a, lambda: (_pos(2, 3),)),
    'pow_constant_2': (lambda a: a ** 2, lambda: (_u(2, 3),)),
    'pow_constant_3': (lambda a: a ** 3, lambda: (_u(2, 3),)),
    'pow_constant_half': (lambda a: a ** 0.5, lambda: (_pos(2, 3),)),
    'rpow_constant': (lambda a: 2.5 ** a, lambda: (_u(2, 3),)),
    'matmul': (lambda a, b: a @ b, lambda: (_u(2, 3), _u(3, 4))),
    'matmul_vector': (lambda a, b: a @ b, lambda: (_u(3), _u(3, 4))),
    'matmul_batched': (lambda a, b: a @ b, lambda: (_u(2, 2, 3), _u(3, 4))),
    'F.matmul_transb': (lambda a, b: F.matmul(a, b, transb=True), lambda: (_u(2, 3), _u(4, 3))),
    'solve_triangular': (F.solve_triangular, lambda: (_u(2, 3, 3) + 3 * np.eye(3), _u(3, 2))),
    # math
    'exp': (F.exp, lambda: (_u(2, 3),)),
    'log': (F.log, lambda: (_pos(2, 3),)),
    'sqrt': (F.sqrt, lambda: (_pos(2, 3),)),
    'square': (F.square, lambda: (_u(2, 3),)),
    'sin': (F.sin, lambda: (_u(2, 3),)),
    'cos': (F.cos, lambda: (_u(2, 3),)),
    'absolute': (F.absolute, lambda: (_away_from_zero(2, 3),)),
    'clip': (lambda x: F.clip(x, -0.5, 0.5), lambda: (_away_from_zero(2, 3) * 0.6,)),
    'maximum': (F.maximum, lambda: (_u(2, 3), _u(2, 3))),
    'minimum': (F.minimum, lambda: (_u(2, 3), _u(2, 3))),
    'log1p': (F.log1p, lambda: (_pos(2, 3),)),
    'expm1': (F.expm1, lambda: (_u(2, 3),)),
    'tan': (F.tan, lambda: (_u(2, 3),)),
    'arcsin': (F.arcsin, lambda: (_u(2, 3, low=-0.8, high=0.8),)),
    'arccos': (F.arccos, lambda: (_u(2, 3, low=-0.8, high=0.8),)),
    'arctan': (F.arctan, lambda: (_u(2, 3),)),
    'sinh': (F.sinh, lambda: (_u(2, 3),)),
    'cosh': (F.cosh, lambda: (_u(2, 3),)),
    'log2': (F.log2, lambda: (_pos(2, 3),)),
    'log10': (F.log10, lambda: (_pos(2, 3),)),
    'rsqrt': (F.rsqrt, lambda: (_pos(2, 3),)),
    'logsumexp': (F.logsumexp, lambda: (_u(2, 3),)),
    'logsumexp_axis': (lambda x: F.logsumexp(x, axis=1), lambda: (_u(2, 3),)),
    'cumsum': (lambda x: F.cumsum(x, axis=1), lambda: (_u(2, 3),)),
    'cumsum_flat': (F.cumsum, lambda: (_u(2, 3),)),
    'normalize': (F.normalize, lambda: (_u(2, 3),)),
    'normalize_axes': (lambda x: F.normalize(x, axis=(1, 2)), lambda: (_u(2, 3, 2),)),
    'einsum_matmul': (lambda a, b: F.einsum('ij,jk->ik', a, b), lambda: (_u(2, 3), _u(3, 4))),
    'einsum_trace': (lambda a: F.einsum('ii->', a), lambda: (_u(3, 3),)),
    'einsum_diagonal_outer': (lambda a, b: F.einsum('ii,k->ik', a, b), lambda: (_u(3, 3), _u(2))),
    'einsum_three': (lambda a, b, c: F.einsum('i...,ij,j->...', a, b, c),
                     lambda: (_u(2, 3), _u(2, 4), _u(4))),
    'einsum_sum_letter': (lambda a: F.einsum('ij->i', a),
                                lambda: (_u(2, 3),)),
    'tensordot': (lambda a, b: F.tensordot(a, b, axes=((1, 2), (0, 1))),
                  lambda: (_u(2, 3, 4), _u(3, 4, 2))),
    # activation
    'tanh': (F.tanh, lambda: (_u(2, 3),)),
    'sigmoid': (F.sigmoid, lambda: (_u(2, 3),)),
    'relu': (F.relu, lambda: (_away_from_zero(2, 3),)),
    'leaky_relu': (F.leaky_relu, lambda: (_away_from_zero(2, 3),)),
    'elu': (F.elu, lambda: (_away_from_zero(2, 3),)),
    'softplus': (F.softplus, lambda: (_u(2, 3),)),
    'softmax': (F.softmax, lambda: (_u(2, 3),)),
    'log_softmax': (F.log_softmax, lambda: (_u(2, 3),)),
    'clipped_relu': (lambda x: F.clipped_relu(x, 0.5), lambda: (_away_from_zero(2, 3) * 0.6,)),
    'hard_sigmoid': (F.hard_sigmoid, lambda: (_u(2, 3),)),
    'crelu': (F.crelu, lambda: (_away_from_zero(2, 3),)),
    'crelu_axis0': (lambda x: F.crelu(x, axis=0), lambda: (_away_from_zero(2, 3),)),
    'prelu': (F.prelu, lambda: (_away_from_zero(2, 3, 2), _u(3))),
    'prelu_2d': (F.prelu, lambda: (_away_from_zero(2, 3), _u(3))),
    'swish': (F.swish, lambda: (_u(2, 3, 2), _u(3))),
    # reduction
    'sum': (F.sum, lambda: (_u(2, 3),)),
    'sum_axis': (lambda x: F.sum(x, axis=1), lambda: (_u(2, 3),)),
    'sum_keepdims': (lambda x: F.sum(x, axis=0, keepdims=True), lambda: (_u(2, 3),)),
    'mean': (lambda x: F.mean(x, axis=1), lambda: (_u(2, 3),)),
    'max': (lambda x: F.max(x, axis=1), lambda: (_u(2, 3),)),
    'min': (lambda x: F.min(x, axis=0), lambda: (_u(2, 3),)),
    # array
    'reshape': (lambda x: F.reshape(x, (3, 2)), lambda: (_u(2, 3),)),
    'transpose': (F.transpose, lambda: (_u(2, 3),)),
    'transpose_axes': (lambda x: F.transpose(x, (1, 2, 0)), lambda: (_u(2, 3, 4),)),
    'broadcast_to': (lambda x: F.broadcast_to(x, (2, 3)), lambda: (_u(1, 3),)),
    'sum_to': (lambda x: F.sum_to(x, (1, 3)), lambda: (_u(2, 3),)),
    'concat': (lambda a, b: F.concat((a, b), axis=1), lambda: (_u(2, 3), _u(2, 2))),
    'stack': (lambda a, b: F.stack((a, b)), lambda: (_u(2, 3), _u(2, 3))),
    'split_axis': (lambda x: F.split_axis(x, 2, axis=1)[1], lambda: (_u(2, 4),)),
    'expand_dims': (lambda x: F.expand_dims(x, 1), lambda: (_u(2, 3),)),
    'squeeze': (F.squeeze, lambda: (_u(2, 1, 3),)),
    'swapaxes': (lambda x: F.swapaxes(x, 0, 1), lambda: (_u(2, 3),)),
    'tile': (lambda x: F.tile(x, (2, 1)), lambda: (_u(2, 3),)),
    'identity': (F.identity, lambda: (_u(2, 3),)),
    'hstack': (lambda a, b: F.hstack((a, b)), lambda: (_u(2, 3), _u(2, 1))),
    'vstack': (lambda a, b: F.vstack((a, b)), lambda: (_u(2, 3), _u(1, 3))),
    'dstack': (lambda a, b: F.dstack((a, b)), lambda: (_u(2, 3, 1), _u(2, 3, 2))),
    'relu6': (F.relu6, lambda: (_away_from_zero(2, 3) * 4,)),
    'get_item': (lambda x: x[1], lambda: (_u(2, 3),)),
    'get_item_repeated': (lambda x: x[[0, 0, 1], 1:], lambda: (_u(2, 3),)),
    'moveaxis': (lambda x: F.moveaxis(x, 0, 2), lambda: (_u(2, 3, 4),)),
    'broadcast': (lambda a, b: F.broadcast(a, b)[0], lambda: (_u(1, 3), _u(2, 1))),
    'where': (lambda a, b: F.where(np.array([[True, False, True]] * 2), a, b),
              lambda: (_u(2, 3), _u(2, 3))),
    'flip': (lambda x: F.flip(x, 1), lambda: (_u(2, 3),)),
    'pad': (lambda x: F.pad(x, 1, 'constant'), lambda: (_u(2, 3),)),
    'repeat': (lambda x: F.repeat(x, 2, axis=1), lambda: (_u(2, 3),)),
    'repeat_flat': (lambda x: F.repeat(x, 3), lambda: (_u(2, 2),)),
    'repeat_each': (lambda x: F.repeat(x, (1, 0, 2), axis=1), lambda: (_u(2, 3),)),
    'depth2space': (lambda x: F.depth2space(x, 2), lambda: (_u(1, 8, 2, 1),)),
    'space2depth': (lambda x: F.space2depth(x, 2), lambda: (_u(1, 2, 2, 4),)),
    'cast': (lambda x: F.cast(F.cast(x, np.longdouble) * 2.0, np.float64), lambda: (_u(2, 3),)),
    'copy': (lambda x: F.copy(x, -1), lambda: (_u(2, 3),)),
    'permutate': (lambda x: F.permutate(x, np.array([2, 0, 1]), axis=1), lambda: (_u(2, 3),)),
    'permutate_inv': (lambda x: F.permutate(x, np.array([1, 2, 0]), inv=True), lambda: (_u(3, 2),)),
    'separate': (lambda x: F.separate(x, axis=1)[2], lambda: (_u(2, 3),)),
    'separate_all': (lambda x: F.separate(x), lambda: (_u(2, 3),)),
    'transpose_sequence': (lambda a, b: F.transpose_sequence([a, b]),
                           lambda: (_u(3, 2), _u(2, 2))),
    'select_item': (lambda x: F.select_item(x, np.array([2, 0, 1])), lambda: (_u(3, 3),)),
    # connection and loss
    'linear': (F.linear, lambda: (_u(4, 3), _u(2, 3), _u(2))),
    'linear_nobias': (F.linear, lambda: (_u(4, 3), _u(2, 3))),
    'linear_4d': (F.linear, lambda: (_u(2, 3, 2), _u(2, 6))),
    'softmax_cross_entropy': (
        lambda x: F.softmax_cross_entropy(x, np.array([0, 2, -1, 1]),
                                          enable_double_backprop=True),
        lambda: (_u(4, 3),)),
    'softmax_cross_entropy_no_reduce': (
        lambda x: F.softmax_cross_entropy(x, np.array([0, 2, -1, 1]), reduce='no',
                                          enable_double_backprop=True),
        lambda: (_u(4, 3),)),
    'squared_error': (F.squared_error, lambda: (_u(2, 3), _u(2, 3))),
    'absolute_error': (F.absolute_error, lambda: (_u(2, 3), _u(2, 3) + 3)),
    'mean_absolute_error': (F.mean_absolute_error, lambda: (_u(2, 3), _u(2, 3) + 3)),
    'dropout': (lambda x: F.dropout(x, 0.5, mask=np.array([[2.0, 0.0, 2.0], [0.0, 2.0, 2.0]])),
                lambda: (_u(2, 3),)),
    'mean_squared_error': (F.mean_squared_error, lambda: (_u(2, 3), _u(2, 3))),
    'gaussian': (lambda m, v: F.gaussian(m, v, eps=np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]])),
                 lambda: (_u(2, 3), _u(2, 3))),
    'sigmoid_cross_entropy': (
        lambda x: F.sigmoid_cross_entropy(x, np.array([[0, 1, -1], [1, 1, 0]])),
        lambda: (_u(2, 3),)),
    'sigmoid_cross_entropy_no_reduce': (
        lambda x: F.sigmoid_cross_entropy(x, np.array([[0, 1, -1], [1, 1, 0]]), reduce='no'),
        lambda: (_u(2, 3),)),
    'huber_loss': (lambda x, t: F.huber_loss(x, t, delta=0.5),
                   lambda: (_away_from_zero(2, 3) * 0.3, np.zeros((2, 3)))),
    'huber_loss_no_reduce': (lambda x, t: F.huber_loss(x, t, delta=0.5, reduce='no'),
                             lambda: (np.array([[0.2, -0.3, 1.0], [-1.2, 0.1, 0.9]]), _u(2, 3) * 0.05)),
    'hinge': (lambda x: F.hinge(x, np.array([1, 0])),
              lambda: (np.array([[-2.0, 3.0, 0.5], [0.3, 2.0, -0.5]]),)),
    'hinge_l2': (lambda x: F.hinge(x, np.array([1, 0]), norm='L2', reduce='no'),
                 lambda: (np.array([[-2.0, 3.0, 0.5], [0.3, 2.0, -0.5]]),)),
    'contrastive': (lambda a, b: F.contrastive(a, b, np.array([1, 0, 0]), margin=2),
                    lambda: (_u(3, 2), _u(3, 2))),
    'contrastive_no_reduce': (
        lambda a, b: F.contrastive(a, b, np.array([0, 1, 0]), margin=1.5, reduce='no'),
        lambda: (_u(3, 2), _u(3, 2))),
    'triplet': (lambda a, p, n: F.triplet(a, p, n, margin=0.5),
                lambda: (_u(4, 2), _u(4, 2), _u(4, 2))),
    'triplet_no_reduce': (lambda a, p, n: F.triplet(a, p, n, margin=0.5, reduce='no'),
                          lambda: (_u(4, 2), _u(4, 2), _u(4, 2))),
}


def _cases_of_other_files():
    """A test file may keep the cases of its own functions in a dict named
    DOUBLE_BACKPROP_CASES (same form as CASES); they run here too."""
    import importlib
    from pathlib import Path
    found = {}
    for path in sorted(Path(__file__).parent.glob('test_*.py')):
        if path.name != Path(__file__).name and \
                'DOUBLE_BACKPROP_CASES = ' in path.read_text(encoding='utf-8'):
            cases = importlib.import_module(path.stem).DOUBLE_BACKPROP_CASES
            clash = set(cases) & set(CASES) | set(cases) & set(found)
            assert not clash, 'double backprop cases named twice: {}'.format(sorted(clash))
            found.update(cases)
    return found


CASES.update(_cases_of_other_files())


@pytest.mark.parametrize('name', sorted(CASES))
def test_check_double_backward(name):
    np.random.seed(0)
    func, make = CASES[name]
    xs = make()
    with teachgrad.no_backprop_mode():
        ys = func(*[Variable(x) for x in xs])
    ys = ys if isinstance(ys, tuple) else (ys,)
    gys = tuple(np.asarray(np.random.randn(*y.shape)) for y in ys)
    ggxs = tuple(np.random.randn(*x.shape) for x in xs)
    check_double_backward(func, xs, gys, ggxs, atol=1e-5, rtol=1e-4, eps=1e-4)


def test_without_the_flag_grads_are_arrays_and_no_graph_is_kept():
    x = Variable(np.array([2.0]))
    (x ** 3).backward()
    assert type(x.grad) is np.ndarray and x.grad_var.creator is None


def test_grad_var_is_a_graph_that_differentiates_again():
    x = Variable(np.array([2.0]))
    y = x ** 3
    y.backward(enable_double_backprop=True)
    gx = x.grad_var
    assert gx.creator is not None and gx.data.tolist() == [12.0]
    assert type(x.grad) is np.ndarray and x.grad.tolist() == [12.0]
    x.cleargrad()
    gx.backward()
    assert x.grad.tolist() == [12.0]          # 6 x


def test_newton_reaches_the_minimum_of_x4_minus_2x2_from_2():
    x = Variable(np.array(2.0))
    for i in range(10):
        y = x ** 4 - 2 * x ** 2
        x.cleargrad()
        y.backward(enable_double_backprop=True)
        gx = x.grad_var
        x.cleargrad()
        gx.backward()
        x.data = np.asarray(x.data - gx.data / x.grad)
        if abs(x.data - 1.0) < 1e-12:
            break
    assert i < 9 and abs(float(x.data) - 1.0) < 1e-12


def test_grad_gives_tanh_first_five_derivatives():
    x = Variable(np.array([0.3]))
    t = math.tanh(0.3)
    s = 1 - t * t                      # sech², tanh' ; each next one is P'(t) · s
    closed = [s, -2 * t * s, s * (6 * t ** 2 - 2), s * (-24 * t ** 3 + 16 * t),
              s * (120 * t ** 4 - 120 * t ** 2 + 16)]
    g = F.tanh(x)
    for n, want in enumerate(closed):
        g, = teachgrad.grad([g], [x], enable_double_backprop=True)
        assert abs(float(g.data[0]) - want) < 1e-10, n + 1
    assert x.grad is None                       # grad() leaves .grad alone


def test_grad_set_grad_and_grad_outputs():
    x = Variable(np.array([1.0, 2.0]))
    y = x * x
    gx, = teachgrad.grad([y], [x], grad_outputs=[np.array([1.0, 10.0])], set_grad=True)
    assert gx.data.tolist() == [2.0, 40.0] and x.grad.tolist() == [2.0, 40.0]
    with pytest.raises(ValueError, match='grad_outputs'):
        teachgrad.grad([y], [x])


def test_gradient_penalty_parameter_grads_match_numerical():
    np.random.seed(1)
    import teachgrad.links as L
    from teachgrad.gradient_check import numerical_grad
    model = L.Linear(3, 2)
    model.W.data = model.W.data.astype(np.float64)
    model.b.data = model.b.data.astype(np.float64)
    x_data = np.random.randn(4, 3)

    def penalty():
        x = Variable(x_data)
        loss = F.sum(F.tanh(model(x)))
        gx, = teachgrad.grad([loss], [x], enable_double_backprop=True)
        return F.sum(gx * gx)

    model.cleargrads()
    penalty().backward()
    analytical = [model.W.grad.copy(), model.b.grad.copy()]

    def f():
        return penalty().data
    numerical = numerical_grad(f, [model.W.data, model.b.data], (np.array(1.0),), eps=1e-5)
    for a, n in zip(analytical, numerical):
        np.testing.assert_allclose(a, n, atol=1e-7, rtol=1e-6)


def test_a_first_order_only_function_says_so():
    x = Variable(np.random.randn(2, 3))
    y = F.sum(F.max_pooling_2d(F.reshape(x, (1, 1, 2, 3)), 2))
    with pytest.raises(NotImplementedError, match='first-order only'):
        y.backward(enable_double_backprop=True)
    assert x.grad is None                       # nothing changed


def test_functions_made_by_backward_carry_their_derivative_order():
    x = Variable(np.array([0.5]))
    gx, = teachgrad.grad([F.tanh(x)], [x], enable_double_backprop=True)
    ggx, = teachgrad.grad([gx], [x], enable_double_backprop=True)
    orders = {f.derivative_order for f in teachgrad.backprop.walk([ggx.node])
              if hasattr(f, 'derivative_order')}
    assert orders == {1, 2}
    assert not hasattr(x.node.creator, 'derivative_order')


def test_the_stepper_steps_walk_a_double_backprop():
    from teachgrad.backprop import backward_steps
    x = Variable(np.array([2.0]))
    y = F.sin(x) * x
    steps = list(backward_steps(y, enable_double_backprop=True))
    assert [s.function.label for s in steps] == ['*', 'sin']
    assert all(isinstance(g, Variable) for s in steps for g in s.grad_inputs if g is not None)
    np.testing.assert_allclose(x.grad, np.sin(2.0) + 2.0 * np.cos(2.0))


def _tanh_derivative(n):
    x = Variable(np.array([1.0]), name='x')
    g = F.tanh(x)
    for _ in range(n):
        g, = teachgrad.grad([g], [x], enable_double_backprop=True)
    return x, g


def test_the_picture_of_a_grad_styles_backward_functions_apart():
    from teachgrad import viz
    x, g = _tanh_derivative(2)
    source = viz.to_dot(g, legend=True)
    assert 'dashed' in source and 'made by backward' in source
    forward_only = viz.to_dot(F.tanh(Variable(np.array([1.0]))), legend=True)
    assert 'made by backward' not in forward_only


def test_the_eighth_derivative_of_tanh_draws_in_time():
    import time
    from teachgrad import viz
    x, g = _tanh_derivative(8)
    n_functions = len(teachgrad.backprop.walk([g.node]))
    assert n_functions > 1000                   # it grows fast (DeZero counts 2571)
    start = time.perf_counter()
    svg = viz.draw(g)._repr_svg_()
    assert time.perf_counter() - start < 20
    assert svg.lstrip().startswith('<')


def _function_classes():
    import inspect
    import teachgrad.functions as functions_package
    import pkgutil
    import importlib
    found = set()
    for info in pkgutil.iter_modules(functions_package.__path__):
        module = importlib.import_module('teachgrad.functions.' + info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, teachgrad.FunctionNode) \
                    and obj.__module__.startswith('teachgrad.functions'):
                found.add(obj)
    return found


def test_every_function_that_claims_double_backprop_is_checked_here():
    exercised = set()
    for func, make in CASES.values():
        np.random.seed(0)
        xs = [Variable(x) for x in make()]
        ys = func(*xs)
        ys = ys if isinstance(ys, tuple) else (ys,)
        gxs = teachgrad.grad(list(ys), xs, grad_outputs=[Variable(np.ones_like(y.data)) for y in ys],
                             enable_double_backprop=True)
        roots = [v.node for v in list(ys) + gxs if v is not None]
        exercised.update(type(f) for f in teachgrad.backprop.walk(roots))
    claimed = {cls for cls in _function_classes()
               if getattr(cls, 'double_backprop', False) and not cls.__name__.startswith('_')}
    missing = sorted(cls.__name__ for cls in claimed - exercised)
    assert not missing, missing


@pytest.mark.parametrize('kwargs', [{}, {'reduce': 'no'}, {'normalize': False},
                                    {'class_weight': np.array([1.0, 2.0, 0.5])}])
def test_softmax_cross_entropy_for_double_backprop_is_the_same_loss(kwargs):
    np.random.seed(3)
    x = np.random.randn(4, 3)
    t = np.array([0, 2, -1, 1])
    fused = F.softmax_cross_entropy(x, t, **kwargs)
    composed = F.softmax_cross_entropy(x, t, enable_double_backprop=True, **kwargs)
    np.testing.assert_allclose(composed.data, fused.data, rtol=1e-12, atol=1e-12)
    xv = Variable(x)
    loss = F.softmax_cross_entropy(xv, t, **kwargs)
    with pytest.raises(NotImplementedError, match='enable_double_backprop=True'):
        teachgrad.grad([F.sum(loss)], [xv], enable_double_backprop=True)


def test_every_first_order_only_function_says_why():
    silent = sorted(cls.__name__ for cls in _function_classes()
                    if not getattr(cls, 'double_backprop', False)
                    and not cls.__name__.startswith('_')
                    and not getattr(cls, 'first_order_reason', ''))
    assert not silent, silent


@pytest.mark.parametrize('name', ['convolution_2d', 'max_pooling_2d', 'batch_normalization',
                                  'embed_id', 'lstm', 'accuracy', 'argmax', 'prod'])
def test_help_of_a_first_order_only_function_names_it(name):
    assert 'First-order only: ' in getattr(F, name).__doc__
