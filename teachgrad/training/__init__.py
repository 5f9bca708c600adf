"""The training loop: Trainer, updaters, triggers and extensions (``chainer.training``).

>>> from teachgrad import training
>>> from teachgrad.training import extensions
>>> training.get_trigger((1, 'epoch'))
IntervalTrigger(1, 'epoch')
"""
from teachgrad.training import extension  # NOQA
from teachgrad.training import triggers  # NOQA
from teachgrad.training import updaters  # NOQA
from teachgrad.training import util  # NOQA
from teachgrad.training.extension import (  # NOQA
    Extension, make_extension, PRIORITY_WRITER, PRIORITY_EDITOR, PRIORITY_READER,
    PRIORITY_SNAPSHOT)
from teachgrad.training.trainer import Trainer  # NOQA
from teachgrad.training.updater import Updater  # NOQA
from teachgrad.training.updaters import StandardUpdater  # NOQA
from teachgrad.training.util import get_trigger  # NOQA
from teachgrad.training.triggers import IntervalTrigger  # NOQA
from teachgrad.training import extensions  # NOQA
