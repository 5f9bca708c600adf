"""Downloading getters (MNIST, Fashion-MNIST, CIFAR-10/100, PTB) and the cache
helpers of teachgrad.dataset.download, against a local HTTP server on
127.0.0.1 that serves tiny files in the real formats."""
import gzip
import hashlib
import http.server
import io
import os
import socket
import tarfile
import threading
import time

import numpy as np
import pytest

import teachgrad
from teachgrad import dataset, datasets
from teachgrad.dataset import download
from teachgrad.datasets import cifar, mnist, ptb


# -- tiny files in the real formats ---------------------------------------------------
def _idx_images(pixels):
    n = len(pixels)
    head = b''.join(int(v).to_bytes(4, 'big') for v in (2051, n, 28, 28))
    return gzip.compress(head + np.asarray(pixels, np.uint8).tobytes(), mtime=0)


def _idx_labels(labels):
    head = (2049).to_bytes(4, 'big') + len(labels).to_bytes(4, 'big')
    return gzip.compress(head + bytes(labels), mtime=0)


def _mnist_pixels(n, seed):
    return np.random.RandomState(seed).randint(0, 256, size=(n, 784)).astype(np.uint8)


MNIST_TRAIN_X = _mnist_pixels(5, 0)
MNIST_TRAIN_X[0, 0] = 255
MNIST_TRAIN_Y = [5, 0, 4, 1, 9]
MNIST_TEST_X = _mnist_pixels(3, 1)
MNIST_TEST_Y = [7, 2, 1]


def _tar(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _cifar_record(labels, rgb):
    # 1024 bytes of each channel, one value per channel here.
    return bytes(labels) + bytes([rgb[0]]) * 1024 + bytes([rgb[1]]) * 1024 + bytes([rgb[2]]) * 1024


CIFAR10 = _tar(dict(
    [('cifar-10-batches-bin/data_batch_{}.bin'.format(i),
      _cifar_record([i], (10 * i, 20, 30)) + _cifar_record([9], (255, 0, 1)))
     for i in range(1, 6)] +
    [('cifar-10-batches-bin/test_batch.bin',
      _cifar_record([3], (1, 2, 3)) * 2 + _cifar_record([8], (4, 5, 6)))]))
CIFAR100 = _tar({'cifar-100-binary/train.bin': b''.join(
                     _cifar_record([c, 50 + i], (i, i, i)) for i, c in enumerate([1, 2, 3, 4])),
                 'cifar-100-binary/test.bin': _cifar_record([0, 99], (255, 255, 255))})

PTB_TRAIN = b' the cat sat \n the dog sat \n\n a cat \n'
PTB_VALID = b' a dog \n'
PTB_TEST = b' the cat \n the \n'

FILES = {
    '/mnist/train-images-idx3-ubyte.gz': _idx_images(MNIST_TRAIN_X),
    '/mnist/train-labels-idx1-ubyte.gz': _idx_labels(MNIST_TRAIN_Y),
    '/mnist/t10k-images-idx3-ubyte.gz': _idx_images(MNIST_TEST_X),
    '/mnist/t10k-labels-idx1-ubyte.gz': _idx_labels(MNIST_TEST_Y),
    '/fashion-mnist/train-images-idx3-ubyte.gz': _idx_images(255 - MNIST_TRAIN_X),
    '/fashion-mnist/train-labels-idx1-ubyte.gz': _idx_labels([9, 8, 7, 6, 5]),
    '/fashion-mnist/t10k-images-idx3-ubyte.gz': _idx_images(255 - MNIST_TEST_X),
    '/fashion-mnist/t10k-labels-idx1-ubyte.gz': _idx_labels([0, 1, 2]),
    '/cifar/cifar-10-binary.tar.gz': CIFAR10,
    '/cifar/cifar-100-binary.tar.gz': CIFAR100,
    '/ptb/ptb.train.txt': PTB_TRAIN,
    '/ptb/ptb.valid.txt': PTB_VALID,
    '/ptb/ptb.test.txt': PTB_TEST,
}


class _Server:
    """Serves FILES; ``truncate``/``replace`` make chosen paths misbehave."""

    def __init__(self):
        self.files = dict(FILES)
        self.requests = []
        self.truncate = set()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                data = server.files.get(self.path)
                if data is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                if self.path in server.truncate:
                    data = data[:len(data) // 2]
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:{}'.format(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope='module')
def _running_server():
    s = _Server()
    yield s
    s.close()


@pytest.fixture
def server(_running_server):
    _running_server.files = dict(FILES)
    _running_server.requests = []
    _running_server.truncate = set()
    return _running_server


@pytest.fixture
def root(tmp_path, monkeypatch):
    download.set_dataset_root(str(tmp_path / 'root'))
    monkeypatch.delenv('TEACHGRAD_DATASET_URL', raising=False)
    yield tmp_path / 'root'
    download.set_dataset_root(None)


@pytest.fixture
def mirror(server, root, monkeypatch):
    monkeypatch.setenv('TEACHGRAD_DATASET_URL', server.url)
    return server


def _scaled(pixels, scale=1., dtype=np.float32):
    # Chainer's arithmetic exactly: cast, then multiply in place by scale / 255.
    x = np.asarray(pixels).astype(dtype)
    x *= scale / 255.
    return x


def _cached_files(root):
    found = []
    for dirpath, _, names in os.walk(root):
        found += [os.path.relpath(os.path.join(dirpath, n), root) for n in names]
    return sorted(found)


# -- MNIST and its options, as Chainer's --------------------------------------------
def test_get_mnist_defaults(mirror):
    train, test = datasets.get_mnist()
    assert isinstance(train, datasets.TupleDataset) and (len(train), len(test)) == (5, 3)
    x, t = train[0]
    assert x.shape == (784,) and x.dtype == np.float32
    assert t.dtype == np.int32 and int(t) == 5
    np.testing.assert_array_equal(x, _scaled(MNIST_TRAIN_X[0]))
    assert x[0] == 1.0
    assert [int(test[i][1]) for i in range(3)] == MNIST_TEST_Y


@pytest.mark.parametrize('kwargs, shape', [
    (dict(ndim=1), (784,)), (dict(ndim=2), (28, 28)), (dict(ndim=3), (1, 28, 28)),
    (dict(ndim=3, rgb_format=True), (3, 28, 28)), (dict(ndim=1, rgb_format=True), (784,)),
])
def test_get_mnist_ndim(mirror, kwargs, shape):
    train, _ = datasets.get_mnist(withlabel=False, **kwargs)
    assert isinstance(train, np.ndarray)
    assert train.shape == (5,) + shape
    flat = train[:, :1].reshape(5, -1) if kwargs.get('rgb_format') and kwargs['ndim'] == 3 \
        else train.reshape(5, -1)
    np.testing.assert_array_equal(flat, _scaled(MNIST_TRAIN_X))
    if shape[0] == 3:
        np.testing.assert_array_equal(train[:, 0], train[:, 2])


def test_get_mnist_scale_dtypes_and_config_dtype(mirror):
    train, _ = datasets.get_mnist(scale=2., dtype=np.float64, label_dtype=np.int64)
    x, t = train[0]
    assert x.dtype == np.float64 and t.dtype == np.int64
    assert x.max() == 2.0 and x.min() >= 0
    with teachgrad.using_config('dtype', np.float16):
        train, _ = datasets.get_mnist(withlabel=False)
    assert train.dtype == np.float16


def test_get_mnist_bad_ndim_is_refused_before_any_download(mirror):
    with pytest.raises(ValueError, match='ndim=4'):
        datasets.get_mnist(ndim=4)
    assert mirror.requests == []


def test_second_call_makes_no_request_and_npz_has_chainers_layout(mirror, root):
    datasets.get_mnist()
    assert len(mirror.requests) == 4
    datasets.get_mnist(ndim=3, scale=3.)
    assert len(mirror.requests) == 4
    npz = [f for f in _cached_files(root) if f.endswith('.npz')]
    assert len(npz) == 2 and all(f.endswith(os.path.join('pfnet', 'chainer', 'mnist', 'train.npz'))
                                 or f.endswith(os.path.join('pfnet', 'chainer', 'mnist', 'test.npz'))
                                 for f in npz)
    with np.load(os.path.join(root, [f for f in npz if 'train' in f][0])) as f:
        assert sorted(f.files) == ['x', 'y'] and f['x'].dtype == np.uint8
        np.testing.assert_array_equal(f['x'], MNIST_TRAIN_X)
    for f in npz:                        # the arrays are rebuilt from the raw cache
        os.remove(os.path.join(root, f))
    train, _ = datasets.get_mnist()
    assert len(mirror.requests) == 4 and len(train) == 5


def test_loading_never_unpickles(mirror, monkeypatch):
    datasets.get_mnist()
    seen = []
    real_load = np.load

    def load(*args, **kwargs):
        seen.append(kwargs.get('allow_pickle'))
        return real_load(*args, **kwargs)
    monkeypatch.setattr(np, 'load', load)
    datasets.get_mnist()
    assert seen == [False, False]


def test_progress_bar_on_stderr(mirror, capsys):
    datasets.get_mnist()
    err = capsys.readouterr().err
    assert 'Downloading from {}/mnist/train-images-idx3-ubyte.gz'.format(mirror.url) in err
    assert '100%' in err


def test_fashion_mnist(mirror):
    train, test = datasets.get_fashion_mnist(ndim=2)
    x, t = train[0]
    assert x.shape == (28, 28) and int(t) == 9
    np.testing.assert_array_equal(x.ravel(), _scaled(255 - MNIST_TRAIN_X[0]))
    assert len(test) == 3
    assert datasets.get_fashion_mnist_labels()[int(t)] == 'Ankle boot'


# -- broken downloads ---------------------------------------------------------------------
def test_truncated_download_is_refused_and_not_cached(mirror, root):
    mirror.truncate.add('/mnist/train-labels-idx1-ubyte.gz')
    with pytest.raises(download.DownloadError, match='truncated|broke off'):
        datasets.get_mnist()
    cached = _cached_files(root)
    assert not any(f.endswith('.npz') for f in cached)
    assert len([f for f in cached if '_dl_cache' in f]) == 1      # only the good image file
    assert not any('.download-' in f or '.create-' in f for f in cached)
    mirror.truncate.clear()
    train, _ = datasets.get_mnist()
    assert len(train) == 5


@pytest.mark.parametrize('path, data, words', [
    ('/mnist/train-images-idx3-ubyte.gz', b'<html>Not here</html>', 'not a gzip file'),
    ('/mnist/train-images-idx3-ubyte.gz', gzip.compress(b'\0\0\x08\x03' + bytes(20)), 'truncated'),
    ('/mnist/train-labels-idx1-ubyte.gz', _idx_images(MNIST_TRAIN_X), 'magic number 2049'),
    ('/mnist/train-labels-idx1-ubyte.gz', _idx_labels([1, 2]), 'do not belong together'),
])
def test_corrupted_download_is_refused_and_not_cached(mirror, root, path, data, words):
    mirror.files[path] = data
    with pytest.raises(download.DownloadError, match=words):
        datasets.get_mnist()
    assert not any(f.endswith('.npz') for f in _cached_files(root))
    mirror.files[path] = FILES[path]
    if words != 'do not belong together':
        # nothing of the bad file was kept, so it is fetched again
        datasets.get_mnist()
        assert mirror.requests.count(path) == 2


def test_checksum_mismatch_is_refused(server, root, monkeypatch):
    # The official URLs carry the real files' checksums; a tiny stand-in fails them.
    monkeypatch.setattr(mnist, '_BASE', server.url + '/mnist/')
    with pytest.raises(download.DownloadError, match='MD5 checksum is [0-9a-f]{32}, but f68b3c2d'):
        datasets.get_mnist()
    assert _cached_files(root) == []
    tiny = {name: hashlib.md5(FILES['/mnist/' + name]).hexdigest() for name in mnist._MD5}
    monkeypatch.setattr(mnist, '_MD5', tiny)
    assert len(datasets.get_mnist()[0]) == 5


def test_http_error_names_the_status(mirror):
    del mirror.files['/mnist/t10k-images-idx3-ubyte.gz']
    with pytest.raises(download.DownloadError, match='404'):
        datasets.get_mnist()


# -- offline ------------------------------------------------------------------------------
def _closed_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_offline_fails_at_once_and_names_get_digits(root, monkeypatch):
    monkeypatch.setenv('TEACHGRAD_DATASET_URL', 'http://127.0.0.1:{}'.format(_closed_port()))
    start = time.monotonic()
    with pytest.raises(download.DownloadError) as info:
        datasets.get_mnist()
    assert time.monotonic() - start < 2
    msg = str(info.value)
    assert 'offline' in msg and 'teachgrad.datasets.get_digits()' in msg
    assert isinstance(info.value, OSError)
    assert not root.exists()                 # not even an empty directory is left


def test_dns_failure_is_offline_too(root, monkeypatch):
    def no_dns(*args, **kwargs):
        raise socket.gaierror(-3, 'Temporary failure in name resolution')
    monkeypatch.setattr(socket, 'getaddrinfo', no_dns)
    with pytest.raises(download.DownloadError, match='offline.*get_digits'):
        datasets.get_cifar10()


# -- CIFAR --------------------------------------------------------------------------------
def test_get_cifar10(mirror):
    train, test = datasets.get_cifar10()
    assert (len(train), len(test)) == (10, 3)
    x, t = train[0]
    assert x.shape == (3, 32, 32) and x.dtype == np.float32 and t.dtype == np.int32
    assert int(t) == 1
    np.testing.assert_array_equal(x[:, 5, 7], _scaled([10, 20, 30]))
    assert [int(train[i][1]) for i in range(10)] == [1, 9, 2, 9, 3, 9, 4, 9, 5, 9]
    np.testing.assert_array_equal(train[9][0][:, 0, 0], _scaled([255, 0, 1]))
    assert [int(test[i][1]) for i in range(3)] == [3, 3, 8]
    flat, _ = datasets.get_cifar10(withlabel=False, ndim=1, scale=255., dtype=np.float64)
    assert flat.shape == (10, 3072) and flat.dtype == np.float64
    np.testing.assert_array_equal(flat[0, [0, 1023, 1024, 2047, 2048, 3071]], [10, 10, 20, 20, 30, 30])
    with pytest.raises(ValueError, match='ndim=2'):
        datasets.get_cifar10(ndim=2)


def test_get_cifar100_uses_fine_labels(mirror):
    train, test = datasets.get_cifar100()
    assert [int(train[i][1]) for i in range(4)] == [50, 51, 52, 53]
    assert int(test[0][1]) == 99 and float(test[0][0].min()) == 1.0
    np.testing.assert_array_equal(train[2][0], _scaled(np.full((3, 32, 32), 2)))


def test_cifar_archive_with_a_missing_or_odd_member_is_refused(mirror, root):
    mirror.files['/cifar/cifar-10-binary.tar.gz'] = _tar(
        {'cifar-10-batches-bin/data_batch_1.bin': _cifar_record([1], (1, 2, 3))})
    with pytest.raises(download.DownloadError, match='data_batch_2.bin'):
        datasets.get_cifar10()
    mirror.files['/cifar/cifar-100-binary.tar.gz'] = _tar(
        {'cifar-100-binary/train.bin': bytes(3075), 'cifar-100-binary/test.bin': bytes(3074)})
    with pytest.raises(download.DownloadError, match='whole number of 3074-byte records'):
        datasets.get_cifar100()
    assert not any('_dl_cache' in f or f.endswith('.npz') for f in _cached_files(root))


# -- PTB ----------------------------------------------------------------------------------
def test_ptb_words_and_vocabulary(mirror):
    vocab = datasets.get_ptb_words_vocabulary()
    assert vocab == {'the': 0, 'cat': 1, 'sat': 2, '<eos>': 3, 'dog': 4, 'a': 5}
    train, valid, test = datasets.get_ptb_words()
    assert train.dtype == np.int32
    np.testing.assert_array_equal(train, [0, 1, 2, 3, 0, 4, 2, 3, 3, 5, 1, 3])
    np.testing.assert_array_equal(valid, [5, 4, 3])
    np.testing.assert_array_equal(test, [0, 1, 3, 0, 3])
    n = len(mirror.requests)
    assert datasets.get_ptb_words_vocabulary() == vocab
    datasets.get_ptb_words()
    assert len(mirror.requests) == n == 3


# -- the helpers ----------------------------------------------------------------------------
def test_dataset_root_env_vars_and_override(tmp_path, monkeypatch):
    download.set_dataset_root(None)
    monkeypatch.delenv('TEACHGRAD_DATASET_ROOT', raising=False)
    monkeypatch.delenv('CHAINER_DATASET_ROOT', raising=False)
    assert download.get_dataset_root() == os.path.join(
        os.path.expanduser('~'), '.teachgrad', 'dataset')
    monkeypatch.setenv('CHAINER_DATASET_ROOT', str(tmp_path / 'c'))
    assert dataset.get_dataset_root() == str(tmp_path / 'c')
    monkeypatch.setenv('TEACHGRAD_DATASET_ROOT', str(tmp_path / 't'))
    assert dataset.get_dataset_root() == str(tmp_path / 't')
    dataset.set_dataset_root(str(tmp_path / 's'))
    try:
        assert dataset.get_dataset_root() == str(tmp_path / 's')
        path = dataset.get_dataset_directory('pfnet/chainer/x')
        assert path == str(tmp_path / 's' / 'pfnet' / 'chainer' / 'x') and os.path.isdir(path)
        assert not os.path.exists(dataset.get_dataset_directory('y', create_directory=False))
    finally:
        dataset.set_dataset_root(None)


def test_cached_download_checks_and_caches(server, root):
    url = server.url + '/ptb/ptb.valid.txt'
    good = hashlib.md5(PTB_VALID).hexdigest()
    with pytest.raises(download.DownloadError, match='not the expected one'):
        dataset.cached_download(url, md5='0' * 32)
    assert _cached_files(root) == [] or all('_dl_cache' not in f for f in _cached_files(root))

    def refuse(path):
        raise download.DownloadError('no thanks')
    with pytest.raises(download.DownloadError, match='no thanks'):
        dataset.cached_download(url, verify=refuse)
    assert [f for f in _cached_files(root) if '_dl_cache' in f] == []
    path = dataset.cached_download(url, md5=good)
    assert open(path, 'rb').read() == PTB_VALID
    assert dataset.cached_download(url) == path
    assert server.requests.count('/ptb/ptb.valid.txt') == 3


def test_cache_or_load_file_leaves_nothing_when_the_creator_fails(tmp_path):
    path = str(tmp_path / 'd' / 'made.txt')

    def broken(temp_path):
        with open(temp_path, 'w') as f:
            f.write('half')
        raise RuntimeError('creator broke')
    with pytest.raises(RuntimeError, match='creator broke'):
        dataset.cache_or_load_file(path, broken, open)
    assert os.listdir(tmp_path) == []


def test_mirror_data_never_mixes_with_real_cache(mirror, root, monkeypatch):
    datasets.get_mnist()
    npz = [f for f in _cached_files(root) if f.endswith('.npz')]
    assert all(f.startswith('_mirror_') for f in npz)


def test_modules_importable_as_in_chainer():
    from teachgrad.datasets import cifar as c, fashion_mnist as fm, mnist as m, ptb as p
    assert m.get_mnist is datasets.get_mnist and fm.get_fashion_mnist is datasets.get_fashion_mnist
    assert c.get_cifar100 is datasets.get_cifar100 and p.get_ptb_words is datasets.get_ptb_words
    assert teachgrad.datasets.mnist is m


def test_cached_data_loads_without_any_network(mirror, monkeypatch):
    datasets.get_mnist()
    datasets.get_ptb_words()

    def no_network(*args, **kwargs):
        raise AssertionError('no request may be made once the data is cached')
    monkeypatch.setattr(download.urllib.request, 'urlopen', no_network)
    train, test = datasets.get_mnist(ndim=2)
    assert train[0][0].shape == (28, 28) and len(test) == 3
    assert len(datasets.get_ptb_words()[0]) == 12
