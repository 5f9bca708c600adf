"""Probability distributions with differentiable statistics (Chainer's ``chainer.distributions``).

>>> import numpy as np
>>> import teachgrad.distributions as D
>>> D.Independent(D.Normal(np.zeros((2, 3), np.float32), scale=np.ones((2, 3), np.float32)))
Independent(Normal(batch_shape=(2, 3), event_shape=(), dtype=float32), reinterpreted_batch_ndims=1)
"""
from teachgrad.distributions.bernoulli import Bernoulli  # NOQA
from teachgrad.distributions.independent import Independent  # NOQA
from teachgrad.distributions.multivariate_normal import MultivariateNormal  # NOQA
from teachgrad.distributions.normal import Normal  # NOQA
