"""Recurrent layers: LSTM and GRU cells, and stacked RNNs over sequences.

An LSTM layer is two Linear children, ``upward`` (from the input, with the
bias) and ``lateral`` (from the previous output, no bias), each producing
``4 * out_size`` gate pre-activations for :func:`teachgrad.functions.lstm`.
:class:`LSTM` remembers ``c`` and ``h`` between calls (call ``reset_state()``
before a new sequence); :class:`StatelessLSTM` takes and returns them.

>>> import numpy as np
>>> rnn = LSTM(3, 2)
>>> [path for path, _ in rnn.namedparams()]
['/lateral/W', '/upward/W', '/upward/b']
>>> rnn.upward.b.data             # the forget gate (3rd of each 4) starts at 1
array([0., 0., 1., 0., 0., 0., 1., 0.], dtype=float32)
>>> rnn(np.ones((1, 3), 'f')).shape, rnn.h.shape, rnn.c.shape
((1, 2), (1, 2), (1, 2))
>>> rnn.reset_state(); print(rnn.h)
None
"""
from teachgrad import functions as F
from teachgrad import initializers
from teachgrad.functions import rnn as rnn_functions
from teachgrad.link import Chain, ChainList, Link
from teachgrad.links import _lazy
from teachgrad.links.linear import Linear
from teachgrad.variable import Parameter, Variable

# The layers below are made of Linear children but are drawn as one box per
# call; to that end they run their children's forward directly, so every
# function of one call records the same link scope.


def _size(shape):
    n = 1
    for s in shape:
        n *= s
    return n


class LSTMBase(Chain):
    """What :class:`LSTM` and :class:`StatelessLSTM` share: the two Linear
    children and their initialization, gate by gate."""
    draw_as_one_box = True

    def __init__(self, in_size, out_size=None, lateral_init=None, upward_init=None,
                 bias_init=None, forget_bias_init=None):
        if out_size is None:
            in_size, out_size = None, in_size
        super().__init__()
        self.state_size = out_size
        self.lateral_init = lateral_init
        self.upward_init = upward_init
        self.bias_init = 0 if bias_init is None else bias_init
        self.forget_bias_init = 1 if forget_bias_init is None else forget_bias_init
        with self.init_scope():
            self.upward = Linear(in_size, 4 * out_size, initialW=0)
            self.lateral = Linear(out_size, 4 * out_size, initialW=0, nobias=True)
            if in_size is not None:
                self._initialize_params()

    def _initialize_params(self):
        lateral_init = initializers._get_initializer(self.lateral_init)
        upward_init = initializers._get_initializer(self.upward_init)
        bias_init = initializers._get_initializer(self.bias_init)
        forget_bias_init = initializers._get_initializer(self.forget_bias_init)
        n = self.state_size
        # One block of n rows per gate, so a fan-based initializer sees the
        # shape of one gate's weight.
        for i in range(0, 4 * n, n):
            lateral_init(self.lateral.W.data[i:i + n, :])
            upward_init(self.upward.W.data[i:i + n, :])
        a, i, f, o = rnn_functions._extract_gates(self.upward.b.data.reshape(1, 4 * n, 1))
        bias_init(a)
        bias_init(i)
        forget_bias_init(f)         # a forget gate open at the start helps learning
        bias_init(o)

    def _call(self, x, compute):
        # The first call makes upward.W from x and draws every gate block; if
        # the call fails, the weights are as they were before it.
        if self.upward.W.data is not None:
            return compute()
        saved = self.lateral.W.data.copy(), self.upward.b.data.copy()

        def initialize():
            self.upward._initialize_params(_size(x.shape[1:]))
            self._initialize_params()
        try:
            return _lazy.first_call([self.upward.W], initialize, compute)
        except BaseException:
            self.lateral.W.data[...], self.upward.b.data[...] = saved
            raise

    @property
    def printable_specs(self):
        yield 'in_size', self.upward.in_size
        yield 'out_size', self.state_size


class StatelessLSTM(LSTMBase):
    """An LSTM layer that keeps no state: ``c, h = layer(c, h, x)``.

    Args:
        in_size: input features, or None to decide on the first call (or
            give only ``out_size``).
        out_size: units.
        lateral_init, upward_init: initializers of the two weights (default
            LeCunNormal, applied to each gate's block of rows).
        bias_init: initial bias of the a, i and o gates (default 0).
        forget_bias_init: initial bias of the forget gate (default 1).

    ``c`` or ``h`` may be None at the first step (zeros).

    >>> import numpy as np
    >>> cell = StatelessLSTM(20)
    >>> c, h = cell(None, None, np.zeros((1, 10), 'f'))
    >>> c.shape, h.shape, cell.upward.W.shape
    ((1, 20), (1, 20), (80, 10))
    """

    def forward(self, c, h, x):
        return self._call(x, lambda: self._step(c, h, x))

    def _step(self, c, h, x):
        lstm_in = self.upward.forward(x)
        if h is not None:
            lstm_in = lstm_in + self.lateral.forward(h)
        if c is None:
            c = Variable(self.xp.zeros((x.shape[0], self.state_size), dtype=x.dtype),
                         requires_grad=False)
        return rnn_functions.lstm(c, lstm_in)


class LSTM(LSTMBase):
    """A stateful LSTM layer: ``h = layer(x)`` remembers ``c`` and ``h``.

    ``to_gpu``/``to_cpu`` move the state with the parameters.

    The arguments are those of :class:`StatelessLSTM`. The batch may shrink
    from one call to the next (sequences sorted longest first): only the
    first ``len(x)`` rows of the state are updated, the rest wait.

    >>> import numpy as np
    >>> layer = LSTM(10, 20)
    >>> layer(np.zeros((3, 10), 'f')).shape
    (3, 20)
    >>> layer(np.zeros((2, 10), 'f')).shape, layer.h.shape
    ((2, 20), (3, 20))
    """

    _device_state = ('c', 'h')

    def __init__(self, in_size, out_size=None, lateral_init=None, upward_init=None,
                 bias_init=None, forget_bias_init=None):
        super().__init__(in_size, out_size, lateral_init, upward_init, bias_init,
                         forget_bias_init)
        self.reset_state()

    def reset_state(self):
        """Forget ``c`` and ``h`` (both become None): the next call starts a
        new sequence."""
        self.c = self.h = None

    def set_state(self, c, h):
        """Set the cell ``c`` and the output ``h`` to continue from."""
        if not isinstance(c, Variable) or not isinstance(h, Variable):
            raise TypeError('LSTM.set_state takes two Variables (c, h), but got {} '
                            'and {}'.format(type(c).__name__, type(h).__name__))
        self.c, self.h = c, h

    def forward(self, x):
        batch = x.shape[0]
        if self.h is not None and self.h.shape[0] < batch:
            raise ValueError(
                'LSTM: this batch has {} rows but the state h has only {} (shape {}); '
                'the batch may shrink between calls, never grow. Call reset_state() '
                'before a new batch of sequences.'.format(batch, self.h.shape[0],
                                                          self.h.shape))
        c, h, y = self._call(x, lambda: self._step(x))
        self.c, self.h = c, h          # the state changes only once the step worked
        return y

    def _step(self, x):
        batch = x.shape[0]
        lstm_in = self.upward.forward(x)
        h_rest = None
        if self.h is not None:
            if batch == 0:
                h_rest = self.h
            elif self.h.shape[0] > batch:
                h_update, h_rest = F.split_axis(self.h, [batch], axis=0)
                lstm_in = lstm_in + self.lateral.forward(h_update)
            else:
                lstm_in = lstm_in + self.lateral.forward(self.h)
        c = self.c
        if c is None:
            c = Variable(self.xp.zeros((batch, self.state_size), dtype=x.dtype),
                         requires_grad=False)
        c, y = rnn_functions.lstm(c, lstm_in)
        if h_rest is None:
            h = y
        elif y.shape[0] == 0:
            h = h_rest
        else:
            h = F.concat([y, h_rest], axis=0)
        return c, h, y


class GRUBase(Chain):
    """The six Linear children of a GRU: ``W_r, W_z, W`` on the input,
    ``U_r, U_z, U`` on the previous output."""
    draw_as_one_box = True

    def __init__(self, in_size, out_size, init=None, inner_init=None, bias_init=None):
        super().__init__()
        with self.init_scope():
            self.W_r = Linear(in_size, out_size, initialW=init, initial_bias=bias_init)
            self.U_r = Linear(out_size, out_size, initialW=inner_init,
                              initial_bias=bias_init)
            self.W_z = Linear(in_size, out_size, initialW=init, initial_bias=bias_init)
            self.U_z = Linear(out_size, out_size, initialW=inner_init,
                              initial_bias=bias_init)
            self.W = Linear(in_size, out_size, initialW=init, initial_bias=bias_init)
            self.U = Linear(out_size, out_size, initialW=inner_init,
                            initial_bias=bias_init)


class StatelessGRU(GRUBase):
    """A GRU layer that keeps no state: ``h_new = layer(h, x)``.

    ``r = sigmoid(W_r x + U_r h)``, ``z = sigmoid(W_z x + U_z h)``,
    ``h_bar = tanh(W x + U (r * h))``, ``h_new = z * h_bar + (1 - z) * h``.

    >>> import numpy as np
    >>> gru = StatelessGRU(None, 20)
    >>> gru(np.zeros((1, 20), 'f'), np.zeros((1, 10), 'f')).shape
    (1, 20)
    """

    def forward(self, h, x):
        r = F.sigmoid(self.W_r.forward(x) + self.U_r.forward(h))
        z = F.sigmoid(self.W_z.forward(x) + self.U_z.forward(h))
        h_bar = F.tanh(self.W.forward(x) + self.U.forward(r * h))
        return z * h_bar + (1 - z) * h


class StatefulGRU(GRUBase):
    """A GRU layer that remembers ``h`` between calls (see
    :class:`StatelessGRU` for the formulas). At the first step, with no
    ``h`` yet, ``h_new = z * h_bar``.

    >>> import numpy as np
    >>> gru = StatefulGRU(10, 20)
    >>> gru(np.zeros((1, 10), 'f')).shape, gru.h.shape
    ((1, 20), (1, 20))
    """

    _device_state = ('h',)

    def __init__(self, in_size, out_size, init=None, inner_init=None, bias_init=0):
        super().__init__(in_size, out_size, init, inner_init, bias_init)
        self.state_size = out_size
        self.reset_state()

    def reset_state(self):
        """Forget ``h``: the next call starts a new sequence."""
        self.h = None

    def set_state(self, h):
        """Set the output ``h`` to continue from."""
        if not isinstance(h, Variable):
            raise TypeError('GRU.set_state takes a Variable, but got {}'.format(
                type(h).__name__))
        self.h = h

    def forward(self, x):
        z = self.W_z.forward(x)
        h_bar = self.W.forward(x)
        if self.h is not None:
            r = F.sigmoid(self.W_r.forward(x) + self.U_r.forward(self.h))
            z = z + self.U_z.forward(self.h)
            h_bar = h_bar + self.U.forward(r * self.h)
        z = F.sigmoid(z)
        h_bar = F.tanh(h_bar)
        if self.h is not None:
            self.h = z * h_bar + (1 - z) * self.h
        else:
            self.h = z * h_bar
        return self.h


class GRU(StatefulGRU):
    """Another name for :class:`StatefulGRU`: ``h = gru(x)``.

    >>> import numpy as np
    >>> GRU(3, 2)(np.zeros((4, 3), 'f')).shape
    (4, 2)
    """

    def forward(self, *args):
        if len(args) != 1:
            hint = (' GRU is stateful and takes only x; for h_new = gru(h, x) use '
                    'L.StatelessGRU.' if len(args) == 2 else '')
            raise ValueError('GRU takes one argument (x) but got {}.{}'.format(
                len(args), hint))
        return super().forward(args[0])


# ---------------------------------------------------------------------------
# Stacked RNNs over lists of sequences.

class NStepRNNBase(ChainList):
    """Stacked RNN layers that read whole sequences at once.

    One child link per layer (and direction) holds the weights ``w0, w1, ...``
    and biases ``b0, b1, ...``, so the parameters are ``/0/w0``, ``/0/b0``...
    Call it with a list of sequences of different lengths, each of shape
    (length, in_size); it sorts them, runs the layers over them time step by
    time step, and hands back the outputs in the original order.

    Args:
        n_layers: layers stacked.
        in_size: input features.
        out_size: units (features of h).
        dropout: dropout ratio between layers.
        initialW: initializer of the weights (default LeCunNormal).
        initial_bias: initializer of the biases (default 0).
    """
    n_weights = None
    use_bi_direction = False
    draw_as_one_box = True

    def __init__(self, n_layers, in_size, out_size, dropout, *, initialW=None,
                 initial_bias=None, **kwargs):
        if kwargs:
            raise TypeError('{} got unexpected arguments {}'.format(
                type(self).__name__, sorted(kwargs)))
        direction = 2 if self.use_bi_direction else 1
        w_init = initializers._get_initializer(initialW)
        b_init = initializers._get_initializer(0 if initial_bias is None else initial_bias)
        weights = []
        for i in range(n_layers):
            for _ in range(direction):
                weight = Link()
                with weight.init_scope():
                    for j in range(self.n_weights):
                        if j >= self.n_weights // 2:
                            w_in = out_size                  # acts on h
                        elif i == 0:
                            w_in = in_size
                        else:
                            w_in = out_size * direction      # the layer below's output
                        setattr(weight, 'w%d' % j, Parameter(w_init, (out_size, w_in)))
                        setattr(weight, 'b%d' % j, Parameter(b_init, out_size))
                weights.append(weight)
        super().__init__(*weights)
        self.n_layers = n_layers
        self.dropout = dropout
        self.out_size = out_size
        self.direction = direction

    @property
    def ws(self):
        """``ws[k]`` lists the weights of layer-and-direction ``k``."""
        return [[getattr(layer, 'w%d' % j) for j in range(self.n_weights)] for layer in self]

    @property
    def bs(self):
        """``bs[k]`` lists the biases of layer-and-direction ``k``."""
        return [[getattr(layer, 'b%d' % j) for j in range(self.n_weights)] for layer in self]

    @property
    def printable_specs(self):
        yield 'n_layers', self.n_layers
        yield 'out_size', self.out_size
        yield 'dropout', self.dropout

    def init_hx(self, xs):
        """Zero initial states, shape (n_layers * directions, batch, out_size)."""
        shape = (self.n_layers * self.direction, len(xs), self.out_size)
        return Variable(self.xp.zeros(shape, dtype=xs[0].dtype), requires_grad=False)

    def rnn(self, *args):
        raise NotImplementedError

    def forward(self, hx, xs, **kwargs):
        """``hy, ys = layer(hx, xs)``; ``hx`` may be None (zeros)."""
        (hy,), ys = self._call([hx], xs, kwargs)
        return hy, ys

    def _call(self, hs, xs, kwargs):
        rnn_functions._no_kwargs(type(self).__name__, kwargs)
        if not isinstance(xs, (list, tuple)) or not xs:
            raise TypeError(
                '{} takes a non-empty list of sequences, each of shape (length, '
                'in_size), but got {}'.format(type(self).__name__, type(xs).__name__))
        indices = rnn_functions._argsort_longest_first(xs)
        inverse = [0] * len(indices)
        for pos, i in enumerate(indices):
            inverse[i] = pos
        xs = [xs[i] for i in indices]
        order, back = self.xp.asarray(indices), self.xp.asarray(inverse)
        hxs = [self.init_hx(xs) if h is None else F.get_item(h, (slice(None), order))
               for h in hs]
        result = self.rnn(self.n_layers, self.dropout, *hxs, self.ws, self.bs,
                          rnn_functions._transpose_sequence(xs))
        hys = [F.get_item(h, (slice(None), back)) for h in result[:-1]]
        ys = rnn_functions._transpose_sequence(result[-1])
        return hys, [ys[i] for i in inverse]


class NStepLSTMBase(NStepRNNBase):
    n_weights = 8

    def forward(self, hx, cx, xs, **kwargs):
        """``hy, cy, ys = layer(hx, cx, xs)``: the last hidden and cell states
        of each layer, shape (n_layers * directions, batch, out_size), and
        one output sequence (length, out_size) per input sequence. ``hx`` and
        ``cx`` may be None (zeros)."""
        (hy, cy), ys = self._call([hx, cx], xs, kwargs)
        return hy, cy, ys


class NStepLSTM(NStepLSTMBase):
    """Stacked LSTMs over a list of sequences (see :class:`NStepRNNBase`).

    >>> import numpy as np
    >>> lstm = NStepLSTM(n_layers=2, in_size=3, out_size=4, dropout=0.0)
    >>> xs = [np.ones((5, 3), 'f'), np.ones((2, 3), 'f')]
    >>> hy, cy, ys = lstm(None, None, xs)
    >>> hy.shape, [y.shape for y in ys]
    ((2, 2, 4), [(5, 4), (2, 4)])
    >>> [path for path, _ in lstm.namedparams()][:3]
    ['/0/b0', '/0/b1', '/0/b2']
    """

    def rnn(self, *args):
        return rnn_functions.n_step_lstm(*args)


class NStepBiLSTM(NStepLSTMBase):
    """Stacked bidirectional LSTMs: outputs have 2 * out_size features.

    >>> import numpy as np
    >>> hy, cy, ys = NStepBiLSTM(1, 3, 4, 0.0)(None, None, [np.ones((2, 3), 'f')])
    >>> hy.shape, ys[0].shape
    ((2, 1, 4), (2, 8))
    """
    use_bi_direction = True

    def rnn(self, *args):
        return rnn_functions.n_step_bilstm(*args)


class NStepGRU(NStepRNNBase):
    """Stacked GRUs over a list of sequences: ``hy, ys = layer(hx, xs)``.

    >>> import numpy as np
    >>> hy, ys = NStepGRU(1, 3, 4, 0.0)(None, [np.ones((2, 3), 'f')])
    >>> hy.shape, ys[0].shape
    ((1, 1, 4), (2, 4))
    """
    n_weights = 6

    def rnn(self, *args):
        return rnn_functions.n_step_gru(*args)


class NStepBiGRU(NStepGRU):
    """Stacked bidirectional GRUs.

    >>> import numpy as np
    >>> NStepBiGRU(1, 3, 4, 0.0)(None, [np.ones((2, 3), 'f')])[1][0].shape
    (2, 8)
    """
    use_bi_direction = True

    def rnn(self, *args):
        return rnn_functions.n_step_bigru(*args)


class NStepRNNTanh(NStepRNNBase):
    """Stacked plain RNNs with tanh: ``hy, ys = layer(hx, xs)``.

    >>> import numpy as np
    >>> NStepRNNTanh(1, 3, 4, 0.0)(None, [np.ones((2, 3), 'f')])[1][0].shape
    (2, 4)
    """
    n_weights = 2
    activation = 'tanh'

    def rnn(self, *args):
        if self.use_bi_direction:
            return rnn_functions.n_step_birnn(*args, activation=self.activation)
        return rnn_functions.n_step_rnn(*args, activation=self.activation)


class NStepRNNReLU(NStepRNNTanh):
    """Stacked plain RNNs with relu.

    >>> import numpy as np
    >>> NStepRNNReLU(1, 3, 4, 0.0)(None, [np.ones((2, 3), 'f')])[1][0].shape
    (2, 4)
    """
    activation = 'relu'


class NStepBiRNNTanh(NStepRNNTanh):
    """Stacked bidirectional plain RNNs with tanh.

    >>> import numpy as np
    >>> NStepBiRNNTanh(1, 3, 4, 0.0)(None, [np.ones((2, 3), 'f')])[1][0].shape
    (2, 8)
    """
    use_bi_direction = True


class NStepBiRNNReLU(NStepRNNTanh):
    """Stacked bidirectional plain RNNs with relu.

    >>> import numpy as np
    >>> NStepBiRNNReLU(1, 3, 4, 0.0)(None, [np.ones((2, 3), 'f')])[1][0].shape
    (2, 8)
    """
    use_bi_direction = True
    activation = 'relu'
