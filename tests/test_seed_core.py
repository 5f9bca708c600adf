"""The seed tutorial's cells In[2]-In[12] (forward/backward), run with
``chainer`` replaced by ``teachgrad``, in one session as the notebook runs them.

The seed was printed by an old numpy (``variable([ 5.])``); today's numpy and
Chainer v7 print ``variable([5.])``, which is what teachgrad prints.
"""
import warnings

import numpy as np

from teachgrad import Variable


def test_seed_cells_2_to_12():
    # In[2]
    x_data = np.array([5], dtype=np.float32)
    x = Variable(x_data)
    # In[3]
    assert repr((x, x.data)) == '(variable([5.]), array([5.], dtype=float32))'
    # In[4], In[5]
    y = x**2 - 2 * x + 1
    assert repr(y.data) == 'array([16.], dtype=float32)'
    # In[6]
    y.backward()
    assert repr(x.grad) == 'array([8.], dtype=float32)'
    # In[7]
    z = 2*x
    y = x**2 - z + 1
    y.backward(retain_grad=True)
    assert repr(z.grad) == 'array([-1.], dtype=float32)'
    # In[8], In[9]
    y.backward()
    assert (z.grad is None) is True
    # In[10]
    assert repr(x.grad) == 'array([24.], dtype=float32)'
    # In[11]
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))
    y = x**2 - 2*x + 1
    y.grad = np.ones((2, 3), dtype=np.float32)
    y.backward()
    assert repr(x.grad) == ('array([[ 0.,  2.,  4.],\n'
                            '       [ 6.,  8., 10.]], dtype=float32)')
    # In[12]
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))
    y = x**2 - 2*x + 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        y.backward()
    assert (x.grad is None) is True
    assert len(caught) == 1 and 'F.sum' in str(caught[0].message)
