#!/usr/bin/env python
"""Benchmark `InMemoryDocumentStore` against the plain numpy floor.

N random unit vectors (d dims) with id/feed/date metadata. Times write_documents, one query, 15 queries
at once, a filtered query, save and load, each next to its numpy floor in the same run (variants
interleaved, medians of the repeats: the cores are shared), and prints every figure as a ratio to it (and the
ratio of the fastest runs, steadier on a busy machine).
Also: 100 small writes, deleting 1,000 documents, and memory against raw matrix + metadata DataFrame.

    python bench/store.py                       # 100,000 x 384, 7 repeats
    python bench/store.py -n 20000 -d 768 -r 11
"""
import argparse, os, statistics, tempfile, time, tracemalloc
from pathlib import Path
import numpy as np, pandas as pd
from pytorch_hackathon.document_store import InMemoryDocumentStore

K = 10  # top_k everywhere

def make_data(n:int, d:int, seed:int=0):
    "Random unit vectors and their metadata: id, one of 20 feeds, a UTC date within 2024."
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d), dtype=np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    df = pd.DataFrame({"id": [f"doc{i}" for i in range(n)], "feed": rng.choice([f"feed{i}" for i in range(20)], n),
                       "date": pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 366 * 86400, n), unit="s")})
    return X, df, rng.standard_normal((15, d), dtype=np.float32)

def timed(f):
    "Seconds one call of `f` takes."
    t = time.perf_counter(); f(); return time.perf_counter() - t

def interleaved(pairs:dict, repeats:int) -> dict:
    "Median seconds of every (floor, store) function in `pairs`, run alternately `repeats` times."
    times = {name: ([], []) for name in pairs}
    for _ in range(repeats):
        for name, fs in pairs.items():
            for f, acc in zip(fs, times[name]): acc.append(timed(f))
    return {name: tuple(map(statistics.median, ts)) + tuple(map(min, ts)) for name, ts in times.items()}

def numpy_top_k(S, axis):
    "The floor's selection: argpartition only (no sort, no metadata)."
    return np.argpartition(S, -K, axis=axis).take(range(S.shape[axis] - K, S.shape[axis]), axis=axis)

def fresh_store(df, X):
    "A store holding `df` and `X`."
    s = InMemoryDocumentStore(); s.write_documents(df, X); return s

def main(n:int, d:int, repeats:int):
    X, df, Q = make_data(n, d)
    q, store = Q[0], fresh_store(df, X)
    filt = {"operator": "AND", "conditions": [{"field": "feed", "operator": "in", "value": ["feed3", "feed7"]},
                                              {"field": "date", "operator": ">=", "value": "2024-07-01"}]}
    since = pd.Timestamp("2024-07-01", tz="UTC")
    def np_filtered():
        rows = np.flatnonzero(df.feed.isin(["feed3", "feed7"]).to_numpy() & (df.date >= since).to_numpy())
        return rows[numpy_top_k(X[rows] @ q, 0)]
    folder = Path(tempfile.mkdtemp())
    def np_save(): np.save(folder / "X.npy", X); df.to_parquet(folder / "meta.parquet")
    def np_load(): return np.load(folder / "X.npy"), pd.read_parquet(folder / "meta.parquet")
    np_save(); store.save(folder / "store.parquet")
    unit = lambda: np.ascontiguousarray(X / np.linalg.norm(X, axis=1, keepdims=True))
    res = interleaved({
        "write_documents (100% new)": (unit, lambda: fresh_store(df, X)),
        "search, 1 query": (lambda: numpy_top_k(X @ q, 0), lambda: store.search(q, top_k=K)),
        "search, 15 queries": (lambda: numpy_top_k(X @ Q.T, 0), lambda: store.search(Q, top_k=K)),
        "search, 15 queries (Q @ X.T floor)": (lambda: numpy_top_k(Q @ X.T, 1), lambda: store.search(Q, top_k=K)),
        "filtered search vs full-scan floor": (lambda: numpy_top_k(X @ q, 0), lambda: store.search(q, top_k=K, filters=filt)),
        "filtered search vs numpy subset floor": (np_filtered, lambda: store.search(q, top_k=K, filters=filt)),
        "save (floor: np.save + to_parquet)": (np_save, lambda: store.save(folder / "store.parquet")),
        "load (floor: np.load + read_parquet)": (np_load, lambda: InMemoryDocumentStore.load(folder / "store.parquet")),
    }, repeats)
    print(f"n={n:,} d={d} top_k={K}, medians of {repeats} interleaved repeats; floor = plain numpy "
          f"(X @ Q.T + argpartition for search)\n")
    one = res["search, 1 query"][0]
    print(f"{'':40s} {'store ms':>9s} {'floor ms':>9s} {'ratio':>6s} {'ratio of mins':>14s} {'/ 1-query floor':>16s}")
    for name, (floor, ours, floor_min, ours_min) in res.items():
        print(f"{name:40s} {ours * 1e3:9.1f} {floor * 1e3:9.1f} {ours / floor:6.2f} {ours_min / floor_min:14.2f} {ours / one:16.2f}")
    matching = len(store.filter_documents(filt))
    print(f"\nfiltered query matches {matching:,} of {n:,} documents; file {os.path.getsize(folder / 'store.parquet') / 1e6:.1f} MB "
          f"(raw vectors {X.nbytes / 1e6:.1f} MB; floor's files {sum(os.path.getsize(folder / f) for f in ('X.npy', 'meta.parquet')) / 1e6:.1f} MB)")
    other_ops(df, X, repeats)
    memory(df, X)

def other_ops(df, X, repeats):
    "100 small writes, and deleting 1,000 random documents."
    n = len(df)
    def small_writes():
        s = InMemoryDocumentStore()
        step = max(1, n // 100)
        for a in range(0, n, step): s.write_documents(df.iloc[a:a + step], X[a:a + step])
    gone = df.id.sample(min(1000, n), random_state=0)
    stores = [fresh_store(df, X) for _ in range(3)]
    deletes = [timed(lambda: s.delete_documents(gone)) for s in stores]
    print(f"{-(-n // max(1, n // 100))} writes of {max(1, n // 100):,}: {statistics.median(timed(small_writes) for _ in range(3)) * 1e3:.0f} ms; "
          f"delete {len(gone):,} of {n:,}: {statistics.median(deletes) * 1e3:.0f} ms")

def memory(df, X):
    "The store's memory against the raw float32 matrix plus the metadata DataFrame."
    raw = X.nbytes + df.memory_usage(deep=True).sum()
    tracemalloc.start()
    store = fresh_store(df, X)
    now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    store.get(["doc1"])  # builds the id lookup tables, counted below
    ids = sum(seg.memory_usage(deep=True) for seg in store._id_segments())
    meta = store._docs.memory_usage(deep=True).sum()
    held = store._X.nbytes + meta + ids
    print(f"memory: store holds {held / 1e6:.1f} MB vs raw matrix + metadata {raw / 1e6:.1f} MB = {held / raw:.3f}x "
          f"(matrix {store._X.nbytes / 1e6:.1f} MB, metadata {meta / 1e6:.1f} MB, id lookup {ids / 1e6:.1f} MB)")
    print(f"write_documents allocations (tracemalloc): {now / 1e6:.1f} MB kept, {peak / 1e6:.1f} MB peak; "
          f"metadata columns shared copy-on-write with the caller's DataFrame")

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-n", type=int, default=100_000, help="documents")
    p.add_argument("-d", type=int, default=384, help="dimensions")
    p.add_argument("-r", "--repeats", type=int, default=7, help="interleaved repeats (medians reported)")
    a = p.parse_args()
    if a.n < 1000 or a.d < 1 or a.repeats < 1: p.error("-n must be at least 1,000, -d and -r at least 1")
    main(a.n, a.d, a.repeats)
