"""The function library, ``import teachgrad.functions as F``.

Each function is a small :class:`~teachgrad.FunctionNode` with its forward and
backward side by side; the lowercase names are what learners call.

>>> import numpy as np
>>> import teachgrad.functions as F
>>> F.sum(np.arange(4, dtype=np.float32)).data
array(6., dtype=float32)
"""
from teachgrad.functions.basic_math import (  # NOQA
    add, sub, mul, div, pow, neg, matmul, install_variable_arithmetics)
from teachgrad.functions.array import (  # NOQA
    reshape, transpose, get_item, broadcast_to, sum_to)
from teachgrad.functions.reduction import sum  # NOQA
from teachgrad.functions.connection import linear  # NOQA

install_variable_arithmetics()
