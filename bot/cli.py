"""The `doorvraag` command line: classify, build-spacy, db upgrade, export, import, report, trends, digest,
purge, forget."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path

MAX_TEXT_CHARS = 2000


def _quiet_libraries() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    for name in ("rasa", "tensorflow", "absl", "matplotlib"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # Rasa logs parse results (user text!) through structlog, to stdout by default:
    # stdout carries our JSON lines, so structlog goes to stderr, warnings only.
    import structlog

    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
    )


def _texts(args_texts: list[str], stdin) -> Iterable[str]:
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


def _argument(parse):
    """An argparse type from a parser that raises ValueError: its message becomes argparse's error."""

    def convert(text: str):
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def _date_argument(text: str):
    from bot.storage.dates import parse_date

    return _argument(parse_date)(text)


def _database_problem(error: BaseException) -> str:
    """The driver's own message (no SQL, no values): says what is wrong with the database."""
    original = getattr(error, "orig", None) or error
    return str(original).splitlines()[0] if str(original) else type(original).__name__


def _missing_sqlite_file(url: str) -> Path | None:
    """A SQLite file that does not exist yet; reading it would silently create an empty one."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    _quiet_libraries()
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from bot.storage import migrate, settings
    from bot.storage.database import ensure_database

    url = settings.database_url()
    try:
        # PostgreSQL: the contact log's and the transcripts' databases are created when missing.
        for created in (url, settings.tracker_database_url()):
            if ensure_database(created):
                print(f"created database {settings.safe_url(created)}")
        migrate.upgrade(url, args.revision)
        revision = migrate.current_revision(url)
    except CommandError as error:
        print(f"doorvraag db upgrade: {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(
            f"doorvraag db upgrade: cannot migrate {settings.safe_url(url)}: {_database_problem(error)}",
            file=sys.stderr,
        )
        return 1
    print(f"database {settings.safe_url(url)} is at revision {revision}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    _quiet_libraries()
    from sqlalchemy.exc import SQLAlchemyError

    from bot.storage import Database, contacts_between, settings
    from bot.storage.export import write_jsonl

    if args.date_from and args.date_to and args.date_from > args.date_to:
        print(f"doorvraag export: --from {args.date_from} lies after --to {args.date_to}", file=sys.stderr)
        return 2
    url = settings.database_url()
    missing = _missing_sqlite_file(url)
    if missing is not None:
        print(
            f"doorvraag export: no database at {missing}; set DATABASE_URL or run 'doorvraag db upgrade'",
            file=sys.stderr,
        )
        return 1
    database = Database(url)
    try:
        contacts = contacts_between(database, args.date_from, args.date_to)
    except SQLAlchemyError as error:
        print(
            f"doorvraag export: cannot read contacts from {settings.safe_url(url)}: "
            f"{_database_problem(error)} (has 'doorvraag db upgrade' run?)",
            file=sys.stderr,
        )
        return 1
    finally:
        database.dispose()
    if args.out == "-":
        count = write_jsonl(contacts, sys.stdout)
    else:
        try:
            with open(args.out, "w", encoding="utf-8", newline="\n") as handle:
                count = write_jsonl(contacts, handle)
        except OSError as error:
            print(f"doorvraag export: cannot write {args.out}: {error.strerror or error}", file=sys.stderr)
            return 1
    print(f"{count} contacts exported to {'stdout' if args.out == '-' else args.out}", file=sys.stderr)
    return 0


def _open_database(command: str):
    """The contact log named by DATABASE_URL, or None (with a message) when its SQLite file is missing."""
    from bot.storage import Database, settings

    url = settings.database_url()
    missing = _missing_sqlite_file(url)
    if missing is not None:
        print(
            f"doorvraag {command}: no database at {missing}; set DATABASE_URL or run 'doorvraag db upgrade'",
            file=sys.stderr,
        )
        return None
    return Database(url)


def cmd_purge(args: argparse.Namespace) -> int:
    _quiet_libraries()
    from datetime import timedelta

    from sqlalchemy.exc import SQLAlchemyError

    from bot.storage import settings
    from bot.storage.privacy import RetentionPolicy, purge

    try:
        policy = RetentionPolicy.from_env()
    except ValueError as error:
        print(f"doorvraag purge: {error}", file=sys.stderr)
        return 2
    if args.older_than_days is not None:
        policy = RetentionPolicy(timedelta(days=args.older_than_days), policy.callback_grace)
    if args.callback_grace_days is not None:
        policy = RetentionPolicy(policy.retention, timedelta(days=args.callback_grace_days))
    database = _open_database("purge")
    if database is None:
        return 1
    try:
        report = purge(database, settings.tracker_database_url(), policy)
    except SQLAlchemyError as error:
        print(f"doorvraag purge: {_database_problem(error)}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    print(
        json.dumps(
            {
                "purged": report.as_dict(),
                "retention_days": policy.retention.days,
                "callback_grace_days": policy.callback_grace.days,
            }
        )
    )
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    _quiet_libraries()
    from sqlalchemy.exc import SQLAlchemyError

    from bot.storage import settings
    from bot.storage.privacy import forget

    conversation = args.conversation_id.strip()
    if not conversation:
        print("doorvraag forget: give the conversation id", file=sys.stderr)
        return 2
    database = _open_database("forget")
    if database is None:
        return 1
    try:
        report = forget(database, settings.tracker_database_url(), conversation, actor=args.actor)
    except SQLAlchemyError as error:
        print(f"doorvraag forget: {_database_problem(error)}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    print(json.dumps({"forgotten": report.as_dict()}))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    _quiet_libraries()
    from sqlalchemy.exc import SQLAlchemyError

    from bot.analytics.compare import compare
    from bot.analytics.report import write_report

    if args.date_from > args.date_to:
        print(f"doorvraag report: --from {args.date_from} lies after --to {args.date_to}", file=sys.stderr)
        return 2
    database = _open_database("report")
    if database is None:
        return 1
    try:
        comparison = compare(database, args.date_from, args.date_to)
    except SQLAlchemyError as error:
        print(f"doorvraag report: {_database_problem(error)} (has 'doorvraag db upgrade' run?)", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    try:
        page = write_report(comparison, Path(args.out))
    except OSError as error:
        print(f"doorvraag report: cannot write {args.out}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(
        f"{comparison.current.total} contacts ({comparison.previous.total} a year earlier); report written to {page}",
        file=sys.stderr,
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    _quiet_libraries()
    from sqlalchemy.exc import SQLAlchemyError

    from bot.storage.importer import MAX_REPORTED, ImportFileError, import_contacts

    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as error:
        print(f"doorvraag import: cannot read {args.file}: {error.strerror or error}", file=sys.stderr)
        return 1
    database = _open_database("import")
    if database is None:
        return 1
    try:
        result = import_contacts(database, raw, name=args.file, skip_bad=args.skip_bad, actor=args.actor)
    except ImportFileError as error:
        print(f"doorvraag import: {args.file}: {error}; nothing imported", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(f"doorvraag import: {_database_problem(error)} (has 'doorvraag db upgrade' run?)", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    for problem in result.errors[:MAX_REPORTED]:
        print(f"doorvraag import: {args.file} {problem}", file=sys.stderr)
    if len(result.errors) > MAX_REPORTED:
        print(f"doorvraag import: ... and {len(result.errors) - MAX_REPORTED} more bad rows", file=sys.stderr)
    print(json.dumps(result.as_dict()))
    if result.errors and not args.skip_bad:
        print(
            f"doorvraag import: {len(result.errors)} bad rows; nothing imported (fix them, or use --skip-bad)",
            file=sys.stderr,
        )
        return 1
    return 0


def _week_argument(text: str):
    from bot.analytics.calendar import parse_week

    return _argument(parse_week)(text)


def _default_week():
    from bot.analytics.calendar import previous_complete_week
    from bot.hours import current_time

    return previous_complete_week(current_time().date())


def cmd_trends(args: argparse.Namespace) -> int:
    _quiet_libraries()
    from sqlalchemy.exc import SQLAlchemyError

    from bot.analytics.trends import describe, trends

    database = _open_database("trends")
    if database is None:
        return 1
    try:
        report = trends(database, args.week or _default_week(), fdr=args.fdr)
    except SQLAlchemyError as error:
        print(f"doorvraag trends: {_database_problem(error)} (has 'doorvraag db upgrade' run?)", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"doorvraag trends: {error}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    if args.json:
        print(json.dumps(report.as_list(), ensure_ascii=False))
    else:
        print(f"Opvallend in {report.week} ({report.total} contacten):")
        for line in describe(report):
            print(f"- {line}")
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    _quiet_libraries()
    from sqlalchemy.exc import SQLAlchemyError

    from bot.analytics.digest import digest_html

    database = _open_database("digest")
    if database is None:
        return 1
    week = args.week or _default_week()
    try:
        page = digest_html(database, week)
    except SQLAlchemyError as error:
        print(f"doorvraag digest: {_database_problem(error)} (has 'doorvraag db upgrade' run?)", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    try:
        Path(args.out).write_text(page, encoding="utf-8")
    except OSError as error:
        print(f"doorvraag digest: cannot write {args.out}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"digest of {week} written to {args.out}", file=sys.stderr)
    return 0


def _read_password(args: argparse.Namespace) -> str | None:
    """From --password-stdin (one line) or a prompt asked twice; never from the command line."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("Wachtwoord: ")
    if first != getpass.getpass("Nog een keer: "):
        print("doorvraag user add: the passwords differ", file=sys.stderr)
        return None
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    _quiet_libraries()
    from bot.web.auth import AccountError, create_user

    password = _read_password(args)
    if password is None:
        return 2
    database = _open_database("user add")
    if database is None:
        return 1
    try:
        create_user(database, args.username, password, args.role, actor=os.environ.get("USER") or "cli")
    except AccountError as error:
        print(f"doorvraag user add: {error}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    print(f"user {args.username} ({args.role}) added")
    return 0


def cmd_answers_check(args: argparse.Namespace) -> int:
    from bot import answers

    folder = Path(args.folder) if args.folder else answers.FOLDER
    findings = answers.check(folder)
    for line in answers.report(findings, folder):
        print(line)
    return 1 if any(f.fatal for f in findings) else 0


def cmd_console(args: argparse.Namespace) -> int:
    _quiet_libraries()
    from bot.web.app import serve

    serve(args.host, args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="doorvraag", description="Doorvraag helpdesk chatbot tools")
    commands = parser.add_subparsers(dest="command", required=True)

    classify = commands.add_parser(
        "classify", help="classify texts (arguments, or one per line on stdin) as JSON lines"
    )
    classify.add_argument("texts", nargs="*", help="texts to classify; without them, read stdin")
    classify.add_argument("--model", default=os.environ.get("DOORVRAAG_MODEL", "models/doorvraag.tar.gz"))
    classify.set_defaults(func=cmd_classify)

    spacy_cmd = commands.add_parser("build-spacy", help="build the Dutch spaCy pipeline folder")
    spacy_cmd.add_argument("--out", default=".cache/spacy/nl_doorvraag")
    spacy_cmd.set_defaults(func=cmd_build_spacy)

    db_cmd = commands.add_parser("db", help="contact log database (DATABASE_URL, default sqlite:///doorvraag.db)")
    db_commands = db_cmd.add_subparsers(dest="db_command", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply the migrations to DATABASE_URL")
    upgrade.add_argument("--revision", default="head", help="target revision (default: head)")
    upgrade.set_defaults(func=cmd_db_upgrade)

    export = commands.add_parser(
        "export", help="write contacts as JSON lines; dates are inclusive days in Europe/Amsterdam"
    )
    export.add_argument(
        "--from",
        dest="date_from",
        type=_date_argument,
        metavar="YYYY-MM-DD",
        help="first day (default: the first contact)",
    )
    export.add_argument(
        "--to",
        dest="date_to",
        type=_date_argument,
        metavar="YYYY-MM-DD",
        help="last day, included (default: the last contact)",
    )
    export.add_argument("--out", default="-", metavar="FILE", help="output file (default: stdout)")
    export.set_defaults(func=cmd_export)

    report = commands.add_parser(
        "report", help="figures and charts of a period as a self-contained HTML page (+ figures.csv)"
    )
    report.add_argument("--from", dest="date_from", type=_date_argument, required=True, metavar="YYYY-MM-DD")
    report.add_argument("--to", dest="date_to", type=_date_argument, required=True, metavar="YYYY-MM-DD")
    report.add_argument("--out", required=True, metavar="DIR", help="folder for index.html and figures.csv")
    report.set_defaults(func=cmd_report)

    import_cmd = commands.add_parser(
        "import",
        help="add coded contacts of earlier years: JSON lines with export's keys, or CSV with the same columns",
    )
    import_cmd.add_argument(
        "file", metavar="FILE", help="a .jsonl or .csv file (UTF-8, comma or semicolon); - for stdin"
    )
    import_cmd.add_argument("--skip-bad", action="store_true", help="import the good rows even when some are bad")
    import_cmd.add_argument(
        "--actor", default=os.environ.get("USER") or "import", help="who imports, for the audit log"
    )
    import_cmd.set_defaults(func=cmd_import)

    trends_cmd = commands.add_parser(
        "trends", help="what rose in a week (themes, question types, terms) against earlier weeks and years"
    )
    trends_cmd.add_argument("--week", type=_week_argument, metavar="YYYY-Www", help="default: last week")
    trends_cmd.add_argument("--json", action="store_true", help="one JSON array of signals, strongest first")
    trends_cmd.add_argument("--fdr", type=float, help="false-discovery rate (default DOORVRAAG_TRENDS_FDR or 0.05)")
    trends_cmd.set_defaults(func=cmd_trends)

    digest_cmd = commands.add_parser("digest", help="the week's figures and signals as one HTML page fit to mail")
    digest_cmd.add_argument("--week", type=_week_argument, metavar="YYYY-Www", help="default: last week")
    digest_cmd.add_argument("--out", required=True, metavar="FILE.html")
    digest_cmd.set_defaults(func=cmd_digest)

    user_cmd = commands.add_parser("user", help="console accounts")
    user_commands = user_cmd.add_subparsers(dest="user_command", required=True)
    user_add = user_commands.add_parser("add", help="add an account (the password is asked, never an argument)")
    user_add.add_argument("username")
    user_add.add_argument("--role", required=True, choices=("staff", "analyst", "admin"))
    user_add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    user_add.set_defaults(func=cmd_user_add)

    console_cmd = commands.add_parser("console", help="the staff console and dashboard (default 127.0.0.1:8000)")
    console_cmd.add_argument("--host", default=os.environ.get("DOORVRAAG_CONSOLE_HOST", "127.0.0.1"))
    console_cmd.add_argument("--port", type=int, default=int(os.environ.get("DOORVRAAG_CONSOLE_PORT", "8000")))
    console_cmd.set_defaults(func=cmd_console)

    purge_cmd = commands.add_parser(
        "purge", help="remove transcripts, free text and call-back details past their retention period"
    )
    purge_cmd.add_argument(
        "--older-than-days",
        type=_non_negative_days,
        metavar="N",
        help="retention period (default: DOORVRAAG_RETENTION_DAYS or 365)",
    )
    purge_cmd.add_argument(
        "--callback-grace-days",
        type=_non_negative_days,
        metavar="N",
        help="keep call-back details this long after the call-back is done "
        "(default: DOORVRAAG_CALLBACK_GRACE_DAYS or 14)",
    )
    purge_cmd.set_defaults(func=cmd_purge)

    forget_cmd = commands.add_parser(
        "forget", help="erase one conversation (AVG request); only anonymous coded counts stay"
    )
    forget_cmd.add_argument("conversation_id")
    forget_cmd.add_argument(
        "--actor", default=os.environ.get("USER") or "beheerder", help="who asked for the erasure, for the audit log"
    )
    forget_cmd.set_defaults(func=cmd_forget)

    answers_cmd = commands.add_parser("answers", help="the knowledge base of practical answers")
    answers_commands = answers_cmd.add_subparsers(dest="answers_command", required=True)
    answers_check = answers_commands.add_parser(
        "check", help="validate bot/knowledge/answers/ (fields, sources and their dates, duplicate examples)"
    )
    answers_check.add_argument("--folder", help="another folder of answer files")
    answers_check.set_defaults(func=cmd_answers_check)
    return parser


def _non_negative_days(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of days, not {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
