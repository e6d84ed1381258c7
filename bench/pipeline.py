"""The main command's pipeline, cold (empty cache folder) and warm (the same cache again).

    python bench/pipeline.py [FEEDS_FILE] [--topics FILE] [--repeat N]

Runs `python -m pytorch_hackathon --feeds FEEDS_FILE --topics data/topics.txt --out ... --csv ...
--cache-dir ...` (the `newsbert` command) in fresh processes, cold then warm, `--repeat` times
interleaved, and prints the wall time of each run (process start to exit, imports included), the
time of its pipeline stages as the command reports them, and the cold/warm ratios (goal: >= 5x).
FEEDS_FILE defaults to the bundled offline sample, data/sample_feeds.txt.
"""
import argparse, re, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def newsbert(feeds, topics, folder:Path, cache:Path) -> tuple[float, float, str]:
    "Run the command once: (wall seconds, pipeline seconds, its summary line, its line of stage times)."
    cmd = [sys.executable, '-m', 'pytorch_hackathon', '--feeds', str(feeds), '--topics', str(topics),
           '--out', str(folder/'report.html'), '--csv', str(folder/'scores.csv'), '--cache-dir', str(cache)]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    if p.returncode: sys.exit(f'newsbert failed ({p.returncode}):\n{p.stderr[-2000:]}')
    total = float(re.search(r'total ([\d.]+) s', p.stdout)[1])
    return wall, total, p.stdout.splitlines()[0], next(l.strip() for l in p.stdout.splitlines() if l.strip().startswith('time:'))

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('feeds', nargs='?', default=ROOT/'data/sample_feeds.txt', help='feeds file (default: the bundled sample)')
    ap.add_argument('--topics', default=ROOT/'data/topics.txt', help='topics file')
    ap.add_argument('--repeat', type=int, default=2, help='cold/warm pairs to run, interleaved')
    a = ap.parse_args()
    a.feeds, a.topics = Path(a.feeds).resolve(), Path(a.topics).resolve()  # relative to where the script is run, as usual
    if a.repeat < 1: sys.exit('pipeline.py: error: --repeat must be at least 1')
    cold, warm = [], []
    for i in range(a.repeat):
        with tempfile.TemporaryDirectory(prefix='newsbert_bench_') as d:
            d = Path(d)
            cold.append(newsbert(a.feeds, a.topics, d, d/'cache'))
            warm.append(newsbert(a.feeds, a.topics, d, d/'cache'))
        print(f'pair {i + 1}: cold {cold[-1][0]:6.2f} s wall, {cold[-1][1]:6.2f} s pipeline | '
              f'warm {warm[-1][0]:6.2f} s wall, {warm[-1][1]:6.2f} s pipeline')
    print(f'cold run: {cold[0][2]}\n  {cold[0][3]}\nwarm run: {warm[0][2]}\n  {warm[0][3]}')
    for k, what in enumerate(['wall (process, imports included)', 'pipeline (stages the command times)']):
        c, w = statistics.median(r[k] for r in cold), statistics.median(r[k] for r in warm)
        print(f'{what}: cold {c:.2f} s, warm {w:.2f} s, ratio {c / w:.1f}x (goal >= 5x)')

if __name__ == '__main__': main()
