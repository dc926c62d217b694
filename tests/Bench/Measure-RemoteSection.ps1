#Requires -Version 7.2
<#
.SYNOPSIS
    The remote section of Invoke-Bench.ps1 (runs in the parent): one session in a child pwsh
    (Measure-Remote.ps1), cold processes of pwsh and of the openstack CLI, one table, lines for the summary.
.DESCRIPTION
    A sandbox that is configured but broken is reported as "remote: failed" and does not stop the bench.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $Cloud,
    [Parameter(Mandatory)] [int] $Calls,
    [Parameter(Mandatory)] [string] $Work,
    [Parameter(Mandatory)] [AllowEmptyCollection()] [Collections.Generic.List[string]] $Summary
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')

$pwsh = Get-BenchPwsh
$manifest = Join-Path $ModuleDir 'ComputeServices.psd1'
$result = Join-Path $Work 'remote.json'
try {
    Invoke-BenchChild (Join-Path $PSScriptRoot 'Measure-Remote.ps1') @{ ModuleDir = $ModuleDir; Cloud = $Cloud; ResultPath = $result; Calls = $Calls }
    $session = Get-Content -Raw -LiteralPath $result | ConvertFrom-Json

    # Cold: a fresh pwsh that authenticates and lists, like one CLI invocation.
    $coldCommand = "Import-Module $(ConvertTo-BenchLiteral $manifest); Get-ComputeService -Cloud $(ConvertTo-BenchLiteral $Cloud) | Out-Null"
    $coldPwsh = Get-BenchStat @(foreach ($i in 1..3) { Measure-BenchProcess ($pwsh + @('-NoProfile', '-NonInteractive', '-Command', $coldCommand)) })
}
catch {
    Write-Host ''
    Write-Host "remote: failed ($($_.Exception.Message))"
    $Summary.Add("remote  failed: $($_.Exception.Message)")
    return
}

$openstack = Get-Command openstack -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
$cli = $null
if ($openstack) {
    try {
        $cli = Get-BenchStat @(foreach ($i in 1..3) { Measure-BenchProcess @($openstack.Source, '--os-cloud', $Cloud, 'compute', 'service', 'list') })
    }
    catch { Write-Host "openstack CLI failed: $($_.Exception.Message)" }
}

$gets = @($session.Gets)
$get = Get-BenchStat @($gets | ForEach-Object Ms)
$http = Get-BenchStat @($gets | ForEach-Object HttpMs)
$later = Get-BenchStat @($session.CloudLater | ForEach-Object Ms)
$requests = @($gets | ForEach-Object Requests | Sort-Object -Unique)
$auths = [int]($gets | Measure-Object -Property Auths -Sum).Sum

function Row($what, $stat, $runs, $requestsPerCall, $authentications, $httpMs) {
    [pscustomobject]@{
        What            = $what
        Runs            = $runs
        'Median ms'     = Format-BenchNumber $stat.Median 1
        'Min ms'        = Format-BenchNumber $stat.Min 1
        'HTTP req/call' = $requestsPerCall
        Auths           = $authentications
        'HTTP ms (median)' = if ($httpMs -is [string]) { $httpMs } else { Format-BenchNumber $httpMs 0 }
    }
}
function One($sample) { [pscustomobject]@{ Median = $sample.Ms; Min = $sample.Ms } }

$rows = @(
    Row "Connect-ComputeService -Cloud $Cloud" (One $session.Connect) 1 $session.Connect.Requests $session.Connect.Auths $session.Connect.HttpMs
    Row 'first Get after Connect (new token: Nova checks it with Keystone)' (One $session.FirstGet) 1 $session.FirstGet.Requests $session.FirstGet.Auths $session.FirstGet.HttpMs
    Row "Get-ComputeService ($($gets[0].Services) services), later calls" $get $gets.Count ($requests -join '/') $auths $http.Median
    Row "Get -Cloud $Cloud, no Connect: first call" (One $session.CloudFirst) 1 $session.CloudFirst.Requests $session.CloudFirst.Auths $session.CloudFirst.HttpMs
    Row "Get -Cloud $Cloud, no Connect: later calls" $later @($session.CloudLater).Count (@($session.CloudLater | ForEach-Object Requests | Sort-Object -Unique) -join '/') ([int]($session.CloudLater | Measure-Object -Property Auths -Sum).Sum) ''
    Row 'cold: pwsh + Import-Module + Get -Cloud' $coldPwsh 3 '' '' ''
)
if ($cli) { $rows += Row "cold: openstack --os-cloud $Cloud compute service list" $cli 3 '' '' '' }
Write-BenchTable "Remote (cloud $Cloud): one session, $Calls Get calls after one Connect; cold processes for comparison (HTTP figures from the cmdlets' -Verbose lines)" $rows

$Summary.Add(("remote  Get after Connect: {0} HTTP request(s) per call, {1} authentication(s) in {2} calls; cmdlet time / HTTP round trip x{3} (+{4} ms)" -f
        ($requests -join '/'), $auths, $gets.Count, (Format-BenchNumber ($get.Median / [math]::Max($http.Median, 1)) 2), (Format-BenchNumber ($get.Median - $http.Median) 1)))
$Summary.Add(("remote  Connect {0} ms (1 auth + version discovery); Get after Connect median {1} ms" -f (Format-BenchNumber $session.Connect.Ms 0), (Format-BenchNumber $get.Median 1)))
if ($cli) {
    $Summary.Add(("remote  openstack CLI / Get in a connected session: x{0}; openstack CLI / cold pwsh Import+Get -Cloud: x{1}" -f
            (Format-BenchNumber ($cli.Median / $get.Median) 1), (Format-BenchNumber ($cli.Median / $coldPwsh.Median) 2)))
}
else { $Summary.Add('remote  openstack CLI not found: no comparison') }
