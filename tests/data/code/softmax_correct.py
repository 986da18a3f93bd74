"""Correct softmax Jacobians, written the ways people write them (test data for check-code)."""
import numpy as np


def jac_loops(y):
    """y: the softmax output (probabilities)."""
    K = len(y)
    J = np.zeros((K, K))
    for i in range(len(y)):
        for j in range(len(y)):
            if i == j:
                J[i][j] = y[i] * (1 - y[i])
            else:
                J[i][j] = -y[i] * y[j]
    return J


def jac_diag_outer(y):
    return np.diag(y) - np.outer(y, y)


def jac_from_logits(z):
    e = np.exp(z - np.max(z))
    s = e / np.sum(e)
    return np.diag(s) - np.outer(s, s)


def jac_batched_einsum(y):
    """y: (N, K) rows of probabilities → (N, K, K)."""
    eye = np.eye(y.shape[-1])
    return np.einsum("ij,jk->ijk", y, eye) - np.einsum("ij,ik->ijk", y, y)


def jac_vectorised(z):
    """JAX style in NumPy: works on one vector or a batch of rows of logits."""
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    s = e / e.sum(axis=-1, keepdims=True)
    return s[..., :, None] * np.eye(s.shape[-1]) - s[..., :, None] * s[..., None, :]


def jac_beta(z, beta):
    e = np.exp(beta * (z - np.max(z)))
    s = e / np.sum(e)
    return beta * (np.diag(s) - np.outer(s, s))


def log_softmax_jac(y):
    return np.eye(len(y)) - np.tile(y, (len(y), 1))


def ce_grad(z, t):
    e = np.exp(z - np.max(z))
    return e / e.sum() - t


def sigmoid_grad(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


def mse_grad(y_pred, y_true):
    return y_pred - y_true


def linear_grad_W(x, dout):
    return np.outer(dout, x)


def linear_grad_x(W, dout):
    return W.T @ dout


def linear_grad_b(dout):
    return dout
