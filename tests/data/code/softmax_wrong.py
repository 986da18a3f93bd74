"""Deliberately wrong softmax Jacobians and gradients, one slip each (test data for check-code)."""
import numpy as np


def jac_overwritten_diagonal(y):
    """The missing else: the diagonal is written, then overwritten."""
    J = np.zeros((len(y), len(y)))
    for i in range(len(y)):
        for j in range(len(y)):
            if i == j:
                J[i][j] = y[i] * (1 - y[i])
            J[i][j] = -y[i] * y[j]  # slip
    return J


def jac_transpose(y):
    """The log-softmax Jacobian δ_ij − y_j with the indices swapped (δ_ij − y_i)."""
    return np.eye(len(y)) - np.tile(y, (len(y), 1)).T  # slip


def jac_logits_for_probs(z):
    """Takes the logits but treats them as probabilities."""
    return np.diag(z) - np.outer(z, z)  # slip


def jac_missing_beta(z, beta):
    e = np.exp(beta * (z - np.max(z)))
    s = e / np.sum(e)
    return np.diag(s) - np.outer(s, s)  # slip


def jac_overflow(z):
    e = np.exp(z)  # slip
    s = e / np.sum(e)
    return np.diag(s) - np.outer(s, s)


def jac_wrong_sign(y):
    return np.outer(y, y) - np.diag(y)  # slip


def jac_batched_axis_swapped(y):
    """y: (N, K) → (K, N, K) instead of (N, K, K)."""
    eye = np.eye(y.shape[-1])
    return np.einsum("ij,jk->jik", y, eye) - np.einsum("ij,ik->jik", y, y)  # slip


def ce_grad_wrong_sign(z, t):
    e = np.exp(z - np.max(z))
    return t - e / e.sum()  # slip


def linear_grad_W_transposed(x, dout):
    return np.outer(x, dout)  # slip


def mse_grad_mean(y_pred, y_true):
    """The gradient of np.mean((y_pred - y_true) ** 2), judged against ½Σ(y − t)²."""
    return 2 * (y_pred - y_true) / len(y_pred)  # slip
