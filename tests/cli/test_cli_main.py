"""The CLI's last lines of defence: unreadable scenario files and unexpected errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftcost.cli import cmd_models, main


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_scenario_file_not_utf8_is_one_line(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A scenario file that is not UTF-8 is one error line naming the file and the byte."""
    path = tmp_path / f"plan{suffix}"
    path.write_bytes(b'model = "gpt-4.1-mini"\n\xff\xfe\n')
    assert main(["estimate", "--scenario", str(path)]) == 1
    err = capsys.readouterr().err
    assert err == f"ftcost: error: {path}: not UTF-8 text (byte 23: b'\\xff')\n"


def test_unexpected_error_is_one_line_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug in a command exits 70 with one line on stderr; --debug re-raises it."""

    def broken(args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(cmd_models, "_run", broken)
    assert main(["models"]) == 70
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "ftcost: internal error: RuntimeError: boom (run with --debug for the traceback "
        "and report it)\n"
    )
    with pytest.raises(RuntimeError, match="boom"):
        main(["--debug", "models"])
