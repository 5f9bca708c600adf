"""L.Classifier: loss and accuracy, reported under the observer's name."""
import numpy as np
import pytest

import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import reporter as reporter_module


def make():
    W = np.array([[1, 0], [0, 1], [-1, -1]], dtype=np.float32)
    return L.Classifier(L.Linear(2, 3, initialW=W))


X = np.array([[2, 0], [0, 2], [-1, -1], [3, 0]], dtype=np.float32)
T = np.array([0, 1, 2, 1], dtype=np.int32)


def test_defaults_are_softmax_cross_entropy_and_accuracy():
    clf = make()
    assert clf.lossfun is F.softmax_cross_entropy and clf.accfun is F.accuracy
    assert clf.predictor.name == 'predictor'
    assert [p for p, _ in clf.namedparams()] == ['/predictor/W', '/predictor/b']


def test_loss_accuracy_and_report():
    clf = make()
    rep = reporter_module.Reporter()
    rep.add_observer('main', clf)
    observation = {}
    with rep.scope(observation):
        loss = clf(X, T)
    y = X @ clf.predictor.W.data.T
    expected = F.softmax_cross_entropy(y, T).data
    np.testing.assert_allclose(loss.data, expected, rtol=1e-6)
    assert float(clf.accuracy.data) == 0.75          # the last example is misclassified
    assert clf.loss is loss and clf.y.shape == (4, 3)
    assert sorted(observation) == ['main/accuracy', 'main/loss']
    np.testing.assert_allclose(float(observation['main/loss'].data), float(expected), rtol=1e-6)
    assert float(observation['main/accuracy'].data) == 0.75
    loss.backward()
    assert clf.predictor.W.grad.shape == (3, 2)


def test_without_reporter_nothing_breaks_and_compute_accuracy_off():
    clf = make()
    clf.compute_accuracy = False
    clf(X, T)
    assert clf.accuracy is None


def test_label_key():
    clf = L.Classifier(make().predictor, label_key='t')
    loss = clf(X, t=T)
    assert loss.shape == ()
    with pytest.raises(ValueError, match="'t'"):
        clf(X, T)
    with pytest.raises(TypeError):
        L.Classifier(make().predictor, label_key=1.5)
    first = L.Classifier(make().predictor, label_key=0)
    custom = L.Classifier(make().predictor, lossfun=lambda y, t: F.sum(y),
                          accfun=lambda y, t: F.sum(y) * 0)
    assert float(custom(X, T).data) == pytest.approx(float((X @ custom.predictor.W.data.T).sum()))
    with pytest.raises(ValueError, match='positional'):
        first()
