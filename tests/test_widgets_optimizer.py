"""OptimizerStepper: its steps are the optimizer's real updates.

Each test trains the same model twice from the same seed: once with manual
``optimizer.update(lossfun, x, t)`` calls, once through the stepper, and
compares parameters, losses and optimizer state exactly.
"""
import numpy as np
import pytest

import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import optimizer_hooks, optimizers
from teachgrad.widgets import OptimizerStepper

OPTIMIZERS = {
    'SGD': lambda: optimizers.SGD(lr=0.05),
    'MomentumSGD': lambda: optimizers.MomentumSGD(lr=0.05, momentum=0.9),
    'Adam': lambda: optimizers.Adam(alpha=0.05),
}


def problem(make_optimizer, weight_decay=None):
    np.random.seed(0)
    model = L.Linear(3, 2)
    rng = np.random.RandomState(1)
    x = rng.randn(10, 3).astype(np.float32)
    t = rng.randn(10, 2).astype(np.float32)
    opt = make_optimizer().setup(model)
    if weight_decay is not None:
        opt.add_hook(optimizer_hooks.WeightDecay(weight_decay))

    def lossfun(x, t):
        return F.sum((model(x) - t) ** 2) / len(x)
    return model, opt, lossfun, x, t


def params(model):
    return {path: p.data.copy() for path, p in model.namedparams()}


@pytest.mark.parametrize('weight_decay', [None, 0.1])
@pytest.mark.parametrize('name', sorted(OPTIMIZERS))
def test_n_steps_equal_n_manual_updates(name, weight_decay):
    n = 7
    m1, opt1, lossfun1, x, t = problem(OPTIMIZERS[name], weight_decay)
    manual_losses = []
    for _ in range(n):
        loss = lossfun1(x, t)
        manual_losses.append(float(loss.data))
        opt1.update(lossfun1, x, t)

    m2, opt2, lossfun2, x, t = problem(OPTIMIZERS[name], weight_decay)
    s = OptimizerStepper(opt2, lossfun2, x, t)
    s.step()
    s.step(n=n - 1)
    assert opt2.t == opt1.t == n
    p1, p2 = params(m1), params(m2)
    for path in p1:
        np.testing.assert_array_equal(p1[path], p2[path], err_msg=path)
    np.testing.assert_array_equal(np.array(s.losses, 'f'), np.array(manual_losses, 'f'))
    for (path, q1), (_, q2) in zip(m1.namedparams(), m2.namedparams()):
        np.testing.assert_array_equal(q1.grad, q2.grad, err_msg=path)
        for key in q1.update_rule.state:
            np.testing.assert_array_equal(q1.update_rule.state[key],
                                          q2.update_rule.state[key], err_msg=path + key)
    # the stepper's own hooks are gone again, the optimizer's are in place
    assert list(opt2._pre_update_hooks) == list(opt1._pre_update_hooks)


def test_what_the_table_shows_is_what_the_update_did():
    m, opt, lossfun, x, t = problem(OPTIMIZERS['MomentumSGD'], weight_decay=0.1)
    s = OptimizerStepper(opt, lossfun, x, t)
    s.step(3)
    before = params(m)
    W_before = m.W.data.copy()
    # the raw grad backward will produce at this point, computed independently
    m.cleargrads()
    lossfun(x, t).backward()
    raw = m.W.grad.copy()
    s.step()
    rec = s.last['/W']
    np.testing.assert_array_equal(rec.backward_grad, raw)
    (hook, added), = rec.hooks
    assert hook == 'WeightDecay'
    np.testing.assert_allclose(added, 0.1 * W_before, rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(rec.grad, raw + added)
    np.testing.assert_array_equal(rec.update, m.W.update_rule.state['v'])
    np.testing.assert_allclose(rec.value - before['/W'], rec.update, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(rec.value, m.W.data)
    assert sorted(rec.state) == ['v']
    text = s.caption
    assert text.splitlines()[0].startswith('Step 4: loss ')
    assert '+ WeightDecay: ' in text and 'state v: ' in text
    assert 'MomentumSGD rule: v ← momentum · v - lr · grad;  p ← p + v' in text


def test_adam_state_and_records_are_copies():
    m, opt, lossfun, x, t = problem(OPTIMIZERS['Adam'])
    s = OptimizerStepper(opt, lossfun, x, t)
    s.step()
    first = s.last['/b']
    m_after_1 = first.state['m'].copy()
    s.step()
    # Adam updates m in place; the record of step 1 must not change with it
    np.testing.assert_array_equal(first.state['m'], m_after_1)
    assert sorted(s.last['/W'].state) == ['m', 'v']
    assert not np.array_equal(s.last['/b'].state['m'], m_after_1)


def test_lazy_parameters_and_not_set_up():
    np.random.seed(0)
    model = L.Linear(2)                         # W gets its shape at the first call
    x = np.ones((3, 4), dtype=np.float32)
    opt = optimizers.SGD(lr=0.1).setup(model)
    s = OptimizerStepper(opt, lambda x: F.sum(model(x) ** 2), x)
    assert '/W (None)' in s.caption
    s.step()
    assert s.last['/W'].update.shape == (2, 4)
    with pytest.raises(RuntimeError, match='setup'):
        OptimizerStepper(optimizers.SGD(), lambda: None)


def test_static_html_has_plot_and_table_and_is_deterministic():
    pytest.importorskip('matplotlib')
    htmls = []
    for _ in range(2):
        m, opt, lossfun, x, t = problem(OPTIMIZERS['SGD'])
        s = OptimizerStepper(opt, lossfun, x, t)
        s.step(5)
        bundle = s._repr_mimebundle_()
        htmls.append(bundle['text/html'])
        assert bundle['text/plain'] == s.caption
        assert 'data:image/svg+xml;base64,' in bundle['text/html']
        assert '<table class="teachgrad-params"' in bundle['text/html']
    assert htmls[0] == htmls[1]


def test_widget_step_and_run_n():
    pytest.importorskip('ipywidgets')
    pytest.importorskip('matplotlib')
    m, opt, lossfun, x, t = problem(OPTIMIZERS['Adam'])
    s = OptimizerStepper(opt, lossfun, x, t)
    s.widget
    ui = s._ui
    first_png = ui.plot.value
    assert first_png[:4] == b'\x89PNG'
    ui.step.click()
    assert s.losses and opt.t == 1 and 'Step 1: loss' in ui.caption.value
    assert ui.plot.value != first_png
    ui.n.value = 6
    ui.run.click()
    assert opt.t == 7 and len(s.losses) == 7
    assert ui.progress.value == ui.progress.max == 6
    assert 'Step 7: loss' in ui.caption.value and not ui.step.disabled
    assert '/W (2, 3)' in ui.table.value


# -- LossLandscape ----------------------------------------------------------------

def manual_path(opt, start, loss, n):
    """The same walk written out by hand: a Link with w1, w2 and n updates."""
    from teachgrad import Link, Parameter

    class Point(Link):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.w1 = Parameter(np.array(start[0], dtype=np.float32))
                self.w2 = Parameter(np.array(start[1], dtype=np.float32))
    p = Point()
    opt.setup(p)
    path = [start]
    for _ in range(n):
        opt.update(lambda: loss(p.w1, p.w2))
        path.append((float(p.w1.data), float(p.w2.data)))
    return np.array(path)


def test_landscape_paths_are_real_optimizer_walks():
    from teachgrad.widgets import LossLandscape
    from teachgrad.widgets.landscape import LANDSCAPES, default_optimizers
    land = LossLandscape()
    land.step(4)
    land.step()
    loss, start = LANDSCAPES['valley'][0], LANDSCAPES['valley'][1]
    assert sorted(land.paths) == ['Adam', 'MomentumSGD', 'SGD']
    for name, opt in default_optimizers().items():
        expected = manual_path(opt, start, loss, 5)
        np.testing.assert_array_equal(land.paths[name], expected, err_msg=name)
        assert len(land.losses[name]) == 5
        assert land.optimizers[name].t == 5
    # SGD at lr=0.45 zigzags across the valley: w2 changes sign every step
    w2 = land.paths['SGD'][:, 1]
    assert all(np.sign(w2[1:]) == -np.sign(w2[:-1]))
    land.reset()
    assert land.position == 0 and all(o.t == 0 for o in land.optimizers.values())
    assert land.paths['Adam'].tolist() == [list(start)]


def test_landscape_grid_is_the_loss_and_custom_losses():
    from teachgrad.widgets import LossLandscape
    land = LossLandscape('rosenbrock', {'SGD': optimizers.SGD(lr=0.001)}, resolution=5)
    a, b, z = land.grid()
    np.testing.assert_allclose(z, (1 - a) ** 2 + 100 * (b - a ** 2) ** 2, rtol=1e-6)
    with pytest.raises(ValueError, match='start='):
        LossLandscape(lambda a, b: a * a + b * b)
    with pytest.raises(ValueError, match='unknown landscape'):
        LossLandscape('bowl')

    def bowl(a, b):
        return (a - 1) ** 2 + (b + 2) ** 2
    land = LossLandscape(bowl, {'GD': optimizers.SGD(lr=0.5)}, start=(3., 3.),
                         xlim=(-4, 4), ylim=(-4, 4), resolution=9)
    land.step()                               # lr 0.5 on this bowl: straight to (1, -2)
    assert land.paths['GD'][-1].tolist() == [1.0, -2.0]
    assert 'GD = SGD(lr=0.5): at (1, -2), loss 0' in land.caption


def test_landscape_static_picture_is_deterministic():
    pytest.importorskip('matplotlib')
    from teachgrad.widgets import LossLandscape
    svgs = []
    for _ in range(2):
        land = LossLandscape(resolution=31)
        land.step(3)
        bundle = land._repr_mimebundle_()
        assert 'image/svg+xml' not in bundle and land._repr_svg_() is None
        svgs.append(land.svg)
        assert 'data:image/svg+xml;base64,' in bundle['text/html']
        assert bundle['text/plain'].startswith("Loss landscape 'valley': 3 optimizers")
    assert svgs[0] == svgs[1]
    assert '<dc:date>' not in svgs[0]


def test_stepper_says_when_the_loss_does_not_depend_on_its_parameters():
    import warnings as _warnings
    mine = L.Linear(2, 1, initialW=np.ones((1, 2), dtype=np.float32))
    other = L.Linear(2, 1)
    x = np.ones((3, 2), dtype=np.float32)
    before = mine.W.data.copy()
    stepper = OptimizerStepper(optimizers.SGD(lr=0.1).setup(mine),
                               lambda x: F.sum(other(x) ** 2), x)
    with pytest.warns(RuntimeWarning, match='does not depend on this optimizer'):
        stepper.step()
    assert stepper.loss_depends_on_params is False
    assert any('does not depend' in line for line in stepper.caption_lines)
    np.testing.assert_array_equal(mine.W.data, before)
    # the same stepper on a loss that uses its model: no warning, no line
    fine = OptimizerStepper(optimizers.SGD(lr=0.1).setup(mine), lambda x: F.sum(mine(x) ** 2), x)
    with _warnings.catch_warnings():
        _warnings.simplefilter('error')
        fine.step()
    assert fine.loss_depends_on_params is True
    assert not any('does not depend' in line for line in fine.caption_lines)
