"""`thaireport` command line: extract (JSON Lines on stdout, as ../shared/contract says)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


def _extract(args: argparse.Namespace) -> int:
    from pipeline.run import expand_paths, run_document

    paths = expand_paths(args.paths)
    if not paths:
        print("thaireport: no supported files found", file=sys.stderr)
        return 2
    failed = 0
    t0 = time.perf_counter()
    out = sys.stdout
    for i, path in enumerate(paths, 1):
        record = run_document(path, with_text=args.with_text)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
        if record["status"] == "failed":
            failed += 1
            print(f"thaireport: {path}: {record['error']}", file=sys.stderr)
        elif not args.quiet:
            for w in record["warnings"]:
                print(f"thaireport: {path}: warning: {w}", file=sys.stderr)
        if not args.quiet and sys.stderr.isatty():
            print(f"\r[{i}/{len(paths)}] {path[-60:]:<60}", end="", file=sys.stderr)
    if not args.quiet:
        print(f"\nthaireport: {len(paths)} document(s), {failed} failed, "
              f"{time.perf_counter() - t0:.2f} s", file=sys.stderr)
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thaireport", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="print one JSON record per document (JSON Lines)")
    ex.add_argument("paths", nargs="+", help="files or folders")
    ex.add_argument("--with-text", action="store_true", help="include the normalised text")
    ex.add_argument("--quiet", action="store_true", help="no progress or warnings on stderr")
    ex.set_defaults(func=_extract)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code not in (0, None) else 0
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
