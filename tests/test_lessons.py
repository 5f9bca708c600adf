"""The lessons teach the seed tutorial: every code line of its cells In[2]-In[39]
(with ``chainer`` replaced by ``teachgrad``, comments aside) appears in lessons 01-04,
and every lesson has the shape a learner expects."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / 'shared' / 'seed' / '000_480d4f8d9ab32ff9.txt'
LESSONS = ROOT / 'lessons'
NUMBERED = ['01_variable', '02_links', '03_chains', '04_optimizer', '05_training', '06_gpu']


def _code_lines(source):
    """Code without comments and blank lines, whitespace folded."""
    lines = []
    for line in source.splitlines():
        line = re.sub(r'\s+#.*$', '', line) if not line.lstrip().startswith('#') else ''
        line = ' '.join(line.split())
        if line:
            lines.append(line)
    return lines


def _seed_cells():
    text = SEED.read_text(encoding='utf-8')
    cells = {}
    for match in re.finditer(r'In \[(\d+)\]:\n(.*?)(?=\n\n|\Z)', text, re.S):
        cells[int(match.group(1))] = match.group(2)
    return cells


def _lesson_code(names):
    lines = set()
    for name in names:
        nb = json.loads((LESSONS / (name + '.ipynb')).read_text(encoding='utf-8'))
        for cell in nb['cells']:
            if cell['cell_type'] == 'code':
                lines.update(_code_lines(''.join(cell['source'])))
    return lines


@pytest.mark.skipif(not SEED.exists(), reason='the seed notebook lies in ../shared beside the checkout')
def test_every_seed_line_appears_in_lessons_01_to_04():
    cells = _seed_cells()
    assert sorted(cells)[:2] == [1, 2] and max(cells) == 39
    taught = _lesson_code(NUMBERED[:4])
    missing = []
    for number in range(2, 40):
        for line in _code_lines(cells[number].replace('chainer', 'teachgrad')):
            if line not in taught:
                missing.append('In[{}]: {}'.format(number, line))
    assert not missing, 'seed lines not in the lessons:\n' + '\n'.join(missing)


@pytest.mark.parametrize('name', NUMBERED)
def test_lesson_exists_with_prose_and_outputs(name):
    nb = json.loads((LESSONS / (name + '.ipynb')).read_text(encoding='utf-8'))
    kinds = [cell['cell_type'] for cell in nb['cells']]
    assert kinds[0] == 'markdown' and nb['cells'][0]['source'][0].startswith('# ')
    code = [cell for cell in nb['cells'] if cell['cell_type'] == 'code']
    # every code cell was run, in order, and the prose explains the code
    assert [cell['execution_count'] for cell in code] == list(range(1, len(code) + 1))
    # prose between the code: never more than two code cells in a row
    runs = ''.join('c' if kind == 'code' else 'M' for kind in kinds)
    assert 'ccc' not in runs, name + ' has three code cells in a row without prose'


@pytest.mark.parametrize('name', NUMBERED[:5])
def test_lesson_shows_pictures(name):
    nb = json.loads((LESSONS / (name + '.ipynb')).read_text(encoding='utf-8'))
    mimes = {mime for cell in nb['cells'] if cell['cell_type'] == 'code'
             for out in cell['outputs'] for mime in out.get('data', {})}
    assert mimes & {'image/svg+xml', 'image/png'}, name + ' shows no picture'


def _dev():
    import importlib.util
    spec = importlib.util.spec_from_file_location('teachgrad_dev_lessons', ROOT / 'dev.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


STORED = _dev().notebooks()      # the tracked ones: a scratch notebook is not checked


@pytest.mark.parametrize('path', STORED, ids=[p.name for p in STORED])
def test_stored_outputs_come_from_regen(path):
    """Outputs change only through `dev.py regen`, which stamps their digest."""
    nb = json.loads(path.read_text(encoding='utf-8'))
    stamp = nb['metadata'].get('teachgrad', {}).get('outputs_sha256')
    assert stamp, '{} was not stored by `python3 dev.py regen`'.format(path.name)
    assert _dev().outputs_digest(nb) == stamp, (
        '{}: its outputs changed after `python3 dev.py regen` stored them (was it run and saved '
        'in JupyterLab?). `git checkout {}` brings back the stored notebook; '
        '`python3 dev.py regen {}` stores fresh outputs.'.format(
            path.name, path.relative_to(ROOT).as_posix(), path.relative_to(ROOT).as_posix()))


@pytest.mark.parametrize('path', STORED, ids=[p.name for p in STORED])
def test_stored_notebook_is_small_and_its_widgets_have_state(path):
    assert path.stat().st_size < 2_000_000, path.name + ' is over 2 MB'
    nb = json.loads(path.read_text(encoding='utf-8'))
    views = [out['data']['application/vnd.jupyter.widget-view+json']['model_id']
             for cell in nb['cells'] for out in cell.get('outputs', [])
             if 'application/vnd.jupyter.widget-view+json' in out.get('data', {})]
    state = nb['metadata'].get('widgets', {}).get(
        'application/vnd.jupyter.widget-state+json', {}).get('state', {})
    assert not [v for v in views if v not in state], (
        '{} shows widgets whose state is not stored; run `python3 dev.py regen`'.format(path.name))
