"""Building blocks for data: datasets by index, iterators over them, batching.

This is Chainer's ``chainer.dataset`` (singular): the base classes and the
converter that turns a list of examples into arrays. Ready-made datasets live
in :mod:`teachgrad.datasets` (plural), iterators in :mod:`teachgrad.iterators`.

>>> import numpy as np
>>> batch = [(np.array([1., 2.]), 0), (np.array([3., 4.]), 1)]
>>> x, t = concat_examples(batch)
>>> x
array([[1., 2.],
       [3., 4.]])
>>> t
array([0, 1])
"""
from teachgrad.dataset.convert import concat_examples, to_device  # NOQA
from teachgrad.dataset.dataset_mixin import DatasetMixin  # NOQA
from teachgrad.dataset.iterator import Iterator  # NOQA
from teachgrad.dataset import convert  # NOQA
from teachgrad.dataset import download  # NOQA
from teachgrad.dataset.download import (  # NOQA
    get_dataset_root, set_dataset_root, get_dataset_directory, cached_download,
    cache_or_load_file)
from teachgrad.dataset.convert import Converter, converter  # NOQA
from teachgrad.dataset.tabular import TabularDataset  # NOQA
from teachgrad.dataset import tabular  # NOQA
