<#
.SYNOPSIS
    Builds the Windows program: packaging\dist\idtool\ (idtool.exe and idtool-gui.exe sharing
    one folder), smoke-tests it, and makes the installer packaging\dist\idtool-VERSION-setup.exe
    with Inno Setup 6 when it is installed.

.DESCRIPTION
    Run from any folder, in PowerShell 5.1 or 7, on 64-bit Windows 10 or 11 with Python 3.11
    or newer (64-bit, from python.org) and git. The first run makes .venv and installs the
    project with its dev tools (PyInstaller among them).

        powershell -ExecutionPolicy Bypass -File packaging\build-windows.ps1 -Clean

    See packaging\README.md. Not yet tried on Windows: written alongside the Linux build.

.PARAMETER Clean
    Remove packaging\build and packaging\dist first.
.PARAMETER NoSmoke
    Skip the smoke test of the built folder.
.PARAMETER NoInstaller
    Do not make the installer even if Inno Setup is installed.
#>
param(
    [switch]$Clean,
    [switch]$NoSmoke,
    [switch]$NoInstaller
)
$ErrorActionPreference = "Stop"
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root

function Say([string]$Text) { Write-Host "[build] $Text" }

# Native programs do not stop the script on failure: check each exit status.
function Invoke-Checked([string]$What, [scriptblock]$Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit status $LASTEXITCODE)" }
}

if ($Clean) {
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue packaging\build, packaging\dist
}

# -- the virtual environment -----------------------------------------------------------------
$Python = Join-Path $Root ".venv\Scripts\python.exe"
if (-not (Test-Path $Python)) {
    Say "making .venv"
    if (Get-Command py -ErrorAction SilentlyContinue) {
        Invoke-Checked "py -3 -m venv" { py -3 -m venv .venv }
    } else {
        Invoke-Checked "python -m venv" { python -m venv .venv }
    }
}
Invoke-Checked "Python 3.11 or newer" {
    & $Python -c "import sys; sys.exit(sys.version_info < (3, 11))"
}
Say "installing the project and its dev tools into .venv"
Invoke-Checked "pip install" { & $Python -m pip install -q --upgrade pip }
Invoke-Checked "pip install" { & $Python -m pip install -q -e ".[dev]" }

# -- the one-folder program ------------------------------------------------------------------
$Version = (& $Python -c "import idtool; print(idtool.__version__)").Trim()
Say "building idtool $Version"
$env:PYTHONPATH = $null
$Started = Get-Date
Invoke-Checked "PyInstaller" {
    & $Python -m PyInstaller --noconfirm --log-level WARN `
        --distpath packaging\dist --workpath packaging\build packaging\idtool.spec
}
$Took = [int]((Get-Date) - $Started).TotalSeconds
$Dist = Join-Path $Root "packaging\dist\idtool"
foreach ($Program in "idtool.exe", "idtool-gui.exe") {
    if (-not (Test-Path (Join-Path $Dist $Program))) { throw "missing: $Dist\$Program" }
}
$Bytes = (Get-ChildItem -Recurse -File $Dist | Measure-Object -Sum Length).Sum
Say ("built in {0}s: {1} ({2:N0} MB)" -f $Took, $Dist, ($Bytes / 1MB))

# -- smoke test --------------------------------------------------------------------------------
# As packaging/smoke.sh: from an empty folder outside the source tree, with the data,
# configuration and temporary folders in it, removed afterwards.
function Invoke-Smoke {
    foreach ($Plugin in "qwindows.dll", "qoffscreen.dll") {
        $Found = Get-ChildItem -Recurse -File -Filter $Plugin (Join-Path $Dist "_internal")
        if (-not $Found) { throw "Qt platform plugin $Plugin is not in the build" }
    }
    if (Get-ChildItem -Recurse -File -Filter *.po $Dist) { throw ".po files were shipped" }

    $Work = Join-Path ([IO.Path]::GetTempPath()) ("idtool-smoke-" + [guid]::NewGuid())
    $Saved = @{}
    foreach ($Name in "IDTOOL_DATA", "IDTOOL_CONFIG", "TEMP", "TMP", "PYTHONPATH", "IDTOOL_KDF",
                      "QT_QPA_PLATFORM") {
        $Saved[$Name] = [Environment]::GetEnvironmentVariable($Name)
    }
    New-Item -ItemType Directory -Force "$Work\data", "$Work\config", "$Work\tmp", "$Work\cwd" |
        Out-Null
    Push-Location "$Work\cwd"
    try {
        $env:IDTOOL_DATA = "$Work\data"; $env:IDTOOL_CONFIG = "$Work\config"
        $env:TEMP = "$Work\tmp"; $env:TMP = "$Work\tmp"
        $env:PYTHONPATH = $null; $env:IDTOOL_KDF = $null

        $Got = (& "$Dist\idtool.exe" --version | Out-String).Trim()
        if ($LASTEXITCODE -ne 0 -or $Got -ne "idtool $Version") {
            throw "idtool --version printed '$Got', expected 'idtool $Version'"
        }
        Say $Got
        Invoke-Checked "idtool self-check" { & "$Dist\idtool.exe" self-check }

        # idtool-gui.exe is a windowed program: wait for it and collect its output from files.
        $env:QT_QPA_PLATFORM = "offscreen"
        $Gui = Start-Process -FilePath "$Dist\idtool-gui.exe" -ArgumentList "--self-check" `
            -Wait -PassThru -NoNewWindow `
            -RedirectStandardOutput "$Work\gui-out.txt" -RedirectStandardError "$Work\gui-err.txt"
        Get-Content -Encoding UTF8 "$Work\gui-out.txt", "$Work\gui-err.txt"
        if ($Gui.ExitCode -ne 0) { throw "idtool-gui --self-check failed ($($Gui.ExitCode))" }
        $env:QT_QPA_PLATFORM = $null  # and once on the real screen, as officers start it
        $Gui = Start-Process -FilePath "$Dist\idtool-gui.exe" -ArgumentList "--self-check" `
            -Wait -PassThru -NoNewWindow `
            -RedirectStandardOutput "$Work\gui-out.txt" -RedirectStandardError "$Work\gui-err.txt"
        Get-Content -Encoding UTF8 "$Work\gui-out.txt", "$Work\gui-err.txt"
        if ($Gui.ExitCode -ne 0) { throw "idtool-gui --self-check (windows) failed" }

        if (Get-ChildItem -Force "$Work\data") { throw "something was written to the data folder" }
        if (Get-ChildItem -Force "$Work\tmp" -Filter "idtool-selfcheck-*") {
            throw "the self-check left a temporary folder behind"
        }
        Say "smoke test passed"
    } finally {
        Pop-Location
        foreach ($Name in $Saved.Keys) {
            [Environment]::SetEnvironmentVariable($Name, $Saved[$Name])
        }
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $Work
    }
}
if (-not $NoSmoke) { Invoke-Smoke }

# -- installer ---------------------------------------------------------------------------------
if (-not $NoInstaller) {
    $Iscc = Get-Command iscc.exe -ErrorAction SilentlyContinue
    $IsccPath = if ($Iscc) { $Iscc.Source } else {
        @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
          "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe") |
            Where-Object { Test-Path $_ } | Select-Object -First 1
    }
    if (-not $IsccPath) {
        Say "Inno Setup 6 not found (https://jrsoftware.org/isinfo.php): no installer made"
    } else {
        Invoke-Checked "Inno Setup" {
            & $IsccPath /Qp "/DAppVersion=$Version" "/DSourceDir=$Dist" `
                "/DOutputDir=$Root\packaging\dist" packaging\windows\idtool.iss
        }
        Say "installer: $Root\packaging\dist\idtool-$Version-setup.exe"
    }
}
