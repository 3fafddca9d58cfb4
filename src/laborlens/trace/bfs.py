"""Level-synchronous breadth-first search over a CSR adjacency, one numpy pass per level.

Why not scipy.sparse.csgraph.breadth_first_order: it allocates and fills O(N) arrays on every call, which is
fine for one search but not for one search per tainted party on a graph of millions of nodes. Here the
caller owns ``dist``/``pred`` buffers and :func:`bfs` returns the nodes it touched, so resetting costs only
what was reached. Each level expands the frontier's edges with vectorised gathers (no Python per edge).

Ties are deterministic: when several frontier nodes reach a new node, the lowest-numbered parent wins.
"""

from __future__ import annotations

import numpy as np


def bfs(indptr: np.ndarray, indices: np.ndarray, sources: np.ndarray, dist: np.ndarray,
        pred: np.ndarray) -> np.ndarray:
    """Multi-source BFS. On return ``dist[v]`` is the hop count from the nearest source (sources = 0) and
    ``pred[v]`` the previous node on one shortest path (-1 at sources) for every touched ``v``; the returned
    array lists the touched nodes level by level. ``dist`` must be -1 wherever not yet touched."""
    frontier = np.unique(np.asarray(sources, dtype=np.int64))
    frontier = frontier[dist[frontier] < 0]
    dist[frontier] = 0
    pred[frontier] = -1
    levels = [frontier]
    depth = 0
    while frontier.size:
        starts = indptr[frontier]
        counts = indptr[frontier + 1] - starts
        total = int(counts.sum())
        if total == 0:
            break
        # position of every out-edge of the frontier in `indices`, without a Python loop
        first = np.cumsum(counts) - counts
        offsets = np.repeat(starts - first, counts) + np.arange(total, dtype=np.int64)
        nbr = indices[offsets]
        fresh = dist[nbr] < 0
        if not fresh.any():
            break
        nbr = nbr[fresh]
        parent = np.repeat(frontier, counts)[fresh]
        frontier, where = np.unique(nbr, return_index=True)
        depth += 1
        dist[frontier] = depth
        pred[frontier] = parent[where]
        levels.append(frontier)
    return np.concatenate(levels)


def paths(pred: np.ndarray, dist: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Shortest paths source -> target for many targets at once, by walking ``pred`` in lockstep.

    Returns an (n, max_dist + 1) int64 matrix; row i holds the path of targets[i] in its first
    dist[targets[i]] + 1 cells (source first) and -1 after."""
    targets = np.asarray(targets, dtype=np.int64)
    if targets.size == 0:
        return np.empty((0, 1), dtype=np.int64)
    d = dist[targets].astype(np.int64)
    out = np.full((targets.size, int(d.max()) + 1), -1, dtype=np.int64)
    cur = targets.copy()
    pos = d.copy()
    rows = np.arange(targets.size)
    active = pos >= 0
    while active.any():
        out[rows[active], pos[active]] = cur[active]
        cur[active] = pred[cur[active]]
        pos[active] -= 1
        active = pos >= 0
    return out
