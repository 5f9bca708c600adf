"""Triggers decide on which iterations something happens.

A trigger is a callable taking the trainer and returning True or False. The
trainer asks its stop trigger before every update, and each extension's
trigger after it.

>>> from teachgrad.training import triggers
>>> triggers.IntervalTrigger(1, 'epoch')
IntervalTrigger(1, 'epoch')
"""
from teachgrad.training.triggers.interval_trigger import IntervalTrigger  # NOQA
from teachgrad.training.triggers.manual_schedule_trigger import ManualScheduleTrigger  # NOQA
from teachgrad.training.triggers.minmax_value_trigger import (  # NOQA
    BestValueTrigger, MaxValueTrigger, MinValueTrigger)
from teachgrad.training.triggers.once_trigger import OnceTrigger  # NOQA
from teachgrad.training.triggers.early_stopping_trigger import EarlyStoppingTrigger  # NOQA
