# Helpers for Invoke-Bench.ps1 (dot-sourced): child processes, statistics, tables.

# The pwsh running this script, as a command line: under `dotnet pwsh` the process is dotnet itself.
function Get-BenchPwsh {
    $exe = @('pwsh.exe', 'pwsh') | ForEach-Object { Join-Path $PSHOME $_ } | Where-Object { Test-Path -LiteralPath $_ -PathType Leaf } | Select-Object -First 1
    if ($exe) { return , @($exe) }
    $dotnet = (Get-Command dotnet -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
    , @($dotnet, (Join-Path $PSHOME 'pwsh.dll'))
}

# A PowerShell literal for a string, number or array of them (for -EncodedCommand).
function ConvertTo-BenchLiteral($Value) {
    if ($Value -is [array]) { return '@(' + (($Value | ForEach-Object { ConvertTo-BenchLiteral $_ }) -join ', ') + ')' }
    if ($Value -is [int] -or $Value -is [long] -or $Value -is [double]) { return [string]::Format([cultureinfo]::InvariantCulture, '{0}', $Value) }
    "'" + ([string]$Value -replace "'", "''") + "'"
}

# Runs a script in a fresh `pwsh -NoProfile -NonInteractive` with named parameters; throws if it fails.
function Invoke-BenchChild([string] $Script, [hashtable] $Parameters) {
    $call = "& $(ConvertTo-BenchLiteral $Script)"
    foreach ($name in $Parameters.Keys) { $call += " -$name $(ConvertTo-BenchLiteral $Parameters[$name])" }
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($call))
    $pwsh = Get-BenchPwsh
    # The child's own output goes to the host, never into the caller's pipeline.
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -EncodedCommand $encoded | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "$(Split-Path -Leaf $Script) failed in the child pwsh (exit code $LASTEXITCODE)." }
}

# Wall time (ms) of one process from start to exit; its output is swallowed. Throws if it fails.
function Measure-BenchProcess([string[]] $CommandLine) {
    $info = [Diagnostics.ProcessStartInfo]::new($CommandLine[0])
    foreach ($a in ($CommandLine | Select-Object -Skip 1)) { $info.ArgumentList.Add($a) }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $process = [Diagnostics.Process]::Start($info)
    $stderr = $process.StandardError.ReadToEndAsync()
    $null = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    $watch.Stop()
    if ($process.ExitCode -ne 0) {
        throw "'$($CommandLine -join ' ')' failed (exit code $($process.ExitCode)): $($stderr.Result.Trim())"
    }
    $watch.Elapsed.TotalMilliseconds
}

# Median and minimum of some numbers.
function Get-BenchStat([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $n = $sorted.Count
    $median = if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
    [pscustomobject]@{ Median = $median; Min = $sorted[0]; Count = $n }
}

function Format-BenchNumber([double] $Value, [int] $Decimals = 1) {
    [string]::Format([cultureinfo]::InvariantCulture, "{0:N$Decimals}", $Value)
}

function Write-BenchTable([string] $Title, $Rows, [int] $Width = 140) {
    Write-Host ''
    Write-Host "== $Title"
    $rendering = $PSStyle.OutputRendering
    try {
        $PSStyle.OutputRendering = 'PlainText'   # a table that reads the same in a log as on a terminal
        $Rows | Format-Table -AutoSize | Out-String -Width $Width | Write-Host
    }
    finally { $PSStyle.OutputRendering = $rendering }
}

# One line of the final "Targets" table: what is aimed at, what was measured, and whether it was met.
function Add-BenchTarget($Targets, [string] $Target, [string] $Goal, [string] $Measured, $Met) {
    $Targets.Add([pscustomobject]@{
            Target   = $Target
            Goal     = $Goal
            Measured = $Measured
            Met      = if ($null -eq $Met) { 'n/a' } elseif ($Met) { 'yes' } else { 'NO' }
        })
}

# One row of the side-by-side table (issue 9's rows): the module's time against a reference, ratio = module / reference.
function Add-BenchComparison($Comparisons, [string] $Scenario, [string] $Module, $ModuleMs, [string] $Requests, [string] $Reference, $ReferenceMs) {
    $Comparisons.Add([pscustomobject]@{
            Scenario              = $Scenario
            Module                = $Module
            'Module ms'           = if ($null -eq $ModuleMs) { '-' } else { Format-BenchNumber $ModuleMs 0 }
            'Requests (GET list)' = $Requests
            Reference             = $Reference
            'Reference ms'        = if ($null -eq $ReferenceMs) { '-' } else { Format-BenchNumber $ReferenceMs 0 }
            'Module/ref'          = if ($null -eq $ModuleMs -or $null -eq $ReferenceMs) { '-' } else { 'x' + (Format-BenchNumber ($ModuleMs / $ReferenceMs) 2) }
        })
}

# A loopback TCP port nothing listens on right now.
function Get-BenchFreePort {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}
