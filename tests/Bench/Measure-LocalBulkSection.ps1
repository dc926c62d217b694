#Requires -Version 7.2
<#
.SYNOPSIS
    Issue 9's local inventory section of Invoke-Bench.ps1 (runs in the parent): copies the 10,000-host
    inventory, generates a 100,000-host one when -Large, runs Measure-LocalBulk.ps1 in a child, prints the
    table and adds the side-by-side rows and targets.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $Work,
    [Parameter(Mandatory)] [AllowEmptyCollection()] [Collections.Generic.List[string]] $Summary,
    [Parameter(Mandatory)] [AllowEmptyCollection()] [Collections.Generic.List[object]] $Comparisons,
    [Parameter(Mandatory)] [AllowEmptyCollection()] [Collections.Generic.List[object]] $Targets,
    [switch] $Large,
    [int] $Runs = 5
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')

$copy = Join-Path $Work 'bulk-10000.json'
Copy-Item -LiteralPath $Path -Destination $copy
$parameters = @{ ModuleDir = $ModuleDir; Path = $copy; ResultPath = (Join-Path $Work 'local-bulk.json'); Runs = $Runs }
if ($Large) {
    $largePath = Join-Path $Work 'inventory-100000.json'
    $watch = [Diagnostics.Stopwatch]::StartNew()
    Invoke-BenchChild (Join-Path $PSScriptRoot 'New-BenchInventory.ps1') @{ ModuleDir = $ModuleDir; Path = @($largePath); Count = @(100000) }
    Write-Host ''
    Write-Host ("100,000-host inventory generated in {0} s ({1} MB)" -f (Format-BenchNumber $watch.Elapsed.TotalSeconds), (Format-BenchNumber ((Get-Item -LiteralPath $largePath).Length / 1MB)))
    $parameters.LargePath = $largePath
}
Invoke-BenchChild (Join-Path $PSScriptRoot 'Measure-LocalBulk.ps1') $parameters
$rows = @(Get-Content -Raw -LiteralPath $parameters.ResultPath | ConvertFrom-Json)
foreach ($r in $rows) { $r | Add-Member -NotePropertyName Stat -NotePropertyValue (Get-BenchStat $r.Ms) }

Write-BenchTable "Local inventory (issue 9 rows): $Runs runs for list / one update (alternating reasons); the 10,000-item pipelines run once, or are projected from a sample" @(
    foreach ($r in $rows) {
        [pscustomobject]@{
            Hosts       = $r.Size
            Operation   = $r.Operation
            Runs        = if ($r.Projected) { 'projected' } else { $r.Stat.Count }
            'Median ms' = Format-BenchNumber $r.Stat.Median 0
            'Min ms'    = Format-BenchNumber $r.Stat.Min 0
            'ms/item'   = Format-BenchNumber ($r.Stat.Median / $r.Items) 2
            'Parses/run' = if ($null -eq $r.Parses) { '-' } else { Format-BenchNumber $r.Parses 1 }
            Note        = if ($r.Projected) { "from the first $($r.Sample) ($(Format-BenchNumber $r.SampleMs 0) ms): too long to run whole" } else { '' }
        }
    })

function Find([string] $size, [string] $like) { $rows | Where-Object { $_.Size -eq $size -and $_.Operation -like $like } | Select-Object -First 1 }
$goals = @(
    [pscustomobject]@{ Size = '10,000'; Like = '*piped Disable*'; Name = 'inventory 10,000: every compute piped to Disable -Reason x'; Ms = 5000 }
    [pscustomobject]@{ Size = '10,000'; Like = '*piped Test-ComputeServiceRemoval'; Name = 'inventory 10,000: every compute piped to Test-ComputeServiceRemoval'; Ms = 3000 }
    [pscustomobject]@{ Size = '10,000'; Like = 'list'; Name = 'inventory 10,000: list'; Ms = 80 }
    [pscustomobject]@{ Size = '10,000'; Like = 'one update'; Name = 'inventory 10,000: one update'; Ms = 150 }
    [pscustomobject]@{ Size = '100,000'; Like = 'list'; Name = 'inventory 100,000: list'; Ms = 700 }
    [pscustomobject]@{ Size = '100,000'; Like = 'one update'; Name = 'inventory 100,000: one update'; Ms = 1000 }
)
foreach ($g in $goals) {
    $r = Find $g.Size $g.Like
    $goal = '< ' + (Format-BenchNumber $g.Ms 0) + ' ms'
    if (-not $r) { Add-BenchTarget $Targets $g.Name $goal 'not run (-HundredThousandHosts:$false or COMPUTESERVICES_BENCH_LARGE=0)' $null; continue }
    $measured = (Format-BenchNumber $r.Stat.Median 0) + ' ms' + $(if ($r.Projected) { ' (projected)' } else { '' })
    Add-BenchTarget $Targets $g.Name $goal $measured ($r.Stat.Median -lt $g.Ms)
    Add-BenchComparison $Comparisons "local inventory, $($g.Size) hosts" ($r.Operation + $(if ($r.Projected) { " (projected)" } else { "" })) $r.Stat.Median '0 (file)' '-' $null
}
$Summary.Add(("local   10,000 hosts: list {0} ms, one update {1} ms (after another writer's change: {4} ms and {5} ms), piped Disable {2} ms/item, piped Test-Removal {3} ms/item" -f
        (Format-BenchNumber (Find '10,000' 'list').Stat.Median 0), (Format-BenchNumber (Find '10,000' 'one update').Stat.Median 0),
        (Format-BenchNumber ((Find "10,000" "*piped Disable*").Stat.Median / (Find "10,000" "*piped Disable*").Items) 2), (Format-BenchNumber ((Find "10,000" "*Test-ComputeServiceRemoval").Stat.Median / (Find "10,000" "*Test-ComputeServiceRemoval").Items) 2),
        (Format-BenchNumber (Find '10,000' 'list, after*').Stat.Median 0), (Format-BenchNumber (Find '10,000' 'one update, after*').Stat.Median 0)))
