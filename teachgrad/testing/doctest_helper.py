"""Conditions for skipping documentation examples (Chainer's ``doctest_helper``).

>>> skipif(False)
False
>>> skipif_not_enough_cuda_devices(0)
False
"""
import importlib.metadata

from teachgrad import backend


def skipif(condition):
    """Return ``condition`` (True means: skip this example)."""
    return bool(condition)


def skipif_requires_satisfied(*requirements):
    """True when every named package is installed (the example is for its absence).

    >>> skipif_requires_satisfied('numpy')
    True
    """
    for requirement in requirements:
        name = requirement.split('<')[0].split('>')[0].split('=')[0].split('!')[0].strip()
        try:
            importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return False
    return True


def skipif_not_enough_cuda_devices(device_count):
    """True when fewer than ``device_count`` GPUs are usable."""
    if device_count <= 0:
        return False
    if not backend.gpu_available():
        return True
    return backend._load_cupy().cuda.runtime.getDeviceCount() < device_count
