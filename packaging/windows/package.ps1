# Builds the Windows packages into dist\: the MSI installer (cargo-packager + WiX) and a
# portable .zip. Run from a Developer PowerShell on Windows with Rust installed:
#   cargo install cargo-packager --locked
#   powershell -ExecutionPolicy Bypass -File packaging\windows\package.ps1
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
$version = (Select-String -Path Cargo.toml -Pattern '^version = "(.*)"' | Select-Object -First 1).Matches[0].Groups[1].Value
# No console window (windows_subsystem in release), icon and version resources (build.rs).
cargo build --profile dist --locked
New-Item -ItemType Directory -Force dist | Out-Null
cargo packager --formats wix
$portable = "dist\cuedesk-$version-windows-x86_64"
New-Item -ItemType Directory -Force $portable | Out-Null
Copy-Item target\dist\cuedesk.exe, README.md, BENCHMARKS.md $portable
Compress-Archive -Force -Path $portable -DestinationPath "$portable.zip"
Write-Output "wrote dist\*.msi and $portable.zip"
