"""The optimizer machinery: setup, the order of an update, hooks, warnings."""
import warnings

import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import Chain, Parameter, optimizer, optimizer_hooks, optimizers


class Model(Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(2, 2, initialW=np.array([[1, 2], [3, 4]], dtype=np.float32))
            self.l2 = L.Linear(2, 1, initialW=np.array([[1, -1]], dtype=np.float32))

    def forward(self, x):
        return self.l2(self.l1(x))


X = np.array([[1., 2.]], dtype=np.float32)


def test_setup_returns_the_optimizer_and_gives_every_param_a_rule():
    model = Model()
    opt = optimizers.SGD()
    assert opt.setup(model) is opt
    assert opt.target is model and opt.t == 0 and opt.epoch == 0
    rules = [p.update_rule for p in model.params()]
    assert all(isinstance(r, optimizers.sgd.SGDRule) for r in rules)
    assert len(set(map(id, rules))) == 4
    assert rules[0].hyperparam.parent is opt.hyperparam
    with pytest.raises(TypeError, match='Link'):
        optimizers.SGD().setup(np.zeros(2))


def test_update_before_setup_explains():
    with pytest.raises(RuntimeError, match='setup'):
        optimizers.SGD().update()


def test_setup_warns_when_links_were_not_registered():
    class Forgot(Chain):
        def __init__(self):
            super().__init__()
            self.l1 = L.Linear(2, 2)          # outside init_scope
    with pytest.warns(UserWarning, match='init_scope'):
        optimizers.SGD().setup(Forgot())


def test_update_uses_existing_grads():
    model = Model()
    opt = optimizers.SGD(lr=0.5).setup(model)
    model.l1.W.grad = np.array([[1, 0], [0, -2]], dtype=np.float32)
    opt.update()
    assert model.l1.W.data.tolist() == [[0.5, 2], [3, 5]]
    assert opt.t == 1 and model.l1.W.update_rule.t == 1


def test_update_with_lossfun_order_of_steps():
    """loss = lossfun(*args); cleargrads; backward; pre-hooks; t += 1; update; post-hooks."""
    model = Model()
    opt = optimizers.SGD(lr=0.1).setup(model)
    log = []

    def lossfun(x, scale=1):
        log.append(('lossfun', opt.t, model.l1.W.grad is None))
        return F.sum(model(x)) * scale

    def pre(o):
        log.append(('pre', o.t, model.l1.W.grad.tolist()))

    def post(o):
        log.append(('post', o.t, model.l1.W.data.astype(float).round(6).tolist()))

    opt.add_hook(pre, name='pre', timing='pre')
    opt.add_hook(post, name='post', timing='post')
    model.l1.W.grad = np.full((2, 2), 100, dtype=np.float32)   # stale: must be cleared
    opt.update(lossfun, X, scale=2)
    # d/dW1 of sum(W2 @ W1 @ x) * 2 = 2 * outer(W2, x) = [[2, 4], [-2, -4]]
    assert log == [
        ('lossfun', 0, False),
        ('pre', 0, [[2, 4], [-2, -4]]),
        ('post', 1, [[0.8, 1.6], [3.2, 4.4]]),
    ]


def test_grads_accumulate_without_cleargrads_but_update_lossfun_clears():
    model = Model()
    opt = optimizers.SGD(lr=0).setup(model)
    opt.update(lambda: F.sum(model(X)))
    opt.update(lambda: F.sum(model(X)))
    assert model.l2.b.grad.tolist() == [1]      # cleared before each backward


def test_params_without_grad_get_zero_grads_like_chainer():
    model = Model()
    opt = optimizers.MomentumSGD(lr=1, momentum=0.5).setup(model)
    model.l1.W.grad = np.ones((2, 2), dtype=np.float32)
    opt.update()
    assert model.l2.W.grad.tolist() == [[0, 0]]
    before = model.l1.W.data.copy()
    model.cleargrads()
    opt.update()                  # zero grad, but the velocity keeps moving
    np.testing.assert_allclose(model.l1.W.data, before - 0.5)


def test_weight_decay_hook_and_old_path():
    assert optimizer.WeightDecay is optimizer_hooks.WeightDecay
    assert teachgrad.optimizer.WeightDecay is optimizer_hooks.WeightDecay
    model = Model()
    opt = optimizers.SGD(lr=0.1).setup(model)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        opt.add_hook(teachgrad.optimizer.WeightDecay(0.5))
    model.l1.W.grad = np.zeros((2, 2), dtype=np.float32)
    grad = model.l1.W.grad
    opt.update()
    assert grad.tolist() == [[0.5, 1], [1.5, 2]]           # g += rate * p, in place
    np.testing.assert_allclose(model.l1.W.data, [[0.95, 1.9], [2.85, 3.8]])
    with pytest.raises(KeyError, match='already exists'):
        opt.add_hook(optimizer_hooks.WeightDecay(0.1))
    opt.remove_hook('WeightDecay')
    assert list(opt._pre_update_hooks) == []


def test_lasso_and_hard_clipping():
    model = Model()
    opt = optimizers.SGD(lr=1).setup(model)
    opt.add_hook(optimizer_hooks.Lasso(0.25))
    opt.add_hook(optimizer_hooks.GradientHardClipping(-1, 0.5))
    model.l2.W.grad = np.array([[3., -3.]], dtype=np.float32)
    opt.update()
    # Lasso: [3.25, -3.25]; clipped to [0.5, -1]
    assert model.l2.W.grad.tolist() == [[0.5, -1]]
    assert model.l2.W.data.tolist() == [[0.5, 0]]
    with pytest.raises(ValueError, match='above'):
        optimizer_hooks.GradientHardClipping(1, 0)


def test_gradient_clipping_scales_all_grads_together():
    model = Model()
    opt = optimizers.SGD(lr=0).setup(model)
    opt.add_hook(optimizer_hooks.GradientClipping(1.0))
    model.cleargrads()
    model.l1.W.grad = np.array([[3., 0.], [0., 0.]], dtype=np.float32)
    model.l2.W.grad = np.array([[4., 0.]], dtype=np.float32)
    opt.update()
    norm = np.sqrt(sum(float((p.grad ** 2).sum()) for p in model.params()))
    assert norm == pytest.approx(1.0, abs=1e-5)
    assert model.l1.W.grad[0, 0] / model.l2.W.grad[0, 0] == pytest.approx(0.75)
    model.l1.W.grad = np.array([[0.3, 0.], [0., 0.]], dtype=np.float32)
    opt.update()
    assert model.l1.W.grad[0, 0] == pytest.approx(0.3)      # below the threshold: untouched


def test_post_hook_per_param_and_rule_hooks():
    model = Model()
    opt = optimizers.SGD(lr=1).setup(model)
    seen = []

    class Post:
        name = 'Post'
        call_for_each_param = True
        timing = 'post'

        def __call__(self, rule, param):
            seen.append((param.name, rule.t))
    opt.add_hook(Post())
    assert list(opt._post_update_hooks) == ['Post']
    rule = model.l1.W.update_rule
    rule.add_hook(lambda r, p: seen.append(('rule-pre', r.t)), name='mine')
    opt.update()
    assert seen[0] == ('rule-pre', 1)
    assert [s[0] for s in seen[1:]] == ['W', 'b', 'W', 'b']
    with pytest.raises(ValueError, match="'pre', 'post'"):
        opt.add_hook(lambda o: None, name='x', timing='later')
    with pytest.raises(TypeError, match='callable'):
        opt.add_hook(3)


def test_hyperparameters_are_shared_through_the_parent():
    model = Model()
    opt = optimizers.SGD(lr=0.1).setup(model)
    rule = model.l1.W.update_rule
    assert rule.hyperparam.lr == 0.1
    opt.lr = 0.5
    assert rule.hyperparam.lr == 0.5 and opt.hyperparam.lr == 0.5
    model.l2.W.update_rule.hyperparam.lr = 0.0      # freeze one parameter by lr
    model.l1.W.grad = np.ones((2, 2), dtype=np.float32)
    model.l2.W.grad = np.ones((1, 2), dtype=np.float32)
    opt.update()
    assert model.l2.W.data.tolist() == [[1, -1]]
    assert model.l1.W.data.tolist() == [[0.5, 1.5], [2.5, 3.5]]
    assert repr(opt.hyperparam) == 'Hyperparameter(lr=0.5)'


def test_last_update_and_state_are_readable():
    model = Model()
    opt = optimizers.MomentumSGD(lr=0.1, momentum=0.5).setup(model)
    rule = model.l1.W.update_rule
    assert rule.state is None and rule.last_update is None
    for _ in range(2):
        before = model.l1.W.data.copy()
        model.l1.W.grad = np.ones((2, 2), dtype=np.float32)
        opt.update()
        # exactly what was added: before + last_update, rounded once, is the new value
        np.testing.assert_array_equal(before + rule.last_update, model.l1.W.data)
    assert sorted(rule.state) == ['v']
    np.testing.assert_allclose(rule.state['v'], -0.15)


def test_nan_loss_warns_in_plain_words():
    model = Model()
    opt = optimizers.SGD().setup(model)
    with pytest.warns(optimizer.NonFiniteWarning, match=r'step 1: the loss is nan'):
        opt.update(lambda: F.sum(model(np.array([[np.nan, 1]], dtype=np.float32))))


def test_nan_grad_warns_naming_parameter_and_step():
    model = Model()
    opt = optimizers.SGD().setup(model)
    model.l1.W.grad = np.ones((2, 2), dtype=np.float32)
    opt.update()
    model.l1.W.grad = np.array([[np.nan, 1], [np.inf, 1]], dtype=np.float32)
    model.l2.b.grad = np.zeros(1, dtype=np.float32)
    with pytest.warns(optimizer.NonFiniteWarning) as record:
        opt.update()
    message = str(record[0].message)
    assert 'step 2' in message and '/l1/W (1 NaN, 1 infinite of 4 values)' in message
    assert '/l2' not in message
    # Reported once, not at every later step.
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        model.l1.W.grad = np.full((2, 2), np.nan, dtype=np.float32)
        opt.update()


def test_finite_training_warns_nothing():
    model = Model()
    opt = optimizers.Adam().setup(model)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        for _ in range(3):
            opt.update(lambda: F.sum(model(X)))


def test_new_epoch_and_repr():
    opt = optimizers.SGD().setup(Model())
    opt.new_epoch()
    assert opt.epoch == 1
    assert repr(opt) == 'SGD(lr=0.01)'
    assert repr(optimizers.Adam()) == (
        'Adam(alpha=0.001, beta1=0.9, beta2=0.999, eps=1e-08, eta=1.0, '
        'weight_decay_rate=0, amsgrad=False)')


def test_uninitialized_params_are_skipped_until_created():
    f = L.Linear(2)
    opt = optimizers.MomentumSGD().setup(f)
    opt.update()                               # W does not exist yet
    assert f.W.data is None and f.W.update_rule.state is None
    opt.update(lambda: F.sum(f(np.ones((1, 3), dtype=np.float32))))
    assert f.W.update_rule.state['v'].shape == (2, 3)


def test_parameter_update_method():
    p = Parameter(np.array([1.], dtype=np.float32))
    p.update()                                  # no rule: nothing happens
    p.update_rule = optimizers.sgd.SGDRule(lr=1.0)
    p.grad = np.array([0.25], dtype=np.float32)
    p.update()
    assert p.data.tolist() == [0.75]
