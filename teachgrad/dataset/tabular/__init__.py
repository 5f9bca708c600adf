"""Tabular datasets: rows with named columns, and cheap views of them.

>>> from teachgrad.dataset import tabular
>>> d = tabular.from_data((('x', [1, 2, 3]), ('t', [0, 1, 0])))
>>> d.keys, d[2]
(('x', 't'), (3, 0))
"""
from teachgrad.dataset.tabular.tabular_dataset import TabularDataset  # NOQA
from teachgrad.dataset.tabular.from_data import from_data  # NOQA
from teachgrad.dataset.tabular.delegate_dataset import DelegateDataset  # NOQA
