"""The exercises in the lessons have the shape a learner and nbgrader expect."""
import json
from pathlib import Path

import pytest

LESSONS = Path(__file__).resolve().parents[1] / 'lessons'
NEW = ['07_build_the_engine', '08_misconceptions', '09_write_your_optimizer', '10_convolutions',
       '11_higher_order', '12_recurrent_networks']


def cells_of(name):
    return json.loads((LESSONS / (name + '.ipynb')).read_text(encoding='utf-8'))['cells']


def exercises(cells):
    """[(task, answer, check)] for every nbgrader answer cell."""
    found = []
    for i, cell in enumerate(cells):
        meta = cell['metadata'].get('nbgrader', {})
        if meta.get('solution'):
            found.append((cells[i - 1], cell, cells[i + 1]))
    return found


@pytest.mark.parametrize('name', NEW)
def test_new_lesson_has_prose_pictures_and_three_exercises(name):
    cells = cells_of(name)
    assert cells[0]['cell_type'] == 'markdown' and cells[0]['source'][0].startswith('# ')
    runs = ''.join('c' if c['cell_type'] == 'code' else 'M' for c in cells)
    assert 'ccc' not in runs, name + ' has three code cells in a row without prose'
    code = [c for c in cells if c['cell_type'] == 'code']
    assert [c['execution_count'] for c in code] == list(range(1, len(code) + 1))
    mimes = {m for c in code for out in c['outputs'] for m in out.get('data', {})}
    widgets = 'application/vnd.jupyter.widget-view+json' in mimes
    assert widgets or mimes & {'image/svg+xml', 'image/png'}, name + ' shows no picture'
    assert len(exercises(cells)) >= 3


@pytest.mark.parametrize('name', NEW)
def test_each_exercise_is_task_folded_answer_and_check(name):
    ids = set()
    for task, answer, check in exercises(cells_of(name)):
        assert task['cell_type'] == 'markdown' and '### Exercise' in ''.join(task['source'])
        source = ''.join(answer['source'])
        assert '### BEGIN SOLUTION' in source and '### END SOLUTION' in source
        assert answer['metadata']['jupyter'] == {'source_hidden': True}   # one click away
        a, c = answer['metadata']['nbgrader'], check['metadata']['nbgrader']
        assert (a['grade'], a['solution'], a['locked']) == (False, True, False)
        assert (c['grade'], c['solution'], c['locked']) == (True, False, True)
        assert c['points'] >= 1 and a['schema_version'] == c['schema_version'] == 3
        assert a['grade_id'] not in ids and c['grade_id'] not in ids
        ids.update((a['grade_id'], c['grade_id']))
        # the stored solution passes its check
        text = ''.join(''.join(out.get('text', '')) for out in check['outputs'])
        assert text.startswith('Correct: '), (c['grade_id'], text)
        assert not any(out['output_type'] == 'error' for out in check['outputs'])
