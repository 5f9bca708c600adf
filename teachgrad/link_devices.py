"""Where a link's arrays live: numpy (the CPU) or cupy (a GPU).

>>> import teachgrad.links as L
>>> L.Linear(2, 3).device
'@numpy'
"""
import numpy

from teachgrad import backend


class LinkDevices:
    """The device methods of :class:`~teachgrad.Link`: ``xp``, ``device``,
    ``to_cpu``, ``to_gpu``, ``to_device``."""

    @property
    def xp(self):
        """numpy, or cupy after :meth:`to_gpu`."""
        return numpy if self._cpu else backend._load_cupy()

    @property
    def device(self):
        """``'@numpy'`` or ``'@cupy:N'`` (Chainer's device names)."""
        return '@numpy' if self._cpu else '@cupy:{}'.format(self._device_id or 0)

    def to_cpu(self):
        """Move parameters and persistent arrays to numpy; returns self."""
        for link in self.links():
            d = link.__dict__
            for name in link._params:
                d[name].to_cpu()
            for name in link._persistent:
                if backend.is_array(d[name]):
                    d[name] = backend.to_cpu(d[name])
            object.__setattr__(link, '_cpu', True)
            object.__setattr__(link, '_device_id', None)
        return self

    def to_gpu(self, device=None):
        """Move parameters and persistent arrays to cupy; returns self."""
        if not backend.gpu_available():
            backend.to_gpu(numpy.zeros(0))      # raises the explanatory error
        for link in self.links():
            d = link.__dict__
            for name in link._params:
                d[name].to_gpu(device)
            for name in link._persistent:
                if backend.is_array(d[name]):
                    d[name] = backend.to_gpu(d[name], device)
            object.__setattr__(link, '_cpu', False)
            object.__setattr__(link, '_device_id', device)
        return self

    def to_device(self, device):
        """``'@numpy'``/``-1``/``'cpu'`` for the CPU, ``'@cupy:N'``/``N`` for GPU N."""
        if device in ('@numpy', 'cpu', -1, 'native', '@native') or device is numpy:
            return self.to_cpu()
        if isinstance(device, str) and device.startswith('@cupy:'):
            return self.to_gpu(int(device[6:]))
        if isinstance(device, int):
            return self.to_gpu(device)
        raise ValueError('unknown device {!r}: use "@numpy" or "@cupy:0"'.format(device))
