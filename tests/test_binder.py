"""Binder builds what the lessons need: the project itself, on the pinned Python.

`repo2docker --no-build` prints the Dockerfile that Binder would build, without
Docker and without network, so these tests read the real build recipe.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / 'binder'

try:
    import repo2docker  # NOQA
except ImportError as exc:  # pragma: no cover - depends on the environment
    pytest.skip('repo2docker is not installed ({}); it comes with '
                '`pip install jupyter-repo2docker`'.format(exc), allow_module_level=True)


def pinned_python():
    """'3.11' from binder/runtime.txt's 'python-3.11'."""
    match = re.fullmatch(r'python-(\d+\.\d+)', (BINDER / 'runtime.txt').read_text().strip())
    assert match, "binder/runtime.txt must pin Python as 'python-X.Y'"
    return match.group(1)


@pytest.fixture(scope='module')
def build(tmp_path_factory):
    """repo2docker's Dockerfile for this repository, and what it logged."""
    done = subprocess.run(
        [sys.executable, '-m', 'repo2docker', '--no-build', '--user-id', '1000',
         '--user-name', 'jovyan', str(ROOT)],
        cwd=tmp_path_factory.mktemp('r2d'), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    # repo2docker escapes the names of the files it copies ('.' -> '-2e').
    # Undo that for '.', '-' and '/' (the escaped names also end in a hash).
    dockerfile = re.sub(r'-(2[def])', lambda m: chr(int(m.group(1), 16)), done.stdout)
    return dockerfile, done.stderr


def line_index(lines, pattern):
    hits = [i for i, line in enumerate(lines) if re.search(pattern, line)]
    assert hits, 'no line of the Dockerfile matches {!r}'.format(pattern)
    return hits[0]


def test_binder_builds_the_pinned_python(build):
    dockerfile, log = build
    version = pinned_python()
    assert 'Building conda environment for python={}\n'.format(version) in log
    assert 'environment.py-{}-linux-64.lock'.format(version) in dockerfile
    # One environment for the Jupyter server and the kernel, so the widgets'
    # JupyterLab extension sits beside the ipywidgets that the kernel imports.
    assert 'ENV KERNEL_PYTHON_PREFIX=${NB_PYTHON_PREFIX}' in dockerfile


def test_binder_installs_the_project_from_the_repository(build):
    lines = build[0].splitlines()
    workdir = line_index(lines, r'^WORKDIR \$\{REPO_DIR\}$')
    copy_repo = line_index(lines, r'^COPY .*\bsrc/ \$\{REPO_DIR\}/$')
    pip = line_index(lines, r'^RUN \$\{KERNEL_PYTHON_PREFIX\}/bin/pip install '
                            r'.*-r "binder/requirements\.txt"$')
    # pip resolves "-e ." against its working directory: the repository, which
    # must already be copied in when the requirements are installed.
    assert workdir < copy_repo < pip
    post_build = line_index(lines, r'^RUN \./binder/postBuild$')
    assert pip < post_build


def test_binder_requirements_install_the_lessons_extra():
    lines = [line.strip() for line in (BINDER / 'requirements.txt').read_text().splitlines()]
    editable = [line for line in lines if line.startswith('-e ')]
    assert len(editable) == 1, 'binder/requirements.txt must install the project once, editable'
    match = re.fullmatch(r'-e \.\[([\w,]+)\]', editable[0])
    assert match and 'lessons' in match.group(1).split(',')
    from importlib.metadata import requires
    extras = [r.split(';')[0] for r in requires('teachgrad') if 'extra == "lessons"' in r]
    assert any('viz' in e and 'widgets' in e for e in extras), extras
    assert any(e.startswith('jupyterlab') for e in extras), extras


def test_post_build_trusts_the_lessons_and_docs_so_pictures_show_at_once(tmp_path):
    import nbformat
    from nbformat.sign import NotebookNotary
    lessons = sorted((ROOT / 'lessons').glob('*.ipynb')) + sorted((ROOT / 'docs').glob('*.ipynb'))
    assert len(lessons) > 6
    shutil.copytree(ROOT / 'lessons', tmp_path / 'lessons')
    shutil.copytree(ROOT / 'docs', tmp_path / 'docs')
    data = tmp_path / 'jupyter-data'
    env = dict(os.environ, JUPYTER_DATA_DIR=str(data),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ['PATH']]))
    done = subprocess.run([str(BINDER / 'postBuild')], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    notary = NotebookNotary(data_dir=str(data))
    for path in lessons:
        nb = nbformat.read(tmp_path / path.relative_to(ROOT), as_version=4)
        assert notary.check_signature(nb), path.name + ' is not trusted after postBuild'
