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

    # Attributes that hold a recurrent state (a Variable or an array, or None),
    # moved with the parameters so the next call finds them on the same device.
    _device_state = ()

    def to_cpu(self):
        """Move parameters, persistent arrays and a recurrent state to numpy;
        returns self."""
        for link in self.links():
            d = link.__dict__
            for name in link._params:
                d[name].to_cpu()
            for name in link._persistent:
                if backend.is_array(d[name]):
                    d[name] = backend.to_cpu(d[name])
            _move_state(link, backend.to_cpu, lambda v: v.to_cpu())
            object.__setattr__(link, '_cpu', True)
            object.__setattr__(link, '_device_id', None)
        return self

    def to_gpu(self, device=None):
        """Move parameters, persistent arrays and a recurrent state to cupy;
        returns self."""
        if not backend.gpu_available():
            backend.to_gpu(numpy.zeros(0))      # raises the explanatory error
        for link in self.links():
            d = link.__dict__
            for name in link._params:
                d[name].to_gpu(device)
            for name in link._persistent:
                if backend.is_array(d[name]):
                    d[name] = backend.to_gpu(d[name], device)
            _move_state(link, lambda a: backend.to_gpu(a, device), lambda v: v.to_gpu(device))
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


def _move_state(link, move_array, move_variable):
    d = link.__dict__
    for name in link._device_state:
        value = d.get(name)
        if backend.is_array(value):
            d[name] = move_array(value)
        elif value is not None:
            move_variable(value)
