#Requires -Version 7.2
<#
.SYNOPSIS
    One listing of every service: `$null = Get-ComputeService` against a raw HttpClient GET of the same URL
    followed by JsonDocument.Parse of the body, both warm in this one process (run in a fresh child pwsh).
.DESCRIPTION
    Both use one kept-alive connection and ask for the microversion the module negotiated (read from its
    Connect verbose line). 5 untimed warm-ups of each, then -Runs interleaved pairs, a full GC before each
    (outside the timing). Then one Get with -Verbose to count its requests. Writes JSON to -ResultPath.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $Endpoint,
    [Parameter(Mandatory)] [string] $ResultPath,
    [int] $Runs = 15
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ProgressPreference = 'SilentlyContinue'
Import-Module (Join-Path $ModuleDir 'ComputeServices.psd1')

$connect = @(Connect-ComputeService -Endpoint $Endpoint -Token (ConvertTo-SecureString 'x' -AsPlainText -Force) -Verbose 4>&1)
$negotiated = @($connect | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match 'using (\d+\.\d+)\.$' } |
        ForEach-Object { $Matches[1] }) | Select-Object -First 1
if (-not $negotiated) { $negotiated = '2.53' }

$client = [Net.Http.HttpClient]::new()
$url = $Endpoint.TrimEnd('/') + '/os-services'
function Invoke-Raw {
    $request = [Net.Http.HttpRequestMessage]::new([Net.Http.HttpMethod]::Get, $url)
    $request.Headers.Add('X-Auth-Token', 'x')
    $request.Headers.Add('OpenStack-API-Version', "compute $negotiated")
    $request.Headers.Accept.ParseAdd('application/json')
    $response = $client.Send($request)
    try {
        $null = $response.EnsureSuccessStatusCode()
        $body = $response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult()
        $document = [Text.Json.JsonDocument]::Parse([ReadOnlyMemory[byte]]::new($body))
        $count = $document.RootElement.GetProperty('services').GetArrayLength()
        $document.Dispose()
        $count
    }
    finally { $response.Dispose(); $request.Dispose() }
}

function Measure-Ms([scriptblock] $block) {
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = & $block
    $watch.Stop()
    $watch.Elapsed.TotalMilliseconds
}

$rawCount = Invoke-Raw
$moduleCount = @(Get-ComputeService).Count
if ($rawCount -ne $moduleCount) { throw "The raw GET saw $rawCount services, Get-ComputeService $moduleCount." }
foreach ($i in 1..5) { $null = Measure-Ms { $null = Get-ComputeService }; $null = Measure-Ms { Invoke-Raw } }

$module = [Collections.Generic.List[double]]::new()
$raw = [Collections.Generic.List[double]]::new()
foreach ($i in 1..$Runs) {
    $module.Add((Measure-Ms { $null = Get-ComputeService }))
    $raw.Add((Measure-Ms { Invoke-Raw }))
}
$verbose = @(Get-ComputeService -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
$requests = @($verbose | Where-Object { $_ -match '^(GET|PUT|DELETE|POST) ' })
$client.Dispose()

[pscustomobject]@{
    Services     = $moduleCount
    Microversion = $negotiated
    ModuleMs     = @($module)
    RawMs        = @($raw)
    Requests     = $requests.Count
    Listings     = @($requests | Where-Object { $_ -match '^GET \S*/os-services(\?\S*)?( |$)' }).Count
} | ConvertTo-Json -Depth 3 | Set-Content -LiteralPath $ResultPath
