"""Trainer extensions (``chainer.training.extensions``).

>>> from teachgrad.training import extensions
>>> extensions.LogReport().trigger
(1, 'iteration')
"""
from teachgrad.training.extensions.log_report import LogReport  # NOQA
from teachgrad.training.extensions.print_report import PrintReport  # NOQA
from teachgrad.training.extensions.progress_bar import ProgressBar  # NOQA
from teachgrad.training.extensions.plot_report import PlotReport  # NOQA
from teachgrad.training.extensions.evaluator import Evaluator  # NOQA
from teachgrad.training.extensions.snapshot import snapshot, snapshot_object  # NOQA
from teachgrad.training.extensions import snapshot_writers  # NOQA
from teachgrad.training.extensions.value_observation import observe_value, observe_lr  # NOQA
from teachgrad.training.extensions.fail_on_nonnumber import FailOnNonNumber  # NOQA
from teachgrad.training.extensions.exponential_shift import ExponentialShift  # NOQA
from teachgrad.training.extensions.computational_graph import DumpGraph, dump_graph  # NOQA
from teachgrad.training.extensions.micro_average import MicroAverage  # NOQA
