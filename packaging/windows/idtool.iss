; Inno Setup 6 script: the Windows installer for the one-folder program.
;
; Made by packaging\build-windows.ps1, which passes the version read from the package
; (idtool.__version__) and the folders:
;   ISCC.exe /DAppVersion=0.1.0 /DSourceDir=...\packaging\dist\idtool ^
;            /DOutputDir=...\packaging\dist packaging\windows\idtool.iss
;
; The installer copies the program folder (idtool-gui.exe, idtool.exe and _internal\) and makes
; a Start-menu entry. It never touches the officers' data: the encrypted database lives in the
; user's data folder (%LOCALAPPDATA%\idtool), which neither an update nor the uninstaller
; removes. Not yet tried on Windows: see packaging\README.md.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=X.Y.Z (build-windows.ps1 does)
#endif
#ifndef SourceDir
  #define SourceDir "..\dist\idtool"
#endif
#ifndef OutputDir
  #define OutputDir "..\dist"
#endif

[Setup]
; The AppId identifies the program across versions (updates replace, never duplicate): keep it.
AppId={{E2B9479E-AABD-430B-9F1A-478EB829DAB0}
AppName=idtool
AppVersion={#AppVersion}
AppVerName=idtool {#AppVersion}
AppPublisher=idtool
DefaultDirName={autopf}\idtool
DefaultGroupName=idtool
DisableProgramGroupPage=yes
; An officer without administrator rights can install for themselves only
; (into %LOCALAPPDATA%\Programs\idtool); an administrator for every user of the computer.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=idtool-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayName=idtool {#AppVersion}
UninstallDisplayIcon={app}\idtool-gui.exe
; Updates: close a running copy first (its files are in use).
CloseApplications=yes
RestartApplications=no

[Languages]
; Inno Setup ships no Kyrgyz wizard texts; Kyrgyz-speaking officers get the Russian wizard.
Name: "ru"; MessagesFile: "compiler:Languages\Russian.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; \
    GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An update replaces the program's files entirely, so no module of the old version stays.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; \
    Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\idtool"; Filename: "{app}\idtool-gui.exe"; WorkingDir: "{app}"
Name: "{autodesktop}\idtool"; Filename: "{app}\idtool-gui.exe"; WorkingDir: "{app}"; \
    Tasks: desktopicon

[Run]
Filename: "{app}\idtool-gui.exe"; Description: "{cm:LaunchProgram,idtool}"; \
    Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder. The data folder (%LOCALAPPDATA%\idtool) stays: it holds the
; encrypted database, which only a supervisor decides to delete.
Type: dirifempty; Name: "{app}"
