"""Class 1 of reliability: an operation that fails leaves every object exactly as it was.

Each failing call runs inside ``Unchanged(...)``, which compares every
parameter, grad, optimizer state, attribute and file before and after.
"""
import io

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import datasets, iterators, optimizers, serializers, training
from teachgrad.serializers import SerializationError
from teachgrad.training import extensions

from unchanged import Unchanged


class Net(teachgrad.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(2, 3)
            self.bn = L.BatchNormalization(3)

    def forward(self, x):
        return self.bn(self.l1(x))


def trained(optimizer_class=optimizers.MomentumSGD):
    np.random.seed(0)
    model = Net()
    opt = optimizer_class().setup(model)
    x = np.random.randn(4, 2).astype(np.float32)
    opt.update(lambda: F.sum(model(x) ** 2))
    return model, opt


def arrays_of(obj):
    buffer = io.BytesIO()
    serializers.save_npz(buffer, obj)
    return dict(np.load(io.BytesIO(buffer.getvalue())))


def npz(arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    buffer.seek(0)
    return buffer


# -- load_npz: models, optimizers, trainers -------------------------------------

def test_batchnorm_count_given_as_text_changes_nothing():
    source, _ = trained()
    arrays = arrays_of(source)
    arrays['bn/N'] = np.array('abc')
    model, opt = trained()
    model.l1.W.data += 1            # differs from the file, so a partial load would show
    with Unchanged(model, opt):
        with pytest.raises(SerializationError, match=r"'bn/N': the target has an int "
                                                     r"\(0\) but the file has the text 'abc'"):
            serializers.load_npz(npz(arrays), model)


def make_trainer(out, log_report=True):
    np.random.seed(0)
    model = L.Classifier(L.Linear(2, 2))
    opt = optimizers.Adam().setup(model)
    data = datasets.TupleDataset(np.random.randn(6, 2).astype(np.float32),
                                 np.array([0, 1, 0, 1, 1, 0], np.int32))
    updater = training.updaters.StandardUpdater(iterators.SerialIterator(data, 2), opt)
    trainer = training.Trainer(updater, (3, 'iteration'), out=str(out))
    if log_report:
        trainer.extend(extensions.LogReport(trigger=(1, 'iteration')))
    return trainer


def test_trainer_snapshot_whose_log_is_not_json_changes_nothing(tmp_path):
    done = make_trainer(tmp_path / 'a')
    done.run()
    arrays = arrays_of(done)
    arrays['extensions/LogReport/_log'] = np.array('this is not JSON')
    fresh = make_trainer(tmp_path / 'b')
    fresh.updater.update()          # some state of its own to lose
    with Unchanged(fresh, dirs=[tmp_path]):
        with pytest.raises(SerializationError, match=r"after reading "
                           r"'extensions/LogReport/_log'.*JSONDecodeError.*nothing was changed"):
            serializers.load_npz(npz(arrays), fresh)
    # The real snapshot still loads into the same trainer afterwards.
    serializers.load_npz(npz(arrays_of(done)), fresh)
    assert fresh.updater.iteration == 3


def test_optimizer_state_of_another_model_is_refused():
    source_model = L.Linear(3, 2)
    source = optimizers.Adam().setup(source_model)
    source_model.W.grad = np.ones((2, 3), np.float32)
    source_model.b.grad = np.ones(2, np.float32)
    source.update()
    model = L.Linear(4, 2)
    opt = optimizers.Adam().setup(model)
    with Unchanged(model, opt):
        with pytest.raises(SerializationError, match=r"'W/m': the target has shape "
                                                     r"\(2, 4\) but the file has shape \(2, 3\)"):
            serializers.load_npz(npz(arrays_of(source)), opt)
    # ...and nothing was armed to crash in the next update.
    model.W.grad = np.ones((2, 4), np.float32)
    model.b.grad = np.ones(2, np.float32)
    opt.update()
    assert model.W.update_rule.state['m'].shape == (2, 4)


def test_optimizer_state_of_the_right_shape_loads_into_a_fresh_optimizer():
    model, opt = trained(optimizers.Adam)
    arrays = arrays_of(opt)
    fresh_model, _ = trained(optimizers.Adam)
    fresh = optimizers.Adam().setup(fresh_model)
    serializers.load_npz(npz(arrays), fresh)
    np.testing.assert_array_equal(fresh_model.l1.W.update_rule.state['v'],
                                  model.l1.W.update_rule.state['v'])
    assert fresh.t == opt.t == 1


corruptions = st.sampled_from(['text', 'shape', 'float-into-int', 'missing', 'extra'])


@settings(max_examples=40, deadline=None)
@given(kind=corruptions, index=st.integers(0, 100))
def test_any_corrupted_optimizer_file_changes_nothing(kind, index):
    model, opt = trained(optimizers.Adam)
    arrays = arrays_of(opt)
    key = sorted(arrays)[index % len(arrays)]
    if kind == 'text':
        arrays[key] = np.array('garbage')
    elif kind == 'shape':
        arrays[key] = np.zeros(np.asarray(arrays[key]).size + 2)
    elif kind == 'float-into-int':
        if arrays[key].dtype.kind not in 'iu':
            return
        arrays[key] = np.array(1.5)
    elif kind == 'missing':
        del arrays[key]
    else:
        arrays['surplus/' + key] = arrays[key]
    model.l1.W.data += 1
    with Unchanged(model, opt):
        with pytest.raises(SerializationError, match='nothing was changed'):
            serializers.load_npz(npz(arrays), opt)


def test_a_serialize_method_that_fails_halfway_is_undone():
    class Counter(teachgrad.Link):
        def __init__(self):
            super().__init__()
            self.count = 0
            self.history = [1, 2]

        def serialize(self, serializer):
            super().serialize(serializer)
            self.count = serializer('count', self.count)
            self.history.clear()
            if self.count == 5:         # only the loading pass sees the file's 5
                raise RuntimeError('broken after changing things')

    saved = Counter()
    saved.count = 5
    saved.serialize = lambda s: s('count', 5)
    arrays = arrays_of(saved)
    target = Counter()
    with Unchanged(target):
        with pytest.raises(SerializationError, match="after reading 'count'.*RuntimeError"):
            serializers.load_npz(npz(arrays), target)
    assert target.history == [1, 2]


# -- lazy links -----------------------------------------------------------------

def test_lazy_convolution_keeps_no_W_from_a_failed_first_call():
    conv = L.Convolution2D(None, 2, 3)
    with Unchanged(conv):
        with pytest.raises(ValueError, match=r'got shape \(3, 5, 5\).*x\[None\]'):
            conv(np.ones((3, 5, 5), np.float32))
    assert conv.W.data is None
    assert conv(np.ones((1, 3, 5, 5), np.float32)).shape == (1, 2, 3, 3)
    assert conv.W.shape == (2, 3, 3, 3)


def test_lazy_convolution_undoes_W_when_the_forward_fails():
    conv = L.Convolution2D(2, 7)            # a 7x7 filter does not fit a 5x5 image
    with Unchanged(conv):
        with pytest.raises(ValueError, match='does not fit'):
            conv(np.ones((1, 3, 5, 5), np.float32))


def test_lazy_batch_normalization_undoes_its_statistics_when_the_first_call_fails(monkeypatch):
    from teachgrad.links import batch_normalization as bn_module
    bn = L.BatchNormalization(None)

    def broken(*args, **kwargs):
        raise RuntimeError('the forward failed')
    with monkeypatch.context() as m:
        m.setattr(bn_module, 'batch_normalization', broken)
        with Unchanged(bn):
            with pytest.raises(RuntimeError, match='the forward failed'):
                bn(np.ones((2, 3, 4), np.float32))
    assert bn.avg_mean is None and bn.gamma.data is None and bn.beta.data is None
    y = bn(np.arange(12, dtype=np.float32).reshape(4, 3))      # a correct call still works
    assert y.shape == (4, 3) and bn.avg_mean.shape == (3,) and bn.gamma.shape == (3,)


@settings(max_examples=30, deadline=None)
@given(features=st.integers(1, 5), dtype=st.sampled_from([np.float64, np.int32]))
def test_lazy_linear_undoes_W_when_the_forward_fails(features, dtype):
    np.random.seed(1)
    f = L.Linear(2)
    with Unchanged(f):      # the random state too: the failed call drew nothing
        with pytest.raises(TypeError, match='astype'):
            f(np.ones((1, features), dtype))
    y = f(np.ones((1, features), np.float32))
    assert f.W.shape == (2, features) and y.dtype == np.float32
    np.random.seed(1)
    assert np.array_equal(f.W.data, L.Linear(features, 2).W.data)


# -- optimizer.update -----------------------------------------------------------

def test_update_with_a_bad_learning_rate_is_refused_before_anything_changes():
    model, opt = trained()
    for p in model.params():
        p.grad = np.ones_like(p.data)
    with Unchanged(model, opt):
        with pytest.raises(TypeError, match="lr .* got 'x'"):
            opt.lr = 'x'
        with pytest.raises(TypeError, match="lr .* got 'x'"):
            model.l1.W.update_rule.hyperparam.lr = 'x'
    opt.update()
    assert opt.t == 2 and [p.update_rule.t for p in model.params()] == [2] * 4


def test_update_whose_grad_no_longer_fits_changes_nothing():
    model, opt = trained()
    for p in model.params():
        p.grad = np.ones_like(p.data)
    model.l1.W.cleargrad()
    model.l1.W.data = np.zeros((3, 2), np.float64)      # replaced after backward
    model.l1.W._grad = np.ones((3, 2), np.float32)
    with Unchanged(model, opt):
        with pytest.raises(ValueError, match='grad of W has shape .* but the parameter'):
            opt.update()


def test_update_whose_backward_fails_restores_the_grads():
    class Broken(teachgrad.FunctionNode):
        def forward(self, x):
            return x * 1

        def backward(self, gy):
            raise RuntimeError('backward is broken')

    model, opt = trained()
    for p in model.params():
        p.grad = np.full_like(p.data, 7)
    x = np.ones((2, 2), np.float32)
    with Unchanged(model, opt):
        with pytest.raises(RuntimeError, match='backward is broken'):
            opt.update(lambda: F.sum(Broken()(model(x))))


def test_adam_eps_that_underflows_is_refused_before_the_first_change():
    model = L.Linear(2, 2, initialW=np.ones((2, 2), np.float16), initial_bias=0)
    model.W.data = model.W.data.astype(np.float16)
    model.b.data = model.b.data.astype(np.float16)
    opt = optimizers.Adam(eps=1e-10).setup(model)
    model.W.grad = np.ones((2, 2), np.float16)
    model.b.grad = np.ones(2, np.float16)
    with Unchanged(model, opt):
        with pytest.raises(ValueError, match='eps 1e-10 is 0 in float16'):
            opt.update()


# -- copyparams and init_scope --------------------------------------------------

class Two(teachgrad.Chain):
    def __init__(self, first, second, sizes=(2, 3)):
        super().__init__()
        with self.init_scope():
            setattr(self, first, L.Linear(sizes[0], sizes[1]))
            setattr(self, second, L.Linear(sizes[1], 2))


def test_copyparams_matches_by_name_not_position():
    np.random.seed(0)
    a = Two('enc', 'dec')
    b = Two('enc', 'dec')
    b.copyparams(a)
    for (pa, x), (pb, y) in zip(a.namedparams(), b.namedparams()):
        assert pa == pb and np.array_equal(x.data, y.data)


@settings(max_examples=20, deadline=None)
@given(names=st.permutations(['a', 'b', 'c']))
def test_copyparams_with_other_child_names_copies_nothing(names):
    np.random.seed(0)
    source = Two(names[0], names[1])
    target = Two('a', 'z')
    with Unchanged(target, source):
        with pytest.raises(KeyError, match='copyparams: the source Two has no parameter .*/z/W'):
            target.copyparams(source)


def test_copyparams_with_a_shape_mismatch_copies_nothing():
    source = Two('a', 'b', sizes=(2, 3))
    target = Two('a', 'b', sizes=(2, 4))
    with Unchanged(target):
        with pytest.raises(ValueError, match=r'/a/W has shape \(4, 2\) here but \(3, 2\)'):
            target.copyparams(source)


def test_a_parameter_cannot_replace_a_child_link():
    net = Two('l1', 'l2')
    with Unchanged(net):
        with pytest.raises(AttributeError, match="'l1' is already a child link"):
            with net.init_scope():
                net.l1 = teachgrad.Parameter(np.zeros(3, np.float32))
    assert [n for n, _ in net.namedparams()] == ['/l1/W', '/l1/b', '/l2/W', '/l2/b']


# -- backward ---------------------------------------------------------------------

def test_backward_that_fails_halfway_puts_every_grad_back():
    x = teachgrad.Variable(np.array([1., 2.]))
    x.grad = np.array([10., 20.])               # accumulated by an earlier backward
    k = teachgrad.Variable(np.array([1, 2]))    # an integer leaf
    h = (k * 0.5) * 1.0
    y = F.sum(x * h)        # backward reaches x first, then fails at k's float grad
    with Unchanged(x, k, y):
        with pytest.raises(TypeError, match='sent a float64 gradient to a variable, which '
                                            'holds int64'):
            y.backward()
    np.testing.assert_array_equal(x.grad, [10., 20.])
    assert y.grad is None


def test_backward_stepper_stopped_halfway_keeps_its_steps():
    # Closing the generator is not a failure: the grads of the steps taken stay.
    x = teachgrad.Variable(np.array([2.], np.float32))
    y = (x * 3) * 1
    steps = teachgrad.backprop.backward_steps(y)
    next(steps)
    next(steps)
    steps.close()
    assert x.grad.tolist() == [3.]


def test_a_hook_that_refuses_the_optimizer_is_not_kept():
    class Picky:
        name = 'Picky'

        def __call__(self, opt):
            pass

        def added(self, opt):
            raise ValueError('Picky works with Adam only')

    model, opt = trained(optimizers.SGD)
    with Unchanged(model, opt):
        with pytest.raises(ValueError, match='Adam only'):
            opt.add_hook(Picky())
    opt.add_hook(lambda o: None, name='Picky')      # the name is free again
