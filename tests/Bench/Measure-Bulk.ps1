#Requires -Version 7.2
<#
.SYNOPSIS
    Bulk changes against a remote compute API (run in a fresh child pwsh): the module's three ways to name
    many services against naive Invoke-RestMethod loops. Writes JSON to -ResultPath.
.DESCRIPTION
    Against fake-nova.py (-Endpoint, any token) or a real Nova (-Cloud from OS_CLIENT_CONFIG_FILE: the module
    connects with -Cloud; the IRM loops get their own token from Keystone, POST /v3/auth/tokens, and the
    compute endpoint from its catalog; the token never leaves this process). Target hosts: -Hosts, or
    -PickHosts N of the listed bulk-compute-* hosts, evenly spread.
    Scenarios (-Scenario picks some, in this order):
      HostName     Set-ComputeServiceForcedDown -HostName <hosts>
      CsvIds       Import-Csv ids.csv | Set-ComputeServiceForcedDown      (one Id column: the hosts' uuids)
      Piped        Get-ComputeService -HostName <hosts> | Set-ComputeServiceForcedDown
      IrmLoop      foreach id in the CSV: Invoke-RestMethod PUT /os-services/{uuid} (sequential)
      IrmParallel  the same in ForEach-Object -Parallel -ThrottleLimit <same>
    One untimed warm-up of each module form, then -Runs interleaved rounds; before every run forced_down flips, so every
    PUT changes something. Then each module scenario once more with -Verbose 4>&1: its request lines
    (^(GET|PUT|DELETE|POST) ) are counted, and of those the os-services listings.
    With -MinServices, a cloud that lists fewer services is reported as skipped (nothing is changed).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $ResultPath,
    [Parameter(Mandatory)] [string] $WorkDir,
    [string[]] $Hosts = @(),
    [int] $PickHosts = 0,
    [string] $Endpoint,
    [string] $Cloud,
    [int] $ThrottleLimit = 1,
    [int] $Runs = 3,
    [int] $MinServices = 0,
    [string[]] $Scenario = @('HostName', 'CsvIds', 'Piped', 'IrmLoop', 'IrmParallel'),
    # With -Cloud and the openstack CLI on PATH: `openstack compute service set --down|--up` on this many of the
    # targets, one process each (seconds apiece), projected to all targets.
    [int] $CliSample = 0
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ProgressPreference = 'SilentlyContinue'
Import-Module (Join-Path $ModuleDir 'ComputeServices.psd1')

# ---- Connect: the module, and a token + endpoint for the IRM loops ----------------------------------------
if ($Cloud) {
    Connect-ComputeService -Cloud $Cloud
    $auth = & (Join-Path $PSScriptRoot 'Get-BenchKeystoneToken.ps1') -Cloud $Cloud
    $novaUrl = $auth.ComputeUrl.TrimEnd('/')
    $token = $auth.Token
}
else {
    Connect-ComputeService -Endpoint $Endpoint -Token (ConvertTo-SecureString 'x' -AsPlainText -Force)
    $novaUrl = $Endpoint.TrimEnd('/')
    $token = 'x'
}

$all = @(Get-ComputeService)
if ($all.Count -lt $MinServices) {
    [pscustomobject]@{ Skipped = $true; Services = $all.Count } | ConvertTo-Json | Set-Content -LiteralPath $ResultPath
    return
}
$byHost = @{}
foreach ($s in $all) { if ($s.Binary -eq 'nova-compute') { $byHost[$s.Host] = $s } }
if ($PickHosts) {
    # Spread over the listing: every k-th bulk host.
    $bulk = @($byHost.Keys | Where-Object { $_ -like 'bulk-compute-*' } | Sort-Object)
    if ($bulk.Count -lt $PickHosts) { throw "Only $($bulk.Count) bulk-compute-* hosts listed, $PickHosts wanted." }
    $step = [math]::Floor($bulk.Count / $PickHosts)
    $Hosts = @(0..($PickHosts - 1) | ForEach-Object { $bulk[$_ * $step] })
}
$missing = @($Hosts | Where-Object { -not $byHost.ContainsKey($_) })
if ($missing) { throw "$($missing.Count) target host(s) not listed, e.g. $($missing[0])." }
$csv = Join-Path $WorkDir 'ids.csv'
$Hosts | ForEach-Object { [pscustomobject]@{ Id = $byHost[$_].Id } } | Export-Csv -LiteralPath $csv -NoTypeInformation

$throttle = $ThrottleLimit
$headers = @{ 'X-Auth-Token' = $token; 'OpenStack-API-Version' = 'compute 2.53' }
# The module's rows run with -ErrorAction Continue: under Stop a batch sends one change at a time whatever -ThrottleLimit
# says (so that nothing after a failing item is applied): 200 targets at 50 ms then take as long as a sequential loop.
$scenarios = [ordered]@{
    HostName    = { param($v) Set-ComputeServiceForcedDown -HostName $Hosts -ForcedDown $v -ThrottleLimit $throttle -Confirm:$false -ErrorAction Continue }
    CsvIds      = { param($v) Import-Csv -LiteralPath $csv | Set-ComputeServiceForcedDown -ForcedDown $v -ThrottleLimit $throttle -Confirm:$false -ErrorAction Continue }
    Piped       = { param($v) Get-ComputeService -HostName $Hosts | Set-ComputeServiceForcedDown -ForcedDown $v -ThrottleLimit $throttle -Confirm:$false -ErrorAction Continue }
    IrmLoop     = { param($v)
        $body = @{ forced_down = $v } | ConvertTo-Json -Compress
        foreach ($row in Import-Csv -LiteralPath $csv) {
            $null = Invoke-RestMethod -Method Put -Uri "$novaUrl/os-services/$($row.Id)" -Headers $headers -Body $body -ContentType 'application/json'
        } }
    IrmParallel = { param($v)
        $body = @{ forced_down = $v } | ConvertTo-Json -Compress
        Import-Csv -LiteralPath $csv | ForEach-Object -ThrottleLimit $throttle -Parallel {
            $null = Invoke-RestMethod -Method Put -Uri "$($using:novaUrl)/os-services/$($_.Id)" -Headers $using:headers -Body $using:body -ContentType 'application/json'
        } }
}
$names = @($scenarios.Keys | Where-Object { $Scenario -contains $_ })
$module = @('HostName', 'CsvIds', 'Piped')

$script:value = $false
function Invoke-Scenario([string] $name, [switch] $Verbose) {
    $script:value = -not $script:value
    $block = $scenarios[$name]
    $watch = [Diagnostics.Stopwatch]::StartNew()
    if ($Verbose) { $VerbosePreference = 'Continue'; $output = @(& $block $script:value 4>&1) } else { $null = & $block $script:value; $output = @() }
    $watch.Stop()
    $lines = @($output | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
    $requests = @($lines | Where-Object { $_ -match '^(GET|PUT|DELETE|POST) ' })
    [pscustomobject]@{
        Ms       = $watch.Elapsed.TotalMilliseconds
        Requests = $requests.Count
        Listings = @($requests | Where-Object { $_ -match '^GET \S*/os-services(\?\S*)?( |$)' }).Count
        Puts     = @($requests | Where-Object { $_ -match '^PUT ' }).Count
    }
}

# Warm-up (JIT, connections, caches) of the module's forms; a loop of 100+ requests warms itself.
foreach ($name in $names) { if ($module -contains $name) { $null = Invoke-Scenario $name } }
$times = @{}
foreach ($name in $names) { $times[$name] = [Collections.Generic.List[double]]::new() }
foreach ($round in 1..$Runs) {
    # Interleaved, so that a noisy moment hits every scenario alike.
    foreach ($name in $names) { [GC]::Collect(); $times[$name].Add((Invoke-Scenario $name).Ms) }
}

$results = foreach ($name in $names) {
    $counted = if ($module -contains $name) { Invoke-Scenario $name -Verbose } else { $null }
    [pscustomobject]@{
        Scenario = $name
        Ms       = @($times[$name])
        Requests = if ($counted) { $counted.Requests } else { $Hosts.Count }   # the loops make one PUT per id, by construction
        Listings = if ($counted) { $counted.Listings } else { 0 }
        Puts     = if ($counted) { $counted.Puts } else { $Hosts.Count }
    }
}
# The openstack CLI, as a runbook would loop it: one process per host; down then up again on a sample.
$cli = $null
$openstack = Get-Command openstack -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
if ($Cloud -and $CliSample -gt 0 -and $openstack) {
    $sample = @($Hosts | Select-Object -First $CliSample)
    $calls = [Collections.Generic.List[double]]::new()
    foreach ($flag in '--down', '--up') {
        foreach ($h in $sample) {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            & $openstack.Source --os-cloud $Cloud --os-compute-api-version 2.53 compute service set $flag $h nova-compute 2>&1 | Out-Null
            if ($LASTEXITCODE -ne 0) { throw "openstack compute service set $flag $h failed (exit $LASTEXITCODE)." }
            $calls.Add($watch.Elapsed.TotalMilliseconds)
        }
    }
    $perCall = ($calls | Measure-Object -Average).Average
    $cli = [pscustomobject]@{ Scenario = 'OpenstackLoop'; Ms = @($perCall * $Hosts.Count); Requests = $null; Listings = $null; Puts = $Hosts.Count
        Sample = $calls.Count; PerCallMs = $perCall }
}
if ($cli) { $results = @($results) + $cli }

[pscustomobject]@{ Skipped = $false; Services = $all.Count; Targets = $Hosts.Count; Results = @($results) } |
    ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $ResultPath
