"""The output layers of word2vec: negative sampling (and its WalkerAlias
sampler) and the binary hierarchical softmax, against numpy and numerical
gradients."""
import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad.functions.negative_sampling import WalkerAlias
from teachgrad.gradient_check import check_backward


def sig(v):
    return 1 / (1 + np.exp(-v))


def test_walker_alias_draws_with_the_given_probabilities():
    np.random.seed(0)
    probs = np.array([1., 2., 3., 4., 0.])
    draws = WalkerAlias(probs).sample((200000,))
    assert draws.dtype == np.int32 and draws.min() >= 0 and draws.max() <= 3
    freq = np.bincount(draws, minlength=5) / draws.size
    np.testing.assert_allclose(freq, probs / probs.sum(), atol=0.005)
    assert (WalkerAlias([0, 0, 7]).sample((3, 4)) == 2).all()
    with pytest.raises(ValueError, match='non-negative'):
        WalkerAlias([1, -1])


class FixedSampler:
    def __init__(self, table):
        self.table = np.asarray(table, np.int32)

    def __call__(self, shape):
        assert shape == self.table.shape
        return self.table.copy()


def ns_ref(x, t, W, samples):
    loss = np.zeros(len(x))
    for i in range(len(x)):
        if t[i] == -1:
            continue
        loss[i] = np.log1p(np.exp(-W[t[i]] @ x[i]))
        for k in samples[i, 1:]:
            loss[i] += np.log1p(np.exp(W[k] @ x[i]))
    return loss


def test_negative_sampling_by_hand_and_ignore_label():
    rng = np.random.RandomState(1)
    x, W = rng.randn(3, 4), rng.randn(6, 4)
    t = np.array([2, -1, 5], np.int32)
    table = np.array([[9, 1, 1], [9, 0, 3], [9, 4, 2]])
    loss = F.negative_sampling(x, t, W, FixedSampler(table), 2, reduce='no')
    np.testing.assert_allclose(loss.data, ns_ref(x, t, W, table), rtol=1e-12)
    assert loss.data[1] == 0
    total = F.negative_sampling(x, t, W, FixedSampler(table), 2)
    np.testing.assert_allclose(total.data, ns_ref(x, t, W, table).sum(), rtol=1e-12)
    for reduce, gy in (('sum', None), ('no', rng.randn(3))):
        check_backward(lambda x, W: F.negative_sampling(x, t, W, FixedSampler(table), 2,
                                                         reduce=reduce), (x, W), gy)
    with pytest.raises(ValueError, match="'sum' or 'no'"):
        F.negative_sampling(x, t, W, FixedSampler(table), 2, reduce='mean')
    with pytest.raises(ValueError, match=r'W \(vocabulary, features\)'):
        F.negative_sampling(x, t, W[:, :3], FixedSampler(table), 2)


def test_negative_sampling_link():
    np.random.seed(2)
    ns = L.NegativeSampling(3, [10, 1, 1, 5], 4)
    assert [p for p, _ in ns.namedparams()] == ['/W'] and (ns.W.data == 0).all()
    assert ns.W.dtype == np.float32
    x = np.random.randn(5, 3).astype(np.float32)
    t = np.array([0, 1, 2, 3, 0], np.int32)
    loss, samples = ns(x, t, return_samples=True)
    assert loss.dtype == np.float32 and samples.shape == (5, 5)
    assert (samples[:, 0] == t).all()
    np.testing.assert_allclose(loss.data, 5 * 5 * np.log(2), rtol=1e-6)
    loss.backward()
    assert ns.W.grad.shape == (4, 3) and np.abs(ns.W.grad).sum() > 0


def test_huffman_tree_matches_the_known_example():
    tree = L.BinaryHierarchicalSoftmax.create_huffman_tree({0: 8, 1: 5, 2: 6, 3: 4})
    assert tree == ((3, 1), (2, 0))
    with pytest.raises(ValueError, match='empty'):
        L.BinaryHierarchicalSoftmax.create_huffman_tree({})


def test_hierarchical_softmax_by_hand_and_probabilities_sum_to_one():
    np.random.seed(3)
    tree = ((0, 1), (2, (3, 4)))       # inner nodes: 0 root, 1 (0,1), 2 (2,(3,4)), 3 (3,4)
    hsm = L.BinaryHierarchicalSoftmax(3, tree)
    assert hsm.W.shape == (4, 3) and hsm.W.dtype == np.float32
    assert np.abs(hsm.W.data).max() <= 1
    W = hsm.W.data.astype(np.float64)
    x = np.random.randn(1, 3)
    # word 3: root right (-), node 2 right (-), node 3 left (+)
    expected = -(np.log(sig(-W[0] @ x[0])) + np.log(sig(-W[2] @ x[0])) + np.log(sig(W[3] @ x[0])))
    hsm.W.data = W
    got = hsm(x, np.array([3], np.int32))
    np.testing.assert_allclose(got.data, expected, rtol=1e-12)
    # the leaves' probabilities add up to 1
    total = sum(np.exp(-hsm(x, np.array([w], np.int32)).data) for w in range(5))
    np.testing.assert_allclose(total, 1.0, rtol=1e-12)


def test_hierarchical_softmax_backward_and_errors():
    np.random.seed(4)
    hsm = L.BinaryHierarchicalSoftmax(3, ((0, 1), (2, (3, 4))))
    hsm.W.data = hsm.W.data.astype(np.float64)
    t = np.array([3, 0, 4, 3], np.int32)
    check_backward(lambda x: hsm(x, t), np.random.randn(4, 3), None, params=(hsm.W,))
    with pytest.raises(ValueError, match=r'word ids must be in \[0, 5\)'):
        hsm(np.zeros((1, 3)), np.array([5], np.int32))


def test_word2vec_style_training_lowers_the_loss(tmp_path):
    np.random.seed(5)
    counts = {0: 30, 1: 10, 2: 5, 3: 5}
    hsm = L.BinaryHierarchicalSoftmax(4, L.BinaryHierarchicalSoftmax.create_huffman_tree(counts))
    embed = L.EmbedID(4, 4)
    model = teachgrad.Chain()
    with model.init_scope():
        model.embed, model.out = embed, hsm
    opt = teachgrad.optimizers.Adam(0.05).setup(model)
    ctx = np.array([1, 2, 3, 0], np.int32)
    tgt = np.array([0, 1, 2, 3], np.int32)
    first = float(hsm(embed(ctx), tgt).data)
    for _ in range(50):
        opt.update(lambda: hsm(embed(ctx), tgt))
    assert float(hsm(embed(ctx), tgt).data) < first * 0.5
    teachgrad.serializers.save_npz(str(tmp_path / 'w.npz'), model)
    other = teachgrad.Chain()
    with other.init_scope():
        other.embed = L.EmbedID(4, 4)
        other.out = L.BinaryHierarchicalSoftmax(4, L.BinaryHierarchicalSoftmax.create_huffman_tree(counts))
    teachgrad.serializers.load_npz(str(tmp_path / 'w.npz'), other)
    np.testing.assert_array_equal(other.out.W.data, hsm.W.data)
