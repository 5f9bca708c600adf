"""The seed tutorial (a Chainer notebook) run verbatim with ``chainer`` -> ``teachgrad``.

Every cell In[1]-In[39] is executed in order in one namespace, as Jupyter
would, and each printed number of the seed is checked. Where the seed's
numbers come from Chainer's random initial weights, the weights are set to
values derived from the seed's own printout (explained next to each), and the
numbers that follow from the math are checked.

Numbers are compared, not strings: the seed was printed by an old numpy
(``array([ 16.])``), teachgrad prints with today's (``array([16.])``).
"""
import ast
import contextlib
import io
import re
import warnings

import numpy as np
import pytest

# -- the seed's cells, verbatim except chainer -> teachgrad -------------------------
CELLS = {
    1: '''\
import numpy as np
import teachgrad
from teachgrad import Function, gradient_check, report, training, utils, Variable
from teachgrad import datasets, iterators, optimizers, serializers
from teachgrad import link, Chain, ChainList
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad.training import extensions
''',
    2: '''\
x_data = np.array([5], dtype=np.float32)
x = Variable(x_data)  # trainableな変数となる
''',
    3: '''\
x, x.data  # can get value from data attribute then it's array
''',
    4: '''\
y = x**2 -2 * x +1
''',
    5: '''\
y.data
''',
    6: '''\
y.backward()  # backwordを行うと
x.grad  # それぞれの変数においての勾配が計算される．
''',
    7: '''\
z = 2*x
y = x**2 - z +1
y.backward(retain_grad=True)
z.grad  # 中間の変数の勾配はメモリ効率のため，retain_grad=Trueとしないと解放される．
''',
    8: '''\
y.backward()  # そうしないと勾配を保持しない
''',
    9: '''\
z.grad is None
''',
    10: '''\
x.grad  # 最初の変数は勾配が常にある．
''',
    11: '''\
x = Variable(np.array([[1, 2 ,3], [4, 5, 6]], dtype=np.float32))
y = x**2 -2*x +1
# 多次元配列を入力とするときは初期誤差を明示的に書かなければならない
y.grad = np.ones((2, 3), dtype=np.float32)
y.backward()
x.grad
''',
    12: '''\
x = Variable(np.array([[1, 2 ,3], [4, 5, 6]], dtype=np.float32))
y = x**2 -2*x +1
# y.grad = np.ones((2, 3), dtype=np.float32)
y.backward()
x.grad is None
''',
    13: '''\
# accept input value whose shape is (N, 3) and this functions output shape is (N,2)
f = L.Linear(3, 2)
''',
    14: '''\
f.W  # instance of Variable
''',
    15: '''\
f.W.data, f.b.data  # W,b はインスタンス化した際に初期化される．よって何度このセルを実行しても値は同じ
''',
    16: '''\
x = Variable(np.array([[1, 2, 3], [4, 5, 6]],
                      dtype=np.float32))  # input
y = f(x)  # fully-connected
y.data
''',
    17: '''\
f = L.Linear(2)
''',
    18: '''\
f.W, f.b  # 入力次元を指定してないので, W はデータが流れるまでは初期化されない
''',
    19: '''\
x = Variable(np.array([[1, 2, 3], [4, 5, 6]],
                      dtype=np.float32))  # input
y = f(x)  # fully-connected
print(f.W, f.b)  # 推論したら値が初期化されている．
y.data
''',
    20: '''\
f.cleargrads()
''',
    21: '''\
y.grad = np.ones((2, 2), dtype=np.float32)
y.backward()
f.W.grad, f.b.grad
''',
    22: '''\
y.backward()
''',
    23: '''\
f.W.grad, f.b.grad  # cleargradsをしないと蓄積される
''',
    24: '''\
f.cleargrads()
y.grad = np.ones((2, 2), dtype=np.float32)
y.backward()
f.W.grad, f.b.grad
''',
    25: '''\
l1 = L.Linear(4, 3)
l2 = L.Linear(3, 2)
def my_forward(x):
    h = l1(x)
    return l2(h)
''',
    26: '''\
class MyProc(object):
    def __init__(self):
        self.l1 = L.Linear(4, 3)
        self.l2 = L.Linear(3, 2)
        
    def forward(self, x):
        h = self.l1(x)
        return self.l2(h)
''',
    27: '''\
class MyChain(Chain):
    def __init__(self):
        # MyChainクラスのスーパークラスの初期化メソッドを呼ぶ．単にsuper().__init__でもOK
        super(MyChain, self).__init__()
        with self.init_scope():
            self.l1 = L.Linear(4, 3)
            self.l2 = L.Linear(3, 2)
        
    def __call__(self, x):
        h = self.l1(x)
        return self.l2(h)
''',
    28: '''\
class MyChain2(ChainList):
    def __init__(self):
        # MyChain2クラスのスーパークラスの初期化メソッドを呼ぶ．単にsuper().__init__でもOK
        super(MyChain2, self).__init__(
            L.Linear(4, 3),
            L.Linear(3, 2),
        )

        
    def __call__(self, x):
        h = self[0](x)
        return self[1](h)
''',
    29: '''\
model = MyChain()
optimizer = optimizers.SGD(lr=0.01)
optimizer.setup(model)
''',
    30: '''\
model, optimizer
''',
    31: '''\
# あらかじめadd_hookメソッドを呼ぶことで正則化などができる
optimizer.add_hook(teachgrad.optimizer.WeightDecay(0.0005))
''',
    32: '''\
x = np.random.uniform(-1, 1, (2, 4)).astype('f')
x
''',
    33: '''\
model.cleargrads()
# chainerを使って定義した機械学習ネットワークにデータを投げる時には型をVariableにしなければいけません。
# その時、引数に与えるデータは常にnp.arrayを用いる必要があります。

loss = model(teachgrad.Variable(x))  # define loss function
loss
''',
    34: '''\
loss = F.sum(loss)
loss
''',
    35: '''\
loss.backward()  # compute gradients here
optimizer.update()
''',
    36: '''\
model.l1.W.grad
''',
    37: '''\
model.cleargrads()  # 勾配消去
loss.backward()  # compute gradient
optimizer.update()  # 最適化
print(model.l1.W.data)  # 勾配を消して,backwordしてupdateすれば，変数が最適化されていく
model.l1.W.grad
''',
    38: '''\
model2 = MyChain()
optimizer = optimizers.SGD(lr=0.01)
optimizer.setup(model2)
''',
    39: '''\
np.random.seed(1)
def lossfun(arg1, arg2):
    # calculate loss
    loss = F.sum(model2(arg1 - arg2))
    return loss
arg1 = np.random.uniform(-1, 1, (100, 4)).astype('f')  # 入力データ1
arg2 = np.random.uniform(-1, 1, (100, 4)).astype('f')  # 入力データ2
# lossfunc以外の引数はlossfuncの引数である必要がある. この方法での最適化だとcleargradsは必要ない
optimizer.update(lossfun, teachgrad.Variable(arg1), teachgrad.Variable(arg2)) 
print(model2.l1.W.data)
model.l1.W.grad
''',
}


def run_cell(ns, number):
    """Run a cell like IPython: the value of a final expression is returned,
    and what it prints is returned too."""
    tree = ast.parse(CELLS[number])
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(tree, 'In[{}]'.format(number), 'exec'), ns)
        value = None
        if last is not None:
            value = eval(compile(ast.Expression(last.value), 'In[{}]'.format(number), 'eval'), ns)
    return value, out.getvalue()


def numbers(text):
    """The numbers printed in ``text`` (a matrix print-out)."""
    return np.array([float(v) for v in re.findall(r'-?\d+\.?\d*(?:e[-+]?\d+)?', text)])


def close(actual, expected, rtol=1e-6, atol=1e-6):
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64),
                               np.asarray(expected, dtype=np.float64), rtol=rtol, atol=atol)


# -- numbers printed by the seed -----------------------------------------------------
SEED_W14 = [[1.36686826, -0.64760172, -0.41609076], [0.47256982, -1.13561976, 0.17554796]]
SEED_Y16 = [[-1.17660749, -1.27202582], [-0.26708007, -2.73453164]]
SEED_W19 = [[-0.24030645, -0.07181747, 0.50280213], [-0.87310749, 0.12547415, 0.24238083]]
SEED_Y19 = [[1.12446499, 0.10498327], [1.69649959, -1.41077423]]
SEED_X32 = [[-0.0366318, -0.43847084, -0.35300794, -0.40803644],
            [-0.91343999, -0.55565655, -0.35723013, -0.72801453]]
SEED_LOSS33 = [[-0.34955841, -0.09633632], [-0.70786154, -0.01984116]]
SEED_LOSS34 = -1.1735974550247192
SEED_G36 = [[-0.26027855, -0.27260467, -0.19440885, -0.31117183],
            [0.42476881, 0.44423321, 0.31731641, 0.50752056],
            [-0.85289735, -0.89215851, -0.63798934, -1.01940405]]
SEED_W37 = [[-0.05605068, -0.57227468, 0.28936765, 0.04687699],
            [0.484687, 0.04224001, -0.08731898, -0.21627571],
            [0.14677453, 0.73036766, -0.68068922, 1.07621634]]
SEED_G37 = [[-0.2529926, -0.26498091, -0.18896216, -0.30245966],
            [0.42044103, 0.43970475, 0.31408113, 0.50234562],
            [-0.88210183, -0.92271727, -0.65982145, -1.05432534]]
SEED_W39 = [[-0.9480201, 0.47994247, 0.80694389, 0.3817637],
            [-0.15900344, -0.57771677, 0.54771912, 0.95340836],
            [0.46522558, -1.3306762, 0.19725969, -0.0401984]]
# In[39]'s output goes on with two groups of three (W, grad) print-outs from
# later runs of the cell as a loop of updates: the first group continues from
# In[39]'s model2, the second starts from a fresh model2 (its bias is 0).
SEED_LOOP_CONTINUED = [
    ([[-0.91590959, 0.44996142, 0.85731137, 0.30127001],
      [-0.21076667, -0.52938628, 0.46652496, 1.08316696],
      [0.5580737, -1.41736698, 0.34289834, -0.27294749]],
     [[-3.2110486, 2.99810553, -5.03674984, 8.0493679],
      [5.17632389, -4.83305168, 8.11941719, -12.97586441],
      [-9.28481388, 8.66908264, -14.56386471, 23.27490997]]),
    ([[-0.79964656, 0.34140849, 1.03967798, 0.00982505],
      [-0.36427641, -0.38605666, 0.22573443, 1.46798086],
      [0.83279109, -1.67386627, 0.77381134, -0.96160132]],
     [[-11.62630558, 10.85529327, -18.23665619, 29.14449692],
      [15.35097504, -14.33296204, 24.07905388, -38.48139191],
      [-27.47174263, 25.64992523, -43.09130478, 68.86538696]]),
    ([[-0.53176022, 0.09128734, 1.45987594, -0.66170478],
      [-0.72829759, -0.04617581, -0.3452577, 2.38049889],
      [1.48447061, -2.28232908, 1.79601538, -2.59521341]],
     [[-26.78863144, 25.01211548, -42.01979446, 67.15298462],
      [36.4021225, -33.9880867, 57.09921265, -91.2518158],
      [-65.16796112, 60.84628677, -102.22040558, 163.36120605]]),
]
SEED_LOOP_FRESH = [
    ([[0.40302911, 0.13216969, 0.33647144, 0.04901356],
      [0.43127936, -0.81043494, -0.44686693, 0.21333061],
      [-0.01339246, -0.12016282, -0.08008625, 0.23532893]],
     [[3.98837996, -3.72388697, 6.25604582, -9.99795818],
      [-5.96011114, 5.5648613, -9.34884071, 14.94063854],
      [-0.61966693, 0.57857305, -0.97198975, 1.55336356]]),
    ([[0.37370729, 0.159547, 0.29047817, 0.12251665],
      [0.48439357, -0.86002684, -0.36355367, 0.08018543],
      [-0.01370221, -0.11987362, -0.08057211, 0.2361054]],
     [[2.93218112, -2.73773098, 4.59932613, -7.35030842],
      [-5.31141949, 4.95918941, -8.33132553, 13.31451797],
      [0.03097464, -0.02892053, 0.04858584, -0.07764636]]),
    ([[0.27114359, 0.2553091, 0.12959997, 0.37962049],
      [0.65625489, -1.020491, -0.09397742, -0.35063177],
      [-0.00749792, -0.12566645, -0.07084027, 0.22055268]],
     [[10.2563715, -9.57621098, 16.08782005, -25.71038437],
      [-17.18613434, 16.04641342, -26.95762444, 43.08171844],
      [-0.62042809, 0.57928395, -0.97318405, 1.55527186]]),
]
LR, DECAY = 0.01, 0.0005


def initial_weights_of_model():
    """model's W1 and W2 before In[33], recovered from what the seed printed.

    SGD with WeightDecay does W <- W - lr * G where G (printed in In[36] and
    In[37]) already includes the decay, so stepping back from In[37]'s W1
    twice gives W1 before In[35]. With zero biases, In[33] printed
    h @ W2.T (h = x @ W1.T), and G of In[36] is outer(column sums of W2,
    sum of x) + decay * W1: seven equations that fix W2 up to a direction
    that changes none of the printed numbers.
    """
    w1 = np.array(SEED_W37) + LR * np.array(SEED_G37) + LR * np.array(SEED_G36)
    x = np.array(SEED_X32)
    col_sums = ((np.array(SEED_G36) - DECAY * w1) / x.sum(axis=0)).mean(axis=1)
    h = x @ w1.T
    rows, rhs = [], []
    for n in range(2):
        for j in range(2):
            row = np.zeros(6)
            row[3 * j:3 * j + 3] = h[n]
            rows.append(row)
            rhs.append(SEED_LOSS33[n][j])
    for i in range(3):
        row = np.zeros(6)
        row[[i, 3 + i]] = 1
        rows.append(row)
        rhs.append(col_sums[i])
    w2 = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)[0].reshape(2, 3)
    return w1, w2


def set_weights(chain, w1, w2_column_sums=None, w2=None):
    chain.l1.W.data[...] = w1
    chain.l2.W.data[...] = w2 if w2 is not None else np.tile(w2_column_sums / 2, (2, 1))


def sum_of_inputs_in_39():
    np.random.seed(1)
    arg1 = np.random.uniform(-1, 1, (100, 4)).astype('f')
    arg2 = np.random.uniform(-1, 1, (100, 4)).astype('f')
    return (arg1 - arg2).astype(np.float64).sum(axis=0)


def test_seed_notebook_runs_verbatim():
    ns = {'__name__': '__main__'}
    run_cell(ns, 1)
    np_ = ns['np']
    teachgrad = ns['teachgrad']

    # -- Forward/Backward Computation -------------------------------------------
    run_cell(ns, 2)
    value, _ = run_cell(ns, 3)
    assert repr(value) == "(variable([5.]), array([5.], dtype=float32))"
    run_cell(ns, 4)
    value, _ = run_cell(ns, 5)
    assert value.dtype == np.float32 and value.tolist() == [16.0]
    value, _ = run_cell(ns, 6)
    assert value.dtype == np.float32 and value.tolist() == [8.0]
    value, _ = run_cell(ns, 7)
    assert value.tolist() == [-1.0]
    run_cell(ns, 8)
    assert run_cell(ns, 9)[0] is True
    assert run_cell(ns, 10)[0].tolist() == [24.0]
    assert run_cell(ns, 11)[0].tolist() == [[0, 2, 4], [6, 8, 10]]
    with pytest.warns(UserWarning, match='F.sum'):
        assert run_cell(ns, 12)[0] is True

    # -- Links ------------------------------------------------------------------
    run_cell(ns, 13)
    f = ns['f']
    assert f.W.shape == (2, 3) and f.W.dtype == np.float32
    # In[14]-In[16] print Chainer's random W: use the seed's values.
    f.W.data[...] = np_.array(SEED_W14, dtype=np.float32)
    value, _ = run_cell(ns, 14)
    assert repr(value).startswith('variable W([[ 1.3668683 , -0.6476017 , -0.41609076],\n'
                                  '            [ 0.47256982, -1.1356198 ,  0.17554796]])')
    W, b = run_cell(ns, 15)[0]
    close(W, SEED_W14)
    assert b.dtype == np.float32 and b.tolist() == [0.0, 0.0]
    value, _ = run_cell(ns, 16)
    assert value.dtype == np.float32
    close(value, SEED_Y16)

    run_cell(ns, 17)
    value, _ = run_cell(ns, 18)
    assert repr(value) == '(variable W(None), variable b([0., 0.]))'
    # In[19] creates W on the first call from numpy.random; the seed's values
    # come from its own random state, so let the lazy W start at them.
    ns['f'].W.initializer = teachgrad.initializers.Constant(np_.array(SEED_W19, 'f'))
    value, printed = run_cell(ns, 19)
    assert ns['f'].W.shape == (2, 3)
    assert printed.startswith('variable W([[') and 'variable b([0. 0.])' in printed
    close(numbers(printed)[:6], np.ravel(SEED_W19))
    close(value, SEED_Y19)

    run_cell(ns, 20)
    gW, gb = run_cell(ns, 21)[0]
    assert gW.tolist() == [[5, 7, 9], [5, 7, 9]] and gb.tolist() == [2, 2]
    run_cell(ns, 22)
    gW, gb = run_cell(ns, 23)[0]
    assert gW.tolist() == [[10, 14, 18], [10, 14, 18]] and gb.tolist() == [4, 4]
    gW, gb = run_cell(ns, 24)[0]
    assert gW.tolist() == [[5, 7, 9], [5, 7, 9]] and gb.tolist() == [2, 2]

    # -- Write a model as a chain -------------------------------------------------
    for n in (25, 26, 27, 28):
        run_cell(ns, n)
    x4 = np_.ones((2, 4), dtype=np.float32)
    assert ns['my_forward'](x4).shape == (2, 2)
    assert ns['MyProc']().forward(x4).shape == (2, 2)
    chain2 = ns['MyChain2']()
    assert chain2(x4).shape == (2, 2)
    assert [p for p, _ in chain2.namedparams()] == ['/0/W', '/0/b', '/1/W', '/1/b']

    # -- Optimizer ------------------------------------------------------------------
    run_cell(ns, 29)
    model, optimizer = run_cell(ns, 30)[0]
    assert repr((model, optimizer)) == (
        '(MyChain(\n'
        '  (l1): Linear(in_size=4, out_size=3, nobias=False),\n'
        '  (l2): Linear(in_size=3, out_size=2, nobias=False),\n'
        '), SGD(lr=0.01))')
    with warnings.catch_warnings():
        warnings.simplefilter('error')      # the old chainer.optimizer path warns nothing
        run_cell(ns, 31)
    assert list(optimizer._pre_update_hooks) == ['WeightDecay']

    run_cell(ns, 32)
    # The seed's x and weights came from an unseeded random state: use its values.
    ns['x'] = np_.array(SEED_X32, dtype=np.float32)
    w1, w2 = initial_weights_of_model()
    set_weights(model, w1, w2=w2)
    value, _ = run_cell(ns, 33)
    assert value.dtype == np.float32
    close(value.data, SEED_LOSS33)
    value, _ = run_cell(ns, 34)
    close(float(value.data), SEED_LOSS34)
    run_cell(ns, 35)
    assert optimizer.t == 1
    close(run_cell(ns, 36)[0], SEED_G36)          # the grad with the decay added
    value, printed = run_cell(ns, 37)
    # In[37] backpropagates through In[33]'s graph again, whose l2.W array was
    # updated in place by In[35]: the seed's grad shows exactly that.
    close(numbers(printed), np.ravel(SEED_W37))
    close(model.l1.W.data, SEED_W37)
    close(value, SEED_G37)
    assert optimizer.t == 2

    run_cell(ns, 38)
    model2 = ns['model2']
    # model2's weights were random too. Only W1 and the column sums of W2
    # reach the printed W1 (the loss is a sum), and both follow from the
    # print-outs: the loop's next grad is outer(column sums of W2, s) where
    # s sums arg1 - arg2 over the batch.
    s = sum_of_inputs_in_39()
    grad_next = np.array(SEED_LOOP_CONTINUED[0][1])
    col_after = (grad_next / s).mean(axis=1)
    wa = np.array(SEED_W39)
    col_before = (col_after + 2 * LR * wa @ s) / (1 - 2 * LR * LR * (s @ s))
    set_weights(model2, wa + LR * np.outer(col_before, s), col_before)
    value, printed = run_cell(ns, 39)
    close(numbers(printed), np.ravel(SEED_W39), rtol=1e-5, atol=1e-6)
    close(value, SEED_G37)                          # model's grad, untouched
    assert ns['optimizer'].t == 1

    # The output of In[39] continues with three more updates of model2.
    step = 'optimizer.update(lossfun, teachgrad.Variable(arg1), teachgrad.Variable(arg2))'
    for W_printed, grad_printed in SEED_LOOP_CONTINUED:
        exec(step, ns)
        close(model2.l1.W.grad, grad_printed, rtol=1e-5, atol=1e-5)
        close(model2.l1.W.data, W_printed, rtol=1e-5, atol=1e-5)


def test_seed_in39_loop_from_a_fresh_model():
    """The second group of In[39]'s extra output: three updates of a fresh
    MyChain (zero biases) whose first W1 and W2 column sums follow from the
    first print-out: W_before = W_after + lr * grad, grad = outer(colsums, s)."""
    import teachgrad
    import teachgrad.functions as F
    import teachgrad.links as L
    from teachgrad import Chain, optimizers

    class MyChain(Chain):
        def __init__(self):
            super(MyChain, self).__init__()
            with self.init_scope():
                self.l1 = L.Linear(4, 3)
                self.l2 = L.Linear(3, 2)

        def __call__(self, x):
            return self.l2(self.l1(x))

    model2 = MyChain()
    optimizer = optimizers.SGD(lr=0.01)
    optimizer.setup(model2)
    s = sum_of_inputs_in_39()
    W_first, grad_first = (np.array(a) for a in SEED_LOOP_FRESH[0])
    set_weights(model2, W_first + LR * grad_first, (grad_first / s).mean(axis=1))

    np.random.seed(1)
    arg1 = np.random.uniform(-1, 1, (100, 4)).astype('f')
    arg2 = np.random.uniform(-1, 1, (100, 4)).astype('f')

    def lossfun(arg1, arg2):
        return F.sum(model2(arg1 - arg2))

    for W_printed, grad_printed in SEED_LOOP_FRESH:
        optimizer.update(lossfun, teachgrad.Variable(arg1), teachgrad.Variable(arg2))
        close(model2.l1.W.grad, grad_printed, rtol=1e-5, atol=1e-5)
        close(model2.l1.W.data, W_printed, rtol=1e-5, atol=1e-5)
