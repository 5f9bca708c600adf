"""Initializers: how a parameter's first values are chosen.

An initializer is called on an array and fills it in place, as in Chainer::

    W = np.empty((3, 4), dtype=np.float32)
    LeCunNormal()(W)          # W now holds N(0, 1/4) samples

Random initializers draw from :mod:`numpy.random` (and copy to the GPU when
the array lives there), so ``np.random.seed(0)`` makes a lesson's weights the
same on every run and on every machine.

>>> import numpy as np
>>> W = np.empty((2, 3), dtype=np.float32)
>>> Constant(0.5)(W)
>>> W
array([[0.5, 0.5, 0.5],
       [0.5, 0.5, 0.5]], dtype=float32)
>>> np.random.seed(0)
>>> generate_array(LeCunNormal(), (2, 3), np).dtype
dtype('float32')
"""
import math
import numbers

import numpy

from teachgrad import backend
from teachgrad.configuration import config


class Initializer:
    """Base class: ``initializer(array)`` fills ``array`` in place.

    Args:
        dtype: the dtype the initializer is meant for (None: any float).
    """

    def __init__(self, dtype=None):
        self.dtype = None if dtype is None else numpy.dtype(dtype)

    def __call__(self, array):
        raise NotImplementedError

    def _check_dtype(self, array):
        if self.dtype is not None and array.dtype != self.dtype:
            raise TypeError(
                '{} was made for dtype {} but was asked to fill an array of dtype '
                '{}.'.format(type(self).__name__, self.dtype, array.dtype))

    def __repr__(self):
        args = ', '.join('{}={!r}'.format(k, v) for k, v in vars(self).items()
                         if k != 'dtype' and not k.startswith('_'))
        return '{}({})'.format(type(self).__name__, args)


def get_fans(shape):
    """(fan_in, fan_out) of a weight shape: (out, in, *kernel) as in Linear/Convolution2D.

    >>> get_fans((3, 4))
    (4, 3)
    >>> get_fans((8, 3, 5, 5))
    (75, 200)
    """
    shape = tuple(shape)
    if len(shape) < 2:
        raise ValueError(
            'fan-based initializers (LeCun, Glorot, He) need a weight of at least '
            '2 dimensions (out_size, in_size, ...), but got shape {}. For a bias '
            'use Constant, Zero or Normal instead.'.format(shape))
    receptive = int(numpy.prod(shape[2:], dtype=numpy.int64))
    return shape[1] * receptive, shape[0] * receptive


def _fill_random(array, sample):
    # Draw on the host from numpy.random so np.random.seed reproduces it
    # everywhere, then copy into the (possibly GPU) array.
    values = sample(array.shape)
    xp = backend.get_array_module(array)
    array[...] = values if xp is numpy else xp.asarray(values)


class Constant(Initializer):
    """Fills with ``fill_value`` (a number, or an array broadcast to the shape).

    >>> import numpy as np
    >>> a = np.empty(3, dtype=np.float32); Constant(2)(a); a
    array([2., 2., 2.], dtype=float32)
    """

    def __init__(self, fill_value, dtype=None):
        self.fill_value = fill_value
        super().__init__(dtype)

    def __call__(self, array):
        self._check_dtype(array)
        xp = backend.get_array_module(array)
        value = self.fill_value
        if backend.is_array(value):
            value = backend.to_cpu(value) if xp is numpy else xp.asarray(value)
            try:
                numpy.broadcast_shapes(value.shape, array.shape)
            except ValueError:
                raise ValueError(
                    'the initial value has shape {} but the parameter has shape {}. '
                    'Give an array of exactly that shape (W of Linear is '
                    '(out_size, in_size)).'.format(value.shape, array.shape)) from None
        array[...] = value


class Zero(Constant):
    """Fills with zeros (the default bias)."""

    def __init__(self, dtype=None):
        super().__init__(0.0, dtype)

    def __repr__(self):
        return 'Zero()'


class One(Constant):
    """Fills with ones (BatchNormalization's default gamma)."""

    def __init__(self, dtype=None):
        super().__init__(1.0, dtype)

    def __repr__(self):
        return 'One()'


class NaN(Constant):
    """Fills with NaN: what a Parameter without an initializer gets, so that
    using it before it was set shows up at once."""

    def __init__(self, dtype=None):
        super().__init__(numpy.nan, dtype)

    def __repr__(self):
        return 'NaN()'


class Normal(Initializer):
    """Samples from N(0, scale²).

    >>> import numpy as np
    >>> np.random.seed(0)
    >>> a = np.empty(2); Normal(1.0)(a); a
    array([1.76405235, 0.40015721])
    """

    def __init__(self, scale=0.05, dtype=None, rng=None):
        self.scale = scale
        self.rng = rng
        super().__init__(dtype)

    def __call__(self, array):
        self._check_dtype(array)
        rng = numpy.random if self.rng is None else self.rng
        _fill_random(array, lambda shape: rng.normal(loc=0.0, scale=self.scale, size=shape))


class Uniform(Initializer):
    """Samples from U(-scale, scale)."""

    def __init__(self, scale=0.05, dtype=None, rng=None):
        self.scale = scale
        self.rng = rng
        super().__init__(dtype)

    def __call__(self, array):
        self._check_dtype(array)
        rng = numpy.random if self.rng is None else self.rng
        _fill_random(array, lambda shape: rng.uniform(
            low=-self.scale, high=self.scale, size=shape))


class _FanScaled(Initializer):
    """A Normal or Uniform whose width depends on the fans of the shape."""
    _base = Normal

    def __init__(self, scale=1.0, dtype=None, rng=None):
        self.scale = scale
        self.rng = rng
        super().__init__(dtype)

    def _width(self, fan_in, fan_out):
        raise NotImplementedError

    def __call__(self, array):
        self._check_dtype(array)
        width = self.scale * self._width(*get_fans(array.shape))
        self._base(width, rng=self.rng)(array)


class LeCunNormal(_FanScaled):
    """N(0, scale² / fan_in): the default for Linear and Convolution2D weights,
    which keeps the output variance close to the input variance."""

    def _width(self, fan_in, fan_out):
        return math.sqrt(1.0 / fan_in)


class LeCunUniform(_FanScaled):
    """U(-s, s) with s = scale·√(3 / fan_in)."""
    _base = Uniform

    def _width(self, fan_in, fan_out):
        return math.sqrt(3.0 / fan_in)


class GlorotNormal(_FanScaled):
    """N(0, scale² · 2 / (fan_in + fan_out)) (Xavier), for tanh/sigmoid networks."""

    def _width(self, fan_in, fan_out):
        return math.sqrt(2.0 / (fan_in + fan_out))


class GlorotUniform(_FanScaled):
    """U(-s, s) with s = scale·√(6 / (fan_in + fan_out)) (Xavier uniform)."""
    _base = Uniform

    def _width(self, fan_in, fan_out):
        return math.sqrt(6.0 / (fan_in + fan_out))


class HeNormal(_FanScaled):
    """N(0, scale² · 2 / fan) with fan = fan_in by default: made for ReLU networks."""

    def __init__(self, scale=1.0, dtype=None, fan_option='fan_in', rng=None):
        if fan_option not in ('fan_in', 'fan_out'):
            raise ValueError("fan_option must be 'fan_in' or 'fan_out', not {!r}"
                             .format(fan_option))
        self.fan_option = fan_option
        super().__init__(scale, dtype, rng)

    def _width(self, fan_in, fan_out):
        return math.sqrt(2.0 / (fan_in if self.fan_option == 'fan_in' else fan_out))


class HeUniform(_FanScaled):
    """U(-s, s) with s = scale·√(6 / fan_in)."""
    _base = Uniform

    def _width(self, fan_in, fan_out):
        return math.sqrt(6.0 / fan_in)


def _get_initializer(initializer):
    """What Links do with an ``initialW``: None means LeCunNormal, a number or
    an array means Constant, a callable is used as is."""
    if initializer is None:
        return LeCunNormal()
    if backend.is_array(initializer) or isinstance(initializer, numbers.Number):
        return Constant(initializer)
    if not callable(initializer):
        raise TypeError(
            'an initializer must be None, a number, an array or a callable such as '
            'teachgrad.initializers.Normal(0.1), but got {}.'.format(
                type(initializer).__name__))
    return initializer


def _as_initializer(initializer):
    # A bare Parameter without an initializer starts as NaN (Chainer's rule).
    return NaN() if initializer is None else _get_initializer(initializer)


def resolve_dtype(initializer, dtype=None):
    """The dtype :func:`generate_array` would give: ``dtype``, else the
    initializer's own dtype, else ``teachgrad.config.dtype`` (float32)."""
    own = getattr(initializer, 'dtype', None) if not backend.is_array(initializer) else None
    if dtype is not None and own is not None and numpy.dtype(dtype) != numpy.dtype(own):
        raise ValueError('dtype {} was asked for but the initializer {} is made for {}'
                         .format(numpy.dtype(dtype), initializer, numpy.dtype(own)))
    if dtype is None:
        dtype = own
    return numpy.dtype(config.dtype if dtype is None else dtype)


def generate_array(initializer, shape, xp, dtype=None, device=None):
    """Make a new array of ``shape`` and fill it with ``initializer``.

    ``initializer`` may be an initializer object or any callable that fills an
    array, a number or an array (filled in as a constant), or None (NaN, as
    for a Parameter made without an initializer).

    >>> import numpy as np
    >>> generate_array(0, (2,), np)
    array([0., 0.], dtype=float32)
    """
    init = _as_initializer(initializer)
    if isinstance(shape, numbers.Integral):
        shape = (int(shape),)
    array = xp.empty(tuple(shape), dtype=resolve_dtype(init, dtype))
    init(array)
    return array
