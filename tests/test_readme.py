"""The README and docs/ document every command, option, table, column and make target that
exists, show no command or option that does not, and their links resolve."""

from __future__ import annotations

import re
from pathlib import Path

from flows.cli import _parser
from tests.conftest import REPO
from transforms.records import Reason
from warehouse.schemas import SCHEMAS

README = (REPO / "README.md").read_text(encoding="utf-8")
PAGES = [
    REPO / "README.md",
    *sorted((REPO / "docs").glob("*.md")),
    REPO / "benchmarks" / "RESULTS.md",
]
# The README and the reference pages together: a fact may live in either.
DOCS = "\n".join(page.read_text(encoding="utf-8") for page in PAGES)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def test_readme_documents_every_cli_command_and_option():
    commands = _parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name, sub in commands.items():
        assert f"pagewash {name}" in README, name
        for action in sub._actions:
            for flag in action.option_strings:
                assert flag in DOCS or flag in ("-h", "--help"), flag


def _code(text: str) -> str:
    """The code of ``text``: its fenced blocks and inline code spans."""
    return "\n".join([*FENCE.findall(text), *re.findall(r"`([^`\n]+)`", FENCE.sub("", text))])


def test_every_cli_command_and_option_the_docs_show_exists():
    commands = _parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for shown in re.finditer(r"\bpagewash ([a-z][a-z-]*)([^\n`|]*)", _code(DOCS)):
        name, rest = shown.groups()
        assert name in commands, shown.group(0)
        flags = {flag for action in commands[name]._actions for flag in action.option_strings}
        for flag in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", rest):
            assert flag in flags, shown.group(0)


def test_readme_documents_every_table_and_column():
    for table, schema in SCHEMAS.items():
        row = re.search(rf"^\| `{table}` \|.*$", DOCS, re.MULTILINE)
        assert row, table
        for column in schema.names:
            assert f"`{column}`" in row.group(0), f"{table}.{column}"


def test_readme_lists_every_table():
    for table in SCHEMAS:
        assert f"`{table}`" in README, table


def test_docs_explain_every_quarantine_reason():
    reliability = (REPO / "docs" / "reliability.md").read_text(encoding="utf-8")
    for reason in Reason:
        assert f"| `{reason}` |" in reliability, reason


def test_readme_quick_start_commands_exist_in_the_makefile():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in re.findall(r"^make ([\w-]+)", DOCS, re.MULTILINE):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
    assert (REPO / ".ci" / "run").read_text().strip().endswith("make test")


def test_readme_lists_every_make_target():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.MULTILINE)
    assert phony
    for target in phony.group(1).split():
        assert re.search(rf"^make {re.escape(target)}\b", README, re.MULTILINE), target


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {_slug(h) for h in re.findall(r"^#+ (.*)$", text, re.MULTILINE)}


def test_links_between_the_readme_and_docs_resolve():
    assert re.search(r"\]\(docs/\w", README), "the README links into docs/"
    for page in PAGES:
        text = FENCE.sub("", page.read_text(encoding="utf-8"))
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):  # http(s), mailto: not checked here
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            where = f"{page.relative_to(REPO)} -> {target}"
            assert linked.exists(), where
            assert linked.is_relative_to(REPO), where
            if anchor:
                assert anchor in _anchors(linked), where


def test_every_docs_page_is_linked_from_the_readme():
    for page in sorted((REPO / "docs").glob("*.md")):
        assert f"(docs/{page.name})" in README, page.name
