"""A linear-chain conditional random field (CRF): the loss of a labelling of
a whole sequence, and the best labelling (Viterbi).

A labelling ``y_0 .. y_T-1`` of a sequence scores
``sum_t xs[t][y_t] + sum_t cost[y_t-1, y_t]``: how well each label fits its
step, plus how well each label follows the one before. The loss is
``log Z - score(ys)``, where ``log Z`` is the logsumexp of the scores of
all labellings, summed step by step (the forward algorithm).

Sequences of different lengths go in together sorted longest first: step
``t`` holds ``xs[t]`` of shape (batch_t, n_label) with
``batch_0 >= batch_1 >= ...``; :func:`teachgrad.functions.transpose_sequence`
makes that form from a list of sequences.

Both are written with logsumexp, max, indexing, split and concat, so the
gradients (and their gradients) come from those.

>>> import numpy as np
>>> cost = np.zeros((2, 2), 'f')
>>> xs = [np.array([[0., 0.]], 'f')] * 3       # 3 steps, nothing preferred
>>> round(float(crf1d(cost, xs, [np.array([0])] * 3).data), 4)   # log 2**3
2.0794
"""
from teachgrad import backend
from teachgrad.functions.array import concat, expand_dims, get_item, split_axis
from teachgrad.functions.math import logsumexp
from teachgrad.functions.reduction import max as _max, sum as _sum
from teachgrad.variable import Variable, as_variable


def _check(name, cost, xs, ys=None):
    if len(cost.shape) != 2 or cost.shape[0] != cost.shape[1]:
        raise ValueError('{}: cost must be a square (n_label, n_label) matrix of transition '
                         'scores, but has shape {}'.format(name, cost.shape))
    if not isinstance(xs, (list, tuple)) or not xs:
        raise TypeError('{}: xs must be a non-empty list with one (batch, n_label) array '
                        'per time step, but got {}'.format(name, type(xs).__name__))
    n_label = cost.shape[0]
    for t, x in enumerate(xs):
        if len(x.shape) != 2 or x.shape[1] != n_label:
            raise ValueError('{}: xs[{}] has shape {} but cost has shape {}, so each step '
                             'needs shape (batch, {})'.format(name, t, x.shape, cost.shape,
                                                              n_label))
        if t and x.shape[0] > xs[t - 1].shape[0]:
            raise ValueError(
                '{}: xs[{}] has a batch of {} but xs[{}] only {}; sort the sequences longest '
                'first (the batch may only shrink from step to step), e.g. with '
                'F.transpose_sequence'.format(name, t, x.shape[0], t - 1, xs[t - 1].shape[0]))
    if ys is None:
        return
    if not isinstance(ys, (list, tuple)) or len(ys) != len(xs):
        raise ValueError('{}: ys must be a list of labels with one entry per step of xs '
                         '({} steps), but got {}'.format(
                             name, len(xs), len(ys) if isinstance(ys, (list, tuple))
                             else type(ys).__name__))
    for t, (x, y) in enumerate(zip(xs, ys)):
        if y.shape != (x.shape[0],) or y.dtype.kind not in 'iu':
            raise ValueError('{}: ys[{}] must hold {} integer labels, shape ({},), but is '
                             '{} {}'.format(name, t, x.shape[0], x.shape[0], y.dtype, y.shape))
        if y.size and (int(y.min()) < 0 or int(y.max()) >= n_label):
            raise ValueError('{}: ys[{}] has labels outside [0, {}): {}'.format(
                name, t, n_label, y))


def _array(y):
    return y.data if isinstance(y, Variable) else y


def crf1d(cost, xs, ys, reduce='mean'):
    """The negative log-likelihood of the labellings ``ys`` under a linear-chain
    CRF.

    Args:
        cost: transition scores, (n_label, n_label): ``cost[i, j]`` is added
            when label j follows label i.
        xs: a list, one (batch_t, n_label) array of label scores per step,
            sorted longest sequence first.
        ys: a list, one (batch_t,) integer array of true labels per step.
        reduce: 'mean' (the sum over sequences divided by ``batch_0``) or
            'no' (one loss per sequence).

    >>> import numpy as np
    >>> cost = np.array([[0., -10.], [-10., 0.]])    # changing label costs a lot
    >>> xs = [np.array([[2., 0.]]), np.array([[0., 1.]])]
    >>> round(float(crf1d(cost, xs, [np.array([0]), np.array([0])]).data), 4)
    0.3134
    """
    if reduce not in ('mean', 'no'):
        raise ValueError("crf1d: reduce must be 'mean' or 'no', but got {!r}".format(reduce))
    ys = [_array(y) for y in ys]
    _check('crf1d', cost, xs, ys)
    xp = backend.get_array_module(ys[0])
    # log Z: alpha[b, j] is the logsumexp of all labellings so far that end in j.
    alpha = as_variable(xs[0])
    finished = []
    for x in xs[1:]:
        batch = x.shape[0]
        if alpha.shape[0] > batch:
            alpha, rest = split_axis(alpha, [batch], axis=0)
            finished.append(rest)
        alpha = logsumexp(expand_dims(alpha, 2) + cost, axis=1) + x
    if finished:
        alpha = concat([alpha] + finished[::-1], axis=0)
    logz = logsumexp(alpha, axis=1)
    # The score of the given labelling, sequence by sequence.
    score = get_item(xs[0], (xp.arange(len(ys[0])), ys[0]))
    finished = []
    for x, y, y_prev in zip(xs[1:], ys[1:], ys[:-1]):
        batch = x.shape[0]
        if score.shape[0] > batch:
            score, rest = split_axis(score, [batch], axis=0)
            finished.append(rest)
        score = score + get_item(x, (xp.arange(batch), y)) + get_item(
            cost, (y_prev[:batch], y))
    if finished:
        score = concat([score] + finished[::-1], axis=0)
    loss = logz - score
    if reduce == 'mean':
        return _sum(loss) / xs[0].shape[0]
    return loss


def argmax_crf1d(cost, xs):
    """The best labelling of each sequence under a linear-chain CRF (the
    Viterbi algorithm), and its score.

    Returns:
        ``(score, path)``: ``score`` a Variable of shape (batch_0,), the score
        of the best labelling of each sequence; ``path`` a list with one int32
        array of labels per step, shaped like ``xs[t].shape[:1]``.

    The path has no gradient; the score has, through max.

    >>> import numpy as np
    >>> cost = np.array([[0., -10.], [-10., 0.]])
    >>> xs = [np.array([[2., 0.]]), np.array([[0., 1.]])]
    >>> score, path = argmax_crf1d(cost, xs)
    >>> score.data, [p.tolist() for p in path]
    (array([2.]), [[0], [0]])
    """
    _check('argmax_crf1d', cost, xs)
    alpha = as_variable(xs[0])
    xp = backend.get_array_module(alpha.data)
    finished, best_prev = [], []
    for x in xs[1:]:
        batch = x.shape[0]
        if alpha.shape[0] > batch:
            alpha, rest = split_axis(alpha, [batch], axis=0)
            finished.append(rest)
        else:
            finished.append(None)
        scores = expand_dims(alpha, 2) + cost          # (batch, from, to)
        best_prev.append(xp.argmax(scores.data, axis=1))
        alpha = _max(scores, axis=1) + x
    # Walk back from the best last label of each sequence.
    labels = xp.argmax(alpha.data, axis=1)
    path = [labels]
    for prev, rest in zip(best_prev[::-1], finished[::-1]):
        labels = prev[xp.arange(len(labels)), labels]
        if rest is not None:
            labels = xp.concatenate([labels, xp.argmax(rest.data, axis=1)])
        path.append(labels)
    path = [p.astype(xp.int32) for p in path[::-1]]
    score = _max(alpha, axis=1)
    ends = [_max(rest, axis=1) for rest in finished[::-1] if rest is not None]
    if ends:
        score = concat([score] + ends, axis=0)
    return score, path
