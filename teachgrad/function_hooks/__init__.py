"""Ready-made function hooks: :class:`PrintHook` and :class:`TimerHook`.

Write your own by subclassing :class:`teachgrad.FunctionHook`.
"""
from teachgrad.function_hook import FunctionHook  # NOQA
from teachgrad.function_hooks.print_hook import PrintHook  # NOQA
from teachgrad.function_hooks.timer import TimerHook  # NOQA
