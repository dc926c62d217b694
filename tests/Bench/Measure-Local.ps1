#Requires -Version 7.2
<#
.SYNOPSIS
    Times the cmdlets against local inventories (run in a fresh child pwsh; the parent prints the table).
.DESCRIPTION
    One process for every size, so that the sizes compare warm code: each operation runs 3 times untimed on
    the first (smallest) inventory, and once more untimed on each size before its timed runs (tiered JIT
    promotes hot methods only after enough calls; a listing measured too early is 2-3x slower), then -Runs
    times per size, with a full GC between runs (outside the timing). Mutations are idempotent (disabling a disabled host with the same reason is allowed), so every
    run sees the same file. Writes one JSON array of { Size, Operation, Services, Ms[] } to -ResultPath.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string[]] $Path,
    [Parameter(Mandatory)] [int[]] $Count,
    [Parameter(Mandatory)] [string] $ResultPath,
    [int] $Runs = 5
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ProgressPreference = 'SilentlyContinue'   # the bulk cmdlets write progress; rendering it is not what is measured
Import-Module (Join-Path $ModuleDir 'ComputeServices.psd1')

# Each operation: a name, how many services it handles, and a script block taking the inventory path.
$operations = @(
    @{ Name = 'Get (all)'; Services = { param($n) $n + 6 }; Run = { param($p) $null = Get-ComputeService -InventoryPath $p } }
    @{ Name = 'Get -HostName literal'; Services = { 1 }; Run = { param($p) $null = Get-ComputeService -InventoryPath $p -HostName 'bulk-00042' } }
    @{ Name = "Get -HostName 'bulk-0001*'"; Services = { 10 }; Run = { param($p) $null = Get-ComputeService -InventoryPath $p -HostName 'bulk-0001*' } }
    @{ Name = 'Disable one (-HostName)'; Services = { 1 }; Run = {
            param($p) Disable-ComputeService -InventoryPath $p -HostName 'bulk-00042' -Reason 'bench' -Confirm:$false } }
    @{ Name = 'Get | First 100 | Disable'; Services = { 100 }; Run = {
            param($p) Get-ComputeService -InventoryPath $p -HostName 'bulk-00*' | Select-Object -First 100 |
                Disable-ComputeService -InventoryPath $p -Reason 'bench' -Confirm:$false } }
    @{ Name = 'Get | First 100 | Test-Removal'; Services = { 100 }; Run = {
            param($p) $null = Get-ComputeService -InventoryPath $p -HostName 'bulk-00*' | Select-Object -First 100 |
                Test-ComputeServiceRemoval -InventoryPath $p } }
)

function Measure-Once([scriptblock] $block, [string] $inventory) {
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $watch = [Diagnostics.Stopwatch]::StartNew()
    & $block $inventory
    $watch.Stop()
    $watch.Elapsed.TotalMilliseconds
}

# Sanity: the pipelines really handle 100 services, and the refusals are there (every 5th host has instances).
$check = Get-ComputeService -InventoryPath $Path[0] -HostName 'bulk-00*' | Select-Object -First 100 | Test-ComputeServiceRemoval -InventoryPath $Path[0]
if (@($check).Count -ne 100) { throw "Test-ComputeServiceRemoval returned $(@($check).Count) results, not 100." }

foreach ($i in 1..3) { foreach ($op in $operations) { $null = Measure-Once $op.Run $Path[0] } }   # JIT warm-up

$results = for ($k = 0; $k -lt $Path.Count; $k++) {
    foreach ($op in $operations) {
        $null = Measure-Once $op.Run $Path[$k]   # this size's warm-up (code, file cache, GC heap size)
        $ms = foreach ($r in 1..$Runs) { Measure-Once $op.Run $Path[$k] }
        [pscustomobject]@{ Size = $Count[$k]; Operation = $op.Name; Services = [int](& $op.Services $Count[$k]); Ms = @($ms) }
    }
}
ConvertTo-Json -InputObject @($results) -Depth 4 | Set-Content -LiteralPath $ResultPath
