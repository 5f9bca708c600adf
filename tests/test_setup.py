"""The two README commands, dev.py's set-up, CI, and the stored lessons.

The slow end-to-end check (a fresh clone, a fresh .venv, the whole suite) is
what `.ci/run` does; these tests pin each rule of the set-up one at a time.
"""
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


dev = load_module('teachgrad_dev', ROOT / 'dev.py')


def readme_commands():
    text = (ROOT / 'README.md').read_text(encoding='utf-8')
    block = re.search(r'```[a-z]*\n(.*?)```', text, re.S).group(1)
    lines = [line.split(' #')[0].strip() for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith('#')]


# --- README and CI --------------------------------------------------------------

def test_readme_quick_start_is_two_commands_lab_then_test():
    assert readme_commands() == ['python3 dev.py lab', 'python3 dev.py test']


def test_ci_runs_exactly_the_readme_test_command():
    script = ROOT / '.ci' / 'run'
    assert os.access(script, os.X_OK), '.ci/run must be executable'
    lines = [line.strip() for line in script.read_text().splitlines()]
    code = [line for line in lines if line and not line.startswith('#')]
    assert 'set -euo pipefail' in code
    # The test command is the last thing CI runs, so its exit status is CI's.
    assert code[-1] == readme_commands()[1]
    # Before it, the notebooks run under two other BLAS kernels.
    text = script.read_text()
    assert re.search(r'for kernel in Prescott SkylakeX; do', text)
    assert ('OPENBLAS_CORETYPE=$kernel python3 dev.py test --nbval --nbval-current-env -q '
            'lessons/ docs/') in text


def test_readme_badge_opens_the_first_lesson_on_binder():
    text = (ROOT / 'README.md').read_text(encoding='utf-8')
    links = re.findall(r'\((https://mybinder\.org/v2/gh/[^)]+)\)', text)
    assert links, 'README has no mybinder.org badge'
    assert all(link.endswith('?urlpath=lab/tree/lessons/01_variable.ipynb') for link in links)


# --- dev.py: set-up --------------------------------------------------------------

@pytest.fixture
def fake_venv(tmp_path, monkeypatch):
    """dev.py pointed at a throw-away project; records the commands it would run."""
    (tmp_path / 'pyproject.toml').write_text('[project]\nname = "x"\n')
    monkeypatch.setattr(dev, 'ROOT', tmp_path)
    monkeypatch.setattr(dev, 'STAMP', tmp_path / 'stamp')
    monkeypatch.setattr(dev, 'venv_works', lambda: True)
    calls = []

    def run(argv, **kwargs):
        calls.append(list(map(str, argv)))
        return subprocess.CompletedProcess(argv, 0)
    monkeypatch.setattr(dev.subprocess, 'run', run)
    return tmp_path, calls


def test_first_command_installs_the_test_extra_and_writes_the_stamp(fake_venv):
    root, calls = fake_venv
    dev.ensure_venv()
    assert calls == [[str(dev.VENV_PY), '-m', 'pip', 'install', '-e', '.[test]']]
    assert (root / 'stamp').read_text() == dev.install_stamp()


def test_install_is_skipped_until_pyproject_changes(fake_venv):
    root, calls = fake_venv
    dev.ensure_venv()
    dev.ensure_venv()
    assert len(calls) == 1
    (root / 'pyproject.toml').write_text('[project]\nname = "x"\ndependencies = ["numpy"]\n')
    dev.ensure_venv()
    assert len(calls) == 2


def test_failed_install_leaves_no_stamp(fake_venv, monkeypatch):
    root, _ = fake_venv
    monkeypatch.setattr(dev.subprocess, 'run',
                        lambda argv, **kw: subprocess.CompletedProcess(argv, 1))
    with pytest.raises(SystemExit):
        dev.ensure_venv()
    assert not (root / 'stamp').exists()


def test_browser_tests_skip_with_a_reason_when_chromium_is_missing_and_not_root(
        tmp_path, monkeypatch):
    monkeypatch.setattr(dev, 'CHROMIUM', str(tmp_path / 'chromium'))
    monkeypatch.setattr(dev, 'is_root', lambda: False)
    reason = dev.ensure_chromium()
    assert 'chromium' in reason and 'apt-get install -y chromium' in reason


def test_root_installs_chromium_with_apt_get(tmp_path, monkeypatch):
    chromium = tmp_path / 'chromium'
    monkeypatch.setattr(dev, 'CHROMIUM', str(chromium))
    monkeypatch.setattr(dev, 'is_root', lambda: True)
    monkeypatch.setattr(dev.shutil, 'which', lambda name: '/usr/bin/' + name)
    calls = []

    def run(argv, **kwargs):
        calls.append(argv)
        if argv[:2] == ['apt-get', 'install']:
            chromium.touch()
        return subprocess.CompletedProcess(argv, 0)
    monkeypatch.setattr(dev.subprocess, 'run', run)
    assert dev.ensure_chromium() is None
    assert calls == [['apt-get', 'update'], ['apt-get', 'install', '-y', 'chromium']]


def test_apt_get_failure_becomes_the_skip_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(dev, 'CHROMIUM', str(tmp_path / 'chromium'))
    monkeypatch.setattr(dev, 'is_root', lambda: True)
    monkeypatch.setattr(dev.shutil, 'which', lambda name: '/usr/bin/' + name)
    monkeypatch.setattr(dev.subprocess, 'run',
                        lambda argv, **kw: subprocess.CompletedProcess(argv, 100))
    assert 'apt-get could not install chromium' in dev.ensure_chromium()


# --- dev.py: the test command ------------------------------------------------------

def test_suite_is_pytest_tests_then_nbval_on_the_tracked_notebooks():
    steps = [step[1] for step in dev.suite_steps()]
    lessons = [p.relative_to(ROOT).as_posix() for p in dev.notebooks(['lessons'])]
    docs = [p.relative_to(ROOT).as_posix() for p in dev.notebooks(['docs'])]
    assert 'lessons/01_variable.ipynb' in lessons and 'docs/gallery.ipynb' in docs
    assert steps == [['tests'], ['tests', '-q', '-m', 'not browser'],
                     ['--nbval', '--nbval-current-env', *lessons],
                     ['--nbval', '--nbval-current-env', *docs]]
    assert dev.suite_steps()[1][2] == {'TEACHGRAD_FAST': '0'}     # the speed paths off


def test_a_scratch_notebook_is_neither_tested_nor_trusted(tmp_path):
    if not (ROOT / '.git').exists():
        pytest.skip('needs the git checkout')
    scratch = ROOT / 'lessons' / 'Untitled-teachgrad-test.ipynb'
    scratch.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    try:
        assert scratch not in dev.notebooks()
        assert all('Untitled' not in arg for step in dev.suite_steps() for arg in step[1])
        done = subprocess.run([sys.executable, '-m', 'pytest', '--nbval', '--nbval-current-env',
                               '--collect-only', '-q', '-p', 'no:cacheprovider',
                               str(scratch), 'lessons/02_links.ipynb'],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert 'Untitled' not in done.stdout and '02_links.ipynb::Cell 0' in done.stdout, (
            done.stdout[-2000:])
    finally:
        scratch.unlink()


@pytest.mark.parametrize('codes, fails', [((0, 0, 0, 0), False), ((1, 0, 0, 0), True),
                                          ((0, 1, 0, 0), True), ((0, 0, 1, 0), True),
                                          ((0, 0, 0, 1), True), ((0, 0, 5, 0), True),
                                          ((5, 0, 0, 0), True)])
def test_test_command_fails_when_any_part_fails_or_runs_no_test(monkeypatch, capsys,
                                                                codes, fails):
    monkeypatch.setattr(dev, 'ensure_venv', lambda: None)
    monkeypatch.setattr(dev, 'ensure_chromium', lambda: None)
    monkeypatch.setattr(dev, 'notebooks', lambda folders=None: [])
    results = iter(codes)
    monkeypatch.setattr(dev.subprocess, 'run',
                        lambda argv, **kw: subprocess.CompletedProcess(argv, next(results)))
    if fails:
        with pytest.raises(SystemExit) as exc:
            dev.cmd_test([])
        assert exc.value.code == 1
    else:
        dev.cmd_test([])
    out = capsys.readouterr().out
    if 5 in codes:
        assert 'no tests ran' in out


def test_lab_serves_the_repository_and_opens_the_first_lesson():
    argv = dev.lab_argv('python', [])
    assert argv[:3] == ['python', '-m', 'jupyterlab']
    assert '--ServerApp.root_dir=' + str(ROOT) in argv
    assert '--ServerApp.ip=127.0.0.1' in argv
    assert '--LabApp.default_url=/lab/tree/lessons/01_variable.ipynb' in argv
    assert (ROOT / 'lessons' / '01_variable.ipynb').exists()


def test_lab_passes_a_port_through():
    argv = dev.lab_argv('python', ['--port=9999'])
    assert argv[-1] == '--port=9999'
    assert '--ServerApp.root_dir=' + str(ROOT) in argv


@pytest.mark.parametrize('option', ['--ServerApp.root_dir', '--notebook-dir'])
def test_lab_with_a_root_of_ones_own_gets_only_that_root(option, tmp_path):
    argv = dev.lab_argv('python', ['{}={}'.format(option, tmp_path)])
    roots = [a for a in argv if a.split('=')[0] in dev.ROOT_DIR_OPTIONS]
    assert roots == ['{}={}'.format(option, tmp_path)]
    assert not any(a.startswith('--LabApp.default_url') for a in argv)


def test_lab_with_a_notebook_path_opens_it_inside_the_repository(tmp_path):
    # typed in docs/: the path is relative to where the command was typed
    argv = dev.lab_argv('python', ['gallery.ipynb', '--port=9999'], cwd=ROOT / 'docs')
    assert str(ROOT / 'docs' / 'gallery.ipynb') in argv
    assert '--ServerApp.root_dir=' + str(ROOT) in argv
    assert not any(a.startswith('--LabApp.default_url') for a in argv)
    # a notebook outside the repository: Jupyter serves its folder
    outside = tmp_path / 'mine.ipynb'
    argv = dev.lab_argv('python', [str(outside)], cwd=tmp_path)
    assert str(outside) in argv
    assert not any(a.split('=')[0] in dev.ROOT_DIR_OPTIONS for a in argv)


def test_lab_overrides_turn_autosave_off_and_keep_other_settings(tmp_path):
    path = tmp_path / 'share' / 'jupyter' / 'lab' / 'settings' / 'overrides.json'
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({'@jupyterlab/apputils-extension:themes': {'theme': 'dark'}}))
    dev.write_lab_overrides(tmp_path)
    assert json.loads(path.read_text()) == {
        '@jupyterlab/apputils-extension:themes': {'theme': 'dark'},
        '@jupyterlab/docmanager-extension:plugin': {'autosave': False}}


def test_regen_gives_widgets_ids_in_order_of_appearance():
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output
    a, b, layout, stale = ('{:032x}'.format(0xa3f1c2 + i) for i in range(4))

    def widget_cell(model_id):
        cell = new_code_cell('w')
        cell.outputs = [new_output('display_data', data={
            dev.WIDGET_VIEW: {'model_id': model_id, 'version_major': 2}, 'text/plain': 'W'})]
        return cell
    nb = new_notebook(cells=[widget_cell(b), widget_cell(a)])

    def model(**state):
        return {'model_name': 'M', 'model_module': 'm', 'model_module_version': '1',
                'state': state}
    nb.metadata['widgets'] = {dev.WIDGET_STATE: {'version_major': 2, 'version_minor': 0,
        'state': {a: model(), stale: model(), b: model(layout='IPY_MODEL_' + layout),
                  layout: model()}}}
    dev.widget_state_pruned(nb)
    state = nb.metadata['widgets'][dev.WIDGET_STATE]['state']
    assert sorted(state) == sorted([a, b, layout])      # the model no output shows is gone
    nb = nbformat.reads(dev.widget_ids_made_stable(nbformat.writes(nb), nb), as_version=4)
    ids = [c.outputs[0].data[dev.WIDGET_VIEW]['model_id'] for c in nb.cells]
    one, two, three = ('0' * 31 + str(i) for i in (1, 2, 3))
    assert ids == [one, two]
    state = nb.metadata['widgets'][dev.WIDGET_STATE]['state']
    assert sorted(state) == [one, two, three]
    assert state[one]['state'] == {'layout': 'IPY_MODEL_' + three}


# --- the nbval configuration and the stored lessons -----------------------------------

def test_nbval_uses_the_projects_sanitize_file():
    conftest = load_module('teachgrad_root_conftest', ROOT / 'conftest.py')

    class Config:
        class option:
            nbval_sanitize_with = None
    conftest.pytest_configure(Config)
    assert Config.option.nbval_sanitize_with == str(ROOT / 'tests' / 'nbval-sanitize.cfg')
    from nbval.plugin import get_sanitize_patterns
    for regex, _ in get_sanitize_patterns((ROOT / 'tests' / 'nbval-sanitize.cfg').read_text()):
        re.compile(regex)


LESSONS = dev.notebooks(['lessons'])     # tracked ones: a scratch notebook is not checked


def test_there_are_lessons():
    assert LESSONS, 'lessons/ holds no notebook, so nbval would run no test'


@pytest.mark.parametrize('path', LESSONS, ids=[p.name for p in LESSONS])
def test_stored_lesson_is_clean_and_executed_in_order(path):
    text = path.read_text(encoding='utf-8')
    for machine_path in (str(ROOT), str(Path.home())):
        assert machine_path + os.sep not in text, (
            '{} shows a path of this machine ({}); print relative paths and run '
            '`python3 dev.py regen`'.format(path.name, machine_path))
    addresses = re.findall(r'\bat 0x[0-9a-fA-F]+|0x7f[0-9a-f]{8}|ipykernel_\d+', text)
    assert not addresses, '{} shows memory addresses or kernel temp files: {}'.format(
        path.name, addresses[:3])
    nb = json.loads(text)
    code = [cell for cell in nb['cells'] if cell['cell_type'] == 'code']
    assert [cell['execution_count'] for cell in code] == list(range(1, len(code) + 1)), (
        '{}: cells were not run top to bottom in a fresh kernel; '
        'run `python3 dev.py regen`'.format(path.name))
    timed = [i for i, cell in enumerate(nb['cells']) if 'execution' in cell.get('metadata', {})]
    assert not timed, '{}: cells {} store execution timestamps'.format(path.name, timed)


# --- the lab command in a real browser ---------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.browser
@pytest.mark.slow
def test_lab_command_opens_the_lessons_in_jupyterlab(tmp_path, browser_page):
    port, token = free_port(), 'teachgrad-test'
    settings = tmp_path / 'settings'
    # Autosave off, so that opening a lesson never rewrites it; no news pop-up.
    for plugin, values in {'docmanager-extension/plugin': {'autosave': False},
                           'apputils-extension/notification': {'fetchNews': 'false'}}.items():
        file = settings / '@jupyterlab' / (plugin + '.jupyterlab-settings')
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(values))
    argv = dev.lab_argv(sys.executable, [
        '--no-browser', '--ServerApp.port={}'.format(port),
        '--IdentityProvider.token=' + token,
        '--LabApp.user_settings_dir=' + str(settings),
        '--LabApp.workspaces_dir=' + str(tmp_path / 'workspaces')])
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / 'runtime'),
               JUPYTER_CONFIG_DIR=str(tmp_path / 'config'),
               JUPYTER_DATA_DIR=str(tmp_path / 'data'))
    dev.trust_notebooks(sys.executable, env)      # what `dev.py lab` does first
    with open(tmp_path / 'lab.log', 'wb') as log:
        server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    base = 'http://127.0.0.1:{}'.format(port)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen('{}/api/status?token={}'.format(base, token), timeout=2)
                break
            except OSError:
                assert server.poll() is None, 'JupyterLab exited:\n' + (
                    tmp_path / 'lab.log').read_text(errors='replace')[-3000:]
                assert time.monotonic() < deadline, 'JupyterLab did not answer in 120 s'
                time.sleep(0.5)
        page = browser_page
        page.goto('{}/?token={}'.format(base, token))   # redirects to lessons/01
        page.get_by_role('heading', name='1. Variables: forward, backward and the graph '
                                          'in between').wait_for(timeout=90_000)
        # The stored outputs show, pictures included (the lessons are trusted),
        # and a kernel from this environment starts.
        page.locator('.jp-OutputArea-output').filter(has_text='array([8.], dtype=float32)').first.wait_for()
        page.locator('.jp-RenderedSVG').first.wait_for(timeout=30_000)
        page.locator('.jp-StatusBar-Widget', has_text='Idle').first.wait_for(timeout=90_000)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
