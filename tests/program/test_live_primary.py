"""The program reads the live primary through the AWS provider; what it says when it cannot."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from freshfoodz_seasonal.adapters.live_primary import MAX_ERROR_CHARS, PrimaryUnreadable, read_primary
from freshfoodz_seasonal.preview.capture import GET_DB_INSTANCE


class _Provider(pulumi.runtime.Mocks):
    def __init__(self, answer: dict[str, Any] | Exception) -> None:
        super().__init__()
        self.answer = answer
        self.asked: list[tuple[str, dict[str, Any]]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return args.name, {}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        self.asked.append((args.token, dict(args.args)))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer, []


def test_the_class_and_tags_come_from_the_describe_call() -> None:
    provider = _Provider({"dbInstanceClass": "db.r7g.xlarge", "tags": {"team": "platform"}})
    pulumi.runtime.set_mocks(provider, project="p", stack="s", preview=False)
    primary = read_primary("freshfoodz-primary")
    assert (primary.instance_class, primary.tags) == ("db.r7g.xlarge", {"team": "platform"})
    assert provider.asked == [(GET_DB_INSTANCE, {"dbInstanceIdentifier": "freshfoodz-primary"})]


def test_an_unreadable_primary_is_said_in_one_bounded_line() -> None:
    failure = Exception("DBInstanceNotFound:\n DB instance freshfoodz-primary not found " + "x" * 2000)
    pulumi.runtime.set_mocks(_Provider(failure), project="p", stack="s", preview=False)
    with pytest.raises(PrimaryUnreadable) as unreadable:
        read_primary("freshfoodz-primary")
    message = str(unreadable.value)
    assert message.startswith("cannot read the primary database freshfoodz-primary")
    assert "DBInstanceNotFound: DB instance" in message and "\n" not in message
    assert len(message) < MAX_ERROR_CHARS + 100
