"""Recurrent cells: the LSTM step, and whole stacked RNNs over many sequences.

An LSTM keeps a *cell* ``c`` next to its output ``h``. Each step mixes the
new input into four *gates*, computed from one pre-activation ``x`` with
``4 * units`` columns:

* ``a = tanh(.)``     the candidate values to write,
* ``i = sigmoid(.)``  how much of them to write (input gate),
* ``f = sigmoid(.)``  how much of the old cell to keep (forget gate),
* ``o = sigmoid(.)``  how much of the cell to show (output gate),

then ``c = a * i + f * c_prev`` and ``h = o * tanh(c)``. The columns of ``x``
are interleaved: column ``4 * j + k`` is gate ``k`` (a, i, f, o) of unit
``j``, so ``x.reshape(batch, units, 4)[:, :, k]`` is gate ``k``.

>>> import numpy as np
>>> c_prev = np.zeros((1, 1), dtype=np.float32)
>>> x = np.array([[0., 0., 0., 0.]], dtype=np.float32)   # a=0, i=f=o=0.5
>>> c, h = lstm(c_prev, x)
>>> c.data, h.data
(array([[0.]], dtype=float32), array([[0.]], dtype=float32))

:func:`n_step_lstm` (and :func:`n_step_gru`, :func:`n_step_rnn`) run such
cells over whole batches of sequences, layer after layer; they are built from
the functions here and in the rest of the library, so their graph shows each
step.
"""
import numpy

from teachgrad import backend
from teachgrad.functions import _ufuncs
from teachgrad.function_node import FunctionNode


def _extract_gates(x):
    # (batch, 4 * units, ...) -> four views (batch, units, ...): a, i, f, o.
    r = x.reshape((x.shape[0], x.shape[1] // 4, 4) + x.shape[2:])
    return [r[:, :, k] for k in range(4)]


def _sigmoid(x, xp):
    return _ufuncs.tanh(x * 0.5) * 0.5 + 0.5


def _check_lstm(c, x):
    if c.ndim < 2 or c.ndim != x.ndim:
        raise ValueError(
            'lstm needs c_prev of shape (batch, units) and x of shape (batch, 4 * '
            'units), but got c_prev {} and x {}'.format(c.shape, x.shape))
    if x.shape[1] != 4 * c.shape[1] or x.shape[2:] != c.shape[2:]:
        units = c.shape[1]
        raise ValueError(
            'lstm: c_prev of shape {} has {} units, so x needs 4 * {} = {} columns '
            '(the a, i, f, o gates of each unit), but x has shape {}. x is usually '
            'upward(x) + lateral(h), Linear layers with 4 * units outputs.'.format(
                c.shape, units, units, 4 * units, x.shape))
    if x.shape[0] > c.shape[0]:
        raise ValueError(
            'lstm: x has a batch of {} but c_prev only {} rows (shapes {} and '
            '{}); a batch may shrink from step to step but never grow. Sort '
            'sequences longest first.'.format(x.shape[0], c.shape[0], x.shape, c.shape))
    if c.dtype != x.dtype:
        raise TypeError('lstm: c_prev is {} but x is {}; give both the same dtype '
                        '(x.astype(np.float32))'.format(c.dtype, x.dtype))


class LSTM(FunctionNode):
    first_order_reason = ('its backward is written on arrays with the gates kept from forward; '
                          'a backward written with Variables is not there yet')
    label = 'lstm'
    # The backward caption, one text per input (c_prev, x).
    chain_rule = ('f · (gc + gh · o · (1 - tanh(c)²)), the rows past the batch pass gc on',
                  'per gate, the cell grad times its slope: a: i·(1 - a²), i: a·i·(1 - i), '
                  'f: c_prev·f·(1 - f); o: gh · tanh(c) · o·(1 - o)')

    def forward(self, c_prev, x):
        _check_lstm(c_prev, x)
        xp = backend.get_array_module(x)
        a, i, f, o = _extract_gates(x)
        a, i, f, o = _ufuncs.tanh(a), _sigmoid(i, xp), _sigmoid(f, xp), _sigmoid(o, xp)
        batch = x.shape[0]
        # Rows past the batch (sequences that already ended) keep their cell.
        c = c_prev.copy()
        c[:batch] = a * i + f * c_prev[:batch]
        tanh_c = _ufuncs.tanh(c[:batch])
        h = o * tanh_c
        self.gates, self.tanh_c, self.c_prev = (a, i, f, o), tanh_c, c_prev
        return c, h

    def backward(self, gc, gh):
        a, i, f, o = self.gates
        xp = backend.get_array_module(a)
        batch = a.shape[0]
        # An output nobody kept (often c at the last step) sends back zeros.
        if gc is None:
            gc = xp.zeros_like(self.c_prev)
        if gh is None:
            gh = xp.zeros_like(a)
        # The cell's grad: what came back along c, plus the path through h.
        gc_now = gc[:batch] + gh * o * (1 - self.tanh_c ** 2)
        gx = xp.empty((batch, 4 * a.shape[1]) + a.shape[2:], dtype=gc.dtype)
        ga, gi, gf, go = _extract_gates(gx)
        ga[...] = gc_now * i * (1 - a * a)
        gi[...] = gc_now * a * i * (1 - i)
        gf[...] = gc_now * self.c_prev[:batch] * f * (1 - f)
        go[...] = gh * self.tanh_c * o * (1 - o)
        gc_prev = gc.copy()
        gc_prev[:batch] = gc_now * f
        return gc_prev, gx


def lstm(c_prev, x):
    """One LSTM step: ``(c, h)`` from the previous cell and the gate inputs.

    Args:
        c_prev: the cell state, shape (batch, units).
        x: the gate pre-activations, shape (batch', 4 * units) with
            ``batch' <= batch``: column ``4 * j + k`` feeds gate ``k`` (a, i,
            f, o) of unit ``j``. Rows of ``c_prev`` past ``batch'`` (sequences
            that have ended) are passed on unchanged.

    Returns:
        ``(c, h)``: the new cell, shape (batch, units), and the output, shape
        (batch', units).

    First-order only: its backward is written on arrays with the gates kept from forward; a
    backward written with Variables is not there yet.

    >>> import numpy as np
    >>> c, h = lstm(np.ones((2, 3), 'f'), np.zeros((2, 12), 'f'))
    >>> c.data[0]                     # f = 0.5 keeps half the cell, a = 0 adds nothing
    array([0.5, 0.5, 0.5], dtype=float32)
    >>> h.shape
    (2, 3)
    """
    return LSTM().apply((c_prev, x))


# ---------------------------------------------------------------------------
# Stacked RNNs over batches of sequences (built from other functions).

def _check_n_step(name, n_layers, directions, n_weights, hx, ws, bs, xs):
    n_sets = n_layers * directions
    if len(ws) != n_sets or len(bs) != n_sets:
        raise ValueError(
            '{}: {} layers{} need {} weight lists in ws and bs, but got {} and '
            '{}'.format(name, n_layers, ' in 2 directions' if directions == 2 else '',
                        n_sets, len(ws), len(bs)))
    for k, (w, b) in enumerate(zip(ws, bs)):
        if len(w) != n_weights or len(b) != n_weights:
            raise ValueError('{}: ws[{}] and bs[{}] must each hold {} arrays, but '
                             'hold {} and {}'.format(name, k, k, n_weights, len(w), len(b)))
    if not xs:
        raise ValueError('{}: xs is empty; give one (batch_t, in_size) array per '
                         'time step'.format(name))
    for t in range(1, len(xs)):
        if xs[t].shape[0] > xs[t - 1].shape[0]:
            raise ValueError(
                '{}: the batch grows from {} at step {} to {} at step {}; the '
                'sequences must be sorted longest first before transposing them to '
                'time-major order (L.NStepLSTM does this for you)'.format(
                    name, xs[t - 1].shape[0], t - 1, xs[t].shape[0], t))
    if xs[0].shape[1] != ws[0][0].shape[1]:
        raise ValueError(
            '{}: the inputs have {} features (xs[0] has shape {}) but ws[0][0] has '
            'shape {}, which expects {}'.format(
                name, xs[0].shape[1], xs[0].shape, ws[0][0].shape, ws[0][0].shape[1]))
    if hx.shape[0] != n_sets or hx.shape[1] != xs[0].shape[0]:
        raise ValueError(
            '{}: hx must have shape (layers * directions, batch, units) = ({}, {}, '
            'units), but has shape {}'.format(name, n_sets, xs[0].shape[0], hx.shape))


def _one_direction(step, xs, h, c, weights):
    # Run ``cell`` over the time steps; when the batch shrinks, the rows of
    # the finished sequences wait in h_rest / c_rest and join again after.
    from teachgrad import functions as F
    hs = []
    for x in xs:
        batch = x.shape[0]
        shrink = h.shape[0] > batch
        if shrink:
            h, h_rest = F.split_axis(h, [batch], axis=0)
            if c is not None:
                c, c_rest = F.split_axis(c, [batch], axis=0)
        h, c = step(x, h, c, weights)
        hs.append(h)
        if shrink:
            h = F.concat([h, h_rest], axis=0)
            if c is not None:
                c = F.concat([c, c_rest], axis=0)
    return h, c, hs


def _n_step(cell, n_layers, dropout_ratio, hx, cx, ws, bs, xs, bidirectional):
    # ``cell`` is a pair: ``prepare(w, b)`` joins one layer's weights once,
    # ``step(x, h, c, weights)`` runs one time step with them.
    from teachgrad import functions as F
    prepare, step = cell
    directions = 2 if bidirectional else 1
    hy, cy = [], []
    layer_in = list(xs)
    for layer in range(n_layers):
        if layer > 0:
            layer_in = [F.dropout(x, dropout_ratio) for x in layer_in]
        outs = []
        for d in range(directions):
            k = layer * directions + d
            seq = layer_in if d == 0 else layer_in[::-1]
            h, c, hs = _one_direction(step, seq, hx[k], None if cx is None else cx[k],
                                      prepare(ws[k], bs[k]))
            hy.append(h)
            cy.append(c)
            outs.append(hs if d == 0 else hs[::-1])
        if bidirectional:
            layer_in = [F.concat([hf, hb], axis=1) for hf, hb in zip(*outs)]
        else:
            layer_in = outs[0]
    hy = F.stack(hy)
    cy = None if cx is None else F.stack(cy)
    return hy, cy, tuple(layer_in)


def _gates_weight(ws):
    # Four (units, n) matrices -> one (4 * units, n) with the rows interleaved
    # unit by unit, the column layout that lstm() reads its gates from.
    from teachgrad import functions as F
    w = F.stack(ws, axis=1)
    return F.reshape(w, (w.shape[0] * w.shape[1],) + w.shape[2:])


def _lstm_weights(w, b):
    # ws[k] = [W_i, W_f, W_a, W_o] on the input, then the same four on h.
    return (_gates_weight([w[2], w[0], w[1], w[3]]), _gates_weight([b[2], b[0], b[1], b[3]]),
            _gates_weight([w[6], w[4], w[5], w[7]]), _gates_weight([b[6], b[4], b[5], b[7]]))


def _lstm_step(x, h, c, weights):
    from teachgrad import functions as F
    xw, xb, hw, hb = weights
    c, h = lstm(c, F.linear(x, xw, xb) + F.linear(h, hw, hb))
    return h, c


_lstm_cell = (_lstm_weights, _lstm_step)


def _as_var(a):
    from teachgrad.variable import Variable
    return a if isinstance(a, Variable) else Variable(a, requires_grad=False)


def n_step_lstm(n_layers, dropout_ratio, hx, cx, ws, bs, xs, **kwargs):
    """A stack of ``n_layers`` LSTMs run over a batch of sequences.

    Args:
        n_layers: how many LSTM layers are stacked.
        dropout_ratio: dropout applied to each layer's input except the first.
        hx, cx: initial hidden and cell states, shape (n_layers, batch, units).
        ws: ``ws[layer]`` holds 8 matrices: ``W_0..W_3`` (units, in) act on
            the layer's input and feed the input, forget, candidate and output
            gates; ``W_4..W_7`` (units, units) do the same for ``h``.
        bs: ``bs[layer]`` holds the 8 matching bias vectors (units,).
        xs: time-major inputs: ``xs[t]`` has shape (batch_t, in) with
            ``batch_t`` never growing (sort sequences longest first).

    Returns:
        ``(hy, cy, ys)``: the last hidden and cell states of every layer,
        shape (n_layers, batch, units), and a tuple with the last layer's
        output ``ys[t]`` of shape (batch_t, units).

    >>> import numpy as np
    >>> ws = [[np.zeros((2, 3), 'f')] * 4 + [np.zeros((2, 2), 'f')] * 4]
    >>> bs = [[np.zeros(2, 'f')] * 8]
    >>> hx = cx = np.zeros((1, 2, 2), 'f')
    >>> xs = [np.ones((2, 3), 'f'), np.ones((1, 3), 'f')]
    >>> hy, cy, ys = n_step_lstm(1, 0.0, hx, cx, ws, bs, xs)
    >>> hy.shape, [y.shape for y in ys]
    ((1, 2, 2), [(2, 2), (1, 2)])
    """
    return _n_step_lstm(n_layers, dropout_ratio, hx, cx, ws, bs, xs, False, kwargs)


def n_step_bilstm(n_layers, dropout_ratio, hx, cx, ws, bs, xs, **kwargs):
    """:func:`n_step_lstm` run forward and backward in time, each layer
    seeing both directions' outputs side by side.

    ``hx``, ``cx`` have shape (2 * n_layers, batch, units) and ``ws``/``bs``
    hold 2 * n_layers lists: forward then backward for each layer. Layers
    after the first take inputs of size 2 * units.

    >>> import numpy as np
    >>> ws = [[np.zeros((2, 3), 'f')] * 4 + [np.zeros((2, 2), 'f')] * 4] * 2
    >>> bs = [[np.zeros(2, 'f')] * 8] * 2
    >>> hx = cx = np.zeros((2, 1, 2), 'f')
    >>> hy, cy, ys = n_step_bilstm(1, 0.0, hx, cx, ws, bs, [np.ones((1, 3), 'f')])
    >>> ys[0].shape
    (1, 4)
    """
    return _n_step_lstm(n_layers, dropout_ratio, hx, cx, ws, bs, xs, True, kwargs)


def _n_step_lstm(n_layers, dropout_ratio, hx, cx, ws, bs, xs, bi, kwargs):
    _no_kwargs('n_step_lstm', kwargs)
    name = 'n_step_bilstm' if bi else 'n_step_lstm'
    hx, cx = _as_var(hx), _as_var(cx)
    _check_n_step(name, n_layers, 2 if bi else 1, 8, hx, ws, bs, xs)
    if cx.shape != hx.shape:
        raise ValueError('{}: cx must have the shape of hx {}, but has shape {}'
                         .format(name, hx.shape, cx.shape))
    return _n_step(_lstm_cell, n_layers, dropout_ratio, hx, cx, ws, bs, xs, bi)


def _no_kwargs(name, kwargs):
    if kwargs:
        raise TypeError('{} got unexpected arguments {}; train mode comes from '
                        "teachgrad.using_config('train', ...)".format(name, sorted(kwargs)))


def _gru_weights(w, b):
    from teachgrad import functions as F
    # ws[k] = [W_r, W_z, W] on the input, then [U_r, U_z, U] on h.
    return (F.concat(w[0:3], axis=0), F.concat(b[0:3], axis=0),
            F.concat(w[3:6], axis=0), F.concat(b[3:6], axis=0))


def _gru_step(x, h, c, weights):
    from teachgrad import functions as F
    xw, xb, hw, hb = weights
    gx = F.linear(x, xw, xb)
    gh = F.linear(h, hw, hb)
    xr, xz, xh = F.split_axis(gx, 3, axis=1)
    hr, hz, hh = F.split_axis(gh, 3, axis=1)
    r = F.sigmoid(xr + hr)
    z = F.sigmoid(xz + hz)
    h_bar = F.tanh(xh + r * hh)
    return (1 - z) * h_bar + z * h, None


_gru_cell = (_gru_weights, _gru_step)


def n_step_gru(n_layers, dropout_ratio, hx, ws, bs, xs, **kwargs):
    """A stack of ``n_layers`` GRUs run over a batch of sequences.

    ``ws[layer]`` holds 6 matrices: ``W_0, W_1, W_2`` act on the input (reset
    gate r, update gate z, candidate), ``W_3, W_4, W_5`` on ``h``;
    ``bs[layer]`` the 6 biases. Each step computes
    ``r = sigmoid(W_0 x + b_0 + W_3 h + b_3)``, z alike with ``W_1, W_4``,
    ``h_bar = tanh(W_2 x + b_2 + r * (W_5 h + b_5))`` and
    ``h = (1 - z) * h_bar + z * h``. Returns ``(hy, ys)``; the rest is as in
    :func:`n_step_lstm`.

    >>> import numpy as np
    >>> ws = [[np.zeros((2, 3), 'f')] * 3 + [np.zeros((2, 2), 'f')] * 3]
    >>> bs = [[np.zeros(2, 'f')] * 6]
    >>> hy, ys = n_step_gru(1, 0.0, np.ones((1, 1, 2), 'f'), ws, bs, [np.ones((1, 3), 'f')])
    >>> hy.data                      # z = 0.5, h_bar = 0: half of h stays
    array([[[0.5, 0.5]]], dtype=float32)
    """
    return _n_step_h('n_step_gru', _gru_cell, 6, n_layers, dropout_ratio, hx, ws, bs, xs,
                     False, kwargs)


def n_step_bigru(n_layers, dropout_ratio, hx, ws, bs, xs, **kwargs):
    """:func:`n_step_gru` in both directions (see :func:`n_step_bilstm`).

    >>> import numpy as np
    >>> ws = [[np.zeros((2, 3), 'f')] * 3 + [np.zeros((2, 2), 'f')] * 3] * 2
    >>> bs = [[np.zeros(2, 'f')] * 6] * 2
    >>> hy, ys = n_step_bigru(1, 0.0, np.zeros((2, 1, 2), 'f'), ws, bs, [np.ones((1, 3), 'f')])
    >>> hy.shape, ys[0].shape
    ((2, 1, 2), (1, 4))
    """
    return _n_step_h('n_step_bigru', _gru_cell, 6, n_layers, dropout_ratio, hx, ws, bs, xs,
                     True, kwargs)


def _rnn_cell(activation):
    def step(x, h, c, weights):
        from teachgrad import functions as F
        w, b = weights
        return getattr(F, activation)(F.linear(x, w[0], b[0]) + F.linear(h, w[1], b[1])), None
    return (lambda w, b: (w, b)), step


def n_step_rnn(n_layers, dropout_ratio, hx, ws, bs, xs, activation='tanh', **kwargs):
    """A stack of plain RNNs: ``h = activation(W_0 x + b_0 + W_1 h + b_1)``.

    ``activation`` is ``'tanh'`` or ``'relu'``; ``ws[layer]`` holds
    ``[W_0, W_1]``. Returns ``(hy, ys)``; the rest is as in :func:`n_step_lstm`.

    >>> import numpy as np
    >>> ws = [[np.eye(2, dtype='f'), np.zeros((2, 2), 'f')]]
    >>> bs = [[np.zeros(2, 'f')] * 2]
    >>> hy, ys = n_step_rnn(1, 0.0, np.zeros((1, 1, 2), 'f'), ws, bs,
    ...                     [np.array([[1., -1.]], 'f')], activation='relu')
    >>> ys[0].data
    array([[1., 0.]], dtype=float32)
    """
    return _n_step_h('n_step_rnn', _check_activation(activation), 2, n_layers,
                     dropout_ratio, hx, ws, bs, xs, False, kwargs)


def n_step_birnn(n_layers, dropout_ratio, hx, ws, bs, xs, activation='tanh', **kwargs):
    """:func:`n_step_rnn` in both directions (see :func:`n_step_bilstm`).

    >>> import numpy as np
    >>> ws = [[np.zeros((2, 3), 'f'), np.zeros((2, 2), 'f')]] * 2
    >>> bs = [[np.zeros(2, 'f')] * 2] * 2
    >>> hy, ys = n_step_birnn(1, 0.0, np.zeros((2, 1, 2), 'f'), ws, bs, [np.ones((1, 3), 'f')])
    >>> ys[0].shape
    (1, 4)
    """
    return _n_step_h('n_step_birnn', _check_activation(activation), 2, n_layers,
                     dropout_ratio, hx, ws, bs, xs, True, kwargs)


def _check_activation(activation):
    if activation not in ('tanh', 'relu'):
        raise ValueError("n_step_rnn: activation must be 'tanh' or 'relu', not {!r}"
                         .format(activation))
    return _rnn_cell(activation)


def _n_step_h(name, cell, n_weights, n_layers, dropout_ratio, hx, ws, bs, xs, bi, kwargs):
    _no_kwargs(name, kwargs)
    hx = _as_var(hx)
    _check_n_step(name, n_layers, 2 if bi else 1, n_weights, hx, ws, bs, xs)
    hy, _, ys = _n_step(cell, n_layers, dropout_ratio, hx, None, ws, bs, xs, bi)
    return hy, ys


def _transpose_sequence(xs):
    """Batch-major sequences (longest first) -> time-major steps, or back.

    ``[x_0 (L_0, ...), x_1 (L_1, ...)]`` becomes ``[step_0, step_1, ...]``
    where ``step_t`` stacks row ``t`` of every sequence long enough; applied
    to the steps it gives the sequences again.
    """
    from teachgrad import functions as F
    if not xs:
        return []
    length = xs[0].shape[0]
    out = []
    for t in range(length):
        rows = [F.get_item(x, slice(t, t + 1)) for x in xs if x.shape[0] > t]
        out.append(rows[0] if len(rows) == 1 else F.concat(rows, axis=0))
    return out


def _argsort_longest_first(xs):
    # Stable, so sequences of equal length keep their order.
    return [int(i) for i in numpy.argsort([-x.shape[0] for x in xs], kind='stable')]
