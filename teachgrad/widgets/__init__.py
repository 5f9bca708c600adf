"""Stepping widgets: walk through forward, backward and optimizer updates.

Every widget is driven by the real algorithm: :class:`BackwardStepper` pulls
steps from the same generator that ``Variable.backward()`` exhausts, and
:class:`OptimizerStepper` calls the real ``optimizer.update``. Display one in
JupyterLab for buttons; in plain Python use ``.step()``, ``.back()`` and
friends, and ``.caption``/``.svg`` for what the widget would show.

ipywidgets and matplotlib are imported only when a widget is displayed.

>>> import numpy as np
>>> from teachgrad import Variable
>>> from teachgrad.widgets import BackwardStepper
>>> x = Variable(np.array([3.], dtype=np.float32), name='x')
>>> s = BackwardStepper(x * x)
>>> s.step().function.label
'*'
>>> s.position, s.n_steps
(1, 1)
"""
from teachgrad.widgets.backward import BackwardStepper  # NOQA
from teachgrad.widgets.forward import ForwardStepper  # NOQA
from teachgrad.widgets.optimizer import OptimizerStepper  # NOQA
from teachgrad.widgets.landscape import LossLandscape  # NOQA
