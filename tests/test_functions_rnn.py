"""The recurrent family: F.lstm, the n_step functions and their links.

Forward values are compared with the formulas written out in numpy; backward
with numerical gradients in float64.
"""
import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import Variable
from teachgrad.gradient_check import check_backward
from teachgrad.viz.graph import build_scene


def sig(x):
    return 1 / (1 + np.exp(-x))


def lstm_ref(c_prev, x):
    """One LSTM step by hand: column 4 * j + k of x is gate k (a, i, f, o) of unit j."""
    n = c_prev.shape[1]
    b = x.shape[0]
    a = np.tanh(x[:, 0::4])
    i = sig(x[:, 1::4])
    f = sig(x[:, 2::4])
    o = sig(x[:, 3::4])
    assert a.shape == (b, n)
    c = c_prev.copy()
    c[:b] = a * i + f * c_prev[:b]
    return c, o * np.tanh(c[:b])


# -- F.lstm --------------------------------------------------------------------

def test_lstm_one_step_by_hand():
    # One unit, numbers chosen so the gates are easy to write down.
    c_prev = np.array([[2.]])
    x = np.array([[1., 0., np.log(3.), 0.]])         # a = tanh 1, i = 0.5, f = 0.75, o = 0.5
    c, h = F.lstm(c_prev, x)
    expected_c = np.tanh(1.) * 0.5 + 0.75 * 2.
    np.testing.assert_allclose(c.data, [[expected_c]], rtol=1e-12)
    np.testing.assert_allclose(h.data, [[0.5 * np.tanh(expected_c)]], rtol=1e-12)


def test_lstm_gates_are_interleaved_unit_by_unit():
    rng = np.random.RandomState(0)
    c_prev = rng.randn(3, 2)
    x = rng.randn(3, 8)
    c, h = F.lstm(c_prev, x)
    rc, rh = lstm_ref(c_prev, x)
    np.testing.assert_allclose(c.data, rc, rtol=1e-12)
    np.testing.assert_allclose(h.data, rh, rtol=1e-12)
    # Moving unit 1's four columns moves only unit 1's output.
    x2 = x.copy()
    x2[:, 4:8] += 1.0
    c2, h2 = F.lstm(c_prev, x2)
    np.testing.assert_array_equal(h2.data[:, 0], h.data[:, 0])
    assert np.all(h2.data[:, 1] != h.data[:, 1])


def test_lstm_shrinking_batch_passes_the_rest_of_the_cell_on():
    rng = np.random.RandomState(1)
    c_prev = rng.randn(3, 2)
    x = rng.randn(2, 8)
    c, h = F.lstm(c_prev, x)
    assert c.shape == (3, 2) and h.shape == (2, 2)
    np.testing.assert_array_equal(c.data[2], c_prev[2])
    np.testing.assert_allclose(c.data, lstm_ref(c_prev, x)[0], rtol=1e-12)


@pytest.mark.parametrize('batch', [3, 2])
def test_lstm_backward_matches_numerical_gradients(batch):
    rng = np.random.RandomState(2)
    c_prev = rng.randn(3, 2)
    x = rng.randn(batch, 8)
    check_backward(F.lstm, (c_prev, x), (rng.randn(3, 2), rng.randn(batch, 2)))


def test_lstm_with_trailing_axes():
    rng = np.random.RandomState(4)
    c_prev, x = rng.randn(2, 2, 3), rng.randn(2, 8, 3)
    c, h = F.lstm(c_prev, x)
    for k in range(3):
        rc, rh = lstm_ref(c_prev[:, :, k], x[:, :, k])
        np.testing.assert_allclose(h.data[:, :, k], rh, rtol=1e-12)
    check_backward(F.lstm, (c_prev, x), (rng.randn(2, 2, 3), rng.randn(2, 2, 3)))


def test_lstm_backward_with_only_h_used():
    rng = np.random.RandomState(3)
    c_prev = Variable(rng.randn(2, 3))
    x = Variable(rng.randn(2, 12))
    _, h = F.lstm(c_prev, x)
    F.sum(h).backward()
    check_backward(lambda c, x: F.lstm(c, x)[1], (c_prev.data, x.data), np.ones((2, 3)))
    assert c_prev.grad.shape == (2, 3) and x.grad.shape == (2, 12)


def test_lstm_keeps_float32():
    c_prev = Variable(np.ones((2, 3), np.float32))
    x = Variable(np.ones((2, 12), np.float32))
    c, h = F.lstm(c_prev, x)
    assert c.dtype == h.dtype == np.float32
    F.sum(h + F.sum(c)).backward()
    assert c_prev.grad.dtype == x.grad.dtype == np.float32


def test_lstm_bad_shapes_say_what_to_do():
    with pytest.raises(ValueError, match=r'\(2, 3\) has 3 units, so x needs 4 \* 3 = 12 columns.*\(2, 6\)'):
        F.lstm(np.zeros((2, 3), 'f'), np.zeros((2, 6), 'f'))
    with pytest.raises(ValueError, match='never grow'):
        F.lstm(np.zeros((1, 3), 'f'), np.zeros((2, 12), 'f'))
    with pytest.raises(TypeError, match='same dtype'):
        F.lstm(np.zeros((2, 3), 'f'), np.zeros((2, 12)))
    with pytest.raises(ValueError, match=r'lstm needs c_prev'):
        F.lstm(np.zeros(3, 'f'), np.zeros(12, 'f'))


# -- links: LSTM, StatelessLSTM ------------------------------------------------------

def test_lstm_link_parameters_paths_and_init():
    np.random.seed(0)
    layer = L.LSTM(3, 2)
    assert [p for p, _ in layer.namedparams()] == ['/lateral/W', '/upward/W', '/upward/b']
    assert layer.lateral.b is None
    assert layer.upward.W.shape == (8, 3) and layer.lateral.W.shape == (8, 2)
    np.testing.assert_array_equal(layer.upward.b.data, [0, 0, 1, 0, 0, 0, 1, 0])
    assert layer.upward.W.dtype == np.float32
    assert np.all(layer.upward.W.data != 0) and np.all(layer.lateral.W.data != 0)
    other = L.LSTM(3, 2, forget_bias_init=5, bias_init=-1)
    np.testing.assert_array_equal(other.upward.b.data, [-1, -1, 5, -1] * 2)
    # Each gate's block is drawn with LeCunNormal's width for that block.
    big = L.LSTM(400, 100)
    assert abs(big.upward.W.data.std() - np.sqrt(1 / 400)) < 0.002
    assert abs(big.lateral.W.data.std() - np.sqrt(1 / 100)) < 0.002


def test_lstm_link_lazy_init_from_the_first_input():
    for layer in (L.LSTM(2), L.LSTM(None, 2)):
        assert layer.upward.W.data is None
        layer(np.ones((1, 5), np.float32))
        assert layer.upward.W.shape == (8, 5)
        np.testing.assert_array_equal(layer.upward.b.data, [0, 0, 1, 0] * 2)


def test_lstm_link_steps_are_f_lstm_with_state():
    np.random.seed(1)
    layer = L.LSTM(3, 2)
    Wu, bu, Wl = layer.upward.W.data, layer.upward.b.data, layer.lateral.W.data
    xs = np.random.randn(3, 4, 3).astype(np.float32)
    c = np.zeros((4, 2), np.float32)
    h = None
    for x in xs:
        z = x @ Wu.T + bu + (0 if h is None else h @ Wl.T)
        c, h = lstm_ref(c, z)
        y = layer(x)
        np.testing.assert_allclose(y.data, h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.c.data, c, rtol=1e-5, atol=1e-6)
    assert layer.h is y
    layer.reset_state()
    assert layer.c is None and layer.h is None


def test_lstm_link_batch_shrinks_and_keeps_the_waiting_rows():
    np.random.seed(2)
    layer = L.LSTM(3, 2)
    layer(np.random.randn(3, 3).astype(np.float32))
    h_before = layer.h.data.copy()
    y = layer(np.random.randn(2, 3).astype(np.float32))
    assert y.shape == (2, 2) and layer.h.shape == (3, 2) and layer.c.shape == (3, 2)
    np.testing.assert_array_equal(layer.h.data[2], h_before[2])
    with pytest.raises(ValueError, match='shrink between calls, never grow'):
        layer(np.zeros((4, 3), np.float32))


def test_lstm_link_backward_through_time_matches_numerical_gradients():
    np.random.seed(3)
    layer = L.LSTM(2, 3)
    for p in layer.params():
        p.data = p.data.astype(np.float64)

    def run(x0, x1):
        layer.reset_state()
        layer(x0)
        return layer(x1)
    rng = np.random.RandomState(0)
    check_backward(run, (rng.randn(2, 2), rng.randn(2, 2)), rng.randn(2, 3),
                   params=tuple(layer.params()))


def test_stateless_lstm_matches_f_lstm_and_takes_none_states():
    np.random.seed(4)
    cell = L.StatelessLSTM(3, 2)
    x = np.random.randn(2, 3).astype(np.float32)
    c0, h0 = cell(None, None, x)
    z = x @ cell.upward.W.data.T + cell.upward.b.data
    rc, rh = lstm_ref(np.zeros((2, 2), np.float32), z)
    np.testing.assert_allclose(c0.data, rc, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h0.data, rh, rtol=1e-5, atol=1e-6)
    c1, h1 = cell(c0, h0, x)
    z1 = z + h0.data @ cell.lateral.W.data.T
    np.testing.assert_allclose(h1.data, lstm_ref(c0.data, z1)[1], rtol=1e-5, atol=1e-6)
    lazy = L.StatelessLSTM(2)
    lazy(None, None, x)
    assert lazy.upward.W.shape == (8, 3)


def test_lstm_link_save_and_load_round_trip(tmp_path):
    np.random.seed(5)
    a = L.LSTM(3, 2)
    teachgrad.serializers.save_npz(str(tmp_path / 'a.npz'), a)
    b = L.LSTM(3, 2, forget_bias_init=0)
    teachgrad.serializers.load_npz(str(tmp_path / 'a.npz'), b)
    for (pa, va), (pb, vb) in zip(a.namedparams(), b.namedparams()):
        assert pa == pb
        np.testing.assert_array_equal(va.data, vb.data)
    with np.load(str(tmp_path / 'a.npz'), allow_pickle=False) as f:
        assert sorted(f.files) == ['lateral/W', 'upward/W', 'upward/b']


def test_an_lstm_call_is_one_box_in_the_picture():
    np.random.seed(6)
    layer = L.LSTM(3, 2)
    out = L.Linear(2, 1)
    x = Variable(np.ones((1, 3), np.float32), name='x')
    layer(x)
    y = out(layer(x))                                # two steps, then a Linear
    scene = build_scene([y], collapse_links=True)
    boxes = [b for b in scene.boxes if b.kind == 'link']
    assert [b.path for b in boxes] == ['LSTM', 'LSTM', 'Linear']
    labels = sorted(f.label for f in boxes[1].functions)
    assert labels == sorted(['Linear', 'Linear', '+', 'lstm'])
    assert sorted(f.label for f in boxes[0].functions) == ['Linear', 'lstm']
    dot = teachgrad.viz.to_dot(y)
    assert dot.count('LSTM') >= 2


def test_an_nstep_lstm_call_is_one_box():
    np.random.seed(6)
    link = L.NStepLSTM(1, 3, 2, 0.0)
    hy, cy, ys = link(None, None, [np.ones((3, 3), np.float32), np.ones((2, 3), np.float32)])
    scene = build_scene([F.sum(hy)], collapse_links=True)
    boxes = [b for b in scene.boxes if b.kind == 'link']
    assert [b.path for b in boxes] == ['NStepLSTM']
    assert sum(f.label == 'lstm' for f in boxes[0].functions) == 3


# -- GRU links -------------------------------------------------------------------------

def test_stateless_gru_by_hand():
    np.random.seed(7)
    gru = L.StatelessGRU(3, 2)
    assert [p for p, _ in gru.namedparams()] == [
        '/U/W', '/U/b', '/U_r/W', '/U_r/b', '/U_z/W', '/U_z/b',
        '/W/W', '/W/b', '/W_r/W', '/W_r/b', '/W_z/W', '/W_z/b']
    x = np.random.randn(2, 3).astype(np.float32)
    h = np.random.randn(2, 2).astype(np.float32)

    def lin(link, v):
        return v @ link.W.data.T + link.b.data
    r = sig(lin(gru.W_r, x) + lin(gru.U_r, h))
    z = sig(lin(gru.W_z, x) + lin(gru.U_z, h))
    hb = np.tanh(lin(gru.W, x) + lin(gru.U, r * h))
    np.testing.assert_allclose(gru(h, x).data, z * hb + (1 - z) * h, rtol=1e-5, atol=1e-6)


def test_stateful_gru_first_step_and_then_with_state():
    np.random.seed(8)
    gru = L.GRU(3, 2)
    assert isinstance(gru, L.StatefulGRU)
    x = np.random.randn(2, 3).astype(np.float32)

    def lin(link, v):
        return v @ link.W.data.T + link.b.data
    h1 = gru(x)
    z = sig(lin(gru.W_z, x))
    np.testing.assert_allclose(h1.data, z * np.tanh(lin(gru.W, x)), rtol=1e-5, atol=1e-6)
    h = h1.data
    h2 = gru(x)
    r = sig(lin(gru.W_r, x) + lin(gru.U_r, h))
    z = sig(lin(gru.W_z, x) + lin(gru.U_z, h))
    hb = np.tanh(lin(gru.W, x) + lin(gru.U, r * h))
    np.testing.assert_allclose(h2.data, z * hb + (1 - z) * h, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match='StatelessGRU'):
        gru(h1, x)
    gru.reset_state()
    assert gru.h is None


def test_gru_backward_matches_numerical_gradients():
    np.random.seed(9)
    gru = L.StatelessGRU(3, 2)
    for p in gru.params():
        p.data = p.data.astype(np.float64)
    rng = np.random.RandomState(1)
    check_backward(gru, (rng.randn(2, 2), rng.randn(2, 3)), rng.randn(2, 2),
                   params=tuple(gru.params()))


# -- n_step functions ----------------------------------------------------------------

def make_lstm_weights(rng, n_layers, in_size, units, directions=1, n_weights=8):
    ws, bs = [], []
    for layer in range(n_layers):
        for _ in range(directions):
            w_in = in_size if layer == 0 else units * directions
            ws.append([rng.randn(units, w_in if j < n_weights // 2 else units) * 0.5
                       for j in range(n_weights)])
            bs.append([rng.randn(units) * 0.5 for _ in range(n_weights)])
    return ws, bs


def n_step_lstm_ref(hx, cx, ws, bs, xs):
    """One layer, one direction, time-major; W_0..W_3 feed gates i, f, a, o."""
    w, b = ws[0], bs[0]
    h, c = hx[0].copy(), cx[0].copy()
    ys = []
    for x in xs:
        n = x.shape[0]
        hn, cn = h[:n], c[:n]

        def gate(k):
            return x @ w[k].T + b[k] + hn @ w[k + 4].T + b[k + 4]
        i, f, a, o = sig(gate(0)), sig(gate(1)), np.tanh(gate(2)), sig(gate(3))
        cn = a * i + f * cn
        hn = o * np.tanh(cn)
        h = np.concatenate([hn, h[n:]])
        c = np.concatenate([cn, c[n:]])
        ys.append(hn)
    return h, c, ys


def test_n_step_lstm_by_hand_with_shrinking_batch():
    rng = np.random.RandomState(0)
    ws, bs = make_lstm_weights(rng, 1, 3, 2)
    hx, cx = rng.randn(1, 3, 2), rng.randn(1, 3, 2)
    xs = [rng.randn(3, 3), rng.randn(2, 3), rng.randn(1, 3)]
    hy, cy, ys = F.n_step_lstm(1, 0.0, hx, cx, ws, bs, xs)
    rh, rc, rys = n_step_lstm_ref(hx, cx, ws, bs, xs)
    np.testing.assert_allclose(hy.data[0], rh, rtol=1e-12)
    np.testing.assert_allclose(cy.data[0], rc, rtol=1e-12)
    assert len(ys) == 3
    for y, r in zip(ys, rys):
        np.testing.assert_allclose(y.data, r, rtol=1e-12)


def test_n_step_lstm_backward_two_layers():
    rng = np.random.RandomState(1)
    ws, bs = make_lstm_weights(rng, 2, 3, 2)
    flat = [a for w in ws for a in w] + [a for b in bs for a in b]
    hx, cx = rng.randn(2, 2, 2), rng.randn(2, 2, 2)
    xs = [rng.randn(2, 3), rng.randn(1, 3)]

    def run(hx, cx, x0, x1, *wb):
        ws_ = [list(wb[0:8]), list(wb[8:16])]
        bs_ = [list(wb[16:24]), list(wb[24:32])]
        hy, cy, ys = F.n_step_lstm(2, 0.0, hx, cx, ws_, bs_, [x0, x1])
        return (hy, cy) + tuple(ys)
    grads = (rng.randn(2, 2, 2), rng.randn(2, 2, 2), rng.randn(2, 2), rng.randn(1, 2))
    check_backward(run, (hx, cx, xs[0], xs[1]) + tuple(flat), grads)


def test_n_step_bilstm_reads_the_sequence_both_ways():
    rng = np.random.RandomState(2)
    ws, bs = make_lstm_weights(rng, 1, 3, 2, directions=2)
    hx, cx = rng.randn(2, 2, 2), rng.randn(2, 2, 2)
    xs = [rng.randn(2, 3), rng.randn(2, 3), rng.randn(1, 3)]
    hy, cy, ys = F.n_step_bilstm(1, 0.0, hx, cx, ws, bs, xs)
    fh, fc, fys = n_step_lstm_ref(hx[:1], cx[:1], ws[:1], bs[:1], xs)
    bh, bc, bys = n_step_lstm_ref(hx[1:], cx[1:], ws[1:], bs[1:], xs[::-1])
    bys = bys[::-1]
    np.testing.assert_allclose(hy.data, np.stack([fh, bh]), rtol=1e-12)
    np.testing.assert_allclose(cy.data, np.stack([fc, bc]), rtol=1e-12)
    for y, f, b in zip(ys, fys, bys):
        np.testing.assert_allclose(y.data, np.concatenate([f, b], axis=1), rtol=1e-12)


def test_n_step_gru_by_hand_and_backward():
    rng = np.random.RandomState(3)
    ws, bs = make_lstm_weights(rng, 1, 3, 2, n_weights=6)
    hx = rng.randn(1, 2, 2)
    xs = [rng.randn(2, 3), rng.randn(1, 3)]
    hy, ys = F.n_step_gru(1, 0.0, hx, ws, bs, xs)
    w, b = ws[0], bs[0]
    h = hx[0]
    for x, y in zip(xs, ys):
        n = x.shape[0]
        hn = h[:n]
        r = sig(x @ w[0].T + b[0] + hn @ w[3].T + b[3])
        z = sig(x @ w[1].T + b[1] + hn @ w[4].T + b[4])
        hb = np.tanh(x @ w[2].T + b[2] + r * (hn @ w[5].T + b[5]))
        hn = (1 - z) * hb + z * hn
        np.testing.assert_allclose(y.data, hn, rtol=1e-12)
        h = np.concatenate([hn, h[n:]])
    np.testing.assert_allclose(hy.data[0], h, rtol=1e-12)

    def run(hx, x0, x1, *wb):
        hy, ys = F.n_step_gru(1, 0.0, hx, [list(wb[:6])], [list(wb[6:])], [x0, x1])
        return (hy,) + tuple(ys)
    check_backward(run, (hx,) + tuple(xs) + tuple(w) + tuple(b),
                   (rng.randn(1, 2, 2), rng.randn(2, 2), rng.randn(1, 2)))


@pytest.mark.parametrize('activation,fn', [('tanh', np.tanh), ('relu', lambda v: np.maximum(v, 0))])
def test_n_step_rnn_by_hand(activation, fn):
    rng = np.random.RandomState(4)
    ws, bs = make_lstm_weights(rng, 1, 3, 2, n_weights=2)
    hx = rng.randn(1, 2, 2)
    xs = [rng.randn(2, 3)]
    hy, ys = F.n_step_rnn(1, 0.0, hx, ws, bs, xs, activation=activation)
    ref = fn(xs[0] @ ws[0][0].T + bs[0][0] + hx[0] @ ws[0][1].T + bs[0][1])
    np.testing.assert_allclose(ys[0].data, ref, rtol=1e-12)
    with pytest.raises(ValueError, match="'tanh' or 'relu'"):
        F.n_step_rnn(1, 0.0, hx, ws, bs, xs, activation='sigmoid')


def test_n_step_bad_inputs_say_what_to_do():
    rng = np.random.RandomState(5)
    ws, bs = make_lstm_weights(rng, 1, 3, 2)
    hx = cx = np.zeros((1, 2, 2))
    with pytest.raises(ValueError, match='sorted longest first'):
        F.n_step_lstm(1, 0.0, hx, cx, ws, bs, [rng.randn(1, 3), rng.randn(2, 3)])
    with pytest.raises(ValueError, match=r'2 layers need 2 weight lists.*got 1'):
        F.n_step_lstm(2, 0.0, hx, cx, ws, bs, [rng.randn(2, 3)])
    with pytest.raises(ValueError, match=r'4 features.*expects 3'):
        F.n_step_lstm(1, 0.0, hx, cx, ws, bs, [rng.randn(2, 4)])
    with pytest.raises(ValueError, match=r'hx must have shape'):
        F.n_step_lstm(1, 0.0, np.zeros((1, 3, 2)), np.zeros((1, 3, 2)), ws, bs, [rng.randn(2, 3)])


# -- NStep links ------------------------------------------------------------------------

def test_nstep_lstm_link_params_like_chainer():
    np.random.seed(10)
    link = L.NStepLSTM(2, 3, 4, 0.1)
    names = [p for p, _ in link.namedparams()]
    assert names[:9] == ['/0/b0', '/0/b1', '/0/b2', '/0/b3', '/0/b4', '/0/b5', '/0/b6',
                         '/0/b7', '/0/w0']
    assert len(names) == 32
    assert link[0].w0.shape == (4, 3) and link[0].w4.shape == (4, 4)
    assert link[1].w0.shape == (4, 4)
    assert np.all(link[0].b0.data == 0)
    assert L.NStepBiLSTM(2, 3, 4, 0.0)[2].w0.shape == (4, 8)
    assert len(list(L.NStepGRU(1, 3, 4, 0.0).params())) == 12


def test_nstep_lstm_link_unsorted_sequences_come_back_in_order():
    np.random.seed(11)
    link = L.NStepLSTM(1, 3, 2, 0.0)
    ws = [[p.data for p in w] for w in link.ws]
    bs = [[p.data for p in b] for b in link.bs]
    seqs = [np.random.randn(n, 3).astype(np.float32) for n in (2, 4, 3)]
    hx = np.random.randn(1, 3, 2).astype(np.float32)
    cx = np.random.randn(1, 3, 2).astype(np.float32)
    hy, cy, ys = link(hx, cx, seqs)
    assert [y.shape for y in ys] == [(2, 2), (4, 2), (3, 2)]
    for k, seq in enumerate(seqs):      # each sequence alone gives the same result
        rh, rc, rys = n_step_lstm_ref(hx[:, k:k + 1], cx[:, k:k + 1], ws, bs,
                                      [seq[t:t + 1] for t in range(len(seq))])
        np.testing.assert_allclose(ys[k].data, np.concatenate(rys), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(hy.data[0, k], rh[0], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(cy.data[0, k], rc[0], rtol=1e-5, atol=1e-6)
    assert hy.dtype == np.float32
    F.sum(F.concat(ys, axis=0)).backward()
    assert all(p.grad is not None for p in link.params())


def test_nstep_links_default_states_and_gradients():
    np.random.seed(12)
    seqs = [np.random.randn(n, 3) for n in (1, 3)]
    link = L.NStepGRU(1, 3, 2, 0.0)
    for p in link.params():
        p.data = p.data.astype(np.float64)

    def run(a, b):
        hy, ys = link(None, [a, b])
        return (hy,) + tuple(ys)
    rng = np.random.RandomState(0)
    check_backward(run, tuple(seqs), (rng.randn(1, 2, 2), rng.randn(1, 2), rng.randn(3, 2)),
                   params=tuple(link.params()))
    hy, ys = L.NStepRNNReLU(2, 3, 2, 0.0)(None, [s.astype(np.float32) for s in seqs])
    assert hy.shape == (2, 2, 2) and all(np.all(y.data >= 0) for y in ys)


def test_nstep_lstm_dropout_only_between_layers_and_only_in_training():
    np.random.seed(13)
    link = L.NStepLSTM(2, 3, 2, 0.5)
    seqs = [np.ones((2, 3), np.float32)]
    with teachgrad.using_config('train', False):
        a = link(None, None, seqs)[2][0].data
        b = link(None, None, seqs)[2][0].data
    np.testing.assert_array_equal(a, b)
    np.random.seed(0)
    c = link(None, None, seqs)[2][0].data
    assert not np.allclose(a, c)
    one = L.NStepLSTM(1, 3, 2, 0.9)
    with teachgrad.using_config('train', False):
        d = one(None, None, seqs)[2][0].data
    np.testing.assert_array_equal(one(None, None, seqs)[2][0].data, d)


def test_nstep_lstm_save_and_load(tmp_path):
    np.random.seed(14)
    a = L.NStepLSTM(1, 3, 2, 0.0)
    teachgrad.serializers.save_npz(str(tmp_path / 'n.npz'), a)
    b = L.NStepLSTM(1, 3, 2, 0.0)
    teachgrad.serializers.load_npz(str(tmp_path / 'n.npz'), b)
    for pa, pb in zip(a.params(), b.params()):
        np.testing.assert_array_equal(pa.data, pb.data)
    with np.load(str(tmp_path / 'n.npz'), allow_pickle=False) as f:
        assert '0/w7' in f.files


def test_a_failed_first_call_leaves_a_lazy_lstm_as_it_was():
    np.random.seed(15)
    cell = L.StatelessLSTM(2)
    lateral, bias = cell.lateral.W.data.copy(), cell.upward.b.data.copy()
    state = np.random.get_state()[1].copy()
    with pytest.raises(ValueError, match='4 \\* 5 = 20 columns'):
        cell(np.zeros((1, 5), np.float32), None, np.zeros((1, 3), np.float32))
    assert cell.upward.W.data is None
    np.testing.assert_array_equal(cell.lateral.W.data, lateral)
    np.testing.assert_array_equal(cell.upward.b.data, bias)
    np.testing.assert_array_equal(np.random.get_state()[1], state)
    c, h = cell(None, None, np.zeros((1, 3), np.float32))      # and the next call works
    assert cell.upward.W.shape == (8, 3)
    layer = L.LSTM(3, 2)
    layer(np.zeros((2, 3), np.float32))
    h_before = layer.h
    with pytest.raises(ValueError, match='never grow'):
        layer(np.zeros((3, 3), np.float32))
    assert layer.h is h_before


def test_to_cpu_and_to_gpu_move_a_recurrent_state_with_the_parameters(monkeypatch):
    # No GPU is needed to see that the state is visited: record which
    # Variables and arrays the move touches.
    from teachgrad import backend
    from teachgrad.variable import Variable
    moved = []
    monkeypatch.setattr(Variable, 'to_cpu', lambda self: moved.append(self))
    lstm, gru = L.LSTM(3, 2), L.StatefulGRU(3, 2)
    x = np.ones((1, 3), np.float32)
    lstm(x)
    gru(x)
    lstm.to_cpu()
    gru.to_cpu()
    assert any(v is lstm.h for v in moved) and any(v is lstm.c for v in moved)
    assert any(v is gru.h for v in moved)
    # a state held as a plain array is replaced by the moved array
    monkeypatch.setattr(backend, 'to_cpu', lambda a: ('moved', a))
    lstm.h = np.zeros((1, 2), np.float32)
    lstm.to_cpu()
    assert lstm.h[0] == 'moved'
    fresh = L.LSTM(3, 2).to_cpu()          # no state yet: nothing to move
    assert fresh.h is None and fresh.c is None
