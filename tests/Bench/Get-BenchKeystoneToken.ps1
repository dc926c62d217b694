#Requires -Version 7.2
<#
.SYNOPSIS
    A Keystone token and the public compute endpoint for one password cloud of OS_CLIENT_CONFIG_FILE, as a naive
    script gets them: POST /v3/auth/tokens, X-Subject-Token header, the catalog in the body.
.DESCRIPTION
    For the benchmark's Invoke-RestMethod loops only. Reads the flat `auth:` keys of the cloud (auth_url,
    username, password, project_name, user_domain_name, project_domain_name) and region_name. Returns
    { Token; ComputeUrl }: the caller keeps the token in memory and never prints it.
#>
[CmdletBinding()]
param([Parameter(Mandatory)] [string] $Cloud)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$lines = Get-Content -LiteralPath $env:OS_CLIENT_CONFIG_FILE
$start = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match "^\s+$([regex]::Escape($Cloud)):\s*$" })
if ($start -lt 0) { throw "Cloud $Cloud is not in $env:OS_CLIENT_CONFIG_FILE." }
$indent = ($lines[$start] -replace '^(\s*).*$', '$1').Length
$values = @{}
for ($i = $start + 1; $i -lt $lines.Count; $i++) {
    $line = $lines[$i]
    if ($line.Trim() -eq '' -or $line.TrimStart().StartsWith('#')) { continue }
    if (($line -replace '^(\s*).*$', '$1').Length -le $indent) { break }
    if ($line -match '^\s+([A-Za-z_]+):\s*(\S.*?)\s*$') { $values[$Matches[1]] = $Matches[2].Trim("'", '"') }
}
foreach ($key in 'auth_url', 'username', 'password', 'project_name') {
    if (-not $values.ContainsKey($key)) { throw "Cloud $Cloud has no $key (only password clouds are supported here)." }
}
$userDomain = if ($values.ContainsKey('user_domain_name')) { $values['user_domain_name'] } else { 'Default' }
$projectDomain = if ($values.ContainsKey('project_domain_name')) { $values['project_domain_name'] } else { 'Default' }
$body = @{ auth = @{
        identity = @{ methods = @('password'); password = @{ user = @{ name = $values['username']; domain = @{ name = $userDomain }; password = $values['password'] } } }
        scope    = @{ project = @{ name = $values['project_name']; domain = @{ name = $projectDomain } } }
    } } | ConvertTo-Json -Depth 8 -Compress
$authUrl = $values['auth_url'].TrimEnd('/')
if ($authUrl -notmatch '/v3$') { $authUrl += '/v3' }
$response = Invoke-WebRequest -Method Post -Uri "$authUrl/auth/tokens" -Body $body -ContentType 'application/json'
$catalog = ($response.Content | ConvertFrom-Json).token.catalog
$region = if ($values.ContainsKey('region_name')) { $values['region_name'] } else { $null }
$endpoint = @($catalog | Where-Object type -EQ 'compute' | ForEach-Object endpoints |
        Where-Object { $_.interface -eq 'public' -and (-not $region -or $_.region -eq $region) }) | Select-Object -First 1
if (-not $endpoint) { throw "Keystone's catalog has no public compute endpoint for cloud $Cloud." }
[pscustomobject]@{ Token = [string]$response.Headers['X-Subject-Token'][0]; ComputeUrl = $endpoint.url }
