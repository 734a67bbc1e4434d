"""Times the importer on every file of the import corpus and on a 2,000-row XLSX (target: < 3 s).

How: each file of `requests_app/tests/files/corpus/` is parsed through `parse_in_sandbox` (the capped child
process an upload uses, so the ~30 ms of the child is included), after one warm-up parse that starts the
forkserver. Each file is parsed `--runs` times and the best time printed with its key and warning counts.
Then the 2,000-row workbook of `bench/import_xlsx.py` is built and parsed the same way; its median is
compared with the target of PRODUCT.md §4 (the whole upload, database included, is `bench/import_xlsx.py`).
No database is needed.

    .venv/bin/python bench/import_corpus.py [--runs 3] [--rows 2000]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Django is set up in main(), not here: the parse process is a multiprocessing child, which re-imports this
# script (as `__mp_main__`) and must not pay for a Django set-up each time.
ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "requests_app" / "tests" / "files" / "corpus"
TARGET_SECONDS = 3.0


def time_parse(path: Path, runs: int) -> tuple[list[float], object]:
    from requests_app.importers import parse_in_sandbox

    timings, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = parse_in_sandbox(path, path.name)
        timings.append(time.perf_counter() - started)
    return timings, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "b2bplatform.settings.local")
    import django

    django.setup()
    from import_xlsx import build_xlsx

    files = sorted(path for path in CORPUS.iterdir() if not path.name.endswith(".expected.json"))
    time_parse(files[0], 1)  # warm-up: starts the forkserver
    width = max(len(path.name) for path in files)
    for path in files:
        timings, result = time_parse(path, args.runs)
        counts = f"{len(result.keys):4d} keys, {len(result.warnings):2d} warnings"  # type: ignore[attr-defined]
        print(f"{path.name:<{width}}  best {min(timings):.3f} s  {counts}")

    with tempfile.TemporaryDirectory(prefix="b2b-bench-corpus-") as folder:
        big = Path(folder) / "bench-2000.xlsx"
        big.write_bytes(build_xlsx(args.rows))
        timings, result = time_parse(big, max(args.runs, 3))
    keys = len(result.keys)  # type: ignore[attr-defined]
    if keys != args.rows:
        raise SystemExit(f"expected {args.rows} keys, got {keys}")
    median = statistics.median(timings)
    verdict = "OK" if median < TARGET_SECONDS else "SLOWER THAN TARGET"
    runs = ", ".join(f"{t:.3f}" for t in timings)
    print(
        f"import_corpus {args.rows}-row xlsx in the sandbox: runs {runs} s, median {median:.3f} s "
        f"(target < {TARGET_SECONDS} s) {verdict}"
    )
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
