"""One graph walk: backward, the pictures, the steppers and unchain_backward
all visit the functions of a graph in the same documented order."""
import numpy as np

from teachgrad import Variable
from teachgrad.backprop import backward_steps, walk
from teachgrad.viz.graph import build_scene
from teachgrad.widgets import _graph


def f32(*values):
    return np.array(values, dtype=np.float32)


def diamond():
    # Two functions of equal rank, written in the opposite order to the one
    # in which the output reads them.
    x = Variable(f32(1.), name='x')
    a = x * 2
    b = x * 3
    return x, a, b, b + a


def test_forward_order_is_rank_then_the_order_forward_ran():
    x, a, b, y = diamond()
    assert [f.label for f in walk([y.node])] == ['* 2', '* 3', '+']
    assert [f.label for f in walk([y.node], backward=True)] == ['+', '* 2', '* 3']


def test_pictures_steppers_and_backward_agree():
    x, a, b, y = diamond()
    expected = [f.label for f in walk([y.node])]
    scene = build_scene([y])
    pictured = [box.node.label for box in scene.boxes if box.kind == 'function']
    stepped = [f.label for f in _graph.walk(y)[0]]
    backward = [step.function.label for step in backward_steps(y)]
    assert pictured == stepped == expected
    assert backward == ['+', '* 2', '* 3']
    assert x.grad[0] == 5.


def test_ranks_come_before_forward_order():
    # c ran after b but has a lower rank, so it comes before b forwards.
    x = Variable(f32(1.))
    a = x * 2       # rank 0
    b = a * 3       # rank 1
    c = x * 4       # rank 0, ran last
    y = b + c
    labels = [f.label for f in walk([y.node])]
    assert labels == ['* 2', '* 4', '* 3', '+']
    assert [s.function.label for s in backward_steps(y)] == ['+', '* 3', '* 2', '* 4']
    assert x.grad[0] == 10.


def test_unchain_backward_cuts_every_function_the_walk_finds():
    x, a, b, y = diamond()
    functions = walk([y.node])
    y.unchain_backward()
    assert y.creator is None and a.creator is None and b.creator is None
    assert walk([y.node]) == [] and len(functions) == 3
