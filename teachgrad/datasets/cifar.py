"""CIFAR-10 and CIFAR-100: 60000 small colour photos (3x32x32), downloaded once.

teachgrad reads the *binary* version of the archives
(``cifar-10-binary.tar.gz``, ``cifar-100-binary.tar.gz``): fixed-size records
of label byte(s) then 3072 pixel bytes (1024 red, 1024 green, 1024 blue, row
by row). The Python version of the archives is pickled, and unpickling a
downloaded file can run any code, so it is never used. Nothing is extracted to
disk: the records are read straight from the archive, then kept as
``cifar-10.npz``/``cifar-100.npz`` under the dataset root. With a mirror set
the archives come from ``<mirror>/cifar/<archive name>``.

>>> record_size('cifar-10'), record_size('cifar-100')
(3073, 3074)
"""
import os
import tarfile

import numpy

from teachgrad.dataset import download
from teachgrad.datasets.tuple_dataset import TupleDataset

_BASE = 'https://www.cs.toronto.edu/~kriz/'
_MD5 = {'cifar-10': 'c32a1d4ab5d03f1284b67883e8d87530',
        'cifar-100': '03b5dce01913d631647c71ecec9e9cb8'}
# The archive members, training files first; each record starts with this
# many label bytes (CIFAR-100 has a coarse label, then the fine one used here).
_MEMBERS = {
    'cifar-10': (['cifar-10-batches-bin/data_batch_{}.bin'.format(i) for i in range(1, 6)],
                 ['cifar-10-batches-bin/test_batch.bin'], 1),
    'cifar-100': (['cifar-100-binary/train.bin'], ['cifar-100-binary/test.bin'], 2),
}
_PIXELS = 3 * 32 * 32


def record_size(name):
    """Bytes per image in the binary archive: label bytes plus 3072 pixels."""
    return _MEMBERS[name][2] + _PIXELS


def get_cifar10(withlabel=True, ndim=3, scale=1., dtype=None):
    """Return CIFAR-10's ``(train, test)``: 50000 and 10000 images in 10 classes.

    Args:
        withlabel: True gives :class:`TupleDataset` s of ``(image, label)``
            (labels int32); False gives plain arrays of images.
        ndim: 3 gives images of shape (3, 32, 32), 1 gives (3072,).
        scale: pixels are scaled from 0..255 to ``[0, scale]``.
        dtype: dtype of the images (``teachgrad.config.dtype`` by default).

    Example (downloads about 160 MB the first time)::

        >>> train, test = get_cifar10()            # doctest: +SKIP
        >>> train[0][0].shape                      # doctest: +SKIP
        (3, 32, 32)
    """
    return _get_cifar('cifar-10', withlabel, ndim, scale, dtype)


def get_cifar100(withlabel=True, ndim=3, scale=1., dtype=None):
    """Return CIFAR-100's ``(train, test)``: 50000 and 10000 images in 100 classes.

    The labels are the 100 fine classes. Arguments as for :func:`get_cifar10`.

    Example (downloads about 160 MB the first time)::

        >>> train, test = get_cifar100(ndim=1)     # doctest: +SKIP
        >>> train[0][0].shape                      # doctest: +SKIP
        (3072,)
    """
    return _get_cifar('cifar-100', withlabel, ndim, scale, dtype)


def _get_cifar(name, withlabel, ndim, scale, dtype):
    from teachgrad.backend import get_dtype
    if ndim not in (1, 3):
        raise ValueError('ndim={!r}: CIFAR images can be 3 dimensional (3, 32, 32) or '
                         'flat (3072,)'.format(ndim))
    dtype = get_dtype(dtype)
    root = download.dataset_directory('pfnet/chainer/cifar')
    raw = download.cache_or_load_file(os.path.join(root, name + '.npz'),
                                      lambda path: _make_npz(path, name), download.load_arrays)
    return (_preprocess(raw['train_x'], raw['train_y'], withlabel, ndim, scale, dtype),
            _preprocess(raw['test_x'], raw['test_y'], withlabel, ndim, scale, dtype))


def _make_npz(path, name):
    archive = name + '-binary.tar.gz'
    mirror = download.mirror_url() is not None
    url = download.dataset_url('cifar/' + archive, _BASE + archive)
    local = download.cached_download(url, md5=None if mirror else _MD5[name],
                                     verify=lambda p: read_archive(p, name))
    arrays = read_archive(local, name)
    numpy.savez_compressed(path, **arrays)
    return arrays


def read_archive(path, name):
    """``train_x``, ``train_y``, ``test_x``, ``test_y`` (uint8) read from a binary archive.

    >>> import io, os, tarfile, tempfile, numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), 'c.tar.gz')
    >>> records = bytes([7] + [1] * 3072)
    >>> with tarfile.open(path, 'w:gz') as tar:
    ...     for member in ['cifar-100-binary/train.bin', 'cifar-100-binary/test.bin']:
    ...         info = tarfile.TarInfo(member); info.size = 3074
    ...         tar.addfile(info, io.BytesIO(bytes([0]) + records))
    >>> a = read_archive(path, 'cifar-100')
    >>> a['train_x'].shape, a['train_y']
    ((1, 3072), array([7], dtype=uint8))
    """
    train_members, test_members, label_bytes = _MEMBERS[name]
    size = record_size(name)
    try:
        with tarfile.open(path, 'r:gz') as tar:
            parts = []
            for members in (train_members, test_members):
                records = []
                for member in members:
                    info = tar.getmember(member)
                    if not info.isfile():
                        raise KeyError(member)
                    data = tar.extractfile(info).read()
                    if len(data) % size:
                        raise download.DownloadError(
                            '{} in the downloaded {} archive holds {} bytes, not a whole '
                            'number of {}-byte records: it is truncated or corrupted, and '
                            'was not kept.'.format(member, name, len(data), size))
                    records.append(numpy.frombuffer(data, numpy.uint8).reshape(-1, size))
                parts.append(numpy.concatenate(records))
    except (tarfile.TarError, OSError, EOFError, KeyError) as e:
        if isinstance(e, download.DownloadError):
            raise
        raise download.DownloadError(
            'The downloaded {} archive cannot be read ({}: {}); it should be {}-binary.tar.gz '
            'with {}. It was not kept.'.format(name, type(e).__name__, e, name,
                                               ', '.join(train_members + test_members))) from None
    train, test = parts
    return {'train_x': train[:, label_bytes:].copy(), 'train_y': train[:, label_bytes - 1].copy(),
            'test_x': test[:, label_bytes:].copy(), 'test_y': test[:, label_bytes - 1].copy()}


def _preprocess(images, labels, withlabel, ndim, scale, dtype):
    images = images.reshape(-1, 3, 32, 32) if ndim == 3 else images.reshape(-1, _PIXELS)
    images = images.astype(dtype)
    images *= scale / 255.
    if withlabel:
        return TupleDataset(images, labels.astype(numpy.int32))
    return images
