"""Datasets of image files: ImageDataset (images) and LabeledImageDataset (image, label).

Each example is read from disk when it is asked for, so a folder of images
far larger than memory works. An image becomes an array of shape
``(channels, height, width)``: 1 channel for a grey image, 3 for RGB. PNG,
JPEG and the other picture formats are read with Pillow (installed with
matplotlib); ``.npy`` files holding a ``(height, width)`` or ``(height,
width, channels)`` array are read with numpy and need nothing else.
"""
import os

import numpy

from teachgrad.configuration import config
from teachgrad.dataset.dataset_mixin import DatasetMixin


def _read_image(path, dtype):
    if not os.path.exists(path):
        raise FileNotFoundError(
            'image file {!r} does not exist; the paths in the list are relative to the '
            'root argument (the current folder by default)'.format(path))
    if path.endswith('.npy'):
        image = numpy.load(path, allow_pickle=False).astype(dtype, copy=False)
    else:
        try:
            from PIL import Image
        except ImportError:
            raise ImportError('reading {!r} needs Pillow (pip install Pillow); images saved '
                              'as .npy files need nothing else'.format(path))
        with Image.open(path) as f:
            image = numpy.asarray(f, dtype=dtype)
    if image.ndim == 2:
        image = image[:, :, None]         # grey: one channel
    if image.ndim != 3:
        raise ValueError('image {!r} has shape {}; expected (height, width) or (height, width, '
                         'channels)'.format(path, image.shape))
    return image.transpose(2, 0, 1)


def _dtype(dtype):
    return numpy.dtype(config.dtype if dtype is None else dtype)


class ImageDataset(DatasetMixin):
    """Images listed by path; ``dataset[i]`` is a ``(channels, height, width)`` array.

    Args:
        paths: a list of paths, or the path of a text file with one path a line.
        root (str): folder the paths are relative to.
        dtype: dtype of the arrays (``config.dtype``, float32, by default).

    >>> import os, tempfile
    >>> import numpy as np
    >>> folder = tempfile.mkdtemp()
    >>> np.save(os.path.join(folder, 'a.npy'), np.zeros((2, 3)))
    >>> d = ImageDataset(['a.npy'], root=folder)
    >>> d[0].shape, d[0].dtype
    ((1, 2, 3), dtype('float32'))
    """

    def __init__(self, paths, root='.', dtype=None):
        if isinstance(paths, str):
            with open(paths) as f:
                paths = [line.strip() for line in f if line.strip()]
        self._paths = list(paths)
        self._root = root
        self._dtype = _dtype(dtype)

    def __len__(self):
        return len(self._paths)

    def get_example(self, i):
        return _read_image(os.path.join(self._root, self._paths[i]), self._dtype)


class LabeledImageDataset(DatasetMixin):
    """Images with integer labels; ``dataset[i]`` is ``(image, label)``.

    Args:
        pairs: a list of ``(path, label)`` pairs, or the path of a text file
            whose lines read ``path label`` (separated by white space).
        root (str): folder the paths are relative to.
        dtype: dtype of the images (``config.dtype``, float32, by default).
        label_dtype: dtype of the labels (int32 by default), each a 0-d array.

    >>> import os, tempfile
    >>> import numpy as np
    >>> folder = tempfile.mkdtemp()
    >>> np.save(os.path.join(folder, 'cat.npy'), np.ones((4, 4, 3)))
    >>> with open(os.path.join(folder, 'list.txt'), 'w') as f:
    ...     _ = f.write('cat.npy 3\\n')
    >>> d = LabeledImageDataset(os.path.join(folder, 'list.txt'), root=folder)
    >>> image, label = d[0]
    >>> image.shape, label, label.dtype
    ((3, 4, 4), array(3, dtype=int32), dtype('int32'))
    """

    def __init__(self, pairs, root='.', dtype=None, label_dtype=numpy.int32):
        if isinstance(pairs, str):
            list_path = pairs
            pairs = []
            with open(list_path) as f:
                for number, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    fields = line.split()
                    if len(fields) != 2:
                        raise ValueError(
                            'line {} of {!r} reads {!r}; every line must be "path label" (a '
                            'path without spaces, then an integer)'.format(
                                number, list_path, line.rstrip('\n')))
                    try:
                        pairs.append((fields[0], int(fields[1])))
                    except ValueError:
                        raise ValueError('line {} of {!r}: the label {!r} is not an integer'
                                         .format(number, list_path, fields[1]))
        self._pairs = list(pairs)
        self._root = root
        self._dtype = _dtype(dtype)
        self._label_dtype = label_dtype

    def __len__(self):
        return len(self._pairs)

    def get_example(self, i):
        path, label = self._pairs[i]
        image = _read_image(os.path.join(self._root, path), self._dtype)
        return image, numpy.array(label, dtype=self._label_dtype)
