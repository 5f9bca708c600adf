"""Turn a minibatch (a list of examples) into arrays the model can take.

>>> import numpy as np
>>> concat_examples([np.array([1, 2]), np.array([3])], padding=-1)
array([[ 1,  2],
       [ 3, -1]])
"""
import numpy

from teachgrad import backend


def to_device(device, x):
    """Send an array to ``device``: None leaves it where it is, a negative
    number or ``'@numpy'`` means the CPU, a GPU id (0, 1, ...) or
    ``'@cupy:0'`` means that GPU.

    >>> import numpy as np
    >>> to_device(-1, np.zeros(2))
    array([0., 0.])
    """
    if device is None or x is None:
        return x
    if hasattr(device, 'send'):          # a device object (Chainer v7 style)
        return device.send(x)
    if isinstance(device, str):
        if device in ('@numpy', 'native', 'cpu'):
            return backend.to_cpu(x)
        if device.startswith('@cupy'):
            gpu_id = int(device.partition(':')[2] or 0)
            return backend.to_gpu(x, gpu_id)
        raise ValueError(
            "unknown device {!r}: use None (leave as is), -1 or '@numpy' (CPU), "
            "or a GPU id such as 0 or '@cupy:0'".format(device))
    if device < 0:
        return backend.to_cpu(x)
    return backend.to_gpu(x, device)


def concat_examples(batch, device=None, padding=None):
    """Stack a list of examples into arrays, one per field.

    - examples that are tuples ``(x, t)`` give a tuple of arrays ``(X, T)``;
    - examples that are dicts give a dict of arrays;
    - examples that are arrays give one array.

    Each array gets a new first axis of length ``len(batch)``. With
    ``padding`` set, examples of different shapes are padded with that value
    up to the largest shape (a tuple or dict gives one padding per field).
    ``device`` sends the result there (see :func:`to_device`).

    >>> import numpy as np
    >>> batch = [{'x': np.zeros(2, 'f'), 't': 1}, {'x': np.ones(2, 'f'), 't': 0}]
    >>> out = concat_examples(batch)
    >>> out['x'].shape, out['t']
    ((2, 2), array([1, 0]))
    """
    if len(batch) == 0:
        raise ValueError('concat_examples() got an empty batch: there are no '
                         'examples to stack')
    first = batch[0]
    if isinstance(first, tuple):
        if not isinstance(padding, tuple):
            padding = (padding,) * len(first)
        return tuple(
            to_device(device, _concat([example[i] for example in batch], padding[i]))
            for i in range(len(first)))
    if isinstance(first, dict):
        if not isinstance(padding, dict):
            padding = {key: padding for key in first}
        return {key: to_device(device, _concat([example[key] for example in batch],
                                               padding[key]))
                for key in first}
    return to_device(device, _concat(batch, padding))


def _concat(arrays, padding):
    if not backend.is_array(arrays[0]):
        # Python numbers, lists or numpy scalars (what indexing a 1-d label
        # array gives): numpy builds the batch array in one go.
        arrays = numpy.asarray(arrays)
        if padding is None:
            return arrays
    xp = backend.get_array_module(arrays[0])
    if padding is None:
        shapes = {a.shape for a in arrays}
        if len(shapes) > 1:
            raise ValueError(
                'concat_examples() cannot stack examples of different shapes {}; '
                'pass padding=<value> to pad them to the largest shape'.format(
                    sorted(shapes)))
        return xp.stack(arrays)
    shape = numpy.max([a.shape for a in arrays], axis=0)
    result = xp.full((len(arrays),) + tuple(int(s) for s in shape), padding,
                     dtype=arrays[0].dtype)
    for i, a in enumerate(arrays):
        result[(i,) + tuple(slice(s) for s in a.shape)] = a
    return result


# -- converters as objects (Chainer v7's Converter and @converter()) ----------

class Converter(object):
    """Base class of converters: ``converter(batch, device)`` returns the converted batch.

    A converter turns what an iterator hands out (a list of examples) into
    what the model takes, and sends it to ``device``. Subclass it and define
    ``__call__(self, batch, device)``, or decorate a function with
    :func:`converter`.

    >>> import numpy as np
    >>> class Scale(Converter):
    ...     def __init__(self, factor):
    ...         self.factor = factor
    ...     def __call__(self, batch, device=None):
    ...         return concat_examples(batch, device) * self.factor
    >>> Scale(10)([np.array([1, 2]), np.array([3, 4])], None)
    array([[10, 20],
           [30, 40]])
    """

    def __call__(self, batch, device):
        raise NotImplementedError(
            '{} must define __call__(self, batch, device) returning the converted batch'
            .format(type(self).__name__))


class _FunctionConverter(Converter):
    """A function turned into a Converter; its ``device`` argument is normalised first."""

    def __init__(self, func):
        if not callable(func):
            raise TypeError('converter() decorates a function (batch, device) -> batch, but '
                            'got {}'.format(type(func).__name__))
        self.base_callable = func
        self.__doc__ = func.__doc__
        self.__name__ = getattr(func, '__name__', type(func).__name__)
        self.__wrapped__ = func

    def __call__(self, *args, **kwargs):
        if len(args) >= 2:
            args = (args[0], _device_object(args[1])) + tuple(args[2:])
        elif 'device' in kwargs:
            kwargs['device'] = _device_object(kwargs['device'])
        return self.base_callable(*args, **kwargs)

    def __repr__(self):
        return '<converter {}>'.format(self.__name__)


def _device_object(spec):
    # An int or string device (the old style, e.g. -1 or 0) becomes a device
    # object with .send and .xp when the backend provides them; None stays None.
    if spec is None:
        return None
    get_device = getattr(backend, 'get_device', None)
    return spec if get_device is None or hasattr(spec, 'send') else get_device(spec)


def converter():
    """Decorator: turn a function ``f(batch, device)`` into a :class:`Converter`.

    The decorated function can be passed wherever a converter goes
    (``StandardUpdater(..., converter=f)``, ``Evaluator``); a device given
    as a number or string (``-1``, ``'@numpy'``) reaches it as a device
    object where the backend has those.

    >>> import numpy as np
    >>> @converter()
    ... def halve(batch, device):
    ...     return to_device(device, concat_examples(batch) / 2)
    >>> isinstance(halve, Converter)
    True
    >>> halve([np.array([2.]), np.array([4.])], None)
    array([[1.],
           [2.]])
    """
    return _FunctionConverter
