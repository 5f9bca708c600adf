"""The exercises in the lessons work as an nbgrader course.

For every lesson with exercises (cells with nbgrader metadata), nbgrader
itself builds the learner's copy (``generate_assignment``) in a course
directory of its own, then autogrades two submissions: the lesson as stored
(it holds the solutions: full marks) and the learner's copy as handed out
(nothing answered: zero on every exercise). A check that passes an empty
answer fails this test.
"""
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / 'lessons'

nbgrader = pytest.importorskip('nbgrader', reason='nbgrader is in the test extra: '
                               'pip install -e .[test]')


def graded_cells(path):
    """{grade_id: points} of the nbgrader test cells in a notebook."""
    cells = json.loads(path.read_text(encoding='utf-8'))['cells']
    return {c['metadata']['nbgrader']['grade_id']: c['metadata']['nbgrader']['points']
            for c in cells if c['metadata'].get('nbgrader', {}).get('grade')}


def lessons_with_exercises():
    return [p for p in sorted(LESSONS.glob('*.ipynb')) if graded_cells(p)]


def run_nbgrader(course, *args):
    # nbgrader runs the `alembic` command that it installed beside this Python.
    env = dict(os.environ, PATH=os.pathsep.join(
        [str(Path(sys.executable).parent), os.environ.get('PATH', '')]))
    done = subprocess.run([sys.executable, '-m', 'nbgrader', *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, 'nbgrader {} failed:\n{}\n{}'.format(
        ' '.join(args), done.stdout[-3000:], done.stderr[-3000:])
    return done


def test_some_lessons_have_exercises():
    found = lessons_with_exercises()
    assert len(found) >= 4, [p.name for p in found]
    for path in found:
        assert len(graded_cells(path)) >= 3, path.name


# Unix socket paths are capped near 104 bytes (macOS) and carry a '-PORT' suffix.
SOCKET_PATH_ROOM = 80


def kernel_sockets(folder):
    """nbgrader config lines that give this course's kernels Unix sockets of
    their own, or nothing where there are none (Windows).

    Several courses are graded at once. Over TCP each kernel's ports are
    picked free and released again before the kernel binds them, so two
    kernels starting together can pick the same port and one dies at start-up
    ("Kernel died before replying to kernel_info"). Sockets named inside each
    course's own folder cannot collide."""
    if os.name != 'posix':
        return ''
    prefix = str(folder / 'kernel')
    if len(prefix) > SOCKET_PATH_ROOM:
        prefix = os.path.join(tempfile.mkdtemp(prefix='tg', dir='/tmp'), 'kernel')
    return "c.KernelManager.transport = 'ipc'\nc.KernelManager.ip = {!r}\n".format(prefix)


def round_trip(lesson, folder):
    """Build the learners' copy of ``lesson`` with nbgrader in a course under
    ``folder``, autograde it and the stored lesson. Returns the scores
    (``{'solution': {grade_id: score}, 'learner': {...}}``), the learners' copy
    (text and path), and the errors each check showed the learner."""
    from nbgrader.api import Gradebook

    course = folder / 'course'
    name = lesson.stem
    source = course / 'source' / name
    source.mkdir(parents=True)
    shutil.copy(lesson, source / lesson.name)
    db = 'sqlite:///' + str(folder / 'gradebook.db')
    (course / 'nbgrader_config.py').write_text(
        'c = get_config()\n'
        'c.CourseDirectory.root = {!r}\n'
        'c.CourseDirectory.db_url = {!r}\n'
        'c.Execute.timeout = 300\n'
        "c.Exporter.preprocessors = ['teachgrad.exercises.course.UnfoldAnswers']\n"
        .format(str(course), db)
        + kernel_sockets(folder))

    run_nbgrader(course, 'generate_assignment', name, '--force')
    handed_out = course / 'release' / name / lesson.name
    for who, copy in (('solution', lesson), ('learner', handed_out)):
        target = course / 'submitted' / who / name
        target.mkdir(parents=True)
        shutil.copy(copy, target / lesson.name)
    run_nbgrader(course, 'autograde', name)
    scores = {}
    with Gradebook(db) as gb:
        for who in ('solution', 'learner'):
            notebook = gb.find_submission_notebook(name, name, who)
            scores[who] = {g.cell.name: g.score for g in notebook.grades if g.cell.max_score}
    graded = course / 'autograded' / 'learner' / name / lesson.name
    feedback = {}
    for cell in json.loads(graded.read_text(encoding='utf-8'))['cells']:
        meta = cell['metadata'].get('nbgrader', {})
        if meta.get('grade'):
            feedback[meta['grade_id']] = [out.get('evalue', '') for out in cell['outputs']
                                          if out['output_type'] == 'error']
    return scores, handed_out.read_text(encoding='utf-8'), handed_out, feedback


@pytest.fixture(scope='module')
def round_trips(tmp_path_factory):
    """Every lesson's round trip, run side by side (each one mostly waits for its
    kernels), each in a directory of its own."""
    lessons = lessons_with_exercises()
    folders = {lesson: tmp_path_factory.mktemp(lesson.stem) for lesson in lessons}
    results = {}
    # Without Unix sockets, kernels starting together can race for TCP ports.
    workers = 4 if os.name == 'posix' else 1
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(round_trip, lesson, folders[lesson]): lesson for lesson in lessons}
        for future in concurrent.futures.as_completed(futures):
            try:
                results[futures[future]] = future.result()
            except BaseException as e:     # reported by the lesson's own test
                results[futures[future]] = e
    return results


@pytest.mark.slow
@pytest.mark.parametrize('lesson', lessons_with_exercises(), ids=lambda p: p.stem)
def test_nbgrader_round_trip(lesson, round_trips):
    result = round_trips[lesson]
    if isinstance(result, BaseException):
        raise result
    scores, student_text, handed_out, feedback = result
    assert '### BEGIN SOLUTION' not in student_text
    assert 'raise NotImplementedError()' in student_text
    assert graded_cells(handed_out) == graded_cells(lesson)
    # the learners' answer cells are handed out unfolded
    answers = [c for c in json.loads(student_text)['cells']
               if c['metadata'].get('nbgrader', {}).get('solution')]
    assert answers and not any('jupyter' in c['metadata'] for c in answers)
    points = graded_cells(lesson)
    assert scores['solution'] == points, 'the stored solutions lose points'
    assert scores['learner'] == {k: 0 for k in points}, (
        'an unanswered exercise scored: {}'.format(
            {k: v for k, v in scores['learner'].items() if v}))
    # ... and each check told the learner why, rather than failing on a NameError
    unclear = {k: v for k, v in feedback.items()
               if len(v) != 1 or 'not answered yet' not in v[0]}
    assert not unclear, 'checks that do not say "not answered yet": {}'.format(unclear)
