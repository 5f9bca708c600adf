"""Link, Chain and ChainList: registration, ordering, traversal, copies, display."""
import copy
import warnings

import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import Chain, ChainList, Link, Parameter, Variable
from teachgrad import function_node


class Affine(Link):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            # Registered in non-alphabetical order on purpose.
            self.w = Parameter(np.array([2.], dtype=np.float32))
            self.a = Parameter(np.array([1.], dtype=np.float32))

    def forward(self, x):
        return x * F.broadcast_to(self.w, x.shape) + F.broadcast_to(self.a, x.shape)


class Net(Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.z = Parameter(np.zeros(1, dtype=np.float32))
            self.l2 = L.Linear(3, 2)
            self.l1 = L.Linear(4, 3)

    def forward(self, x):
        return self.l2(self.l1(x))


class OldStyle(Chain):
    """Defines __call__ instead of forward, like the seed tutorial."""

    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.fc = L.Linear(2, 2)

    def __call__(self, x):
        return self.fc(x) * 2


def test_params_own_first_then_children_each_sorted_by_name():
    net = Net()
    assert [p for p, _ in net.namedparams()] == ['/z', '/l1/W', '/l1/b', '/l2/W', '/l2/b']
    assert [id(p) for p in net.params()] == [id(p) for _, p in net.namedparams()]
    assert net.l1.W.name == 'W' and net.l1.name == 'l1'
    assert [p for p, _ in Affine().namedparams()] == ['/a', '/w']


def test_uninitialized_params_are_listed_unless_excluded():
    chain = ChainList(L.Linear(3), L.Linear(2, 3))
    assert [p for p, _ in chain.namedparams()] == ['/0/W', '/0/b', '/1/W', '/1/b']
    assert [p for p, _ in chain.namedparams(include_uninit=False)] == ['/0/b', '/1/W', '/1/b']
    assert len(list(chain.params(include_uninit=False))) == 3


def test_children_links_namedlinks():
    net = Net()
    assert [c.name for c in net.children()] == ['l1', 'l2']
    assert [l for l in net.links()] == [net, net.l1, net.l2]
    assert [l for l in net.links(skipself=True)] == [net.l1, net.l2]
    assert [p for p, _ in net.namedlinks()] == ['/', '/l1', '/l2']
    outer = ChainList(Net(), L.Linear(1, 1))
    assert [p for p, _ in outer.namedlinks(skipself=True)] == ['/0', '/0/l1', '/0/l2', '/1']
    assert [p for p, _ in outer.namedparams()][:3] == ['/0/z', '/0/l1/W', '/0/l1/b']
    assert list(L.Linear(1, 1).children()) == []


def test_assignment_outside_init_scope_does_not_register():
    net = Net()
    net.extra = Parameter(np.zeros(1, dtype=np.float32))
    net.other = L.Linear(1, 1)
    assert '/extra' not in dict(net.namedparams())
    assert 'other' not in [c.name for c in net.children()]


def test_registering_over_an_existing_attribute_is_an_error():
    net = Net()
    with pytest.raises(AttributeError, match='l1'):
        with net.init_scope():
            net.l1 = L.Linear(1, 1)


def test_delattr_unregisters():
    net = Net()
    del net.z
    del net.l2
    assert [p for p, _ in net.namedparams()] == ['/l1/W', '/l1/b']


def test_chainlist_indexing_append_len_iteration():
    a, b, c = L.Linear(1, 2), L.Linear(2, 3), L.Linear(3, 4)
    cl = ChainList(a, b)
    cl.append(c)
    assert len(cl) == 3
    assert cl[0] is a and cl[-1] is c and cl[-3] is a
    assert cl[1:] == [b, c] and cl[::2] == [a, c]
    assert list(cl) == [a, b, c]
    assert [l.name for l in cl] == ['0', '1', '2']
    d = L.Linear(4, 1)
    cl.add_link(d)
    assert cl[3] is d and d.name == '3'
    with pytest.raises(IndexError):
        cl[4]
    with pytest.raises(TypeError, match='Links'):
        cl.append(np.zeros(1))
    with pytest.raises(TypeError, match='append'):
        with cl.init_scope():
            cl.x = L.Linear(1, 1)


def test_chain_getitem_and_deprecated_add_link():
    net = Net()
    assert net['l1'] is net.l1
    with pytest.warns(DeprecationWarning):
        net.add_link('l3', L.Linear(2, 2))
    assert 'l3' in [c.name for c in net.children()]


def test_cleargrads_and_zerograds():
    net = Net()
    y = F.sum(net(np.ones((2, 4), dtype=np.float32)))
    y.backward()
    assert net.z.grad is None       # not used by forward
    assert all(p.grad is not None for p in net.params() if p is not net.z)
    net.cleargrads()
    assert all(p.grad is None for p in net.params())
    with pytest.warns(DeprecationWarning, match='cleargrads'):
        net.zerograds()
    for p in net.params():
        assert p.grad.shape == p.shape and not p.grad.any()


def test_call_runs_forward_and_records_link_scope():
    net = Net()
    y = net(np.ones((2, 4), dtype=np.float32))
    assert y.creator.scope == (net, net.l2)
    assert y.creator.inputs[0].creator.scope == (net, net.l1)
    assert function_node.link_scope == ()


def test_user_defined_call_also_records_link_scope():
    m = OldStyle()
    y = m(np.ones((1, 2), dtype=np.float32))
    # y = fc(x) * 2: the multiply ran inside m, the Linear inside m.fc
    assert y.creator.scope == (m,)
    assert y.creator.inputs[0].creator.scope == (m, m.fc)
    assert function_node.link_scope == ()


def test_scope_is_restored_when_forward_raises():
    class Broken(Link):
        def forward(self, x):
            raise RuntimeError('boom')
    with pytest.raises(RuntimeError):
        Broken()(np.zeros(1))
    assert function_node.link_scope == ()


def test_user_call_that_calls_super_is_recorded_once():
    class Twice(Link):
        def forward(self, x):
            return x * 3

        def __call__(self, x):
            return super().__call__(x)
    t = Twice()
    y = t(Variable(np.ones(1, dtype=np.float32)))
    assert y.creator.scope == (t,)


def test_link_without_forward_explains():
    with pytest.raises(AttributeError, match='forward'):
        Link()(np.zeros(1))


def test_add_param_add_persistent_register_persistent():
    link = Link()
    with pytest.warns(DeprecationWarning):
        link.add_param('W', (2, 3))
    assert link.W.shape == (2, 3) and np.isnan(link.W.data).all()
    link.add_persistent('mean', np.zeros(3, dtype=np.float32))
    link.count = 5
    link.register_persistent('count')
    assert link._persistent == {'mean', 'count'}
    with pytest.raises(AttributeError, match='already exists'):
        link.add_persistent('mean', 1)
    with pytest.raises(AttributeError, match='no such attribute'):
        link.register_persistent('nothing')


def test_copy_share_shares_arrays_but_not_parameter_objects():
    net = Net()
    F.sum(net(np.ones((1, 4), dtype=np.float32))).backward()
    c = net.copy()
    assert c.name is None and c.l1.name == 'l1'
    assert c.l1 is not net.l1 and c.l1.W is not net.l1.W
    assert c.l1.W.data is net.l1.W.data
    assert c.l1.W.grad is None and net.l1.W.grad is not None
    net.l1.W.data[0, 0] = 42
    assert c.l1.W.data[0, 0] == 42
    # Backward through the copy fills the copy's grads only.
    net.cleargrads()
    F.sum(c(np.ones((1, 4), dtype=np.float32))).backward()
    assert c.l1.W.grad is not None and net.l1.W.grad is None
    cl = ChainList(L.Linear(2, 2))
    cc = cl.copy()
    assert cc[0] is not cl[0] and cc[0].W.data is cl[0].W.data and cc[0].name == '0'


def test_copy_copy_and_init():
    np.random.seed(0)
    net = Net()
    c = net.copy(mode='copy')
    assert c.l1.W.data is not net.l1.W.data
    np.testing.assert_array_equal(c.l1.W.data, net.l1.W.data)
    i = net.copy(mode='init')
    assert not np.array_equal(i.l1.W.data, net.l1.W.data)
    assert i.l1.W.shape == net.l1.W.shape
    with pytest.raises(ValueError, match='share'):
        net.copy(mode='deep')


def test_to_cpu_keeps_numpy_and_xp():
    net = Net()
    assert net.xp is np and net.to_cpu() is net and net.l1.W.data.__class__ is np.ndarray
    assert net.device == '@numpy'


def test_to_gpu_without_gpu_explains_and_changes_nothing():
    if teachgrad.backend.gpu_available():
        pytest.skip('a GPU is available here')
    net = Net()
    with pytest.raises(RuntimeError, match='cupy'):
        net.to_gpu()
    assert net.xp is np and isinstance(net.l1.W.data, np.ndarray)


@pytest.mark.gpu
def test_to_gpu_moves_params_and_persistents():
    if not teachgrad.backend.gpu_available():
        pytest.skip('needs cupy and a GPU')
    import cupy
    bn = L.BatchNormalization(3)
    net = ChainList(L.Linear(3, 3), bn).to_gpu()
    assert isinstance(net[0].W.data, cupy.ndarray) and isinstance(bn.avg_mean, cupy.ndarray)
    y = net[1](net[0](cupy.ones((2, 3), dtype=cupy.float32)))
    assert isinstance(y.data, cupy.ndarray)
    net.to_cpu()
    assert isinstance(bn.avg_mean, np.ndarray)


def test_str_and_repr_like_chainer():
    class MyChain(Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(4, 3)
                self.l2 = L.Linear(3, 2)
    expected = ('MyChain(\n'
                '  (l1): Linear(in_size=4, out_size=3, nobias=False),\n'
                '  (l2): Linear(in_size=3, out_size=2, nobias=False),\n'
                ')')
    assert str(MyChain()) == expected and repr(MyChain()) == expected
    nested = ChainList(MyChain(), L.Linear(2, nobias=True))
    assert str(nested) == (
        'ChainList(\n'
        '  (0): MyChain(\n'
        '    (l1): Linear(in_size=4, out_size=3, nobias=False),\n'
        '    (l2): Linear(in_size=3, out_size=2, nobias=False),\n'
        '  ),\n'
        '  (1): Linear(in_size=None, out_size=2, nobias=True),\n'
        ')')
    assert str(Chain()) == 'Chain()' and str(Link()) == 'Link()'
    assert '0x' not in repr(nested)


def test_repr_svg_calls_viz_and_never_raises(monkeypatch):
    import sys
    import types
    net = Net()
    fake = types.ModuleType('teachgrad.viz')
    seen = []
    fake.repr_svg = lambda obj: seen.append(obj) or '<svg/>'
    monkeypatch.setitem(sys.modules, 'teachgrad.viz', fake)
    monkeypatch.setattr(teachgrad, 'viz', fake, raising=False)
    assert net._repr_svg_() == '<svg/>' and seen == [net]

    def broken(obj):
        raise RuntimeError('renderer crashed')
    fake.repr_svg = broken
    assert net._repr_svg_() is None


def test_serialize_protocol_orders_keys():
    seen = []

    class Recorder:
        def __init__(self, path=''):
            self.path = path

        def __getitem__(self, key):
            return Recorder(self.path + key + '/')

        def __call__(self, key, value):
            seen.append(self.path + key)
            return value

    net = Net()
    net.add_persistent('steps', 3)
    net.serialize(Recorder())
    assert seen == ['z', 'steps', 'l1/W', 'l1/b', 'l2/W', 'l2/b']


def test_deepcopy_of_a_chain_is_independent():
    net = Net()
    c = copy.deepcopy(net)
    c.l1.W.data[...] = 0
    assert net.l1.W.data.any()


def test_count_params_and_disable_update():
    net = Net()
    assert net.count_params() == 1 + 4 * 3 + 3 + 3 * 2 + 2
    opt = teachgrad.optimizers.SGD(lr=1.0).setup(net)
    net.l1.disable_update()
    assert net.update_enabled
    before = net.l1.W.data.copy()
    F.sum(net(np.ones((1, 4), dtype=np.float32))).backward()
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        opt.update()
    np.testing.assert_array_equal(net.l1.W.data, before)
    assert not np.array_equal(net.l2.b.data, np.zeros(2))


def test_deprecated_registration_warns_at_the_callers_line():
    with pytest.warns(DeprecationWarning) as record:
        link = Link(W=(2, 3), b=((3,), np.float64))
    assert all(r.filename == __file__ for r in record)
    assert link.W.shape == (2, 3) and link.b.dtype == np.float64
    with pytest.warns(DeprecationWarning) as record:
        Chain(fc=L.Linear(1, 1))
    assert record[0].filename == __file__


def test_sequential_runs_links_and_functions_in_order():
    np.random.seed(0)
    model = teachgrad.Sequential(L.Linear(4, 3), F.relu, L.Linear(3, 2))
    x = np.random.randn(5, 4).astype(np.float32)
    h = np.maximum(x @ model[0].W.data.T + model[0].b.data, 0)
    np.testing.assert_allclose(model(x).data, h @ model[2].W.data.T + model[2].b.data,
                               rtol=1e-6)
    assert len(model) == 3 and model[1] is F.relu
    assert [path for path, _ in model.namedparams()] == ['/0/W', '/0/b', '/1/W', '/1/b']
    # As Chainer prints it: a function by its str, a lambda by its source line.
    assert str(model) == ('Sequential(\n'
                          '  (0): Linear(in_size=4, out_size=3, nobias=False),\n'
                          '  (1): {},\n'
                          '  (2): Linear(in_size=3, out_size=2, nobias=False),\n)'
                          .format(F.relu))
    with_lambda = teachgrad.Sequential(
        L.Linear(4, 3),
        lambda x: F.reshape(x, (1, 15)),
    )
    assert str(with_lambda).splitlines()[2] == '  (1): lambda x: F.reshape(x, (1, 15)),'
    copied = model.copy()
    assert copied[0] is not model[0] and copied[0].W.data is model[0].W.data
    with pytest.raises(TypeError, match='links and functions'):
        model.append(3)
