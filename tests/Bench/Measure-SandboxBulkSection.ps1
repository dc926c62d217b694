#Requires -Version 7.2
<#
.SYNOPSIS
    The real-Nova bulk section of Invoke-Bench.ps1 (runs in the parent): 100 targets on the Nova sandbox named
    by -Cloud in OS_CLIENT_CONFIG_FILE, when it has bulk hosts (seeded with SEED_HOSTS=2000
    SEED_BULK_PLACEMENT=0: at least 1,000 services listed). Measure-Bulk.ps1 runs in a child process.
.DESCRIPTION
    -HostName <100 hosts>, Import-Csv ids | ..., piped objects (module default -ThrottleLimit 1), a sequential
    Invoke-RestMethod loop by uuid with a Keystone token, and when the openstack CLI is installed, a loop of
    `openstack compute service set --down|--up` (5 hosts down and up again, projected to 100). Targets: -HostName and CSV ids within 1.15x of piped
    objects; at most two GET /os-services per invocation (from the module's -Verbose request log).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $Cloud,
    [Parameter(Mandatory)] [string] $Work,
    [Parameter(Mandatory)] [AllowEmptyCollection()] [Collections.Generic.List[string]] $Summary,
    [Parameter(Mandatory)] [AllowEmptyCollection()] [Collections.Generic.List[object]] $Comparisons,
    [Parameter(Mandatory)] [AllowEmptyCollection()] [Collections.Generic.List[object]] $Targets,
    [switch] $NotConfigured,
    [int] $Runs = 3
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')

$goals = [ordered]@{
    'real Nova, 100 targets: -HostName / piped objects' = '<= 1.15x'
    'real Nova, 100 targets: CSV ids / piped objects'   = '<= 1.15x'
    'real Nova: GET /os-services per invocation'        = '<= 2'
}
function Skip([string] $why) {
    Write-Host ''
    Write-Host "real Nova bulk: $why"
    $Summary.Add("nova    bulk: $why")
    foreach ($t in $goals.Keys) { Add-BenchTarget $Targets $t $goals[$t] $why $null }
}
if ($NotConfigured) { return Skip "skipped (no sandbox: OS_CLIENT_CONFIG_FILE with cloud $Cloud not set)" }

$resultPath = Join-Path $Work 'nova-bulk.json'
try {
    Invoke-BenchChild (Join-Path $PSScriptRoot 'Measure-Bulk.ps1') @{ ModuleDir = $ModuleDir; Cloud = $Cloud; ResultPath = $resultPath; WorkDir = $Work
        PickHosts = 100; Runs = $Runs; MinServices = 1000; Scenario = @('HostName', 'CsvIds', 'Piped', 'IrmLoop'); CliSample = 5 }
}
catch { return Skip "failed ($($_.Exception.Message))" }
$result = Get-Content -Raw -LiteralPath $resultPath | ConvertFrom-Json
if ($result.Skipped) { return Skip "skipped: $($result.Services) services; seed with SEED_HOSTS=2000 SEED_BULK_PLACEMENT=0 for this section" }

$stat = @{}
foreach ($r in $result.Results) { $stat[$r.Scenario] = $r | Add-Member -NotePropertyName Stat -NotePropertyValue (Get-BenchStat $r.Ms) -PassThru -Force }
$labels = [ordered]@{
    HostName = 'Set-ComputeServiceForcedDown -HostName <100 hosts>'
    CsvIds   = 'Import-Csv ids.csv | Set-ComputeServiceForcedDown'
    Piped    = 'Get-ComputeService -HostName <100> | Set-ComputeServiceForcedDown'
    IrmLoop  = 'foreach id: Invoke-RestMethod PUT (sequential, Keystone token)'
}
if ($stat.ContainsKey('OpenstackLoop')) { $labels.OpenstackLoop = "foreach host: openstack compute service set (projected from $($stat['OpenstackLoop'].Sample) calls)" }
$piped = $stat['Piped']
Write-BenchTable "Real Nova ($Cloud), $($result.Services) services, 100 targets, module default -ThrottleLimit 1, $Runs interleaved runs (requests from -Verbose)" @(
    foreach ($name in $labels.Keys) {
        $r = $stat[$name]
        [pscustomobject]@{
            Scenario          = $labels[$name]
            'Median ms'       = Format-BenchNumber $r.Stat.Median 0
            'Min ms'          = Format-BenchNumber $r.Stat.Min 0
            Requests          = if ($null -eq $r.Requests) { '-' } else { $r.Requests }
            'GET os-services' = if ($null -eq $r.Listings) { '-' } else { $r.Listings }
            PUTs              = $r.Puts
            'vs piped'        = 'x' + (Format-BenchNumber ($r.Stat.Median / $piped.Stat.Median) 2)
        }
    })

$scenario = "real Nova, $($result.Services) services, 100 targets"
foreach ($pair in @(@('-HostName <100>', 'HostName', 'real Nova, 100 targets: -HostName / piped objects'), @('Import-Csv ids | Set-', 'CsvIds', 'real Nova, 100 targets: CSV ids / piped objects'))) {
    $r = $stat[$pair[1]]
    Add-BenchComparison $Comparisons $scenario $pair[0] $r.Stat.Median "$($r.Requests) ($($r.Listings))" 'piped objects' $piped.Stat.Median
    Add-BenchComparison $Comparisons $scenario $pair[0] $r.Stat.Median "$($r.Requests) ($($r.Listings))" 'sequential IRM loop' $stat['IrmLoop'].Stat.Median
    $ratio = $r.Stat.Median / $piped.Stat.Median
    Add-BenchTarget $Targets $pair[2] $goals[$pair[2]] "x$(Format-BenchNumber $ratio 2)" ($ratio -le 1.15)
}
if ($stat.ContainsKey('OpenstackLoop')) {
    Add-BenchComparison $Comparisons $scenario '-HostName <100>' $stat['HostName'].Stat.Median "$($stat['HostName'].Requests) ($($stat['HostName'].Listings))" 'openstack CLI loop (projected)' $stat['OpenstackLoop'].Stat.Median
    $Summary.Add(("nova    openstack compute service set, one process per host: {0} ms a call, {1} ms projected for 100 (module -HostName x{2} faster)" -f
            (Format-BenchNumber $stat['OpenstackLoop'].PerCallMs 0), (Format-BenchNumber $stat['OpenstackLoop'].Stat.Median 0),
            (Format-BenchNumber ($stat['OpenstackLoop'].Stat.Median / $stat['HostName'].Stat.Median) 1)))
}
$maxListings = ($stat.Values | Where-Object { $_.Scenario -notin 'IrmLoop', 'OpenstackLoop' } | Measure-Object -Property Listings -Maximum).Maximum
Add-BenchTarget $Targets 'real Nova: GET /os-services per invocation' '<= 2' ("max $maxListings (-HostName {0}, CSV {1}, piped {2})" -f $stat['HostName'].Listings, $stat['CsvIds'].Listings, $piped.Listings) ($maxListings -le 2)
$Summary.Add(("nova    100 targets: -HostName {0} ms, CSV ids {1} ms, piped {2} ms, IRM loop {3} ms; GET os-services per invocation {4}/{5}/{6}" -f
        (Format-BenchNumber $stat['HostName'].Stat.Median 0), (Format-BenchNumber $stat['CsvIds'].Stat.Median 0), (Format-BenchNumber $piped.Stat.Median 0),
        (Format-BenchNumber $stat['IrmLoop'].Stat.Median 0), $stat['HostName'].Listings, $stat['CsvIds'].Listings, $piped.Listings))
