#Requires -Version 7.2
<#
.SYNOPSIS
    One session against a real Nova (run in a fresh child pwsh): Connect-ComputeService once, then -Calls
    Get-ComputeService calls. Writes JSON to -ResultPath.
.DESCRIPTION
    Every call runs with -Verbose captured (4>&1): the engine writes one verbose line per HTTP request
    ("GET <url> -> 200 in N ms") and one per Keystone authentication ("Authenticated ..."). So the result
    proves, not just suggests, how many requests and authentications each call made, and how much of the
    cmdlet's time was the HTTP round trip itself. Also times -Cloud without Connect (the per-session cache).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $Cloud,
    [Parameter(Mandatory)] [string] $ResultPath,
    [int] $Calls = 20
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module (Join-Path $ModuleDir 'ComputeServices.psd1')

# Runs one call with -Verbose; returns its time, the services it wrote, and what its verbose lines say.
function Measure-Call([scriptblock] $call) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $output = @(& $call 4>&1)
    $watch.Stop()
    $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
    $http = @($verbose | Where-Object { $_ -match ' -> \d{3}\b.* in \d+ ms$' })
    [pscustomobject]@{
        Ms       = $watch.Elapsed.TotalMilliseconds
        Services = @($output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count
        Requests = $http.Count
        Auths    = @($verbose | Where-Object { $_ -like 'Authenticated *' }).Count
        HttpMs   = [double](($http | ForEach-Object { [int]($_ -replace '^.* in (\d+) ms$', '$1') } | Measure-Object -Sum).Sum)
    }
}

$connect = Measure-Call { Connect-ComputeService -Cloud $Cloud -Verbose }
$first = Measure-Call { Get-ComputeService -Verbose }
$gets = foreach ($i in 1..$Calls) { Measure-Call { Get-ComputeService -Verbose } }

# Without Connect: -Cloud on every call; the first authenticates, later ones reuse the runspace's connection.
Disconnect-ComputeService
$cloudFirst = Measure-Call { Get-ComputeService -Cloud $Cloud -Verbose }
$cloudLater = foreach ($i in 1..5) { Measure-Call { Get-ComputeService -Cloud $Cloud -Verbose } }

[pscustomobject]@{
    Connect    = $connect
    FirstGet   = $first
    Gets       = @($gets)
    CloudFirst = $cloudFirst
    CloudLater = @($cloudLater)
} | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $ResultPath
