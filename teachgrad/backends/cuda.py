"""Chainer's ``chainer.backends.cuda``: the GPU helpers under their old names.

Works whether or not cupy is installed: ``available`` says which, and without
cupy ``cupy`` is a stand-in whose every attribute explains how to get a GPU
(so ``xp is cuda.cupy`` is simply False on the CPU).

>>> import numpy as np
>>> from teachgrad.backends import cuda
>>> cuda.get_array_module(np.zeros(2)) is np
True
>>> cuda.to_cpu(np.arange(3))
array([0, 1, 2])
>>> cuda.get_device_from_id(None)
DummyDevice
"""
import numpy

from teachgrad import backend
from teachgrad.backend import GpuDevice  # NOQA


class _NoCupy:
    """Stands for cupy where it is not installed; any use says what to do."""

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        raise AttributeError(backend._no_gpu_message('cuda.cupy.{}'.format(name)))

    def __bool__(self):
        return False

    def __repr__(self):
        return '<cupy is not available>'


_cupy = backend._load_cupy()
available = bool(_cupy)
cupy = _cupy if available else _NoCupy()

if available:
    ndarray = cupy.ndarray
    Device = cupy.cuda.Device
    try:
        import cupy.cudnn  # NOQA
        cudnn_enabled = True
    except Exception:       # cupy without cuDNN
        cudnn_enabled = False
else:
    cudnn_enabled = False

    class ndarray:
        """Stand-in for ``cupy.ndarray``: nothing is an instance of it without cupy."""

    class Device:
        """Stand-in for ``cupy.cuda.Device``; making one explains how to get a GPU."""

        def __init__(self, device=None):
            raise RuntimeError(backend._no_gpu_message('cuda.Device'))


def check_cuda_available():
    """Raise a RuntimeError that says what to install when no GPU is usable.

    >>> check_cuda_available() if available else None
    """
    if not available:
        raise RuntimeError(backend._no_gpu_message('This code'))


class DummyDeviceType:
    """The CPU dressed as a CUDA device (id -1): ``with`` and ``use()`` do nothing.

    >>> int(DummyDevice), DummyDevice.id
    (-1, -1)
    >>> with DummyDevice:
    ...     pass
    """
    id = -1

    def __int__(self):
        return -1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def use(self):
        pass

    def synchronize(self):
        pass

    def __eq__(self, other):
        return isinstance(other, DummyDeviceType)

    def __ne__(self, other):
        return not self == other

    __hash__ = object.__hash__

    def __repr__(self):
        return 'DummyDevice'


DummyDevice = DummyDeviceType()


def get_device_from_id(device_id):
    """``cupy.cuda.Device(device_id)``, or :data:`DummyDevice` for None or -1.

    >>> get_device_from_id(-1) is DummyDevice
    True
    """
    if device_id is not None and device_id >= 0:
        check_cuda_available()
        return Device(int(device_id))
    return DummyDevice


def get_device_from_array(*arrays):
    """The ``cupy.cuda.Device`` of the first cupy array, else :data:`DummyDevice`.

    >>> get_device_from_array(numpy.zeros(2)) is DummyDevice
    True
    """
    for array in arrays:
        if backend._is_cupy_array(array):
            return array.device
    return DummyDevice


def get_device(*args):
    """Old spelling: a GPU id or a cupy array gives its device, else :data:`DummyDevice`.

    >>> get_device(numpy.zeros(2)) is DummyDevice
    True
    """
    for arg in args:
        if isinstance(arg, (int, numpy.integer)) and not isinstance(arg, bool):
            return get_device_from_id(arg)
        if backend._is_cupy_array(arg):
            return arg.device
    return DummyDevice


def get_array_module(*args):
    """``cupy`` if any argument (array or Variable) is on the GPU, else ``numpy``.

    >>> get_array_module(numpy.ones(1)).__name__
    'numpy'
    """
    return backend.get_array_module(*args)


def to_gpu(array, device=None, stream=None):
    """Copy an array (or a list/tuple of them) to a GPU; see :func:`teachgrad.backend.to_gpu`.

    >>> to_gpu(None) is None
    True
    """
    if isinstance(device, DummyDeviceType):
        device = None
    return backend.to_gpu(array, device)


def to_cpu(array, stream=None):
    """Copy an array (or a list/tuple of them) to numpy.

    >>> to_cpu([numpy.zeros(1), None])
    [array([0.]), None]
    """
    return backend.to_cpu(array)


def copy(array, out=None, out_device=None, stream=None):
    """A copy of a GPU array, optionally into ``out`` or onto ``out_device``."""
    check_cuda_available()
    if out is None:
        with (Device(out_device) if out_device is not None else array.device):
            return cupy.array(array, copy=True)
    out[...] = cupy.asarray(array) if out.device == array.device else cupy.array(array)
    return out


def _kernel(kind):
    def make(*args, **kwargs):
        if not available:
            raise RuntimeError(backend._no_gpu_message('cuda.{}() (a CUDA kernel)'.format(kind)))
        cls = {'elementwise': cupy.ElementwiseKernel, 'reduce': cupy.ReductionKernel,
               'raw': cupy.RawKernel}[kind]
        return cls(*args, **kwargs)
    make.__name__ = kind
    make.__doc__ = 'cupy.{}Kernel(...) (needs cupy).'.format(
        {'elementwise': 'Elementwise', 'reduce': 'Reduction', 'raw': 'Raw'}[kind])
    return make


elementwise = _kernel('elementwise')
reduce = _kernel('reduce')
raw = _kernel('raw')


def memoize(for_each_device=False):
    """Cache a function's results by its arguments (cupy's memoize on a GPU).

    >>> @memoize()
    ... def square(n):
    ...     return n * n
    >>> square(4)
    16
    """
    if available:
        return cupy.memoize(for_each_device)
    import functools
    return functools.lru_cache(maxsize=None)


def fuse(*args, **kwargs):
    """``cupy.fuse`` on a GPU; without cupy the function runs as it is.

    >>> @fuse()
    ... def f(x):
    ...     return x + 1
    >>> f(numpy.zeros(2))
    array([1., 1.])
    """
    if available:
        return cupy.fuse(*args, **kwargs)
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda f: f


def should_use_cudnn(level, lowest_version=0):
    """Whether to call cuDNN: never without it.

    >>> should_use_cudnn('>=auto') in (True, False)
    True
    """
    return cudnn_enabled and level in ('always', '==always', '>=auto')


_max_workspace_size = 8 * 1024 * 1024


def get_max_workspace_size():
    """The workspace cuDNN may use, in bytes (kept for Chainer code; unused on the CPU).

    >>> get_max_workspace_size() > 0
    True
    """
    return _max_workspace_size


def set_max_workspace_size(size):
    """Set the cuDNN workspace size in bytes."""
    global _max_workspace_size
    _max_workspace_size = int(size)
