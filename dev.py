#!/usr/bin/env python3
"""teachgrad's developer commands, in one file that needs only Python >= 3.10.

    python3 dev.py lab [ARGS]     open lessons/ and docs/ in JupyterLab (ARGS go to jupyter lab)
    python3 dev.py test           run the complete test suite
    python3 dev.py test ARGS      run only `pytest ARGS` (e.g. tests/test_variable.py -x)
    python3 dev.py regen [NB...]  re-run the lessons and store their outputs
    python3 dev.py bench [ARGS]   run the benchmarks in benchmarks/

Every command first makes sure that ``.venv`` (next to this file) holds
``pip install -e .[test]``. It installs again only when pyproject.toml has
changed since the last install: a stamp file in .venv remembers which
pyproject.toml it installed.

The complete suite is a few pytest runs, each of which must run at least one
test: ``pytest tests`` (unit tests, and the browser tests, marker ``browser``,
which drive Debian's chromium at /usr/bin/chromium through Playwright), the
unit tests again with ``TEACHGRAD_FAST=0`` (the speed paths off), then
``pytest --nbval --nbval-current-env`` on the notebooks git tracks in lessons/
and docs/ (every one re-run and its outputs compared with the stored ones,
numbers within 1e-4 by teachgrad.notebook_check). When chromium is missing, root
installs it with apt-get; anyone else gets the browser tests skipped, with the
reason printed.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / '.venv'
BIN = VENV / ('Scripts' if os.name == 'nt' else 'bin')
VENV_PY = BIN / ('python.exe' if os.name == 'nt' else 'python')
STAMP = VENV / 'teachgrad-install.stamp'
EXTRAS = 'test'
LESSONS = ROOT / 'lessons'
CHROMIUM = '/usr/bin/chromium'
# The root conftest.py reads this to explain why browser tests are skipped.
BROWSER_SKIP_ENV = 'TEACHGRAD_BROWSER_SKIP'

# pytest's exit code when it collected nothing: for us that is a failure,
# because a suite that silently runs no test proves nothing.
NO_TESTS_RAN = 5


def say(message):
    print('dev.py: ' + message, flush=True)


def fail(message, code=1):
    say(message)
    sys.exit(code)


# --- set-up -----------------------------------------------------------------

def install_stamp():
    """What the install in .venv must match: this pyproject.toml and the extras."""
    digest = hashlib.sha256((ROOT / 'pyproject.toml').read_bytes()).hexdigest()
    return 'pyproject.toml sha256 {}\nextras {}\n'.format(digest, EXTRAS)


def venv_works():
    if not VENV_PY.exists():
        return False
    probe = subprocess.run([str(VENV_PY), '-c', 'import sys; print(sys.version_info >= (3, 10))'],
                           capture_output=True, text=True)
    return probe.returncode == 0 and probe.stdout.strip() == 'True'


def ensure_venv():
    """Create .venv and install the project into it, unless that is done already."""
    if not venv_works():
        say('creating .venv with {} -m venv'.format(Path(sys.executable).name))
        made = subprocess.run([sys.executable, '-m', 'venv', '--clear', str(VENV)])
        if made.returncode != 0:
            fail('could not create .venv. On Debian/Ubuntu, `apt-get install python3-venv` '
                 'adds the missing venv module; then run this command again.')
        STAMP.unlink(missing_ok=True)
    wanted = install_stamp()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    say('installing teachgrad with its [{}] extra into .venv '
        '(the first time takes a few minutes)'.format(EXTRAS))
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK='1')
    installed = subprocess.run(
        [str(VENV_PY), '-m', 'pip', 'install', '-e', '.[{}]'.format(EXTRAS)],
        cwd=ROOT, env=env)
    if installed.returncode != 0:
        fail('pip could not install the project (see its message above); '
             'fix that and run the command again.')
    STAMP.write_text(wanted)


def is_root():
    return hasattr(os, 'geteuid') and os.geteuid() == 0


def ensure_chromium():
    """Return None when the browser tests can run, else the reason they cannot."""
    if os.path.exists(CHROMIUM):
        return None
    if is_root() and shutil.which('apt-get'):
        say('installing Debian chromium for the browser tests (apt-get)')
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        for cmd in (['apt-get', 'update'], ['apt-get', 'install', '-y', 'chromium']):
            if subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL).returncode != 0:
                break
        if os.path.exists(CHROMIUM):
            return None
        return 'apt-get could not install chromium (see its output above)'
    return ('Debian chromium is not installed at {}; as root, '
            '`apt-get install -y chromium` installs it'.format(CHROMIUM))


# --- commands -----------------------------------------------------------------

def notebooks(folders=('lessons', 'docs')):
    """The notebooks of the project: those git tracks in ``folders``, in order.

    A learner's scratch notebook (File > New makes ``lessons/Untitled.ipynb``)
    is not tracked, so it is neither tested nor trusted. Without git (a
    downloaded archive) every notebook in the folders counts.
    """
    found = []
    for folder in folders:
        listed = None
        if (ROOT / '.git').exists() and shutil.which('git'):
            done = subprocess.run(['git', 'ls-files', '-z', '--', folder + '/*.ipynb'], cwd=ROOT,
                                  capture_output=True, text=True)
            if done.returncode == 0:
                listed = [ROOT / name for name in (done.stdout or '').split('\0') if name]
        if listed is None:
            listed = (ROOT / folder).glob('*.ipynb')
        found.extend(sorted(path for path in listed if path.exists()))
    return found


FIRST_LESSON = 'lessons/01_variable.ipynb'
# Options of `jupyter lab` that name the folder it serves.
ROOT_DIR_OPTIONS = ('--ServerApp.root_dir', '--notebook-dir', '--ServerApp.notebook_dir')
# JupyterLab settings that dev.py gives its own .venv (a learner can still
# change them in Settings): autosave off, so that running a lesson does not
# rewrite its stored outputs unless the learner saves.
LAB_OVERRIDES = {'@jupyterlab/docmanager-extension:plugin': {'autosave': False}}


def _option_name(arg):
    return arg.split('=', 1)[0]


def lab_argv(python, extra_args, cwd=None):
    """The command line that serves the repository (lessons/ and docs/) in JupyterLab.

    The server's root is the repository, and the browser opens the first
    lesson. ``extra_args`` go to ``jupyter lab`` unchanged, except that a
    notebook path is made absolute (it is relative to ``cwd``, the folder the
    command was typed in, while JupyterLab runs in the repository). A root of
    the learner's own (``--ServerApp.root_dir=DIR``, ``--notebook-dir=DIR``)
    replaces the repository; a notebook path opens that notebook instead.
    """
    cwd = Path(cwd or os.getcwd())
    args = []
    files = []
    for arg in extra_args:
        if not arg.startswith('-') and arg.endswith('.ipynb'):
            arg = str((cwd / arg).resolve())
            files.append(arg)
        args.append(arg)
    names = {_option_name(arg) for arg in args}
    argv = [str(python), '-m', 'jupyterlab']
    if '--ServerApp.ip' not in names and '--ip' not in names:
        argv.append('--ServerApp.ip=127.0.0.1')
    own_root = names & set(ROOT_DIR_OPTIONS)
    if not own_root:
        inside = all(Path(f).is_relative_to(ROOT) for f in files)
        if inside:
            argv.append('--ServerApp.root_dir=' + str(ROOT))
        if not files and not names & {'--LabApp.default_url', '--ServerApp.default_url'}:
            argv.append('--LabApp.default_url=/lab/tree/' + FIRST_LESSON)
    if is_root() and '--allow-root' not in names:
        # Jupyter refuses root unless told; containers and CI machines run as root.
        argv.append('--allow-root')
    return argv + args


def trust_notebooks(python, env=None):
    """Sign the lessons and docs for this user, so JupyterLab shows their stored pictures at once.

    JupyterLab shows SVG and HTML outputs of a notebook only once it is trusted
    (run by you, or signed with `jupyter trust`); the lessons' pictures are SVG.
    """
    paths = [str(p) for p in notebooks()]
    if paths:
        subprocess.run([str(python), '-m', 'jupyter', 'trust', *paths], env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


def write_lab_overrides(prefix=VENV):
    """Give the JupyterLab in ``prefix`` (our .venv) the settings in LAB_OVERRIDES."""
    path = Path(prefix) / 'share' / 'jupyter' / 'lab' / 'settings' / 'overrides.json'
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        current = json.loads(path.read_text())
    except (OSError, ValueError):
        current = {}
    for plugin, values in LAB_OVERRIDES.items():
        current.setdefault(plugin, {}).update(values)
    path.write_text(json.dumps(current, indent=2) + '\n')


def cmd_lab(args):
    ensure_venv()
    trust_notebooks(VENV_PY)
    write_lab_overrides()
    argv = lab_argv(VENV_PY, args)
    say('serving lessons/ and docs/ (autosave is off: File > Save keeps your changes; '
        '`git checkout lessons docs` brings back the stored notebooks)')
    os.chdir(ROOT)
    if os.name == 'nt':
        sys.exit(subprocess.run(argv).returncode)
    os.execv(argv[0], argv)


def suite_steps():
    """The parts of the complete suite: (title, pytest arguments[, extra environment]).

    nbval gets the tracked notebooks by name, so a scratch notebook in
    lessons/ is never collected.
    """
    def rel(paths):
        return [p.relative_to(ROOT).as_posix() for p in paths]
    return [
        ('unit and browser tests', ['tests']),
        # The speed paths (teachgrad/_fast.py) switched off: the plain code alone
        # must pass the same tests, which shows that both compute the same.
        ('unit tests with the speed paths off (TEACHGRAD_FAST=0)',
         ['tests', '-q', '-m', 'not browser'], {'TEACHGRAD_FAST': '0'}),
        ('lessons, re-run and compared with their stored outputs (nbval)',
         ['--nbval', '--nbval-current-env', *rel(notebooks(['lessons']))]),
        ('the picture gallery and stepper demos in docs/ (nbval)',
         ['--nbval', '--nbval-current-env', *rel(notebooks(['docs']))]),
    ]


def step_verdict(returncode):
    """'passed', or why a pytest run counts as failed."""
    if returncode == 0:
        return 'passed'
    if returncode == NO_TESTS_RAN:
        return 'FAILED: no tests ran'
    return 'FAILED (pytest exit code {})'.format(returncode)


def cmd_test(args):
    ensure_venv()
    env = dict(os.environ)
    reason = ensure_chromium()
    if reason:
        say('browser tests will be skipped: ' + reason)
        env[BROWSER_SKIP_ENV] = reason
    if args:
        code = subprocess.run([str(VENV_PY), '-m', 'pytest', *args], cwd=ROOT, env=env).returncode
        sys.exit(code)
    results = []
    for title, pytest_args, *extra in suite_steps():
        say('running {}: pytest {}'.format(title, ' '.join(pytest_args)))
        code = subprocess.run([str(VENV_PY), '-m', 'pytest', *pytest_args],
                              cwd=ROOT, env=dict(env, **(extra[0] if extra else {}))).returncode
        results.append((title, step_verdict(code)))
    print()
    for title, verdict in results:
        say('{}: {}'.format(title, verdict))
    if reason:
        say('browser tests were skipped: ' + reason)
    if any(verdict != 'passed' for _, verdict in results):
        sys.exit(1)
    say('all tests passed')


def cmd_regen(args):
    ensure_venv()
    code = subprocess.run([str(VENV_PY), str(Path(__file__).resolve()), '_regen', *args],
                          cwd=ROOT).returncode
    sys.exit(code)


def cmd_bench(args):
    ensure_venv()
    scripts = sorted(p for p in (ROOT / 'benchmarks').glob('*.py') if not p.name.startswith('_'))
    if not scripts:
        fail('no benchmark scripts in benchmarks/')
    code = 0
    for script in scripts:
        say('running ' + script.relative_to(ROOT).as_posix())
        code = subprocess.run([str(VENV_PY), str(script), *args], cwd=ROOT).returncode or code
    sys.exit(code)


# --- regenerating the lessons' stored outputs (runs inside .venv) --------------

WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json'
WIDGET_STATE = 'application/vnd.jupyter.widget-state+json'


def widget_ids_made_stable(text, nb):
    """Replace the random ids of widget models with ids in order of appearance.

    Widget ids are uuid4s, so every run would change the stored notebook (nbval
    ignores them anyway). The ids appear in the outputs and in the widget state
    stored in the notebook's metadata, where models also name each other
    (``IPY_MODEL_<id>``); all of them are renamed alike in the notebook's text.
    """
    ids = []
    for cell in nb.cells:
        for output in cell.get('outputs', []):
            view = output.get('data', {}).get(WIDGET_VIEW)
            if view and 'model_id' in view:
                ids.append(view['model_id'])
    state = nb.metadata.get('widgets', {}).get(WIDGET_STATE, {}).get('state', {})
    ids.extend(state)
    renamed = {}
    for model_id in ids:
        if model_id not in renamed:
            renamed[model_id] = '{:032x}'.format(len(renamed) + 1)
    # Two passes, so that a new id never meets an old one that looks alike.
    for i, model_id in enumerate(renamed):
        text = text.replace(model_id, '@@widget{}@@'.format(i))
    for i, new_id in enumerate(renamed.values()):
        text = text.replace('@@widget{}@@'.format(i), new_id)
    return text


def widget_state_pruned(nb):
    """Keep in the stored widget state only the models that an output shows.

    The kernel also holds models that no output displays any more (widgets
    made and replaced while the notebook ran); JupyterLab needs only those
    reachable from a displayed view, following the ``IPY_MODEL_`` references.
    """
    store = nb.metadata.get('widgets', {}).get(WIDGET_STATE)
    if not store:
        return nb
    state = store['state']
    todo = [output['data'][WIDGET_VIEW]['model_id']
            for cell in nb.cells for output in cell.get('outputs', [])
            if WIDGET_VIEW in output.get('data', {})]
    keep = set()
    while todo:
        model_id = todo.pop()
        if model_id in keep or model_id not in state:
            continue
        keep.add(model_id)
        todo.extend(re.findall(r'IPY_MODEL_([0-9a-f]{32})', json.dumps(state[model_id])))
    store['state'] = {k: v for k, v in state.items() if k in keep}
    if not store['state']:
        del nb.metadata['widgets']
    return nb


def streams_coalesced(nb):
    """One output for each run of stdout (or stderr) text in a cell: where the
    kernel cut a printout into messages depends on timing, and a different cut
    would show up as a change of the stored notebook."""
    for cell in nb.cells:
        merged = []
        for out in cell.get('outputs', []):
            if (out.get('output_type') == 'stream' and merged
                    and merged[-1].get('output_type') == 'stream'
                    and merged[-1]['name'] == out['name']):
                merged[-1]['text'] += out['text']
            else:
                merged.append(out)
        if 'outputs' in cell:
            cell.outputs = merged
    return nb


def outputs_digest(nb):
    """sha256 of a notebook's outputs, which regen stores in its metadata.

    The test suite recomputes it: outputs that changed without regen (say, a
    lesson run and saved in JupyterLab) are reported by name instead of
    turning into a puzzling nbval failure or a silent change.
    """
    def joined(value):
        # A file stores long strings as lists of lines; in memory they are one string.
        if isinstance(value, list):
            if value and all(isinstance(v, str) for v in value):
                return ''.join(value)
            return [joined(v) for v in value]
        if isinstance(value, dict):
            return {k: joined(v) for k, v in value.items()}
        return value
    outputs = [joined(cell.get('outputs', [])) for cell in nb['cells']
               if cell['cell_type'] == 'code']
    text = json.dumps(outputs, sort_keys=True, separators=(',', ':'), ensure_ascii=True)
    return hashlib.sha256(text.encode('ascii')).hexdigest()


def machine_details(text):
    """Paths of this machine found in a stored notebook (they must not be committed)."""
    found = []
    for path in {str(ROOT), str(Path.home())}:
        if len(path) > 1 and path + os.sep in text:
            found.append(path)
    return found


def regen_inside(names):
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

    paths = [Path(n).resolve() for n in names] or notebooks()
    if not paths:
        fail('no notebooks in lessons/')
    problems = []
    for path in paths:
        say('running ' + path.relative_to(ROOT).as_posix())
        nb = nbformat.read(path, as_version=4)
        # The same kernel as `pytest --nbval --nbval-current-env`: this Python.
        km = KernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME,
                           kernel_spec_manager=NbvalKernelspecManager())
        client = NotebookClient(nb, km=km, timeout=600, record_timing=False,
                                # The widgets' state goes into the notebook, so that
                                # JupyterLab shows them before anything runs.
                                store_widget_state=True,
                                resources={'metadata': {'path': str(path.parent)}})
        try:
            client.execute()
        finally:
            # nbclient leaves a kernel it did not start running; stop it here.
            if km.has_kernel:
                km.shutdown_kernel(now=True)
        nb.metadata['kernelspec'] = {'display_name': 'Python 3 (ipykernel)',
                                     'language': 'python', 'name': 'python3'}
        widget_state_pruned(nb)
        streams_coalesced(nb)
        nb = nbformat.reads(widget_ids_made_stable(nbformat.writes(nb), nb), as_version=4)
        nb.metadata['teachgrad'] = {'outputs_sha256': outputs_digest(nb)}
        text = nbformat.writes(nb)
        leaked = machine_details(text)
        if leaked:
            problems.append('{}: outputs show paths of this machine ({}); print paths '
                            'relative to lessons/ instead'.format(path.name, ', '.join(leaked)))
        path.write_text(text, encoding='utf-8')
    for problem in problems:
        say(problem)
    sys.exit(1 if problems else 0)


COMMANDS = {'lab': cmd_lab, 'test': cmd_test, 'regen': cmd_regen, 'bench': cmd_bench,
            '_regen': regen_inside}


def main(argv):
    if sys.version_info < (3, 10):
        fail('teachgrad needs Python 3.10 or newer; this is {}.{}'.format(*sys.version_info[:2]))
    if not argv or argv[0] in ('-h', '--help'):
        print(__doc__)
        sys.exit(0 if argv else 2)
    if argv[0] not in COMMANDS:
        fail('unknown command {!r}; run `python3 dev.py --help` for the list'.format(argv[0]), 2)
    COMMANDS[argv[0]](argv[1:])


if __name__ == '__main__':
    main(sys.argv[1:])
