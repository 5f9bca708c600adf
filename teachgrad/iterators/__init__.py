"""Iterators hand out minibatches of a dataset, epoch after epoch.

>>> from teachgrad.iterators import SerialIterator
>>> it = SerialIterator(list(range(5)), 2, shuffle=False)
>>> next(it), next(it), next(it)
([0, 1], [2, 3], [4, 0])
>>> it.epoch, it.is_new_epoch
(1, True)
"""
from teachgrad.iterators.serial_iterator import SerialIterator  # NOQA
from teachgrad.iterators.order_samplers import OrderSampler, ShuffleOrderSampler  # NOQA
from teachgrad.iterators.multiprocess_iterator import MultiprocessIterator  # NOQA
