"""The command line: ``python -m microexp_widgets analyze | fetch-assets | bench``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ._private_files import write_private
from .errors import AssetFetchError, ModelUnavailableError, VideoDecodeError, os_reason

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_MODEL = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m microexp_widgets",
        description="Facial Action Units and micro-expression timings from a face video.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    analyze = commands.add_parser("analyze", help="analyse a clip: AU timeline and spotted events")
    analyze.add_argument("clip", help="a video file (webm, mp4, mov, ...)")
    out = analyze.add_mutually_exclusive_group(required=True)
    out.add_argument("--json", action="store_true", help="print a JSON summary with the events on stdout")
    out.add_argument("--csv", metavar="OUT", help="write the per-frame AU table to this CSV file")

    commands.add_parser("fetch-assets", help="put the face model and the sample clips in place (safe to repeat)")

    bench = commands.add_parser("bench", help="measure analysis speed, memory and import time on a sample clip")
    bench.add_argument("--clip", help="clip to measure on (default: the 472-frame Pexels sample)")
    bench.add_argument("--repeat", type=int, default=2, help="runs of each loop; the best is reported")
    return parser


class OutputError(Exception):
    """The ``--csv`` target cannot be written; the message names the output path."""


def check_output(target: str) -> Path:
    """Make sure ``--csv`` can be written before any analysis runs, so a long run never ends in a write error.

    Raises
    ------
    OutputError
        One plain sentence naming the output path: a folder, a missing folder, a name too long, or no permission to
        write (docs/faults.md C1, C2).
    """
    path = Path(target)
    folder = path.parent
    try:
        if path.is_dir():
            raise OutputError(
                f"The output {path} is a folder; give a file name instead, such as {path / 'timeline.csv'}."
            )
        if not folder.is_dir():
            raise OutputError(f"Cannot write the output {path}: the folder {folder} does not exist.")
        writable = os.access(path, os.W_OK) if path.exists() else os.access(folder, os.W_OK | os.X_OK)
    except PermissionError:
        writable = False  # a folder on the way that this account may not enter
    except OSError as error:
        raise OutputError(f"Cannot write the output {path}: {os_reason(error)}.") from error
    if not writable:
        raise OutputError(f"Cannot write the output {path}: you do not have permission to write there.")
    return path


def _analyze(args: argparse.Namespace) -> int:
    from .pipeline import analyze_video

    output = check_output(args.csv) if args.csv else None
    timeline = analyze_video(args.clip)
    for warning in timeline.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if output is None:
        json.dump(timeline.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    try:
        write_private(output, timeline.to_csv)  # face numbers: 0600 like every other export (docs/faults.md C4)
    except OSError as error:
        raise OutputError(f"Cannot write the output {output}: {os_reason(error)}.") from error
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "analyze":
            return _analyze(args)
        if args.command == "fetch-assets":
            from .assets import fetch_assets

            fetch_assets()
            return EXIT_OK
        if args.command == "bench":
            from .tools.bench import run_bench

            run_bench(args.clip, repeat=args.repeat)
            return EXIT_OK
    except (VideoDecodeError, OutputError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PermissionError as error:
        print(f"error: You do not have permission to read {error.filename}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (FileNotFoundError, IsADirectoryError) as error:
        print(f"error: There is no readable file at {error.filename}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:  # a name too long for the file system, and the like (docs/faults.md C1)
        print(f"error: Cannot read {error.filename or args.clip}: {os_reason(error)}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ModelUnavailableError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_MODEL
    except AssetFetchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    raise AssertionError(f"unhandled command {args.command}")
