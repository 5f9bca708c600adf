"""MNIST: 70000 handwritten digits of 28x28 grey pixels, downloaded once.

The four files are the original idx files (gzip): ``train-images-idx3-ubyte.gz``,
``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz`` and
``t10k-labels-idx1-ubyte.gz`` (about 11 MB), checked against their known
checksums, then kept as ``train.npz``/``test.npz`` of uint8 arrays under the
dataset root (see :mod:`teachgrad.dataset.download`). With a mirror set they
are fetched from ``<mirror>/mnist/<file name>``.

Offline? :func:`teachgrad.datasets.get_digits` has real 8x8 digits that
need no download.

>>> train, test = get_mnist()                  # doctest: +SKIP
>>> x, t = train[0]                            # doctest: +SKIP
>>> x.shape, x.dtype, t                        # doctest: +SKIP
((784,), dtype('float32'), np.int32(5))
"""
import gzip
import os

import numpy

from teachgrad.dataset import download
from teachgrad.datasets.tuple_dataset import TupleDataset

_BASE = 'https://ossci-datasets.s3.amazonaws.com/mnist/'
# Known MD5 checksums of the original files, used when fetching from _BASE.
_MD5 = {
    'train-images-idx3-ubyte.gz': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
    'train-labels-idx1-ubyte.gz': 'd53e105ee54ea40749a09fcbcd1e9432',
    't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
    't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c',
}


def get_mnist(withlabel=True, ndim=1, scale=1., dtype=None,
              label_dtype=numpy.int32, rgb_format=False):
    """Return MNIST's ``(train, test)``: 60000 and 10000 digit images.

    Args:
        withlabel: True gives :class:`TupleDataset` s of ``(image, label)``;
            False gives plain arrays of images.
        ndim: the shape of each image: 1 gives (784,), 2 gives (28, 28), 3
            gives (1, 28, 28) (or (3, 28, 28) with ``rgb_format``).
        scale: pixels are scaled from 0..255 to ``[0, scale]``.
        dtype: dtype of the images (``teachgrad.config.dtype`` by default);
            ``label_dtype`` that of the labels.
        rgb_format: with ``ndim=3``, repeat the grey channel three times.

    Example (downloads about 11 MB the first time)::

        >>> train, test = get_mnist(ndim=3)       # doctest: +SKIP
        >>> len(train), train[0][0].shape         # doctest: +SKIP
        (60000, (1, 28, 28))
    """
    return _get('mnist', 'pfnet/chainer/mnist', _BASE, _MD5, withlabel, ndim, scale,
                dtype, label_dtype, rgb_format)


def _get(name, directory, base, md5s, withlabel, ndim, scale, dtype, label_dtype,
         rgb_format):
    from teachgrad.backend import get_dtype
    if ndim not in (1, 2, 3):
        raise ValueError('ndim={!r}: each image can be 1 (784,), 2 (28, 28) or 3 '
                         '(1, 28, 28) dimensional'.format(ndim))
    dtype = get_dtype(dtype)
    root = download.dataset_directory(directory)
    splits = []
    for split, prefix in (('train', 'train'), ('test', 't10k')):
        files = ['{}-images-idx3-ubyte.gz'.format(prefix), '{}-labels-idx1-ubyte.gz'.format(prefix)]
        raw = download.cache_or_load_file(
            os.path.join(root, split + '.npz'),
            lambda path: _make_npz(path, name, base, md5s, files), download.load_arrays)
        splits.append(preprocess(raw, withlabel, ndim, scale, dtype, label_dtype, rgb_format))
    return tuple(splits)


def _make_npz(path, name, base, md5s, files):
    mirror = download.mirror_url() is not None
    paths = []
    for file_name, verify in zip(files, (read_images, read_labels)):
        url = download.dataset_url('{}/{}'.format(name, file_name), base + file_name)
        paths.append(download.cached_download(
            url, md5=None if mirror else md5s.get(file_name), verify=verify))
    x, y = read_images(paths[0]), read_labels(paths[1])
    if len(x) != len(y):
        raise download.DownloadError(
            '{} has {} images but {} has {} labels: the two files do not belong '
            'together. Delete them from {} and run again.'.format(
                files[0], len(x), files[1], len(y), os.path.dirname(paths[0])))
    numpy.savez_compressed(path, x=x, y=y)
    return {'x': x, 'y': y}


def _read_idx(path, magic, what):
    try:
        with gzip.open(path, 'rb') as f:
            data = f.read()
    except (OSError, EOFError) as e:
        raise download.DownloadError(
            'The downloaded {} is not a gzip file ({}); it was not kept.'.format(what, e)) from None
    if len(data) < 8 or int.from_bytes(data[:4], 'big') != magic:
        raise download.DownloadError(
            'The downloaded {} does not start with the idx magic number {}; it was '
            'not kept.'.format(what, magic))
    return data


def read_images(path):
    """The images of an idx3 file (gzip) as a uint8 array of shape (N, rows * cols).

    >>> import gzip, os, tempfile, numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), 'images.gz')
    >>> header = b''.join(int(v).to_bytes(4, 'big') for v in (2051, 2, 28, 28))
    >>> with gzip.open(path, 'wb') as f:
    ...     _ = f.write(header + bytes(range(256)) * 6 + bytes(32))
    >>> read_images(path).shape
    (2, 784)
    """
    data = _read_idx(path, 2051, 'image file')
    n, rows, cols = (int.from_bytes(data[i:i + 4], 'big') for i in (4, 8, 12))
    if len(data) != 16 + n * rows * cols:
        raise download.DownloadError(
            'The downloaded image file promises {} images of {}x{} pixels ({} bytes) '
            'but holds {} bytes: it is truncated or corrupted, and was not kept.'.format(
                n, rows, cols, 16 + n * rows * cols, len(data)))
    return numpy.frombuffer(data, numpy.uint8, offset=16).reshape(n, rows * cols).copy()


def read_labels(path):
    """The labels of an idx1 file (gzip) as a uint8 array of shape (N,).

    >>> import gzip, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), 'labels.gz')
    >>> with gzip.open(path, 'wb') as f:
    ...     _ = f.write((2049).to_bytes(4, 'big') + (3).to_bytes(4, 'big') + bytes([5, 0, 4]))
    >>> read_labels(path)
    array([5, 0, 4], dtype=uint8)
    """
    data = _read_idx(path, 2049, 'label file')
    n = int.from_bytes(data[4:8], 'big')
    if len(data) != 8 + n:
        raise download.DownloadError(
            'The downloaded label file promises {} labels but holds {}: it is truncated '
            'or corrupted, and was not kept.'.format(n, len(data) - 8))
    return numpy.frombuffer(data, numpy.uint8, offset=8).copy()


def preprocess(raw, withlabel, ndim, scale, image_dtype, label_dtype, rgb_format):
    """Shape, scale and type the raw uint8 arrays ``raw['x']``/``raw['y']``.

    >>> import numpy as np
    >>> raw = {'x': np.full((2, 784), 255, np.uint8), 'y': np.array([3, 7], np.uint8)}
    >>> images = preprocess(raw, False, 3, 2., np.float32, np.int32, True)
    >>> images.shape, images.dtype, float(images.max())
    ((2, 3, 28, 28), dtype('float32'), 2.0)
    """
    images = raw['x']
    if ndim == 2:
        images = images.reshape(-1, 28, 28)
    elif ndim == 3:
        images = images.reshape(-1, 1, 28, 28)
        if rgb_format:
            images = numpy.broadcast_to(images, (len(images), 3) + images.shape[2:])
    elif ndim != 1:
        raise ValueError('ndim={!r}: MNIST images can be 1, 2 or 3 dimensional'.format(ndim))
    images = images.astype(image_dtype)
    images *= scale / 255.
    if withlabel:
        return TupleDataset(images, raw['y'].astype(label_dtype))
    return images
