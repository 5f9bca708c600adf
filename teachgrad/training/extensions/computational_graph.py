"""dump_graph: write the graph of a reported variable (e.g. the loss) as a DOT file."""
import os

from teachgrad.configuration import config
from teachgrad.training import extension
from teachgrad.training.triggers import OnceTrigger


class DumpGraph(extension.Extension):
    """Write ``<out>/<filename>`` (Graphviz DOT) with the graph behind ``root_name``.

    It runs once, after the first iteration. Reports normally drop the graph
    (to free memory), so until then it asks the reporter to keep it.
    """
    priority = extension.PRIORITY_READER - 50   # after the other readers

    def __init__(self, root_name, filename='cg.dot', **kwargs):
        self._root_name = root_name
        self._filename = kwargs.pop('out_name', filename)
        self._opts = kwargs
        self._original_flag = None
        self._done = False
        self.trigger = OnceTrigger()

    def initialize(self, trainer):
        if not self._done:
            self._original_flag = getattr(config, 'keep_graph_on_report', False)
            config.keep_graph_on_report = True

    def __call__(self, trainer):
        try:
            if self._done:
                return
            if self._root_name not in trainer.observation:
                raise KeyError('dump_graph: {!r} was not reported in the first '
                               'iteration; reported: {}'.format(
                                   self._root_name, sorted(trainer.observation)))
            from teachgrad import viz
            dot = viz.to_dot(trainer.observation[self._root_name], **self._opts)
            os.makedirs(trainer.out, exist_ok=True)
            with open(os.path.join(trainer.out, self._filename), 'w') as f:
                f.write(dot)
            self._done = True
        finally:
            self._restore_flag()

    def finalize(self):
        self._restore_flag()

    def _restore_flag(self):
        if self._original_flag is not None:
            config.keep_graph_on_report = self._original_flag
            self._original_flag = None


def dump_graph(root_name, filename='cg.dot', **kwargs):
    """An extension that saves the computational graph of ``root_name`` (e.g.
    ``'main/loss'``) as ``<out>/cg.dot`` after the first iteration."""
    return DumpGraph(root_name, filename, **kwargs)
