"""TransformDataset: apply a function to each example when it is read.

>>> d = TransformDataset([1, 2, 3], lambda x: x * 10)
>>> d[2], d[0:2]
(30, [10, 20])
"""
from teachgrad.dataset.dataset_mixin import DatasetMixin


class TransformDataset(DatasetMixin):
    """``d[i]`` is ``transform(dataset[i])``, computed on every read (data augmentation)."""

    def __init__(self, dataset, transform):
        self._dataset = dataset
        self._transform = transform

    def __len__(self):
        return len(self._dataset)

    def get_example(self, i):
        return self._transform(self._dataset[i])
