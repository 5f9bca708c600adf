"""Device objects (teachgrad.backend / teachgrad.get_device), backends.cuda,
get_dtype, and moving Links and Variables with to_device."""
import numpy as np
import pytest

import teachgrad
import teachgrad.links as L
from teachgrad import backend
from teachgrad.backends import cuda

needs_gpu = pytest.mark.skipif(not backend.gpu_available(), reason='needs cupy and a CUDA GPU')
no_gpu = pytest.mark.skipif(backend.gpu_available(), reason='checks the machine without a GPU')


# -- get_device ---------------------------------------------------------------------------
@pytest.mark.parametrize('spec', ['@numpy', -1, '-1', np.int64(-3), backend.CpuDevice(), np])
def test_cpu_specs(spec):
    device = teachgrad.get_device(spec)
    assert isinstance(device, backend.CpuDevice)
    assert device.xp is np and device.name == '@numpy' and str(device) == '@numpy'
    assert repr(device) == '<CpuDevice (numpy)>'


def test_get_device_returns_a_device_object_as_is():
    cpu = backend.CpuDevice()
    assert backend.get_device(cpu) is cpu
    assert teachgrad.get_device is backend.get_device
    assert teachgrad.using_device is backend.using_device


def test_device_equality_and_hash():
    a, b = backend.CpuDevice(), teachgrad.get_device(-1)
    assert a == b and not (a != b) and hash(a) == hash(b)
    assert a == '@numpy' and a != '@cupy:0'
    assert len({a, b}) == 1


@pytest.mark.parametrize('spec, words', [
    ('native:0', 'ChainerX'), ('@intel64', "'@intel64' are not supported"),
    ('@cupy', 'unknown device'), ('@numpy:0', 'unknown device'), ('gpu', "'@cupy:N'"),
])
def test_unknown_device_strings_teach(spec, words):
    with pytest.raises(ValueError, match=words):
        teachgrad.get_device(spec)


def test_non_spec_types_teach():
    with pytest.raises(TypeError, match='"@numpy" or "@cupy:0"'):
        teachgrad.get_device(1.5)
    with pytest.raises(TypeError):
        teachgrad.get_device(True)


def test_cpu_send_and_use():
    cpu = teachgrad.get_device('@numpy')
    x = np.arange(3)
    assert cpu.send(x) is x
    out = cpu.send((x, None, [x]))
    assert isinstance(out, tuple) and out[1] is None and out[2][0] is x
    cpu.use()
    with teachgrad.using_device('@numpy'):
        pass
    with teachgrad.using_device(-1):
        pass
    assert cpu.is_array_supported(x) and not cpu.is_array_supported([1])
    assert backend.get_device_from_array(x) == cpu
    assert backend.CpuDevice.from_array(x) == cpu and backend.CpuDevice.from_array(1) is None


def test_a_device_is_not_a_with_context():
    with pytest.raises(RuntimeError, match='using_device'):
        with teachgrad.get_device('@numpy'):
            pass


@no_gpu
@pytest.mark.parametrize('spec', ['@cupy:0', 0, '0', '@cupy:1'])
def test_gpu_without_cupy_teaches(spec):
    with pytest.raises(RuntimeError) as info:
        teachgrad.get_device(spec)
    msg = str(info.value)
    assert 'cupy' in msg and 'pip install "teachgrad[gpu]"' in msg and "'@numpy'" in msg


@no_gpu
def test_cuda_module_without_cupy():
    assert cuda.available is False and cuda.cudnn_enabled is False
    assert not cuda.cupy and (np is not cuda.cupy)
    with pytest.raises(AttributeError, match='cuda.cupy.asarray needs cupy and a CUDA GPU'):
        cuda.cupy.asarray
    with pytest.raises(RuntimeError, match='teachgrad\\[gpu\\]'):
        cuda.check_cuda_available()
    with pytest.raises(RuntimeError, match='teachgrad\\[gpu\\]'):
        cuda.get_device_from_id(0)
    with pytest.raises(RuntimeError, match='teachgrad\\[gpu\\]'):
        cuda.to_gpu(np.zeros(2))
    with pytest.raises(RuntimeError, match='CUDA kernel'):
        cuda.elementwise('T x', 'T y', 'y = x', 'copy')
    assert not isinstance(np.zeros(2), cuda.ndarray)


def test_cuda_module_cpu_paths():
    from teachgrad.backends.cuda import cupy  # NOQA  (Chainer's docs import it)
    x = np.arange(4.)
    assert cuda.get_array_module(x) is np
    assert cuda.get_array_module(teachgrad.Variable(x)) is np
    assert cuda.to_cpu(x) is x
    assert cuda.to_cpu(None) is None
    assert cuda.get_device_from_id(None) is cuda.DummyDevice
    assert cuda.get_device_from_id(-1) is cuda.DummyDevice
    assert cuda.get_device_from_array(x) is cuda.DummyDevice
    assert cuda.get_device(x) is cuda.DummyDevice
    with cuda.get_device_from_id(-1):
        pass
    cuda.DummyDevice.use()
    assert int(cuda.DummyDevice) == -1 and cuda.DummyDevice == cuda.DummyDeviceType()
    assert cuda.fuse()(lambda a: a * 2)(x)[3] == 6.
    assert teachgrad.backends.cuda is cuda


# -- get_dtype / config.dtype -------------------------------------------------------------
def test_get_dtype_follows_config():
    assert teachgrad.get_dtype() == np.float32
    assert teachgrad.get_dtype(np.float16) == np.float16
    assert teachgrad.get_dtype('f8') == np.float64
    with teachgrad.using_config('dtype', np.float64):
        assert teachgrad.get_dtype() == np.float64
    assert teachgrad.config.dtype in ('float32', np.float32)


# -- Link / Variable ----------------------------------------------------------------------
def test_link_device_and_to_device_on_cpu_keep_params_and_grads():
    link = L.Linear(3, 2)
    link.W.grad = np.ones((2, 3), np.float32)
    W = link.W.array.copy()
    assert link.device == '@numpy' and isinstance(link.device, backend.CpuDevice)
    assert link.xp is np
    for spec in ('@numpy', -1, backend.CpuDevice(), 'cpu'):
        assert link.to_device(spec) is link
    np.testing.assert_array_equal(link.W.array, W)
    np.testing.assert_array_equal(link.W.grad, np.ones((2, 3)))
    assert link.to_cpu() is link


@no_gpu
def test_link_to_gpu_without_cupy_teaches_and_changes_nothing():
    link = L.Linear(3, 2)
    W = link.W.array
    for call in (lambda: link.to_device('@cupy:0'), lambda: link.to_device(0), link.to_gpu):
        with pytest.raises(RuntimeError, match='cupy'):
            call()
    assert link.W.array is W and link.device == '@numpy'


def test_variable_to_device_and_device():
    x = teachgrad.Variable(np.arange(3, dtype=np.float32))
    x.grad = np.ones(3, np.float32)
    x.to_device('@numpy')
    x.to_device(-1)
    assert x.device == teachgrad.get_device('@numpy')
    np.testing.assert_array_equal(x.grad, [1, 1, 1])
    assert repr(x.device) == '<CpuDevice (numpy)>'


@needs_gpu
def test_gpu_round_trip_keeps_values_and_grads():
    import cupy
    link = L.Linear(3, 2)
    link.W.grad = np.full((2, 3), 2., np.float32)
    W = link.W.array.copy()
    link.to_device('@cupy:0')
    assert isinstance(link.W.array, cupy.ndarray) and isinstance(link.W.grad, cupy.ndarray)
    assert link.device == '@cupy:0' and link.xp is cupy
    assert repr(link.device) == '<GpuDevice (cupy):0>'
    y = link(cupy.ones((1, 3), np.float32))
    assert isinstance(y.array, cupy.ndarray)
    link.to_device('@numpy')
    np.testing.assert_array_equal(link.W.array, W)
    np.testing.assert_array_equal(link.W.grad, np.full((2, 3), 2.))
    gpu = teachgrad.get_device(0)
    assert gpu == teachgrad.get_device('@cupy:0') and gpu.xp is cupy
    a = gpu.send(np.arange(3))
    assert isinstance(a, cupy.ndarray) and gpu.is_array_supported(a)
    assert backend.get_device_from_array(a) == gpu
    with teachgrad.using_device(gpu):
        pass
    assert cuda.available and cuda.get_array_module(a) is cupy
    np.testing.assert_array_equal(cuda.to_cpu(a), [0, 1, 2])
    x = teachgrad.Variable(np.ones(2, np.float32))
    x.to_device(gpu)
    assert x.device == gpu


def test_chainer_spellings_of_the_cuda_module():
    assert teachgrad.cuda is cuda
    assert teachgrad.backend.cuda is cuda
    assert 'cuda' in dir(teachgrad)
    cuda.set_max_workspace_size(1024)
    assert cuda.get_max_workspace_size() == 1024
    with pytest.raises(AttributeError, match='no attribute'):
        teachgrad.backend.no_such_name


def test_uninitialized_parameter_moves_too():
    p = teachgrad.Parameter()
    p.to_device('@numpy')
    assert p.array is None
    link = L.Linear(None, 3)
    link.to_device(-1)
    assert link.W.array is None
    link(np.ones((1, 2), np.float32))
    assert link.W.shape == (3, 2)


def test_copyto():
    dst = np.zeros((2, 2), np.float32)
    backend.copyto(dst, np.ones((2, 2)))
    np.testing.assert_array_equal(dst, np.ones((2, 2)))
    backend.copyto(dst, np.float32(3))                 # broadcast as numpy.copyto does
    assert (dst == 3).all() and dst.dtype == np.float32
    with pytest.raises(TypeError, match='numpy or cupy array'):
        backend.copyto([0, 0], np.ones(2))
