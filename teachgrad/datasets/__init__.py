"""Ready-made datasets and ways to split them (Chainer's ``chainer.datasets``).

A dataset is anything with ``len(d)`` and ``d[i]``. :class:`TupleDataset`
zips arrays into ``(x, t)`` examples; :func:`split_dataset_random` makes a
train/validation split; :func:`get_digits` loads a real data set that ships
with scikit-learn (no download); :func:`get_mnist`, :func:`get_cifar10` and the
other getters download their data set once into a cache directory.

>>> import numpy as np
>>> d = TupleDataset(np.arange(6).reshape(3, 2), np.array([0, 1, 0]))
>>> len(d), d[1]
(3, (array([2, 3]), np.int64(1)))
>>> train, val = split_dataset(d, 2)
>>> len(train), len(val)
(2, 1)
"""
from teachgrad.datasets.tuple_dataset import TupleDataset  # NOQA
from teachgrad.datasets.dict_dataset import DictDataset  # NOQA
from teachgrad.datasets.sub_dataset import (  # NOQA
    SubDataset, split_dataset, split_dataset_random, get_cross_validation_datasets,
    get_cross_validation_datasets_random)
from teachgrad.datasets.transform_dataset import TransformDataset  # NOQA
from teachgrad.datasets.digits import get_digits  # NOQA
# Downloaded once into the dataset root (teachgrad.dataset.download).
from teachgrad.datasets.mnist import get_mnist  # NOQA
from teachgrad.datasets.fashion_mnist import get_fashion_mnist, get_fashion_mnist_labels  # NOQA
from teachgrad.datasets.cifar import get_cifar10, get_cifar100  # NOQA
from teachgrad.datasets.ptb import get_ptb_words, get_ptb_words_vocabulary  # NOQA
from teachgrad.datasets.sub_dataset import split_dataset_n, split_dataset_n_random  # NOQA
from teachgrad.datasets.image_dataset import ImageDataset, LabeledImageDataset  # NOQA
