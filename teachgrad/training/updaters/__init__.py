"""Updaters: what one training iteration does (Chainer's ``training.updaters``).

>>> from teachgrad.training import updaters
>>> updaters.StandardUpdater.__name__
'StandardUpdater'
"""
from teachgrad.training.updater import Updater  # NOQA
from teachgrad.training.updaters.standard_updater import StandardUpdater  # NOQA
