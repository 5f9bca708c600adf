"""DelegateDataset: a TabularDataset that forwards everything to another one."""
from teachgrad.dataset.tabular.tabular_dataset import TabularDataset


class DelegateDataset(TabularDataset):
    """Wrap a TabularDataset, e.g. to give a pipeline of views a class of its own.

    >>> from teachgrad.dataset import tabular
    >>> class Numbers(tabular.DelegateDataset):
    ...     def __init__(self):
    ...         super().__init__(tabular.from_data({'n': [1, 2, 3]}))
    >>> Numbers()[1]
    {'n': 2}
    """

    def __init__(self, dataset):
        if not isinstance(dataset, TabularDataset):
            raise TypeError('DelegateDataset wraps a TabularDataset, not {}'.format(
                type(dataset).__name__))
        self.dataset = dataset

    def __len__(self):
        return len(self.dataset)

    @property
    def keys(self):
        return self.dataset.keys

    @property
    def mode(self):
        return self.dataset.mode

    def get_examples(self, indices, key_indices):
        return self.dataset.get_examples(indices, key_indices)

    def convert(self, data):
        return self.dataset.convert(data)
