"""Embedding speed and int8 fidelity on CPU: the plain fp32 sentence-transformers baseline against our
int8 `Encoder`, bf16 autocast, the seed's per-tensor int8 (and torchao's int8 when it is installed),
on short (~50 tokens) and long (>= 256 tokens) news texts, plus the throughput of cache hits.

Variants run interleaved, in a rotating order, for several rounds, because the CPU is shared: the
figures are medians, and speedups are medians of the per-round ratios to fp32.

    python bench/embed.py [--rounds 5] [--short 96] [--long 24] [--texts FILE]

FILE: one text per line (default: the notebook's fixture paragraphs). Long texts join 7 of them.
"""
import argparse, contextlib, statistics, sys, tempfile, time, warnings
from pathlib import Path

import numpy as np
import torch

from pytorch_hackathon.embeddings import Encoder, _bundled_model_path, _hub_offline, _no_progress_bars
from common import fail

FIXTURE = Path(__file__).resolve().parents[1]/"nbs/fixtures/embeddings/paragraphs.txt"


def text_sets(path, n_short, n_long):
    "Short texts (paragraphs, made distinct) and long ones (7 paragraphs joined, in rotating order)."
    try: paras = [p for p in Path(path).read_text(encoding="utf-8").splitlines() if p.strip()]
    except (OSError, UnicodeDecodeError) as e: fail(f"cannot read the texts file {path}: {e}")
    if not paras: fail(f"the texts file {path} has no texts (one per line)")
    short = [f"{paras[i % len(paras)]} (item {i})" for i in range(n_short)]
    long = [" ".join(paras[(i + j * 5) % len(paras)] for j in range(7)) + f" (item {i})" for i in range(n_long)]
    return short, long


def plain_model():
    "The bundled model as plain fp32 sentence-transformers: the baseline."
    from sentence_transformers import SentenceTransformer
    with _hub_offline(), _no_progress_bars(): return SentenceTransformer(str(_bundled_model_path()), device="cpu")


def seed_int8():
    "The seed's quantization: per-tensor weight scales, 7-bit activations (torch.ao defaults)."
    from torch.ao.quantization import quantize_dynamic
    m = plain_model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return quantize_dynamic(m, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)


def torchao_int8():
    "torchao's int8 dynamic activation / int8 weight config, or None when torchao is not installed."
    try: from torchao.quantization import Int8DynamicActivationInt8WeightConfig, quantize_
    except ImportError: return None
    m = plain_model()
    quantize_(m, Int8DynamicActivationInt8WeightConfig())
    return m


def variants(batch_size):
    "name -> function(texts) returning unit rows."
    fp32, seed, tao, ours = plain_model(), seed_int8(), torchao_int8(), Encoder(use_gpu=False, quantize=True)
    def st(model, autocast=False):
        def run(texts):
            ctx = torch.autocast("cpu", dtype=torch.bfloat16) if autocast else contextlib.nullcontext()
            with ctx: return np.asarray(model.encode(texts, batch_size=batch_size, normalize_embeddings=True), dtype=np.float32)
        return run
    v = {"fp32": st(fp32), "int8 (ours)": lambda t: ours.encode(t, batch_size=batch_size),
         "bf16 autocast": st(fp32, autocast=True), "int8 seed (per-tensor)": st(seed)}
    if tao is not None: v["int8 torchao"] = st(tao)
    return v


def timed(fn, texts):
    t0 = time.perf_counter(); out = fn(texts); return out, time.perf_counter() - t0


def compare(name, texts, fns, rounds):
    "Interleaved timing and cosine to fp32 of every variant on `texts`."
    ref = fns["fp32"](texts)
    cos = {k: np.einsum("ij,ij->i", f(texts), ref) for k, f in fns.items()}  # also warms every variant up
    secs = {k: [] for k in fns}
    for r in range(rounds):
        order = list(fns)[r % len(fns):] + list(fns)[:r % len(fns)]
        for k in order: secs[k].append(timed(fns[k], texts)[1])
    print(f"\n{name}: {len(texts)} texts")
    print(f"  {'variant':24} {'docs/s':>8} {'speedup':>8} {'cos mean':>9} {'cos worst':>9}")
    for k in fns:
        speedup = statistics.median(f / s for f, s in zip(secs["fp32"], secs[k]))
        print(f"  {k:24} {len(texts) / statistics.median(secs[k]):8.1f} {speedup:7.2f}x {cos[k].mean():9.4f} {cos[k].min():9.4f}")


def cache_hits(texts, rounds, batch_size):
    "docs/s when every text is already cached: a fresh Encoder opening the folder, and warm lookups."
    with tempfile.TemporaryDirectory() as d:
        Encoder(cache_dir=d).encode(texts, batch_size=batch_size)
        cold = [timed(Encoder(cache_dir=d).encode, texts)[1] for _ in range(rounds)]
        warm_enc = Encoder(cache_dir=d); warm_enc.encode(texts)
        warm = [timed(warm_enc.encode, texts)[1] for _ in range(rounds)]
    print(f"\ncache hits, {len(texts)} texts: {len(texts) / statistics.median(cold):,.0f} docs/s opening the cache "
          f"from disk, {len(texts) / statistics.median(warm):,.0f} docs/s once open")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--short", type=int, default=96, help="number of short texts")
    p.add_argument("--long", type=int, default=24, help="number of long texts")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--texts", default=FIXTURE, help="file with one text per line")
    a = p.parse_args(argv)
    for name in ("rounds", "short", "long", "batch_size"):
        if getattr(a, name) < 1: fail(f"--{name.replace('_', '-')} must be at least 1, got {getattr(a, name)}")
    short, long = text_sets(a.texts, a.short, a.long)
    fns = variants(a.batch_size)
    tok = plain_model().tokenizer
    n_tokens = lambda ts: int(np.median([len(tok(t, truncation=True, max_length=256)["input_ids"]) for t in ts]))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, quantized engine {torch.backends.quantized.engine}")
    compare(f"short (median {n_tokens(short)} tokens)", short, fns, a.rounds)
    compare(f"long (median {n_tokens(long)} tokens after truncation)", long, fns, a.rounds)
    cache_hits(short + long, a.rounds, a.batch_size)
    if "int8 torchao" not in fns: print("\n(torchao not installed: its int8 variant was skipped)", file=sys.stderr)


if __name__ == "__main__":
    main()
