"""Optimization algorithms, ``from teachgrad import optimizers``.

Each file holds one algorithm: its update rule (the formula, next to the
state it keeps) and the optimizer class that gives the rule to every parameter.

>>> from teachgrad import optimizers
>>> optimizers.SGD()
SGD(lr=0.01)
>>> optimizers.MomentumSGD()
MomentumSGD(lr=0.01, momentum=0.9)
"""
from teachgrad.optimizers.sgd import SGD  # NOQA
from teachgrad.optimizers.momentum_sgd import MomentumSGD  # NOQA
from teachgrad.optimizers.adam import Adam, AdamW, AMSGrad  # NOQA
from teachgrad.optimizers.ada_grad import AdaGrad  # NOQA
from teachgrad.optimizers.rmsprop import RMSprop  # NOQA
