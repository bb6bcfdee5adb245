"""Keep the docs honest: config options, CLI commands and routes are all documented."""

import re
from pathlib import Path

import typer.main

from cli.main import app
from closedserver.api.routes import CLIENT_ROUTES
from closedserver.config import section_fields, sections

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_every_config_option_is_in_the_readme_table():
    for section, cls in sections().items():
        for key, _, _, doc in section_fields(cls):
            assert f"`{section}.{key}`" in README, f"{section}.{key} missing from README"
            assert doc, f"{section}.{key} has no doc"


def _commands(group, prefix: str = ""):
    for name, command in group.commands.items():
        full = f"{prefix} {name}".strip()
        if hasattr(command, "commands"):
            yield from _commands(command, full)
        else:
            yield full, command


def test_every_cli_command_has_help_with_an_example_and_is_in_the_readme():
    root = typer.main.get_command(app)
    commands = list(_commands(root))
    assert len(commands) > 10
    for name, command in commands:
        assert command.help and "Example:" in command.help, f"{name} lacks help with an example"
        assert f"closedserver {name}" in README, f"`closedserver {name}` missing from README"


def test_every_route_has_a_docstring_naming_its_method_and_path():
    for route in CLIENT_ROUTES:
        first_line = (route.endpoint.__doc__ or "").strip().splitlines()[0]
        method = next(iter(route.methods - {"HEAD"}))
        # A route may be a variant of the documented path (`/state/{eventType}` without
        # its optional state key), so the documented path must start with the route's.
        path = route.path.replace(":path", "")
        doc_method, _, doc_path = first_line.partition(" ")
        assert doc_method == method and doc_path.startswith(path), \
            f"{route.endpoint.__name__}: docstring should start with {method} {path}"


def test_every_module_has_a_docstring():
    root = Path(__file__).parent.parent
    for path in [*root.glob("closedserver/**/*.py"), *root.glob("cli/*.py")]:
        if path.name == "__init__.py" and not path.read_text().strip():
            continue
        text = path.read_text().lstrip()
        assert re.match(r'^(?:from __future__[^\n]*\n\s*)?"""', text) or text.startswith('"""'), \
            f"{path} has no module docstring"
