#Requires -Version 7.2
<#
.SYNOPSIS
    Issue 9's local inventory rows (run in a fresh child pwsh): on -Path (10,000 hosts) a full listing, one
    update, every compute service piped to Disable-ComputeService -Reason x and to Test-ComputeServiceRemoval;
    on -LargePath (100,000 hosts, optional) a listing and one update. Writes JSON to -ResultPath.
.DESCRIPTION
    Listing and one update: one untimed warm-up, then -Runs timed runs (full GC before each, outside the
    timing). The update alternates its reason, so every run writes a change. Then both again, each right after
    the file's bytes were replaced from outside the module (another writer's change), so the read parses. Every
    row carries how many inventory parses the engine made per run. The two 10,000-item pipelines
    first run on -Sample services; when that rate projects the whole pipeline over -BudgetSeconds, the row
    is the projection (marked so), not a measurement: the bench stays within its time. Otherwise the whole
    pipeline runs once (Get-ComputeService -Binary nova-compute | ..., the listing included in the time).
    The files are changed: pass copies.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $Path,
    [string] $LargePath,
    [Parameter(Mandatory)] [string] $ResultPath,
    [int] $Runs = 5,
    [int] $Sample = 1000,
    [int] $BudgetSeconds = 60
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ProgressPreference = 'SilentlyContinue'
Import-Module (Join-Path $ModuleDir 'ComputeServices.psd1')

function Measure-Ms([scriptblock] $block) {
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = & $block
    $watch.Stop()
    $watch.Elapsed.TotalMilliseconds
}

# The engine counts the inventories it parses: shown beside each row, it says whether the shared parse was used.
# The engine is loaded by the first command, so it is looked up on first use.
$script:parsesProperty = $null
function Get-Parses {
    if (-not $script:parsesProperty) {
        $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'ComputeServices.Engine' } | Select-Object -First 1
        $script:parsesProperty = $engine.GetType('ComputeServices.Inventory.InventoryFile').GetProperty('Parses', [Reflection.BindingFlags]'NonPublic,Static')
    }
    [long]$script:parsesProperty.GetValue($null)
}

$script:reason = 0
function Measure-Inventory([string] $p, [string] $label) {
    $list = { $null = Get-ComputeService -InventoryPath $p }
    $update = { $script:reason++; Disable-ComputeService -InventoryPath $p -HostName 'bulk-00042' -Reason "bench $script:reason" -Confirm:$false }
    $null = Measure-Ms $list; $null = Measure-Ms $update
    foreach ($row in @(@{ Operation = 'list'; Block = $list }, @{ Operation = 'one update'; Block = $update })) {
        $before = Get-Parses
        $ms = @(foreach ($i in 1..$Runs) { Measure-Ms $row.Block })
        [pscustomobject]@{ Size = $label; Operation = $row.Operation; Items = 1; Ms = $ms; Projected = $false; Parses = ((Get-Parses) - $before) / $Runs }
    }
    # Another process changed the file (simulated: its bytes replaced from outside the module): the first read parses.
    $other = "$p.other"
    Copy-Item -LiteralPath $p -Destination $other
    foreach ($row in @(@{ Operation = 'list, after another writer''s change'; Block = $list }, @{ Operation = 'one update, after another writer''s change'; Block = $update })) {
        $before = Get-Parses
        $ms = @(foreach ($i in 1..$Runs) {
                $text = [IO.File]::ReadAllText($other).Replace('"bench ', '"other ')
                [IO.File]::WriteAllText($p, $text)
                Measure-Ms $row.Block
            })
        [pscustomobject]@{ Size = $label; Operation = $row.Operation; Items = 1; Ms = $ms; Projected = $false; Parses = ((Get-Parses) - $before) / $Runs }
    }
    Remove-Item -LiteralPath $other
}

# A pipeline over every compute service ($pipeline takes how many to take, 0 = all), or its projection from the first -Sample.
function Measure-Pipeline([string] $operation, [scriptblock] $pipeline, [int] $total) {
    $sampleMs = Measure-Ms { & $pipeline $Sample }
    $projected = $sampleMs / $Sample * $total
    if ($projected -gt $BudgetSeconds * 1000) {
        return [pscustomobject]@{ Size = '10,000'; Operation = $operation; Items = $total; Ms = @($projected); Projected = $true; SampleMs = $sampleMs; Sample = $Sample; Parses = $null }
    }
    $before = Get-Parses
    $ms = Measure-Ms { & $pipeline 0 }
    [pscustomobject]@{ Size = '10,000'; Operation = $operation; Items = $total; Ms = @($ms); Projected = $false; SampleMs = $sampleMs; Sample = $Sample; Parses = (Get-Parses) - $before }
}
function Get-Computes([int] $first) {
    if ($first) { Get-ComputeService -InventoryPath $Path -Binary nova-compute | Select-Object -First $first }
    else { Get-ComputeService -InventoryPath $Path -Binary nova-compute }
}

$computes = @(Get-ComputeService -InventoryPath $Path -Binary nova-compute).Count
$results = [Collections.Generic.List[object]]::new()
foreach ($r in (Measure-Inventory $Path '10,000')) { $results.Add($r) }
$results.Add((Measure-Pipeline "$computes piped Disable-ComputeService -Reason x" {
            param($first) Get-Computes $first | Disable-ComputeService -InventoryPath $Path -Reason $(if ($first) { 'x-sample' } else { 'x' }) -Confirm:$false } $computes))
$results.Add((Measure-Pipeline "$computes piped Test-ComputeServiceRemoval" {
            param($first) $null = Get-Computes $first | Test-ComputeServiceRemoval -InventoryPath $Path } $computes))
if ($LargePath) { foreach ($r in (Measure-Inventory $LargePath '100,000')) { $results.Add($r) } }
ConvertTo-Json -InputObject @($results) -Depth 4 | Set-Content -LiteralPath $ResultPath
