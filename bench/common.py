"""What the benchmark scripts share: reading the data files they are given, with one clear line for a bad one."""
import sys
from pathlib import Path

import pandas as pd


def fail(message:str):
    "Stop the script with one line on stderr and exit status 2."
    print(f"{Path(sys.argv[0]).name}: error: {message}", file=sys.stderr)
    sys.exit(2)


def read_table(path, columns, what:str) -> pd.DataFrame:
    "The CSV file at `path`, which must have `columns`; one line and exit status 2 when it is missing, unreadable or lacks them."
    try: df = pd.read_csv(path)
    except (OSError, ValueError) as e: fail(f"cannot read the {what} {path}: {e}")
    if missing := [c for c in columns if c not in df.columns]: fail(f"the {what} {path} lacks the columns {missing} (it has {list(df.columns)[:12]})")
    if df.empty: fail(f"the {what} {path} has no rows")
    return df


def usable_folder(path, what:str):
    "`path` created if needed (None stays None); one line and exit status 2 when it cannot be."
    if path is None: return None
    try: Path(path).expanduser().mkdir(parents=True, exist_ok=True)
    except OSError as e: fail(f"cannot use the {what} {path}: {e.strerror or e}")
    return path
