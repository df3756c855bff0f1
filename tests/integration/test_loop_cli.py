"""The command line of the closed loop: a region's statistics report reaches the national
coordinator and is merged there; a threshold below k = 11 is refused in one line."""

from __future__ import annotations

from pathlib import Path

from idtool import kdf
from idtool.vault import Vault
from tests.support.cases import assessed_case
from tests.support.cli import SUP, SUP_PASS, Runner, assert_clean_failure


def _runner(tmp_path: Path, name: str) -> Runner:
    data = tmp_path / name
    session, _ = Vault(data, kdf_params=kdf.FAST_PARAMS).create(SUP, "supervisor", SUP_PASS)
    if name == "region":
        for _ in range(12):
            assessed_case(session)
    session.close()
    temp = tmp_path / f"{name}-tmp"
    temp.mkdir()
    return Runner(data, temp, tmp_path)


def test_region_to_national_on_the_command_line(tmp_path: Path) -> None:
    nat, region = _runner(tmp_path, "national"), _runner(tmp_path, "region")
    usb = tmp_path / "usb"
    usb.mkdir()
    for run, card in ((nat, "national.idte"), (region, "region.idte")):
        proc = run("enrol", "create", "--out", str(usb / card))
        assert proc.returncode == 0, proc.stderr
    proc = region("stats-report", "trust-national", str(usb / "national.idte"), "--yes")
    assert proc.returncode == 0, proc.stderr
    proc = nat("stats-report", "trust-region", str(usb / "region.idte"), "--yes")
    assert proc.returncode == 0, proc.stderr

    assert_clean_failure(region("stats-report", "export", "--out", str(usb), "--threshold", "5"))
    proc = region("stats-report", "export", "--out", str(usb), "--label", "Osh")
    assert proc.returncode == 0, proc.stderr
    (package,) = [p for p in usb.iterdir() if p.suffix not in (".idte",)]
    proc = nat("import", str(package))
    assert proc.returncode == 0, proc.stderr
    proc = nat("stats-report", "periods")
    assert "Regions: 1" in proc.stdout, proc.stdout + proc.stderr
    csv = tmp_path / "national.csv"
    proc = nat("stats-report", "national", "--csv", str(csv))
    assert proc.returncode == 0, proc.stderr
    assert "Screened" in proc.stdout and ": 12" in proc.stdout
    assert csv.exists()
