"""The README documents every command, option, table and column that exists."""

from __future__ import annotations

import re

from flows.cli import _parser
from tests.conftest import REPO
from warehouse.schemas import SCHEMAS

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_documents_every_cli_command_and_option():
    commands = _parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name, sub in commands.items():
        assert f"pagewash {name}" in README, name
        for action in sub._actions:
            for flag in action.option_strings:
                assert flag in README or flag in ("-h", "--help"), flag


def test_readme_documents_every_table_and_column():
    for table, schema in SCHEMAS.items():
        row = re.search(rf"^\| `{table}` \|.*$", README, re.MULTILINE)
        assert row, table
        for column in schema.names:
            assert f"`{column}`" in row.group(0), f"{table}.{column}"


def test_readme_quick_start_commands_exist_in_the_makefile():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in re.findall(r"^make (\w+)", README, re.MULTILINE):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
    assert (REPO / ".ci" / "run").read_text().strip().endswith("make test")
