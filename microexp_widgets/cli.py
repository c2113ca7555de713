"""The command line: ``python -m microexp_widgets analyze | fetch-assets | bench``."""

from __future__ import annotations

import argparse
import json
import sys

from .errors import AssetFetchError, ModelUnavailableError, VideoDecodeError

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


def _analyze(args: argparse.Namespace) -> int:
    from .pipeline import analyze_video

    timeline = analyze_video(args.clip)
    for warning in timeline.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        json.dump(timeline.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        timeline.to_csv(args.csv)
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
            from .bench import run_bench

            run_bench(args.clip, repeat=args.repeat)
            return EXIT_OK
    except (VideoDecodeError, FileNotFoundError, IsADirectoryError) as error:
        message = error if isinstance(error, VideoDecodeError) else f"There is no readable file at {error.filename}."
        print(f"error: {message}", file=sys.stderr)
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
