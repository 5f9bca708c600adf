"""Where a link's arrays live: numpy (the CPU) or cupy (a GPU).

>>> import teachgrad.links as L
>>> L.Linear(2, 3).device
<CpuDevice (numpy)>
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
        """The device the parameters live on: ``<CpuDevice (numpy)>`` or a GpuDevice.

        It compares equal to its name, so ``link.device == '@numpy'`` works.
        """
        if self._cpu:
            return backend.CpuDevice()
        return backend.GpuDevice.from_device_id(self._device_id or 0)

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
        """Move parameters (with their grads) and persistent arrays to ``device``.

        ``device`` is anything :func:`teachgrad.get_device` takes: ``'@numpy'``
        or ``-1`` for the CPU, ``'@cupy:N'`` or ``N`` for GPU N, or a device
        object. Returns self.

        >>> import teachgrad.links as L
        >>> L.Linear(2, 3).to_device('@numpy').device
        <CpuDevice (numpy)>
        """
        if device in ('cpu', 'native', '@native'):      # names older code used
            device = '@numpy'
        device = backend.get_device(device)
        if isinstance(device, backend.CpuDevice):
            return self.to_cpu()
        return self.to_gpu(device.device.id)
