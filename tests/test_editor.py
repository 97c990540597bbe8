"""The exported schema in a real editor: yaml-language-server (the VS Code YAML extension's
server), driven over stdio with LSP JSON-RPC.

The server is found as PMPRB_YAML_LS (a path) or `yaml-language-server` on PATH; without
it the tests skip on a developer's machine and fail in CI (PMPRB_REQUIRE_PROGRAMS=1).
Install: `npm install -g yaml-language-server@1.25.0`.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pmprb.cli import app
from pmprb.model.load import load_rules
from pmprb.model.rules import ChoiceScale, NumberScale

from .conftest import need_program

RID = "permenpanrb-26-2020"
TIMEOUT = 60.0  # seconds for one answer: the server starts slowly on a busy machine


def server_command() -> list[str]:
    given = os.environ.get("PMPRB_YAML_LS", "").strip()
    found = given if given else need_program("yaml-language-server")
    return [found, "--stdio"]


class Server:
    """A yaml-language-server process and the few LSP messages these tests need."""

    def __init__(self, command: list[str], settings: dict[str, Any]) -> None:
        self.settings = settings
        self.proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _sep, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            assert length is not None
            self.inbox.put(json.loads(out.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _answer_requests(self, message: dict[str, Any]) -> bool:
        """Answer what the server asks of the client; True if the message was one."""
        if "id" not in message or "method" not in message:
            return False
        result: Any = None
        if message["method"] == "workspace/configuration":
            items = message["params"]["items"]
            result = [self.settings if i.get("section") == "yaml" else None for i in items]
        self.send({"id": message["id"], "result": result})
        return True

    def wait(self, want: Any) -> dict[str, Any]:
        """The next message for which want(message) is true (answering requests meanwhile)."""
        while True:
            try:
                message = self.inbox.get(timeout=TIMEOUT)
            except queue.Empty:
                pytest.fail("yaml-language-server did not answer in time")
            if self._answer_requests(message):
                continue
            if want(message):
                return message

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        ident = self.next_id
        self.send({"id": ident, "method": method, "params": params})
        reply = self.wait(lambda m: m.get("id") == ident and "method" not in m)
        assert "error" not in reply, reply
        return reply["result"]

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def open(self, path: Path, text: str) -> list[dict[str, Any]]:
        """Open a document; the diagnostics the server publishes once its schema is read."""
        uri = path.as_uri()
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        published = self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
            )
        )
        return list(published["params"]["diagnostics"])

    def close(self) -> None:
        with_stdin = self.proc.stdin
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
        except (OSError, ValueError):
            pass
        if with_stdin is not None:
            with_stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("editor")
    result = CliRunner().invoke(app, ["--lang", "id", "schema", "--rules", RID])
    assert result.exit_code == 0, result.output
    (folder / "schema.json").write_text(result.stdout, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def server(workspace: Path) -> Iterator[Server]:
    command = server_command()
    settings = {
        "schemas": {(workspace / "schema.json").as_uri(): "*.yaml"},
        "validate": True,
        "hover": True,
        "completion": True,
    }
    srv = Server(command, settings)
    srv.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": workspace.as_uri(),
            "capabilities": {
                "textDocument": {
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                    "completion": {"completionItem": {"documentationFormat": ["markdown"]}},
                }
            },
        },
    )
    srv.notify("initialized", {})
    srv.notify("workspace/didChangeConfiguration", {"settings": {"yaml": settings}})
    yield srv
    srv.close()


HEAD = f"""rules: {RID}
year: 2021
unit:
  name: Dinas Uji
  code: "9.99"
answers:
"""


def first(kind: type[ChoiceScale] | type[NumberScale]) -> tuple[str, Any]:
    """The first question of the rule set with a scale of this kind."""
    for qid, ref in load_rules(RID).questions.items():
        if isinstance(ref.scale, kind) and ref.question.counts is None:
            return qid, ref
    raise AssertionError(kind)


def diagnostics_for(server: Server, workspace: Path, name: str, lines: list[str]) -> Any:
    text = HEAD + "".join(f"  {line}\n" for line in lines)
    return server.open(workspace / name, text)


def test_a_wrong_option_names_the_options(server: Server, workspace: Path) -> None:
    qid, ref = first(ChoiceScale)
    options = ", ".join(ref.scale.options)
    found = diagnostics_for(server, workspace, "option.yaml", [f"{qid}: Z"])
    assert [(d["range"]["start"]["line"], d["message"]) for d in found] == [
        (6, f"{qid}: pilih salah satu dari {options}, atau kosongkan")
    ]


@pytest.mark.parametrize(
    ("value", "name"),
    [("150", "above"), ("-1", "below"), ("85%", "percent"), ('"85"', "quoted"), ("85,5", "comma")],
)
def test_a_wrong_number_names_the_range(
    server: Server, workspace: Path, value: str, name: str
) -> None:
    qid, ref = first(NumberScale)
    lo, hi = ref.scale.min, ref.scale.max
    found = diagnostics_for(server, workspace, f"number-{name}.yaml", [f"{qid}: {value}"])
    messages = [(d["range"]["start"]["line"], d["message"]) for d in found]
    assert len(messages) == 1, messages
    line, message = messages[0]
    assert line == 6
    assert message.startswith(f"{qid}: angka dari {lo} sampai {hi}")
    assert "tanpa tanda kutip, tanpa %" in message


def test_good_answers_and_blanks_have_no_diagnostics(server: Server, workspace: Path) -> None:
    choice, ref = first(ChoiceScale)
    number, _ref = first(NumberScale)
    label = next(iter(ref.scale.options))
    found = diagnostics_for(
        server,
        workspace,
        "good.yaml",
        [
            f"{choice}: {label.lower()}",
            f"{number}: 85.5",
            "mp.tim_rb.b:",
            "mp.tim_rb.c: {answer: null, evidence: [SK Tim RB]}",
        ],
    )
    assert found == []


def test_a_misspelt_field_keeps_its_own_message(server: Server, workspace: Path) -> None:
    qid, ref = first(ChoiceScale)
    label = next(iter(ref.scale.options))
    found = diagnostics_for(
        server, workspace, "field.yaml", [f"{qid}: {{answer: {label}, evidance: [SK]}}"]
    )
    assert [d["message"] for d in found] == ["Property evidance is not allowed."]


def completion_labels(server: Server, path: Path, text: str, line: int, col: int) -> list[str]:
    server.open(path, text)
    result = server.request(
        "textDocument/completion",
        {"textDocument": {"uri": path.as_uri()}, "position": {"line": line, "character": col}},
    )
    items = result["items"] if isinstance(result, dict) else result
    return [item["label"] for item in items]


def test_completion_offers_question_ids_and_options(server: Server, workspace: Path) -> None:
    loaded = load_rules(RID)
    ids = completion_labels(server, workspace / "complete-ids.yaml", HEAD + "  \n", 6, 2)
    assert set(ids) == set(loaded.questions)
    qid, ref = first(ChoiceScale)
    text = HEAD + f"  {qid}: \n"
    options = completion_labels(server, workspace / "complete-options.yaml", text, 6, len(qid) + 4)
    assert set(ref.scale.options) <= set(options)


def test_hover_shows_the_question_and_its_options(server: Server, workspace: Path) -> None:
    qid, ref = first(ChoiceScale)
    path = workspace / "hover.yaml"
    server.open(path, HEAD + f"  {qid}: A\n")
    result = server.request(
        "textDocument/hover",
        {"textDocument": {"uri": path.as_uri()}, "position": {"line": 6, "character": 4}},
    )
    contents = result["contents"]
    text = contents["value"] if isinstance(contents, dict) else str(contents)
    assert ref.question.text in text
    for label, meaning in ref.question.options.items():
        assert f"`{label}` {meaning}" in text


def test_a_question_with_counts_names_them_too(server: Server, workspace: Path) -> None:
    loaded = load_rules(RID)
    qid, ref = next((q, r) for q, r in loaded.questions.items() if r.question.counts is not None)
    assert ref.question.counts is not None
    assert isinstance(ref.scale, NumberScale)
    names = ", ".join(f"{k}: N" for k in ref.question.counts.inputs)
    found = diagnostics_for(server, workspace, "counts.yaml", [f"{qid}: banyak"])
    [message] = [d["message"] for d in found]
    assert message.startswith(f"{qid}: angka dari {ref.scale.min} sampai {ref.scale.max}")
    assert message.endswith(f"; atau isi jumlahnya: {{counts: {{{names}}}}}")
