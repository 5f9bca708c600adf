"""For a course run with nbgrader: hand out the answer cells unfolded.

In the stored lessons each answer cell is folded (``"jupyter":
{"source_hidden": true}``), so that its solution stays one click away from a
learner working alone. nbgrader replaces the solution with
``raise NotImplementedError()`` in the learners' copy but keeps the fold;
this nbconvert preprocessor takes it off. Add it to the course's
``nbgrader_config.py``::

    c.Exporter.preprocessors = ['teachgrad.exercises.course.UnfoldAnswers']

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
...     'x = 1', metadata={'jupyter': {'source_hidden': True},
...                        'nbgrader': {'solution': True, 'grade': False}})])
>>> nb, _ = UnfoldAnswers().preprocess(nb, {})
>>> nb.cells[0].metadata
{'nbgrader': {'solution': True, 'grade': False}}
"""
from nbconvert.preprocessors import Preprocessor


class UnfoldAnswers(Preprocessor):
    """Remove JupyterLab's fold from nbgrader answer (solution) cells."""

    def preprocess_cell(self, cell, resources, index):
        if cell.metadata.get('nbgrader', {}).get('solution'):
            jupyter = cell.metadata.get('jupyter')
            if jupyter is not None:
                jupyter.pop('source_hidden', None)
                if not jupyter:
                    del cell.metadata['jupyter']
        return cell, resources
