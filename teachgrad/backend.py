"""Which array module (numpy or cupy) an array belongs to, and moving arrays between them.

cupy is imported only when something asks for the GPU, so ``import teachgrad``
stays fast and works on machines without CUDA.

>>> import numpy as np
>>> get_array_module(np.zeros(3)) is np
True
"""
import numpy

_cupy = None          # the cupy module once imported, or False when unusable


def _load_cupy():
    global _cupy
    if _cupy is None:
        try:
            import cupy
            _cupy = cupy if cupy.is_available() else False
        except Exception:   # ImportError, or a CUDA driver that fails to load
            _cupy = False
    return _cupy


def gpu_available():
    """True when cupy imports and sees a usable GPU."""
    return bool(_load_cupy())


def _is_cupy_array(x):
    # Checking the type's module avoids importing cupy for numpy inputs.
    return type(x).__module__.startswith('cupy')


def get_array_module(*args):
    """Return ``cupy`` if any argument lives on the GPU, else ``numpy``.

    Variables are looked through to their data.

    >>> import numpy as np
    >>> get_array_module(np.ones(2)).__name__
    'numpy'
    """
    for x in args:
        if type(x) is numpy.ndarray:    # the common case, checked first for speed
            continue
        x = getattr(x, 'array', x)
        if _is_cupy_array(x):
            return _load_cupy()
    return numpy


def is_array(x):
    """True for numpy and cupy ndarrays."""
    return isinstance(x, numpy.ndarray) or _is_cupy_array(x)


def to_cpu(x):
    """Copy an array (or each array in a list/tuple) to host memory as numpy.

    >>> import numpy as np
    >>> to_cpu(np.arange(2))
    array([0, 1])
    """
    if isinstance(x, (list, tuple)):
        return type(x)(to_cpu(a) for a in x)
    if x is None or isinstance(x, numpy.ndarray):
        return x
    if _is_cupy_array(x):
        return x.get()
    return numpy.asarray(x)


def _no_gpu_message(what):
    return (
        '{} needs cupy and a CUDA GPU, and none is usable here. Install the GPU '
        'extra (pip install "teachgrad[gpu]") on a machine with an NVIDIA GPU, or '
        "keep working on the CPU: use '@numpy' (or -1) as the device; everything "
        'runs there, only slower.'.format(what))


def to_gpu(x, device=None):
    """Copy an array (or each array in a list/tuple) to the GPU as cupy.

    ``device`` is a GPU id, a :class:`GpuDevice` or a ``cupy.cuda.Device``
    (None: the current GPU). Raises a RuntimeError that says why when no GPU
    is usable.

    >>> import numpy as np
    >>> to_gpu(None) is None
    True
    """
    if isinstance(x, (list, tuple)):
        return type(x)(to_gpu(a, device) for a in x)
    if x is None:
        return x
    cupy = _load_cupy()
    if not cupy:
        raise RuntimeError(_no_gpu_message('to_gpu()'))
    if isinstance(device, GpuDevice):
        device = device.device.id
    if device is None:
        return cupy.asarray(x)
    with cupy.cuda.Device(device):
        return cupy.asarray(x)


def scatter_add(xp, a, index, values):
    """``a[index] += values`` with repeated indices summed (numpy's ``add.at``)."""
    if hasattr(xp.add, 'at'):       # numpy, and cupy >= 13
        xp.add.at(a, index, values)
    else:
        import cupyx
        cupyx.scatter_add(a, index, values)


def get_dtype(dtype=None):
    """``numpy.dtype(dtype)``, or the default float dtype ``config.dtype`` for None.

    Initializers and data set getters call this, so setting
    ``teachgrad.config.dtype = 'float64'`` changes what they make.

    >>> import teachgrad
    >>> get_dtype(), get_dtype('float16')
    (dtype('float32'), dtype('float16'))
    >>> with teachgrad.using_config('dtype', numpy.float64):
    ...     get_dtype()
    dtype('float64')
    """
    if dtype is None:
        from teachgrad.configuration import config
        dtype = config.dtype
    return numpy.dtype(dtype)


# -- devices --------------------------------------------------------------------
# Chainer v7 names a place for arrays with a device object: CpuDevice (numpy)
# or GpuDevice (one GPU, cupy). Each has ``xp`` (its array module) and
# ``send`` (copy arrays there); get_device() turns any spelling into one.

class Device:
    """Where arrays live and are computed. See :func:`get_device`.

    A device compares equal to another device of the same place, and to its
    name: ``get_device(-1) == '@numpy'``.
    """
    name = None
    xp = None

    def send(self, arrays):
        """Copy an array (or each array of a list/tuple; None stays None) here.

        >>> import numpy as np
        >>> CpuDevice().send([np.zeros(2), None])
        [array([0., 0.]), None]
        """
        if isinstance(arrays, (list, tuple)):
            return type(arrays)(self.send(a) for a in arrays)
        if arrays is None:
            return None
        return self.send_array(arrays)

    def send_array(self, array):
        raise NotImplementedError

    def use(self):
        """Make this device the current one (nothing to do for the CPU)."""

    def create_context(self):
        """A ``with`` context in which this device is current."""
        import contextlib
        return contextlib.nullcontext()

    def is_array_supported(self, array):
        """True if ``array`` lives on this device."""
        raise NotImplementedError

    def __eq__(self, other):
        if isinstance(other, str):
            return other == self.name
        return type(other) is type(self) and other.name == self.name

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self.name)

    def __str__(self):
        return self.name

    def __enter__(self):
        raise RuntimeError(
            'A device is not a with-context itself: write '
            '"with teachgrad.using_device({!r}):" instead.'.format(self.name))

    def __exit__(self, *exc):
        pass


class CpuDevice(Device):
    """The CPU, computing with numpy.

    >>> import numpy as np
    >>> cpu = CpuDevice()
    >>> cpu, str(cpu), cpu.xp.__name__
    (<CpuDevice (numpy)>, '@numpy', 'numpy')
    >>> cpu.send(np.arange(3))
    array([0, 1, 2])
    """
    name = '@numpy'
    xp = numpy

    @staticmethod
    def from_array(array):
        """A CpuDevice for a numpy array, else None."""
        return CpuDevice() if isinstance(array, numpy.ndarray) else None

    def send_array(self, array):
        return to_cpu(array)

    def is_array_supported(self, array):
        return isinstance(array, numpy.ndarray)

    def __repr__(self):
        return '<CpuDevice (numpy)>'


class ChainerxDevice(Device):
    """Chainer's device for its ChainerX arrays, which teachgrad does not have.

    No device is ever a ChainerxDevice; the class exists so that code written
    for Chainer, such as ``isinstance(device, backend.ChainerxDevice)``, runs.

    >>> isinstance(get_device('@numpy'), ChainerxDevice)
    False
    """

    def __init__(self, *args, **kwargs):
        raise RuntimeError(
            'ChainerX is not part of teachgrad: use numpy (get_device("@numpy")) '
            'or cupy (get_device("@cupy:0")) devices instead.')


class GpuDevice(Device):
    """One CUDA GPU, computing with cupy. Make one with ``get_device('@cupy:0')``.

    Needs cupy and a GPU; without them :meth:`from_device_id` raises an error
    that says how to get them, or to stay on ``'@numpy'``.

    >>> try:
    ...     GpuDevice.from_device_id(0)
    ... except RuntimeError as e:
    ...     print('cupy' in str(e))
    ... else:
    ...     print(True)
    True
    """

    def __init__(self, device):
        cupy = _load_cupy()
        if not cupy:
            raise RuntimeError(_no_gpu_message('A GpuDevice'))
        if not isinstance(device, cupy.cuda.Device):
            device = cupy.cuda.Device(int(device))
        self.device = device

    @staticmethod
    def from_device_id(device_id):
        """The GpuDevice of GPU ``device_id`` (0, 1, ...)."""
        if isinstance(device_id, bool) or not isinstance(device_id, (int, numpy.integer)) \
                or device_id < 0:
            raise ValueError('a GPU id is an int >= 0, not {!r}; use -1 or '
                             "'@numpy' for the CPU".format(device_id))
        if not _load_cupy():
            raise RuntimeError(_no_gpu_message(
                'Device @cupy:{} (GPU {})'.format(device_id, device_id)))
        return GpuDevice(int(device_id))

    @staticmethod
    def from_array(array):
        """The GpuDevice a cupy array lives on, else None."""
        if _is_cupy_array(array):
            return GpuDevice(array.device)
        return None

    @property
    def name(self):
        return '@cupy:{}'.format(self.device.id)

    @property
    def xp(self):
        return _load_cupy()

    def send_array(self, array):
        cupy = _load_cupy()
        if _is_cupy_array(array) and array.device == self.device:
            return array
        with self.device:
            if _is_cupy_array(array):
                return cupy.array(array, copy=True)
            return cupy.asarray(array)

    def use(self):
        self.device.use()

    def create_context(self):
        return self.device

    def is_array_supported(self, array):
        return _is_cupy_array(array) and array.device == self.device

    def __repr__(self):
        return '<GpuDevice (cupy):{}>'.format(self.device.id)


def get_device(device_spec):
    """The device object for any of Chainer's ways to name one.

    ``'@numpy'`` or a negative int (``-1``) is the CPU; ``'@cupy:N'`` or an
    int ``N >= 0`` is GPU N; a device object is returned as it is.

    >>> get_device('@numpy'), get_device(-1), get_device('-1')
    (<CpuDevice (numpy)>, <CpuDevice (numpy)>, <CpuDevice (numpy)>)
    >>> get_device(CpuDevice()) == '@numpy'
    True
    """
    if isinstance(device_spec, Device):
        return device_spec
    if device_spec is numpy:
        return CpuDevice()
    if isinstance(device_spec, (int, numpy.integer)) and not isinstance(device_spec, bool):
        return CpuDevice() if device_spec < 0 else GpuDevice.from_device_id(int(device_spec))
    if getattr(device_spec, '__name__', None) == 'cupy':      # the cupy module itself
        return GpuDevice(device_spec.cuda.Device())
    if type(device_spec).__module__.startswith('cupy') and hasattr(device_spec, 'use'):
        return GpuDevice(device_spec)                           # a cupy.cuda.Device
    if isinstance(device_spec, str):
        try:
            return get_device(int(device_spec))
        except ValueError:
            pass
        module, colon, rest = device_spec[1:].partition(':') if device_spec.startswith('@') \
            else ('', '', '')
        if module == 'numpy' and not colon:
            return CpuDevice()
        if module == 'cupy' and colon and rest.isdigit():
            return GpuDevice.from_device_id(int(rest))
        raise ValueError(
            'unknown device {!r}. teachgrad runs on numpy and cupy: name the CPU '
            "'@numpy' (or -1) and GPU N '@cupy:N' (or N). ChainerX ('native:0', "
            "'cuda:0') and '@intel64' are not supported.".format(device_spec))
    raise TypeError(
        'a device is given as a string such as "@numpy" or "@cupy:0", an int '
        '(-1 for the CPU, N for GPU N) or a device object, not {}'.format(
            type(device_spec).__name__))


def using_device(device_spec):
    """A ``with`` block in which the given device is the current one.

    >>> import teachgrad
    >>> with teachgrad.using_device('@numpy'):
    ...     pass
    """
    return get_device(device_spec).create_context()


def get_device_from_array(*arrays):
    """The device of the first cupy array among ``arrays``, else the CPU.

    >>> import numpy as np
    >>> get_device_from_array(np.zeros(2))
    <CpuDevice (numpy)>
    """
    for array in arrays:
        if _is_cupy_array(array):
            return GpuDevice(array.device)
    return CpuDevice()


def copyto(dst, src):
    """Copy the values of ``src`` into the array ``dst``, across devices if needed.

    >>> import numpy as np
    >>> dst = np.zeros(3)
    >>> copyto(dst, np.arange(3))
    >>> dst
    array([0., 1., 2.])
    """
    if isinstance(dst, numpy.ndarray):
        numpy.copyto(dst, to_cpu(src))
    elif _is_cupy_array(dst):
        cupy = _load_cupy()
        with dst.device:
            cupy.copyto(dst, cupy.asarray(src))
    else:
        raise TypeError('copyto copies into a numpy or cupy array, not a {}'.format(
            type(dst).__name__))

def __getattr__(name):
    # chainer.backend.cuda: the GPU helpers, imported only when asked for.
    if name == 'cuda':
        import importlib
        return importlib.import_module('teachgrad.backends.cuda')
    raise AttributeError("module 'teachgrad.backend' has no attribute {!r}".format(name))
