#Requires -Version 7.2
<#
.SYNOPSIS
    Memory of listing a whole inventory, in a fresh child pwsh. Writes JSON to -ResultPath.
.DESCRIPTION
    One-time costs (JIT, static caches, format data) are paid first by listing a small sample inventory; the
    baseline is taken after that and a full GC. Then two listings:
      1. `$null = Get-ComputeService`: AllocatedMB (managed bytes allocated, GC.GetTotalAllocatedBytes, exact)
         and KeptMB (managed heap growth that stays live after a full GC although no result is held: the
         module's last listing for tab completion, and buffers the runtime keeps pooled after parsing);
      2. `$all = Get-ComputeService`: HeldMB, the heap growth of holding the result (the cost of `$all`).
    PeakWsMB is the process's peak working set over both (Process.PeakWorkingSet64), PeakWsDeltaMB its growth
    over the working set before the first listing.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module (Join-Path $ModuleDir 'ComputeServices.psd1')

$warm = "$Path.warm.json"
$null = New-ComputeServiceInventory -Path $warm -Sample -Force
$null = Get-ComputeService -InventoryPath $warm
Remove-Item -LiteralPath $warm, "$warm.lock" -ErrorAction SilentlyContinue

$process = [Diagnostics.Process]::GetCurrentProcess()
function Get-LiveHeap { [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::GetTotalMemory($true) }
$heapBefore = Get-LiveHeap
$process.Refresh()
$wsBefore = $process.WorkingSet64
$allocatedBefore = [GC]::GetTotalAllocatedBytes($true)

$null = Get-ComputeService -InventoryPath $Path
$allocated = [GC]::GetTotalAllocatedBytes($true) - $allocatedBefore
$heapKept = Get-LiveHeap

$all = Get-ComputeService -InventoryPath $Path
$heapHeld = Get-LiveHeap
$process.Refresh()
$mb = 1MB
[pscustomobject]@{
    Services      = @($all).Count
    FileMB        = (Get-Item -LiteralPath $Path).Length / $mb
    AllocatedMB   = $allocated / $mb
    KeptMB        = ($heapKept - $heapBefore) / $mb
    HeldMB        = ($heapHeld - $heapKept) / $mb
    PeakWsMB      = $process.PeakWorkingSet64 / $mb
    PeakWsDeltaMB = ($process.PeakWorkingSet64 - $wsBefore) / $mb
} | ConvertTo-Json | Set-Content -LiteralPath $ResultPath
