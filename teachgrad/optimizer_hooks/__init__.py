"""Optimizer hooks: change the gradients before (or after) each update.

>>> import numpy as np
>>> import teachgrad.links as L
>>> from teachgrad import optimizers
>>> f = L.Linear(1, 1, initialW=np.array([[2.]], dtype=np.float32))
>>> opt = optimizers.SGD(lr=0.1).setup(f)
>>> opt.add_hook(WeightDecay(0.5))
>>> f.W.grad = np.array([[1.]], dtype=np.float32)
>>> opt.update()
>>> f.W.grad                    # 1 + 0.5 * 2
array([[2.]], dtype=float32)
>>> f.W.data                    # 2 - 0.1 * 2
array([[1.8]], dtype=float32)
"""
from teachgrad.optimizer_hooks.weight_decay import WeightDecay  # NOQA
from teachgrad.optimizer_hooks.lasso import Lasso  # NOQA
from teachgrad.optimizer_hooks.gradient_clipping import GradientClipping  # NOQA
from teachgrad.optimizer_hooks.gradient_hard_clipping import GradientHardClipping  # NOQA
