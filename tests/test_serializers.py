"""save_npz / load_npz: keys, bit-exact round trips, checks before any change."""
import io
import pickle

import numpy as np
import pytest

import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import Chain, ChainList, optimizers, serializers
from teachgrad import initializers as I
from teachgrad.serializers import DictionarySerializer, NpzDeserializer, SerializationError


class Net(Chain):
    def __init__(self, dtype=np.float32, hidden=3):
        super().__init__()
        with self.init_scope():
            init = I.Normal(1.0, dtype=dtype)
            self.l1 = L.Linear(4, hidden, initialW=init, initial_bias=I.Normal(1.0, dtype=dtype))
            self.l2 = L.Linear(hidden, 2, initialW=init, initial_bias=I.Normal(1.0, dtype=dtype))
            self.bn = L.BatchNormalization(2, dtype=dtype)

    def forward(self, x):
        return self.bn(self.l2(self.l1(x)))


def arrays(link):
    out = {path: p.data for path, p in link.namedparams()}
    for path, l in link.namedlinks():
        for name in sorted(l._persistent):
            out[path.rstrip('/') + '/' + name] = getattr(l, name)
    return out


def assert_same(a, b):
    da, db = arrays(a), arrays(b)
    assert sorted(da) == sorted(db)
    for k in da:
        if isinstance(da[k], np.ndarray):
            assert da[k].dtype == db[k].dtype, k
            # bit-exact, NaN included
            assert da[k].tobytes() == db[k].tobytes(), k
        else:
            assert da[k] == db[k], k


def trained(dtype, seed=0):
    np.random.seed(seed)
    net = Net(dtype)
    x = np.random.randn(5, 4).astype(dtype)
    net(x)                       # moves the BatchNormalization running averages
    return net


def save_to_bytes(obj, **kw):
    buf = io.BytesIO()
    serializers.save_npz(buf, obj, **kw)
    return buf.getvalue()


def test_keys_like_chainer():
    s = DictionarySerializer()
    s.save(trained(np.float32))
    assert sorted(s.target) == ['bn/N', 'bn/avg_mean', 'bn/avg_var', 'bn/beta', 'bn/gamma',
                                'l1/W', 'l1/b', 'l2/W', 'l2/b']
    opt = optimizers.MomentumSGD().setup(ChainList(L.Linear(1, 1)))
    opt.update(lambda: F.sum(opt.target[0](np.ones((1, 1), 'f'))))
    s = DictionarySerializer()
    s.save(opt)
    assert sorted(s.target) == ['0/W/t', '0/W/v', '0/b/t', '0/b/v', 'epoch', 't']

    class Trainerish:
        def serialize(self, serializer):
            opt.serialize(serializer['updater']['optimizer:main'])
    s = DictionarySerializer()
    s.save(Trainerish())
    assert 'updater/optimizer:main/0/W/v' in s.target


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('compression', [True, False])
def test_link_round_trip_is_bit_exact(tmp_path, dtype, compression):
    a = trained(dtype, seed=1)
    a.l1.W.data[0, 0] = np.nan                 # even NaN payloads survive
    a.l1.W.data[0, 1] = np.finfo(dtype).tiny / 3
    b = trained(dtype, seed=2)
    path = str(tmp_path / 'model.npz')
    serializers.save_npz(path, a, compression=compression)
    serializers.load_npz(path, b)
    assert_same(a, b)
    assert b.bn.N == a.bn.N and isinstance(b.bn.N, int)
    # pathlib paths and file objects work too
    c = trained(dtype, seed=3)
    serializers.load_npz(tmp_path / 'model.npz', c)
    assert_same(a, c)
    d = trained(dtype, seed=4)
    serializers.load_npz(io.BytesIO(save_to_bytes(a)), d)
    assert_same(a, d)


def test_loading_copies_into_the_existing_arrays():
    a, b = trained(np.float32, 1), trained(np.float32, 2)
    W = b.l1.W.data
    serializers.load_npz(io.BytesIO(save_to_bytes(a)), b)
    assert b.l1.W.data is W


def test_saved_file_is_a_snapshot():
    s = DictionarySerializer()
    net = trained(np.float32)
    s.save(net)
    net.l1.W.data[...] = 0
    assert s.target['l1/W'].any()


@pytest.mark.parametrize('make', [
    lambda: optimizers.MomentumSGD(lr=0.1), lambda: optimizers.Adam(alpha=0.05),
    lambda: optimizers.RMSprop(lr=0.01), lambda: optimizers.AdaGrad(lr=0.1)])
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_optimizer_round_trip_continues_identically(make, dtype):
    np.random.seed(5)
    x = np.random.randn(6, 4).astype(dtype)

    def step(net, opt):
        opt.update(lambda: F.sum(net(x) ** 2))

    net_a = trained(dtype, 6)
    opt_a = make().setup(net_a)
    for _ in range(3):
        step(net_a, opt_a)
    model_file, opt_file = save_to_bytes(net_a), save_to_bytes(opt_a)

    net_b = trained(dtype, 7)
    opt_b = make().setup(net_b)
    serializers.load_npz(io.BytesIO(model_file), net_b)
    serializers.load_npz(io.BytesIO(opt_file), opt_b)
    assert opt_b.t == 3 and net_b.l1.W.update_rule.t == 3
    for (_, pa), (_, pb) in zip(net_a.namedparams(), net_b.namedparams()):
        for key in pa.update_rule.state:
            assert pa.update_rule.state[key].tobytes() == pb.update_rule.state[key].tobytes()
    for _ in range(2):
        step(net_a, opt_a)
        step(net_b, opt_b)
    assert_same(net_a, net_b)


def test_optimizer_saved_before_any_update_loads():
    net = Net()
    opt = optimizers.MomentumSGD().setup(net)
    data = save_to_bytes(opt)
    fresh = optimizers.MomentumSGD().setup(Net())
    serializers.load_npz(io.BytesIO(data), fresh)
    assert fresh.t == 0 and fresh.target.l1.W.update_rule.state is None


def test_missing_key_raises_naming_it_and_changes_nothing():
    small = ChainList(L.Linear(4, 3))
    big = ChainList(L.Linear(4, 3), L.Linear(3, 2))
    before = {k: v.copy() for k, v in arrays(big).items()}
    with pytest.raises(SerializationError) as info:
        serializers.load_npz(io.BytesIO(save_to_bytes(small)), big)
    message = str(info.value)
    assert "'1/W': the target needs shape (2, 3) (float32) but the file has no such key" in message
    assert "'1/b'" in message and 'nothing was changed' in message
    assert isinstance(info.value, KeyError)
    for k, v in arrays(big).items():
        assert v.tobytes() == before[k].tobytes()     # not even 0/W was loaded


def test_unexpected_key_raises_naming_it_and_changes_nothing():
    small = ChainList(L.Linear(4, 3))
    big = ChainList(L.Linear(4, 3), L.Linear(3, 2))
    before = small[0].W.data.copy()
    with pytest.raises(SerializationError) as info:
        serializers.load_npz(io.BytesIO(save_to_bytes(big)), small)
    assert ("'1/W': the file has shape (2, 3) (float32) but ChainList has no such entry"
            in str(info.value))
    np.testing.assert_array_equal(small[0].W.data, before)


def test_shape_mismatch_names_key_and_both_shapes_and_changes_nothing():
    a, b = Net(hidden=3), Net(hidden=5)
    a(np.ones((2, 4), 'f'))
    b(np.arange(8, dtype='f').reshape(2, 4))
    a.bn.N, b.bn.N = 4, 9
    b_before = {k: np.array(v) for k, v in arrays(b).items()}
    with pytest.raises(SerializationError) as info:
        serializers.load_npz(io.BytesIO(save_to_bytes(a)), b)
    message = str(info.value)
    assert "'l1/W': the target has shape (5, 4) but the file has shape (3, 4)" in message
    assert "'l2/W': the target has shape (2, 5) but the file has shape (2, 3)" in message
    assert isinstance(info.value, ValueError)
    for k, v in arrays(b).items():
        assert np.array(v).tobytes() == b_before[k].tobytes()   # bn/* would fit: untouched


def test_strict_false_path_and_ignore_names():
    small = ChainList(L.Linear(4, 3))
    big = ChainList(L.Linear(4, 3), L.Linear(3, 2))
    serializers.load_npz(io.BytesIO(save_to_bytes(small)), big, strict=False)
    np.testing.assert_array_equal(big[0].W.data, small[0].W.data)
    serializers.load_npz(io.BytesIO(save_to_bytes(big)), small, strict=False)

    class Holder:
        def __init__(self, model):
            self.model = model

        def serialize(self, serializer):
            self.model.serialize(serializer['updater']['model:main'])
    model = ChainList(L.Linear(4, 3))
    serializers.load_npz(io.BytesIO(save_to_bytes(Holder(big))), model,
                         path='updater/model:main/', ignore_names=['updater/model:main/1/W',
                                                                  'updater/model:main/1/b'])
    np.testing.assert_array_equal(model[0].W.data, big[0].W.data)
    with pytest.raises(SerializationError, match='1/b'):
        serializers.load_npz(io.BytesIO(save_to_bytes(Holder(big))), model,
                             path='updater/model:main/',
                             ignore_names=lambda key: key.endswith('1/W'))


def test_lazy_parameters():
    np.random.seed(0)
    lazy = L.Linear(2)
    data = save_to_bytes(lazy)
    assert str(np.load(io.BytesIO(data))['W']) == '<None>'
    other = L.Linear(2)
    serializers.load_npz(io.BytesIO(data), other)
    assert other.W.data is None
    # An initialized W loads into a lazy one, taking its shape; no random draw.
    full = L.Linear(3, 2)
    state = np.random.get_state()[1].copy()
    serializers.load_npz(io.BytesIO(save_to_bytes(full)), lazy)
    assert (np.random.get_state()[1] == state).all()
    assert lazy.W.shape == (2, 3) and lazy.W.dtype == np.float32
    np.testing.assert_array_equal(lazy.W.data, full.W.data)
    # A file with an uninitialized W leaves an initialized one alone (Chainer's rule).
    before = full.W.data.copy()
    serializers.load_npz(io.BytesIO(data), full)
    np.testing.assert_array_equal(full.W.data, before)


class Boom:
    """Unpickling this creates a file: the proof that pickle ran."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, 'w'))


def test_never_unpickles(tmp_path):
    witness = tmp_path / 'unpickled'
    buf = io.BytesIO()
    np.savez(buf, W=np.array([Boom(str(witness))], dtype=object), b=np.zeros(2, 'f'))
    pickle.loads(pickle.dumps(Boom(str(tmp_path / 'check')))).close()   # the witness works
    assert (tmp_path / 'check').exists()
    with pytest.raises(SerializationError, match='never unpickles'):
        serializers.load_npz(io.BytesIO(buf.getvalue()), L.Linear(3, 2))
    assert not witness.exists()


def test_scalars_and_strings_round_trip():
    class State:
        def __init__(self, n, lr, flag, text, order):
            self.n, self.lr, self.flag, self.text, self.order = n, lr, flag, text, order

        def serialize(self, s):
            self.n = s('n', self.n)
            self.lr = s('lr', self.lr)
            self.flag = s('flag', self.flag)
            self.text = s('text', self.text)
            self.order = s('order', self.order)

    a = State(7, 0.125, True, '{"a": 1}', None)
    b = State(0, 0.0, False, '', np.arange(3))
    serializers.load_npz(io.BytesIO(save_to_bytes(a)), b)
    assert (b.n, b.lr, b.flag, b.text, b.order) == (7, 0.125, True, '{"a": 1}', None)
    assert type(b.n) is int and type(b.flag) is bool
    c = State(0, 0.0, False, '', None)
    serializers.load_npz(io.BytesIO(save_to_bytes(State(1, 1.0, True, 'x', np.arange(3)))), c)
    assert c.order.tolist() == [0, 1, 2]
    with pytest.raises(TypeError, match='neither an array'):
        save_to_bytes(State(object(), 1.0, True, 'x', None))


def test_npz_deserializer_used_directly():
    a, b = trained(np.float32, 1), trained(np.float32, 2)
    s = DictionarySerializer()
    s.save(a)
    NpzDeserializer(s.target).load(b)
    assert_same(a, b)
