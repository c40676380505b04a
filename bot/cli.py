"""The `doorvraag` command line: classify, build-spacy (and more as the product grows)."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Iterable, List, Optional

MAX_TEXT_CHARS = 2000


def _quiet_libraries() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    for name in ("rasa", "tensorflow", "absl", "matplotlib"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _texts(args_texts: List[str], stdin) -> Iterable[str]:
    if args_texts:
        yield from args_texts
        return
    for raw in stdin:
        yield raw.rstrip("\r\n")


def cmd_classify(args: argparse.Namespace) -> int:
    _quiet_libraries()
    from bot.classifier import Classifier, ModelNotFound

    try:
        classifier = Classifier(Path(args.model))
    except ModelNotFound as error:
        print(f"doorvraag classify: {error}", file=sys.stderr)
        return 2
    out = sys.stdout
    try:
        for text in _texts(args.texts, sys.stdin):
            if not text.strip():
                # Keep line-for-line output: an empty line gets an explicit error object.
                out.write(json.dumps({"text": text, "error": "lege tekst"}, ensure_ascii=False) + "\n")
                continue
            result = classifier.classify(text[:MAX_TEXT_CHARS]).as_dict()
            result["text"] = text
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            out.flush()
    finally:
        classifier.close()
    return 0


def cmd_build_spacy(args: argparse.Namespace) -> int:
    from bot.nlp.spacy_pipeline import build

    print(f"Dutch spaCy pipeline written to {build(Path(args.out))}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="doorvraag", description="Doorvraag helpdesk chatbot tools")
    commands = parser.add_subparsers(dest="command", required=True)

    classify = commands.add_parser(
        "classify", help="classify texts (arguments, or one per line on stdin) as JSON lines")
    classify.add_argument("texts", nargs="*", help="texts to classify; without them, read stdin")
    classify.add_argument("--model", default=os.environ.get("DOORVRAAG_MODEL", "models/doorvraag.tar.gz"))
    classify.set_defaults(func=cmd_classify)

    spacy_cmd = commands.add_parser("build-spacy", help="build the Dutch spaCy pipeline folder")
    spacy_cmd.add_argument("--out", default=".cache/spacy/nl_doorvraag")
    spacy_cmd.set_defaults(func=cmd_build_spacy)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
