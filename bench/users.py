"""Creating benchmark users: open registration, or a command template per server.

A template is split like a shell line (shlex) and each word is then filled in with
str.format fields, so a value with spaces stays one argument and nothing is ever
passed through a shell. Fields: {localpart} {password} {server_name} {data_dir} {url}.
Example: `.venv/bin/closedserver user create {localpart} --password {password}
--data-dir {data_dir}`. A templated user is then logged in through /login.
"""

from __future__ import annotations

import asyncio
import shlex
import string
from collections.abc import Mapping
from dataclasses import dataclass

from bench.client import MatrixClient
from bench.tokens import Account

TEMPLATE_FIELDS = ("localpart", "password", "server_name", "data_dir", "url")


class TemplateError(ValueError):
    """A user-creation template that cannot be filled in."""


def check_template(template: str) -> list[str]:
    """The template's words; raises TemplateError for an unknown field or bad quoting."""
    try:
        words = shlex.split(template)
    except ValueError as error:
        raise TemplateError(f"cannot split {template!r}: {error}") from error
    if not words:
        raise TemplateError("empty user-creation template")
    for word in words:
        for _, field, _, _ in string.Formatter().parse(word):
            if field is not None and field not in TEMPLATE_FIELDS:
                known = ", ".join(TEMPLATE_FIELDS)
                raise TemplateError(f"unknown field {{{field}}} in {word!r}; known: {known}")
    return words


def render_user_command(template: str, fields: Mapping[str, str]) -> list[str]:
    """The argv that creates one user, each word of the template filled in."""
    try:
        return [word.format_map(fields) for word in check_template(template)]
    except KeyError as error:
        raise TemplateError(f"no value for field {error} in {template!r}") from error


def localpart_for(run_tag: str, number: int) -> str:
    """Localparts unique per run, so repeated runs against one server never clash."""
    return f"bench{run_tag}u{number}"


@dataclass
class UserFactory:
    """Makes logged-in Accounts on one homeserver, numbering them in order."""

    client: MatrixClient
    run_tag: str
    password: str
    template: str | None = None
    template_fields: Mapping[str, str] | None = None
    created: int = 0

    def next_localpart(self) -> str:
        self.created += 1
        return localpart_for(self.run_tag, self.created)

    async def create(self) -> Account:
        localpart = self.next_localpart()
        if self.template is None:
            return await self.client.register(localpart, self.password)
        await self._run_template(localpart)
        return await self.client.login(localpart, self.password)

    async def create_many(self, count: int, concurrency: int = 4) -> list[Account]:
        gate = asyncio.Semaphore(concurrency)

        async def one() -> Account:
            async with gate:
                return await self.create()

        return list(await asyncio.gather(*(one() for _ in range(count))))

    async def _run_template(self, localpart: str) -> None:
        assert self.template is not None
        fields = {**(self.template_fields or {}), "localpart": localpart}
        fields["password"] = self.password
        argv = render_user_command(self.template, fields)
        process = await asyncio.create_subprocess_exec(
            *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        output, _ = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"{argv[0]} exited {process.returncode}: {output.decode()[-500:]}")
