#Requires -Version 7.2
<#
.SYNOPSIS
    Time and memory of refusing a clouds.yaml alias bomb (about 500 bytes naming 9^9 strings), in a fresh child pwsh.
.DESCRIPTION
    Connect-ComputeService -Cloud must fail with CloudConfigInvalid, and Tab completion of -Cloud must offer nothing,
    both at once and in bounded memory. Writes JSON (ms per run, allocated MB) to -ResultPath.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $Work,
    [Parameter(Mandatory)] [string] $ResultPath,
    [int] $Runs = 5
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module (Join-Path $ModuleDir 'ComputeServices.psd1')

$bomb = [Text.StringBuilder]::new("clouds:`n  prod:`n    auth:`n      auth_url: http://keystone:5000/v3`na0: &a0 `"lol`"`n")
foreach ($i in 1..9) { $null = $bomb.Append("a${i}: &a${i} [" + ((1..9 | ForEach-Object { "*a$($i - 1)" }) -join ',') + "]`n") }
$file = Join-Path $Work 'alias-bomb-clouds.yaml'
Set-Content -LiteralPath $file -Value $bomb.ToString() -NoNewline
$env:OS_CLIENT_CONFIG_FILE = $file

$connect = [Collections.Generic.List[double]]::new()
$complete = [Collections.Generic.List[double]]::new()
$errorId = $null
$allocatedBefore = [GC]::GetTotalAllocatedBytes($true)
foreach ($run in 1..$Runs) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    try { Connect-ComputeService -Cloud prod } catch { $errorId = ($_.FullyQualifiedErrorId -split ',')[0] }
    $connect.Add($watch.Elapsed.TotalMilliseconds)
    $watch.Restart()
    $offered = (TabExpansion2 -inputScript 'Connect-ComputeService -Cloud ' -cursorColumn 30).CompletionMatches.Count
    $complete.Add($watch.Elapsed.TotalMilliseconds)
}
$allocated = ([GC]::GetTotalAllocatedBytes($true) - $allocatedBefore) / 1MB
[pscustomobject]@{
    Bytes       = (Get-Item -LiteralPath $file).Length
    ErrorId     = $errorId
    ConnectMs   = $connect.ToArray()
    CompleteMs  = $complete.ToArray()
    Completions = $offered
    AllocatedMB = $allocated / $Runs
} | ConvertTo-Json | Set-Content -LiteralPath $ResultPath
