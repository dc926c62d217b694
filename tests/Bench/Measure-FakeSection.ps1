#Requires -Version 7.2
<#
.SYNOPSIS
    The fake-nova section of Invoke-Bench.ps1 (runs in the parent): starts ../shared/tools/fake-nova.py with
    2,000 services on free loopback ports, at 50 ms and at 0 ms latency, runs Measure-Bulk.ps1 and
    Measure-Listing.ps1 in child processes against them, prints the tables and adds the side-by-side rows,
    the targets and summary lines. The servers are stopped (by process id) at the end.
.DESCRIPTION
    At 50 ms: 200 targets (every 10th host), -ThrottleLimit 16: -HostName, CSV ids, piped objects, a sequential
    Invoke-RestMethod loop and ForEach-Object -Parallel IRM (throttle 16). At 0 ms: -HostName, CSV ids and
    piped objects, then Get-ComputeService vs HttpClient + JsonDocument.Parse (medians of -ListingRuns).
    Without python3 or the script the section prints why it is skipped.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $Work,
    [Parameter(Mandatory)] [AllowEmptyCollection()] [Collections.Generic.List[string]] $Summary,
    [Parameter(Mandatory)] [AllowEmptyCollection()] [Collections.Generic.List[object]] $Comparisons,
    [Parameter(Mandatory)] [AllowEmptyCollection()] [Collections.Generic.List[object]] $Targets,
    [string] $FakeNova = (Join-Path $PSScriptRoot '../../../shared/tools/fake-nova.py'),
    [int] $SlowRuns = 3,
    [int] $FastRuns = 5,
    [int] $ListingRuns = 15
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')

$expected = [ordered]@{
    'fake-nova 50 ms: -HostName / piped objects'                     = '<= 1.2x'
    'fake-nova 50 ms: CSV ids / piped objects'                       = '<= 1.2x'
    'fake-nova 50 ms: IRM loop / -HostName'                          = '>= 6x faster'
    'fake-nova 50 ms: IRM loop / CSV ids'                            = '>= 6x faster'
    'Get-ComputeService (2,000, fake 0 ms) / raw HttpClient + parse' = '<= 1.5x'
}
# The targets this section could not measure still get their row, saying why.
function Add-Unmeasured([string] $why) {
    foreach ($name in $expected.Keys) {
        if (-not ($Targets | Where-Object Target -EQ $name)) { Add-BenchTarget $Targets $name $expected[$name] $why $null }
    }
}

$python = Get-Command python3 -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
if (-not $python -or -not (Test-Path -LiteralPath $FakeNova)) {
    Write-Host ''
    Write-Host "fake-nova: skipped (needs python3 and $FakeNova)"
    $Summary.Add('fake    skipped (no python3 or fake-nova.py)')
    Add-Unmeasured 'skipped (no python3 or fake-nova.py)'
    return
}

function Start-FakeNova([int] $latencyMs) {
    $port = Get-BenchFreePort
    $log = Join-Path $Work "fake-nova-$latencyMs"
    $process = Start-Process -FilePath $python.Source -PassThru -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err" -ArgumentList @(
        (Resolve-Path -LiteralPath $FakeNova).ProviderPath, '--port', $port, '--services', 2000, '--latency-ms', $latencyMs)
    $deadline = [datetime]::UtcNow.AddSeconds(20)
    while ($true) {
        $client = [Net.Sockets.TcpClient]::new()
        try { $client.Connect([Net.IPAddress]::Loopback, $port); break }
        catch {
            if ($process.HasExited -or [datetime]::UtcNow -gt $deadline) { throw "fake-nova.py did not start on port $port`: $(Get-Content -Raw -LiteralPath "$log.err" -ErrorAction SilentlyContinue)" }
            Start-Sleep -Milliseconds 100
        }
        finally { $client.Dispose() }
    }
    [pscustomobject]@{ Process = $process; Endpoint = "http://127.0.0.1:$port/v2.1" }
}

function Get-Scenario($result, [string] $name) {
    $r = $result.Results | Where-Object Scenario -EQ $name
    if (-not $r) { return $null }
    $r | Add-Member -NotePropertyName Stat -NotePropertyValue (Get-BenchStat $r.Ms) -PassThru -Force
}

$labels = [ordered]@{
    HostName    = 'Set-ComputeServiceForcedDown -HostName <200 hosts>'
    CsvIds      = 'Import-Csv ids.csv | Set-ComputeServiceForcedDown'
    Piped       = 'Get-ComputeService -HostName <200> | Set-ComputeServiceForcedDown'
    IrmLoop     = 'foreach id: Invoke-RestMethod PUT (sequential)'
    IrmParallel = 'ForEach-Object -Parallel -ThrottleLimit 16 { IRM PUT }'
}
function Write-BulkTable([string] $title, $result) {
    $piped = Get-Scenario $result 'Piped'
    $rows = foreach ($name in $labels.Keys) {
        $r = Get-Scenario $result $name
        if (-not $r) { continue }
        [pscustomobject]@{
            Scenario         = $labels[$name]
            Runs             = $r.Stat.Count
            'Median ms'      = Format-BenchNumber $r.Stat.Median 0
            'Min ms'         = Format-BenchNumber $r.Stat.Min 0
            Requests         = $r.Requests
            'GET os-services' = $r.Listings
            PUTs             = $r.Puts
            'vs piped'       = if ($piped) { 'x' + (Format-BenchNumber ($r.Stat.Median / $piped.Stat.Median) 2) } else { '-' }
        }
    }
    Write-BenchTable $title $rows
}
function Requests($r) { "$($r.Requests) ($($r.Listings))" }

$hosts = @(0..199 | ForEach-Object { 'bulk-compute-{0:d5}' -f ($_ * 10) })
$servers = [Collections.Generic.List[object]]::new()
try {
    # ---- 50 ms -----------------------------------------------------------------------------------------------
    $slow = Start-FakeNova 50; $servers.Add($slow)
    $slowResult = Join-Path $Work 'fake-50.json'
    Invoke-BenchChild (Join-Path $PSScriptRoot 'Measure-Bulk.ps1') @{ ModuleDir = $ModuleDir; Endpoint = $slow.Endpoint; ResultPath = $slowResult
        WorkDir = $Work; Hosts = $hosts; ThrottleLimit = 16; Runs = $SlowRuns }
    $result = Get-Content -Raw -LiteralPath $slowResult | ConvertFrom-Json
    Write-BulkTable "fake-nova.py --latency-ms 50, $($result.Services) services, 200 targets, -ThrottleLimit 16 (requests from the module's -Verbose log; loops: 1 PUT per id)" $result
    $hostName = Get-Scenario $result 'HostName'; $csv = Get-Scenario $result 'CsvIds'; $piped = Get-Scenario $result 'Piped'
    $loop = Get-Scenario $result 'IrmLoop'; $parallel = Get-Scenario $result 'IrmParallel'
    Add-BenchComparison $Comparisons 'fake 50 ms, 200 targets, throttle 16' '-HostName <200>' $hostName.Stat.Median (Requests $hostName) 'piped objects' $piped.Stat.Median
    Add-BenchComparison $Comparisons 'fake 50 ms, 200 targets, throttle 16' 'Import-Csv ids | Set-' $csv.Stat.Median (Requests $csv) 'piped objects' $piped.Stat.Median
    Add-BenchComparison $Comparisons 'fake 50 ms, 200 targets, throttle 16' 'Import-Csv ids | Set-' $csv.Stat.Median (Requests $csv) 'sequential IRM loop' $loop.Stat.Median
    Add-BenchComparison $Comparisons 'fake 50 ms, 200 targets, throttle 16' '-HostName <200>' $hostName.Stat.Median (Requests $hostName) 'sequential IRM loop' $loop.Stat.Median
    Add-BenchComparison $Comparisons 'fake 50 ms, 200 targets, throttle 16' 'piped objects' $piped.Stat.Median (Requests $piped) 'IRM -Parallel 16' $parallel.Stat.Median
    foreach ($pair in @(@('-HostName', $hostName), @('CSV ids', $csv))) {
        $ratio = $pair[1].Stat.Median / $piped.Stat.Median
        Add-BenchTarget $Targets "fake-nova 50 ms: $($pair[0]) / piped objects" '<= 1.2x' "x$(Format-BenchNumber $ratio 2)" ($ratio -le 1.2)
    }
    foreach ($pair in @(@('-HostName', $hostName), @('CSV ids', $csv))) {
        $speedup = $loop.Stat.Median / $pair[1].Stat.Median
        Add-BenchTarget $Targets "fake-nova 50 ms: IRM loop / $($pair[0])" '>= 6x faster' "x$(Format-BenchNumber $speedup 1)" ($speedup -ge 6)
    }
    $Summary.Add(("fake    50 ms, 200 targets: -HostName {0} ms, CSV ids {1} ms, piped {2} ms, IRM loop {3} ms, IRM -Parallel {4} ms; requests (GET os-services) {5} / {6} / {7}" -f
            (Format-BenchNumber $hostName.Stat.Median 0), (Format-BenchNumber $csv.Stat.Median 0), (Format-BenchNumber $piped.Stat.Median 0),
            (Format-BenchNumber $loop.Stat.Median 0), (Format-BenchNumber $parallel.Stat.Median 0), (Requests $hostName), (Requests $csv), (Requests $piped)))
    $slow.Process.Kill(); $slow.Process.WaitForExit()

    # ---- 0 ms ------------------------------------------------------------------------------------------------
    $fast = Start-FakeNova 0; $servers.Add($fast)
    $fastResult = Join-Path $Work 'fake-0.json'
    Invoke-BenchChild (Join-Path $PSScriptRoot 'Measure-Bulk.ps1') @{ ModuleDir = $ModuleDir; Endpoint = $fast.Endpoint; ResultPath = $fastResult
        WorkDir = $Work; Hosts = $hosts; ThrottleLimit = 16; Runs = $FastRuns; Scenario = @('HostName', 'CsvIds', 'Piped') }
    $result = Get-Content -Raw -LiteralPath $fastResult | ConvertFrom-Json
    Write-BulkTable "fake-nova.py at latency 0, $($result.Services) services, 200 targets, -ThrottleLimit 16" $result
    $hostName = Get-Scenario $result 'HostName'; $csv = Get-Scenario $result 'CsvIds'; $piped = Get-Scenario $result 'Piped'
    Add-BenchComparison $Comparisons 'fake 0 ms, 200 targets, throttle 16' 'Import-Csv ids | Set-' $csv.Stat.Median (Requests $csv) 'piped objects' $piped.Stat.Median
    Add-BenchComparison $Comparisons 'fake 0 ms, 200 targets, throttle 16' '-HostName <200>' $hostName.Stat.Median (Requests $hostName) 'piped objects' $piped.Stat.Median
    $Summary.Add(("fake    0 ms, 200 targets: CSV ids / piped objects x{0}, -HostName / piped x{1}" -f
            (Format-BenchNumber ($csv.Stat.Median / $piped.Stat.Median) 2), (Format-BenchNumber ($hostName.Stat.Median / $piped.Stat.Median) 2)))

    $listingResult = Join-Path $Work 'listing.json'
    Invoke-BenchChild (Join-Path $PSScriptRoot 'Measure-Listing.ps1') @{ ModuleDir = $ModuleDir; Endpoint = $fast.Endpoint; ResultPath = $listingResult; Runs = $ListingRuns }
    $listing = Get-Content -Raw -LiteralPath $listingResult | ConvertFrom-Json
    $module = Get-BenchStat $listing.ModuleMs; $raw = Get-BenchStat $listing.RawMs
    Write-BenchTable "Listing $($listing.Services) services, fake-nova at latency 0, warm, one process, $ListingRuns interleaved runs (compute $($listing.Microversion))" @(
        [pscustomobject]@{ What = '$null = Get-ComputeService'; 'Median ms' = Format-BenchNumber $module.Median 1; 'Min ms' = Format-BenchNumber $module.Min 1; Requests = "$($listing.Requests) ($($listing.Listings) GET os-services)" }
        [pscustomobject]@{ What = 'HttpClient GET + JsonDocument.Parse'; 'Median ms' = Format-BenchNumber $raw.Median 1; 'Min ms' = Format-BenchNumber $raw.Min 1; Requests = '1' }
    )
    $ratio = $module.Median / $raw.Median
    Add-BenchComparison $Comparisons "Get-ComputeService, $($listing.Services) services, fake 0 ms" 'Get-ComputeService' $module.Median "$($listing.Requests) ($($listing.Listings))" 'HttpClient + JsonDocument' $raw.Median
    Add-BenchTarget $Targets 'Get-ComputeService (2,000, fake 0 ms) / raw HttpClient + parse' '<= 1.5x' "x$(Format-BenchNumber $ratio 2) ($(Format-BenchNumber $module.Median 1) / $(Format-BenchNumber $raw.Median 1) ms)" ($ratio -le 1.5)
    $Summary.Add(("fake    Get-ComputeService of {0} services: {1} ms vs raw HttpClient + JsonDocument.Parse {2} ms: x{3}" -f
            $listing.Services, (Format-BenchNumber $module.Median 1), (Format-BenchNumber $raw.Median 1), (Format-BenchNumber $ratio 2)))
}
catch {
    Write-Host ''
    Write-Host "fake-nova: failed ($($_.Exception.Message))"
    $Summary.Add("fake    failed: $($_.Exception.Message)")
    Add-Unmeasured "failed ($($_.Exception.Message))"
}
finally {
    foreach ($server in $servers) {
        if (-not $server.Process.HasExited) { $server.Process.Kill(); $server.Process.WaitForExit() }
    }
}
