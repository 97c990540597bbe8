"""The command line's own texts in the user's language.

typer builds its help from English strings when cli.py is imported, before any option is
read. So the language is chosen from the arguments first, and the click command typer
builds is translated before it runs: every help text (through the same catalogue as every
other message), the help option, the section titles, the usage line and the usage errors.
The English strings are the msgids: tools/i18n.py collects the help texts from the built
command, and typer's and click's own words are marked below with N_.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from pmprb.base.errors import Exit
from pmprb.base.i18n import N_, _, set_language

# the few words of typer (and the click it vendors) that reach a user
_HELP_OPTION = N_("Show this message and exit.")
_TYPER_WORDS = (
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("Aborted!"),
    N_("Missing command."),
)

# the placeholders of the usage line and the option list
_PLACEHOLDERS = {
    "[OPTIONS]": N_("[OPTIONS]"),
    "COMMAND [ARGS]...": N_("COMMAND [ARGS]..."),
    "<list[Path]>": N_("<paths>"),
    "<list[str]>": N_("<ids>"),
    "<int range>": N_("<number>"),
    "<int>": N_("<number>"),
    "<str>": N_("<text>"),
    "<path>": N_("<path>"),
}


# the names typer shows for the arguments (their Python names)
_ARGUMENTS = {
    "file": N_("FILE"),
    "paths": N_("PATHS"),
    "rules": N_("RULES"),
    "a": "A",
    "b": "B",
}


def _placeholders(text: str) -> str:
    for english, msgid in _PLACEHOLDERS.items():
        text = text.replace(english, _(msgid))
    return text


# usage errors, as click words them (left) and as the catalogue does (right)
_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Missing option (?P<name>.+)\.$"), N_("Missing option {name}.")),
    (re.compile(r"Missing argument (?P<name>.+)\.$"), N_("Missing argument {name}.")),
    (re.compile(r"Missing parameter: (?P<name>.+)$"), N_("Missing argument {name}.")),
    (re.compile(r"No such option: (?P<name>.+)$"), N_("No such option: {name}")),
    (
        re.compile(r"No such command '(?P<name>.+?)'\.(?: Did you mean (?P<hint>.+)\?)?$"),
        N_("No such command '{name}'."),
    ),
    (
        re.compile(r"Got unexpected extra arguments? \((?P<name>.+)\)$"),
        N_("Unexpected extra argument ({name})"),
    ),
    (
        re.compile(r"Option '(?P<name>.+)' requires an argument\.$"),
        N_("Option '{name}' needs a value."),
    ),
    (
        re.compile(r"Invalid value for (?P<name>.+?): Input should be a valid integer.*$"),
        N_("Invalid value for {name}: give a whole number."),
    ),
    (
        re.compile(
            r"Invalid value for (?P<name>.+?): Input should be "
            r"(?P<op>greater|less) than or equal to (?P<bound>\S+)$"
        ),
        N_("Invalid value for {name}: give a number {op} {bound}."),
    ),
)


def translate_error(message: str) -> str:
    """A usage error of click in the current language (as is when it is not known)."""
    for pattern, msgid in _ERRORS:
        hit = pattern.match(message)
        if hit is not None:
            found = hit.groupdict()
            if "op" in found:
                found["op"] = _("of at least") if found["op"] == "greater" else _("of at most")
            shown = _(msgid).format(**found)
            if hit.groupdict().get("hint"):
                shown += " " + _("Did you mean {names}?").format(names=hit.group("hint"))
            return shown
    return message


def language_asked(args: Sequence[str]) -> str | None:
    """The value of --lang among the arguments (read before typer parses them)."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _commands(command: Any) -> Iterator[Any]:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _commands(sub)


def help_texts(command: Any) -> Iterator[str]:
    """Every help text of a click command and its subcommands (the msgids)."""
    for cmd in _commands(command):
        if cmd.help:
            yield cmd.help
        for param in cmd.params:
            text = getattr(param, "help", None)
            if text:
                yield text


def localize(command: Any) -> Any:
    """The click command with its help, usage and section words in the current language."""
    import typer.core
    from typer import _click

    class Formatter(_click.HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            shown = _placeholders(args)
            super().write_usage(prog, shown, _("Usage: ") if prefix is None else prefix)

        def write_dl(self, rows: Sequence[tuple[str, str]], *more: Any, **kw: Any) -> None:
            rows = [(_placeholders(a), _(b) if b.startswith(_HELP_OPTION) else b) for a, b in rows]
            super().write_dl(rows, *more, **kw)

    class Context(_click.Context):
        formatter_class = Formatter

    # typer's section titles and option notes go through gettext's `_`: ours instead
    typer.core._ = _  # type: ignore[attr-defined]
    for cmd in _commands(command):
        cmd.context_class = Context
        if cmd.help:
            cmd.help = _(cmd.help)
        for param in cmd.params:
            if getattr(param, "help", None):
                param.help = _(param.help)
            if param.param_type_name == "argument" and param.name in _ARGUMENTS:
                param.metavar = _(_ARGUMENTS[param.name])
    return command


def show_usage_error(error: Any) -> None:
    """A usage error as click shows it, in the current language."""
    from typer import _click

    ctx = error.ctx
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = (
                _("Try '{command} {option}' for help.").format(
                    command=ctx.command_path, option=ctx.help_option_names[0]
                )
                + "\n"
            )
        _click.echo(f"{ctx.get_usage()}\n{hint}", file=sys.stderr, color=ctx.color)
    message = _("Error: {message}").format(message=translate_error(error.format_message()))
    _click.echo(message, file=sys.stderr)


def only_command(app: Any, argv: Sequence[str]) -> Any:
    """The app with only the top-level command that argv runs, when it names one.

    typer turns every command into a click command at each start (~10 ms for all of
    them); a one-file run (a pre-commit hook, an editor save) needs only its own. Help on
    the whole tool, a rule-set subcommand and a mistyped command name keep the full app,
    so their listings and "did you mean" are unchanged.
    """
    import copy

    words = iter(argv)
    for word in words:
        if word in _HELP_WORDS:
            return app
        if word in _VALUE_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            for info in app.registered_commands:
                if (info.name or info.callback.__name__) == word:
                    solo = copy.copy(app)
                    solo.registered_commands = [info]
                    solo.registered_groups = []
                    return solo
            return app
    return app


# the top-level options: those that take a value, and those that ask for help
_VALUE_OPTIONS = frozenset({"--lang"})
_HELP_WORDS = frozenset({"--help"})


def run(app: Any, args: list[str] | None = None) -> None:
    """Run the typer app in the language asked for (--lang, PMPRB_LANG, Indonesian)."""
    import typer
    import typer.main
    from typer import _click

    argv = sys.argv[1:] if args is None else args
    set_language(language_asked(argv))
    command = localize(typer.main.get_command(only_command(app, argv)))
    try:
        code = command.main(args=argv, prog_name="pmprb", standalone_mode=False)
    except _click.exceptions.UsageError as error:
        show_usage_error(error)
        sys.exit(error.exit_code)
    except _click.exceptions.ClickException as error:
        message = _("Error: {message}").format(message=error.format_message())
        _click.echo(message, file=sys.stderr)
        sys.exit(error.exit_code)
    except typer.Abort:
        _click.echo(_("Aborted!"), file=sys.stderr)
        sys.exit(1)
    except BrokenPipeError:  # help or usage text to a reader that stopped reading
        drop_stdout()
        sys.exit(PIPE_CLOSED)
    except OSError as error:
        if error.filename is not None:  # a named file: not the output stream
            raise
        # typer's own writing failed (help to a full disk); a command's output goes
        # through cli.emit, which says the same
        drop_stdout()
        why = error.strerror or str(error)
        sys.stderr.write(_("cannot write the output to stdout: {why}").format(why=why) + "\n")
        sys.exit(Exit.CANNOT_RUN)
    sys.exit(code if isinstance(code, int) else 0)


PIPE_CLOSED = 141  # 128 + SIGPIPE: what a program ended by a closed pipe reports


def drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush of what could not be
    written fails neither loudly nor again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass  # not a real file (a test runner's buffer): nothing will flush it at exit
