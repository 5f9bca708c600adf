"""More recurrent layers: the minimal gated unit (MGU), the LSTM with
peephole connections, and the LSTM regularized by zoneout.

The stateful ones remember their state between calls like
:class:`~teachgrad.links.LSTM`: ``reset_state()`` before a new sequence,
``set_state(...)`` to continue from a given one; ``to_gpu``/``to_cpu`` move
the state with the parameters.

>>> import numpy as np
>>> mgu = StatefulMGU(3, 2)
>>> [path for path, _ in mgu.namedparams()]
['/W_f/W', '/W_f/b', '/W_h/W', '/W_h/b']
>>> mgu(np.ones((4, 3), 'f')).shape, mgu.h.shape
((4, 2), (4, 2))
"""
from teachgrad import functions as F
from teachgrad.chain import Chain
from teachgrad.functions.noise_more import zoneout
from teachgrad.links.linear import Linear
from teachgrad.variable import Variable

# Like the layers of links/rnn.py these are drawn as one box per call and run
# their children's forward directly, so every function of one call records
# the same link scope.


def _zeros_state(link, x):
    return Variable(link.xp.zeros((x.shape[0], link.state_size), dtype=x.dtype),
                    requires_grad=False)


def _check_batch(link, x):
    state = link.h if link.h is not None else getattr(link, 'c', None)
    if state is not None and state.shape[0] != x.shape[0]:
        raise ValueError(
            '{}: this batch has {} rows but the state has {} (shape {}). Call '
            'reset_state() before a new batch of sequences.'.format(
                type(link).__name__, x.shape[0], state.shape[0], state.shape))


def _check_state(link, **states):
    for name, value in states.items():
        if not isinstance(value, Variable):
            raise TypeError('{}.set_state takes Variables ({}), but {} is a {}'.format(
                type(link).__name__, ', '.join(states), name, type(value).__name__))


class MGUBase(Chain):
    """The two Linear children of an MGU, both acting on ``concat([h, x])``:
    ``W_f`` (the forget gate) and ``W_h`` (the candidate state)."""
    draw_as_one_box = True

    def __init__(self, n_inputs, n_units):
        super().__init__()
        self.state_size = n_units
        with self.init_scope():
            self.W_f = Linear(n_inputs + n_units, n_units)
            self.W_h = Linear(n_inputs + n_units, n_units)

    @property
    def printable_specs(self):
        yield 'in_size', self.W_f.in_size - self.state_size
        yield 'out_size', self.state_size

    def _call_mgu(self, h, x):
        if len(h.shape) != 2 or len(x.shape) != 2 or h.shape[0] != x.shape[0]:
            raise ValueError(
                '{} needs h of shape (batch, {}) and x of shape (batch, {}), but got h {} '
                'and x {}'.format(type(self).__name__, self.state_size,
                                  self.W_f.in_size - self.state_size, h.shape, x.shape))
        f = F.sigmoid(self.W_f.forward(F.concat([h, x])))
        h_bar = F.tanh(self.W_h.forward(F.concat([f * h, x])))
        return f * h_bar + (1 - f) * h


class StatelessMGU(MGUBase):
    """A minimal gated unit that keeps no state: ``h_new = mgu(h, x)``.

    ``f = sigmoid(W_f [h, x])``, ``h_bar = tanh(W_h [f * h, x])``,
    ``h_new = f * h_bar + (1 - f) * h``: a GRU with one gate instead of two.

    Args:
        in_size: features of x.
        out_size: units (features of h).

    >>> import numpy as np
    >>> mgu = StatelessMGU(3, 2)
    >>> mgu.W_f.W.shape
    (2, 5)
    >>> mgu(np.zeros((1, 2), 'f'), np.ones((1, 3), 'f')).shape
    (1, 2)
    """

    def forward(self, h, x):
        return self._call_mgu(h, x)


class StatefulMGU(MGUBase):
    """A minimal gated unit that remembers ``h``: ``h = mgu(x)`` (see
    :class:`StatelessMGU` for the formulas); ``h`` starts at zeros.

    >>> import numpy as np
    >>> mgu = StatefulMGU(3, 2)
    >>> y = mgu(np.ones((1, 3), 'f'))
    >>> mgu.reset_state(); print(mgu.h)
    None
    """

    _device_state = ('h',)

    def __init__(self, in_size, out_size):
        super().__init__(in_size, out_size)
        self.reset_state()

    def reset_state(self):
        """Forget ``h``: the next call starts a new sequence."""
        self.h = None

    def set_state(self, h):
        """Set the output ``h`` to continue from."""
        _check_state(self, h=h)
        self.h = h

    def forward(self, x):
        _check_batch(self, x)
        h = self.h if self.h is not None else _zeros_state(self, x)
        self.h = self._call_mgu(h, x)
        return self.h


class _StatefulLSTMBase(Chain):
    """``upward`` (from the input, with the bias) and ``lateral`` (from the
    previous output) make the pre-activations of the four gates, unit by
    unit in the order a, i, f, o as in :func:`teachgrad.functions.lstm`."""
    draw_as_one_box = True
    _device_state = ('c', 'h')

    def __init__(self, in_size, out_size):
        super().__init__()
        self.state_size = out_size
        self.reset_state()
        with self.init_scope():
            self.upward = Linear(in_size, 4 * out_size)
            self.lateral = Linear(out_size, 4 * out_size, nobias=True)

    @property
    def printable_specs(self):
        yield 'in_size', self.upward.in_size
        yield 'out_size', self.state_size

    def reset_state(self):
        """Forget ``c`` and ``h`` (both become None): the next call starts a
        new sequence."""
        self.c = self.h = None

    def set_state(self, c, h):
        """Set the cell ``c`` and the output ``h`` to continue from."""
        _check_state(self, c=c, h=h)
        self.c, self.h = c, h

    def _gates(self, x):
        lstm_in = self.upward.forward(x)
        if self.h is not None:
            lstm_in = lstm_in + self.lateral.forward(self.h)
        n = lstm_in.shape[0]
        gates = F.split_axis(F.reshape(lstm_in, (n, self.state_size, 4)), 4, axis=2)
        return [F.reshape(g, (n, self.state_size)) for g in gates]

    def forward(self, x):
        _check_batch(self, x)
        c, h = self._step(x)
        self.c, self.h = c, h          # the state changes only once the step worked
        return h


class StatefulPeepholeLSTM(_StatefulLSTMBase):
    """An LSTM whose gates also look at the cell: ``h = layer(x)``.

    The input and forget gates add ``peep_i(c)`` and ``peep_f(c)`` of the
    previous cell, the output gate ``peep_o(c)`` of the new one:
    ``c_new = tanh(a) * sigmoid(i + peep_i c) + sigmoid(f + peep_f c) * c``,
    ``h = sigmoid(o + peep_o c_new) * tanh(c_new)``.

    Args:
        in_size: input features, or None to decide on the first call.
        out_size: units.

    >>> import numpy as np
    >>> lstm = StatefulPeepholeLSTM(3, 2)
    >>> [path for path, _ in lstm.namedparams()]
    ['/lateral/W', '/peep_f/W', '/peep_i/W', '/peep_o/W', '/upward/W', '/upward/b']
    >>> lstm(np.ones((4, 3), 'f')).shape, lstm.c.shape
    ((4, 2), (4, 2))
    """

    def __init__(self, in_size, out_size):
        super().__init__(in_size, out_size)
        with self.init_scope():
            self.peep_i = Linear(out_size, out_size, nobias=True)
            self.peep_f = Linear(out_size, out_size, nobias=True)
            self.peep_o = Linear(out_size, out_size, nobias=True)

    def _step(self, x):
        a, i, f, o = self._gates(x)
        c = self.c if self.c is not None else _zeros_state(self, x)
        i = F.sigmoid(i + self.peep_i.forward(c))
        f = F.sigmoid(f + self.peep_f.forward(c))
        c = F.tanh(a) * i + f * c
        o = F.sigmoid(o + self.peep_o.forward(c))
        return c, o * F.tanh(c)


class StatefulZoneoutLSTM(_StatefulLSTMBase):
    """An LSTM regularized with zoneout: ``h = layer(x)``.

    After the usual LSTM step, each unit of the cell keeps its previous value
    with probability ``c_ratio`` and each unit of the output with probability
    ``h_ratio`` (see :func:`teachgrad.functions.zoneout`); when
    ``config.train`` is False it is a plain LSTM. ``c`` and ``h`` start at
    zeros.

    Args:
        in_size: input features, or None to decide on the first call.
        out_size: units.
        c_ratio, h_ratio: the zoneout ratios of the cell and of the output.

    >>> import numpy as np
    >>> lstm = StatefulZoneoutLSTM(3, 2, c_ratio=0.2, h_ratio=0.1)
    >>> lstm(np.ones((4, 3), 'f')).shape
    (4, 2)
    """

    def __init__(self, in_size, out_size, c_ratio=0.5, h_ratio=0.5, **kwargs):
        if kwargs:
            raise TypeError('StatefulZoneoutLSTM got unexpected arguments {}{}'.format(
                sorted(kwargs), '; instead of train=..., use '
                "teachgrad.using_config('train', ...)" if 'train' in kwargs else ''))
        for name, ratio in (('c_ratio', c_ratio), ('h_ratio', h_ratio)):
            if not 0.0 <= ratio <= 1.0:
                raise ValueError('StatefulZoneoutLSTM: {} must be in [0, 1], but got '
                                 '{}'.format(name, ratio))
        super().__init__(in_size, out_size)
        self.c_ratio = c_ratio
        self.h_ratio = h_ratio

    def _step(self, x):
        h_old = self.h if self.h is not None else _zeros_state(self, x)
        c_old = self.c if self.c is not None else _zeros_state(self, x)
        a, i, f, o = self._gates(x)
        c_new = F.tanh(a) * F.sigmoid(i) + F.sigmoid(f) * c_old
        c = zoneout(c_old, c_new, self.c_ratio)
        h = zoneout(h_old, F.sigmoid(o) * F.tanh(c_new), self.h_ratio)
        return c, h
