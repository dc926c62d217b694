#Requires -Version 7.2
<#
.SYNOPSIS
    Benchmarks the built ComputeServices module and prints one table per section, then a summary of ratios.
.DESCRIPTION
    Called by `build.ps1 -Task Bench` after the module is built. Every measurement runs in a fresh child
    `pwsh -NoProfile -NonInteractive`, is repeated, and is shown as median and min; ratios are the point (the
    machine is small and shared), absolute times are context.
      1. Local inventory scale: inventories of -Sizes compute hosts (aggregates with AZs, instances,
         migrations); Get (all / one literal host / a wildcard), Disable of one host, a pipeline disabling 100,
         Test-ComputeServiceRemoval of 100; ms per operation and per service; how time grows between the two
         largest sizes (linear = their size ratio). Then memory of listing the largest sizes.
         Then the refusal of a clouds.yaml alias bomb (Connect -Cloud and -Cloud Tab completion).
      2. Cold start: `pwsh -c exit` vs Import-Module vs Import-Module + one Get on a local inventory; for scale,
         the first Import-Module of an empty manifest module, and of one with a format file (PowerShell's own cost).
      3. Remote: only when OS_CLIENT_CONFIG_FILE names a clouds.yaml with -Cloud (the Nova sandbox): Connect
         once, then -RemoteCalls Get calls; vs `openstack compute service list` when that command exists.
      4. Crash: a writer child (tests/ComputeServices.CrashTest, the engine's own InventoryFile.Update) is
         killed (kill -9) at random moments -CrashKills times; after each kill: does the file parse, is every
         service in its old or new state, and once the next writer takes the lock, is any temp file older than
         the stale limit left. -CrashKills 0 skips it.
      5. Issue 9 (bulk at scale), each in its own child processes (Fake and LocalBulk run before section 3,
         Nova after it):
         Fake       ../shared/tools/fake-nova.py, 2,000 services, started on free loopback ports: at 50 ms, 200
                    targets, -ThrottleLimit 16, -HostName / CSV ids / piped objects vs a sequential IRM loop and
                    ForEach-Object -Parallel IRM (-BulkRuns runs); at 0 ms the same module forms (-Runs runs) and
                    Get-ComputeService vs raw HttpClient + JsonDocument.Parse (medians of 15, one process).
         Nova       the sandbox of section 3 when it was seeded with SEED_HOSTS=2000 SEED_BULK_PLACEMENT=0:
                    100 targets, the same module forms vs a sequential IRM loop with a Keystone token.
         LocalBulk  10,000 hosts: list, one update, every compute piped to Disable / Test-ComputeServiceRemoval;
                    and 100,000 hosts: list, one update (both also right after another writer's change), unless
                    -HundredThousandHosts:$false (or COMPUTESERVICES_BENCH_LARGE=0).
       Request counts come from the module's own -Verbose request log (one more run of each scenario).
       Then a side-by-side table (module vs reference, ratio) and a Targets table (measured, met yes/no).
    -Section runs only some sections. Targets are not asserted (no exit code): the tables are read by people.
    Temp files are removed at the end; the fake-nova servers are stopped.
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Bench
.EXAMPLE
    OS_CLIENT_CONFIG_FILE=/tmp/nova-sandbox/clouds.yaml dotnet pwsh ./build.ps1 -Task Bench
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [string] $Configuration = 'Release',
    [ValidateRange(3, 15)] [int] $Runs = 5,
    [ValidateCount(2, 5)] [int[]] $Sizes = @(100, 2000, 10000),
    [ValidateRange(3, 25)] [int] $ColdRuns = 11,
    [ValidateRange(3, 100)] [int] $RemoteCalls = 20,
    [string] $Cloud = 'sandbox-admin',
    [ValidateRange(0, 10000)] [int] $CrashKills = 200,
    [ValidateRange(1, 15)] [int] $BulkRuns = 3,
    # The 100,000-host inventory rows (a 60 MB file, generated in about 10 s).
    [switch] $HundredThousandHosts = ($env:COMPUTESERVICES_BENCH_LARGE -ne '0'),
    [ValidateSet('Local', 'Cold', 'Remote', 'Fake', 'Nova', 'LocalBulk')]
    [string[]] $Section = @('Local', 'Cold', 'Remote', 'Fake', 'Nova', 'LocalBulk')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')

$ModuleDir = (Resolve-Path -LiteralPath $ModuleDir).ProviderPath
$manifest = Join-Path $ModuleDir 'ComputeServices.psd1'
if (-not (Test-Path -LiteralPath $manifest)) { throw "No module manifest at ${manifest}: build first." }
$Sizes = @($Sizes | Sort-Object)
$pwsh = Get-BenchPwsh
$work = Join-Path ([IO.Path]::GetTempPath()) ("computeservices-bench-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $work | Out-Null
$summary = [Collections.Generic.List[string]]::new()
$comparisons = [Collections.Generic.List[object]]::new()
$targets = [Collections.Generic.List[object]]::new()
$total = [Diagnostics.Stopwatch]::StartNew()

Write-Host "ComputeServices benchmark: module $ModuleDir ($Configuration)"
Write-Host ("Machine: {0} cores, {1}; PowerShell {2}; child: {3}" -f [Environment]::ProcessorCount,
    [Runtime.InteropServices.RuntimeInformation]::OSDescription, $PSVersionTable.PSVersion, ($pwsh -join ' '))
Write-Host "Each figure: median and min of $Runs runs in one warm child (local), $ColdRuns fresh processes (cold start)."

try {
    # ---- 1. Local inventory scale --------------------------------------------------------------------------
    $paths = @($Sizes | ForEach-Object { Join-Path $work "inventory-$_.json" })
    $watch = [Diagnostics.Stopwatch]::StartNew()
    Invoke-BenchChild (Join-Path $PSScriptRoot 'New-BenchInventory.ps1') @{ ModuleDir = $ModuleDir; Path = $paths; Count = $Sizes }
    Write-Host ''
    Write-Host ("Inventories generated in {0} s: {1}" -f (Format-BenchNumber $watch.Elapsed.TotalSeconds), (($Sizes | ForEach-Object -Begin { $i = 0 } -Process {
                    "$_ hosts = $(Format-BenchNumber ((Get-Item -LiteralPath $paths[$i++]).Length / 1MB)) MB" }) -join ', '))

    if ($Section -contains 'Local') {
        $localResult = Join-Path $work 'local.json'
        Invoke-BenchChild (Join-Path $PSScriptRoot 'Measure-Local.ps1') @{ ModuleDir = $ModuleDir; Path = $paths; Count = $Sizes; ResultPath = $localResult; Runs = $Runs }
        $local = @(Get-Content -Raw -LiteralPath $localResult | ConvertFrom-Json)
        foreach ($r in $local) { $r | Add-Member -NotePropertyName Stat -NotePropertyValue (Get-BenchStat $r.Ms) }

        Write-BenchTable 'Local inventory: time per operation (warm child, progress off)' @(foreach ($r in $local) {
                [pscustomobject]@{
                    Hosts           = $r.Size
                    Operation       = $r.Operation
                    Services        = $r.Services
                    'Median ms'     = Format-BenchNumber $r.Stat.Median
                    'Min ms'        = Format-BenchNumber $r.Stat.Min
                    'ms/service'    = Format-BenchNumber ($r.Stat.Median / $r.Services) 3
                }
            })

        $small = $Sizes[-2]; $large = $Sizes[-1]; $linear = $large / $small
        $scaling = @(foreach ($op in ($local | Select-Object -ExpandProperty Operation -Unique)) {
                $a = $local | Where-Object { $_.Operation -eq $op -and $_.Size -eq $small }
                $b = $local | Where-Object { $_.Operation -eq $op -and $_.Size -eq $large }
                $ratio = $b.Stat.Median / $a.Stat.Median
                [pscustomobject]@{
                    Operation                = $op
                    "Median ms @ $small"     = Format-BenchNumber $a.Stat.Median
                    "Median ms @ $large"     = Format-BenchNumber $b.Stat.Median
                    'Ratio'                  = Format-BenchNumber $ratio 2
                    'Min ratio'              = Format-BenchNumber ($b.Stat.Min / $a.Stat.Min) 2
                    "Ratio / linear ($linear)" = Format-BenchNumber ($ratio / $linear) 2
                }
            })
        Write-BenchTable "Local inventory: scaling from $small to $large hosts (linear = $linear; 'Ratio / linear' near 1 is linear, well above 1 is worse)" $scaling
        foreach ($s in $scaling) { $summary.Add(("local   {0,-32} {1} -> {2} hosts: x{3} (linear x{4})" -f $s.Operation, $small, $large, $s.Ratio, $linear)) }
        $perService = { param($op, $size) $r = $local | Where-Object { $_.Operation -eq $op -and $_.Size -eq $size }; Format-BenchNumber ($r.Stat.Median / $r.Services) 1 }
        $summary.Add(("local   ms per service in the 100-service pipelines, {0} / {1} / {2} hosts: Disable {3} / {4} / {5}, Test-Removal {6} / {7} / {8}" -f
                $Sizes[0], $small, $large, (& $perService 'Get | First 100 | Disable' $Sizes[0]), (& $perService 'Get | First 100 | Disable' $small),
                (& $perService 'Get | First 100 | Disable' $large), (& $perService 'Get | First 100 | Test-Removal' $Sizes[0]),
                (& $perService 'Get | First 100 | Test-Removal' $small), (& $perService 'Get | First 100 | Test-Removal' $large)))

        # Memory: listing the two largest inventories, each in fresh processes.
        $memory = @(foreach ($size in $Sizes[-2..-1]) {
                $path = $paths[[array]::IndexOf($Sizes, $size)]
                $samples = foreach ($i in 1..3) {
                    $result = Join-Path $work "memory-$size-$i.json"
                    Invoke-BenchChild (Join-Path $PSScriptRoot 'Measure-Memory.ps1') @{ ModuleDir = $ModuleDir; Path = $path; ResultPath = $result }
                    Get-Content -Raw -LiteralPath $result | ConvertFrom-Json
                }
                $m = { param($name) (Get-BenchStat @($samples | ForEach-Object $name)).Median }
                [pscustomobject]@{
                    Hosts               = $size
                    Services            = $samples[0].Services
                    'File MB'           = Format-BenchNumber $samples[0].FileMB
                    'Allocated MB'      = Format-BenchNumber (& $m AllocatedMB)
                    'Allocated/file'    = Format-BenchNumber ((& $m AllocatedMB) / $samples[0].FileMB)
                    'Kept MB'           = Format-BenchNumber (& $m KeptMB)
                    '$all held MB'      = Format-BenchNumber (& $m HeldMB)
                    '$all B/svc'        = Format-BenchNumber ((& $m HeldMB) * 1MB / $samples[0].Services) 0
                    'Peak WS MB'        = Format-BenchNumber (& $m PeakWsMB)
                    'Peak WS +MB'       = Format-BenchNumber (& $m PeakWsDeltaMB)
                    Raw                 = [pscustomobject]@{ Allocated = & $m AllocatedMB; Kept = & $m KeptMB; PeakDelta = & $m PeakWsDeltaMB }
                }
            })
        Write-BenchTable ('Memory of listing everything, fresh child, median of 3, after a warm-up listing. Kept: live after "$null = Get-ComputeService"' +
            ' (last listing kept for completion + pooled parse buffers); $all held: holding the result; Peak WS +MB: over the working set before') ($memory | Select-Object -Property * -ExcludeProperty Raw)
        $summary.Add(("memory  listing {0} -> {1} hosts: allocated x{2}, kept x{3}, peak working set growth x{4} (linear x{5}); at {1}: {6} MB allocated for a {7} MB file, peak WS {8} MB" -f
                $Sizes[-2], $Sizes[-1], (Format-BenchNumber ($memory[1].Raw.Allocated / $memory[0].Raw.Allocated) 2), (Format-BenchNumber ($memory[1].Raw.Kept / $memory[0].Raw.Kept) 2),
                (Format-BenchNumber ($memory[1].Raw.PeakDelta / [math]::Max($memory[0].Raw.PeakDelta, 0.1)) 2), $linear, $memory[1].'Allocated MB', $memory[1].'File MB', $memory[1].'Peak WS MB'))
    }

    # clouds.yaml alias bomb: refused at once, in bounded memory (issue 8 item 9)
    $yamlResult = Join-Path $work 'cloud-config.json'
    Invoke-BenchChild (Join-Path $PSScriptRoot 'Measure-CloudConfig.ps1') @{ ModuleDir = $ModuleDir; Work = $work; ResultPath = $yamlResult; Runs = $Runs }
    $yaml = Get-Content -Raw -LiteralPath $yamlResult | ConvertFrom-Json
    $yamlConnect = Get-BenchStat $yaml.ConnectMs; $yamlComplete = Get-BenchStat $yaml.CompleteMs
    Write-BenchTable "clouds.yaml alias bomb ($($yaml.Bytes) bytes naming 9^9 strings), warm child, $Runs runs" @([pscustomobject]@{
            'Connect -Cloud ErrorId'   = $yaml.ErrorId
            'Connect median ms'        = Format-BenchNumber $yamlConnect.Median
            'Tab -Cloud median ms'     = Format-BenchNumber $yamlComplete.Median
            'Completions'              = $yaml.Completions
            'Allocated MB per run'     = Format-BenchNumber $yaml.AllocatedMB
        })
    $summary.Add(("config  clouds.yaml alias bomb ({0} bytes): {1} in {2} ms, -Cloud completion {3} ms, {4} MB allocated per run" -f $yaml.Bytes, $yaml.ErrorId,
            (Format-BenchNumber $yamlConnect.Median), (Format-BenchNumber $yamlComplete.Median), (Format-BenchNumber $yaml.AllocatedMB)))

    # ---- 2. Cold start -------------------------------------------------------------------------------------
    if ($Section -contains 'Cold') {
        $inventory = $paths[0]
        # PowerShell's own share of a first Import-Module: an empty manifest module, then the same with one format file.
        $emptyModule = Join-Path $work 'EmptyModule'
        New-Item -ItemType Directory -Path $emptyModule | Out-Null
        Set-Content -LiteralPath (Join-Path $emptyModule 'EmptyModule.psm1') -Value ''
        Set-Content -LiteralPath (Join-Path $emptyModule 'EmptyModule.psd1') -Value "@{ RootModule = 'EmptyModule.psm1'; ModuleVersion = '1.0'; FunctionsToExport = @() }"
        Set-Content -LiteralPath (Join-Path $emptyModule 'EmptyFormat.psd1') -Value "@{ RootModule = 'EmptyModule.psm1'; ModuleVersion = '1.0'; FunctionsToExport = @(); FormatsToProcess = @('Empty.Format.ps1xml') }"
        Set-Content -LiteralPath (Join-Path $emptyModule 'Empty.Format.ps1xml') -Value ('<?xml version="1.0" encoding="utf-8"?><Configuration><ViewDefinitions><View><Name>E</Name>' +
            '<ViewSelectedBy><TypeName>Bench.Empty</TypeName></ViewSelectedBy><TableControl><TableHeaders><TableColumnHeader/></TableHeaders><TableRowEntries>' +
            '<TableRowEntry><TableColumnItems><TableColumnItem><PropertyName>A</PropertyName></TableColumnItem></TableColumnItems></TableRowEntry></TableRowEntries>' +
            '</TableControl></View></ViewDefinitions></Configuration>')
        $variants = [ordered]@{
            'pwsh -c exit'                       = 'exit'
            'Import-Module of an empty manifest module (PowerShell''s own cost)' = "Import-Module $(ConvertTo-BenchLiteral (Join-Path $emptyModule 'EmptyModule.psd1'))"
            'the same with one format file'      = "Import-Module $(ConvertTo-BenchLiteral (Join-Path $emptyModule 'EmptyFormat.psd1'))"
            'Import-Module'                      = "Import-Module $(ConvertTo-BenchLiteral $manifest)"
            "Import-Module; Get ($($Sizes[0]) hosts) | Out-Null" = "Import-Module $(ConvertTo-BenchLiteral $manifest); Get-ComputeService -InventoryPath $(ConvertTo-BenchLiteral $inventory) | Out-Null"
        }
        $cold = [ordered]@{}
        foreach ($name in $variants.Keys) { $cold[$name] = [Collections.Generic.List[double]]::new() }
        $null = Measure-BenchProcess ($pwsh + @('-NoProfile', '-NonInteractive', '-Command', 'exit'))   # disk cache warm-up
        foreach ($round in 1..$ColdRuns) {
            # Interleaved, so that a noisy moment hits every variant alike.
            foreach ($name in $variants.Keys) { $cold[$name].Add((Measure-BenchProcess ($pwsh + @('-NoProfile', '-NonInteractive', '-Command', $variants[$name])))) }
        }
        $bare = Get-BenchStat $cold['pwsh -c exit']
        $coldRows = @(foreach ($name in $variants.Keys) {
                $s = Get-BenchStat $cold[$name]
                [pscustomobject]@{
                    'Process (pwsh -NoProfile -NonInteractive -c ...)' = $name
                    'Median ms'           = Format-BenchNumber $s.Median 0
                    'Min ms'              = Format-BenchNumber $s.Min 0
                    'Over bare pwsh, ms'  = Format-BenchNumber ($s.Median - $bare.Median) 0
                    'Ratio to bare'       = Format-BenchNumber ($s.Median / $bare.Median) 2
                    Raw                   = $s
                }
            })
        Write-BenchTable "Cold start: wall time of a fresh process, $ColdRuns interleaved rounds" ($coldRows | Select-Object -Property * -ExcludeProperty Raw)
        $full = $coldRows[-1].Raw
        $summary.Add(("cold    Import + first Get vs bare pwsh: x{0}; the module's share {1} ms of {2} ms ({3}%)" -f (Format-BenchNumber ($full.Median / $bare.Median) 2),
                (Format-BenchNumber ($full.Median - $bare.Median) 0), (Format-BenchNumber $full.Median 0), (Format-BenchNumber (100 * ($full.Median - $bare.Median) / $full.Median) 0)))
        $import = (Get-BenchStat $cold['Import-Module']).Median - $bare.Median
        $ownCost = (Get-BenchStat $cold['the same with one format file']).Median - $bare.Median
        $summary.Add(("cold    Import-Module over bare pwsh: {0} ms, of which PowerShell's own first import of a manifest module with a format file {1} ms; the module's own share {2} ms" -f
                (Format-BenchNumber $import 0), (Format-BenchNumber $ownCost 0), (Format-BenchNumber ($import - $ownCost) 0)))
        Add-BenchTarget $targets 'Import-Module over a bare pwsh start' '< 150 ms' "$(Format-BenchNumber $import 0) ms (PowerShell's own $(Format-BenchNumber $ownCost 0) ms)" ($import -lt 150)
    }

    # ---- 3. Issue 9: bulk against fake-nova.py, local inventories --------------------------------------------
    $report = @{ Summary = $summary; Comparisons = $comparisons; Targets = $targets; Work = $work; ModuleDir = $ModuleDir }
    if ($Section -contains 'Fake') { & (Join-Path $PSScriptRoot 'Measure-FakeSection.ps1') @report -SlowRuns $BulkRuns -FastRuns $Runs }
    if ($Section -contains 'LocalBulk') {
        $tenThousand = if ($Sizes -contains 10000) { $paths[[array]::IndexOf($Sizes, 10000)] } else {
            $p = Join-Path $work 'inventory-10000.json'
            Invoke-BenchChild (Join-Path $PSScriptRoot 'New-BenchInventory.ps1') @{ ModuleDir = $ModuleDir; Path = @($p); Count = @(10000) }
            $p
        }
        & (Join-Path $PSScriptRoot 'Measure-LocalBulkSection.ps1') @report -Path $tenThousand -Large:$HundredThousandHosts -Runs $Runs
    }

    # ---- 4. The Nova sandbox: remote session, then issue 9's bulk rows (last: a sandbox being seeded gets time) ---
    $config = $env:OS_CLIENT_CONFIG_FILE
    $sandbox = $config -and (Test-Path -LiteralPath $config) -and (Get-Content -Raw -LiteralPath $config) -match "(?m)^\s+$([regex]::Escape($Cloud)):\s*$"
    if ($Section -contains 'Remote') {
        if (-not $sandbox) {
            Write-Host ''
            Write-Host 'remote: skipped (no sandbox)'
            $summary.Add('remote  skipped (no sandbox: OS_CLIENT_CONFIG_FILE with cloud ' + $Cloud + ' not set)')
        }
        else {
            & (Join-Path $PSScriptRoot 'Measure-RemoteSection.ps1') -ModuleDir $ModuleDir -Cloud $Cloud -Calls $RemoteCalls -Work $work -Summary $summary
        }
    }

    # ---- 4. Crash ------------------------------------------------------------------------------------------
    if ($CrashKills -gt 0) {
        $crash = Join-Path $PSScriptRoot '..' 'ComputeServices.CrashTest' 'bin' $Configuration 'net10.0' 'ComputeServices.CrashTest.dll'
        if (-not (Test-Path -LiteralPath $crash)) { throw "No crash test at ${crash}: build the solution first." }
        Write-Host ''
        Write-Host "Crash: $CrashKills kills of an inventory writer (500 services) at random moments"
        $lines = @(& dotnet $crash crash $CrashKills 500 | ForEach-Object { Write-Host $_; $_ })
        $summary.Add('crash   ' + ($lines[-1] -replace '^Crash test: ', '') + $(if ($LASTEXITCODE -ne 0) { ' (exit code ' + $LASTEXITCODE + ')' }))
    }
    if ($Section -contains 'Nova') { & (Join-Path $PSScriptRoot 'Measure-SandboxBulkSection.ps1') @report -Cloud $Cloud -NotConfigured:(-not $sandbox) -Runs $BulkRuns }
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

if ($comparisons.Count) {
    Write-BenchTable 'Issue 9, side by side (Module/ref: module time / reference time, below 1 = the module is faster; Requests: HTTP requests of one run, in brackets GET /os-services)' $comparisons 200
}
if ($targets.Count) { Write-BenchTable 'Targets (issue 9)' $targets 200 }
Write-Host ''
Write-Host '== Summary (ratios; absolute times above are for this machine only)'
$summary | ForEach-Object { Write-Host "  $_" }
Write-Host ("Bench finished in {0} s." -f (Format-BenchNumber $total.Elapsed.TotalSeconds 0))
