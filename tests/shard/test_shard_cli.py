"""`--shard` on the live commands: checked before anything is collected."""

from __future__ import annotations

import pytest

from scanner.cli import main


@pytest.mark.parametrize("command", ["audit", "snapshot"])
def test_bad_shard_is_one_line_and_exit_2(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JOB_COMPLETION_INDEX", raising=False)
    args = [command, "--shard", "auto/3", "--endpoint-url", "http://127.0.0.1:9"]
    if command == "snapshot":
        args += ["-o", "out.json"]
    with pytest.raises(SystemExit) as caught:
        main(args)
    err = capsys.readouterr().err
    assert caught.value.code == 2
    assert "JOB_COMPLETION_INDEX" in err and len(err.strip().splitlines()) == 1
