#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks the ComputeServices module.
.DESCRIPTION
    Build  (default) compiles the solution and lays out a ready module folder out/ComputeServices/<version>/.
    Package builds, then leaves out/package/ComputeServices.<version>.nupkg (Publish-PSResource to out/package as a
           local folder repository: Install-PSResource -Repository takes it) and out/package/ComputeServices.zip (the
           module folder ComputeServices/ at the zip root, as Azure Automation imports it).
    Test   packages, runs the xunit suites, the Pester suite (in a child pwsh -NonInteractive; it installs the package
           into an empty module path) and, where Mono is installed, the engine's tests built for .NET Framework 4.7.2
           under Mono, and ends with the line "N passed, N failed" summed over every suite; it exits non-zero on any
           failure. Without Mono that suite is reported as not run (COMPUTESERVICES_MONO_REQUIRED=1 makes it a failure).
    Demo   builds, imports the module and walks through the main job on a sample local inventory.
    Bench  builds and runs tests/Bench/Invoke-Bench.ps1: local inventory scale, cold start, remote, and issue 9's bulk
           scenarios (fake-nova.py, the Nova sandbox, 10,000-host inventories) with side-by-side and Targets tables;
           -BenchOptions passes it more parameters (e.g. @{ HundredThousandHosts = $false; CrashKills = 0 }).
    Soak   builds and runs the randomized differential test (tests/Pester/DifferentialRandom.ps1) with fresh seeds
           against the Nova sandbox (OS_CLIENT_CONFIG_FILE with sandbox-admin, NOVA_SANDBOX_DIR) for -Minutes,
           printing every seed, and at the end how many steps and sequences agreed; exits non-zero on a difference.
    Clean  removes build output.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Package', 'Test', 'Demo', 'Bench', 'Soak', 'Clean')]
    [string] $Task = 'Build',
    # Soak: how long to run fresh seeds.
    [ValidateRange(1, 1440)]
    [int] $Minutes = 10,
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Bench only: more parameters for tests/Bench/Invoke-Bench.ps1, e.g. @{ HundredThousandHosts = $false; Section = 'Fake', 'Nova' }.
    [hashtable] $BenchOptions = @{}
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleName = 'ComputeServices'
$version = ([xml](Get-Content -Raw (Join-Path $root 'Directory.Build.props'))).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
$moduleDir = Join-Path $out $moduleName $version
$packageDir = Join-Path $out 'package'

# What the module folder ships, exactly: a missing or unexpected file fails the build.
$shipped = @(
    'ComputeServices.dll'
    'ComputeServices.Engine.dll'
    'ComputeServices.psd1'
    'ComputeServices.Format.ps1xml'
    'YamlDotNet.dll'
    'System.Text.Json.dll'
    'System.Text.Encodings.Web.dll'
    'System.Memory.dll'
    'System.Buffers.dll'
    'System.Numerics.Vectors.dll'
    'System.Runtime.CompilerServices.Unsafe.dll'
    'System.Threading.Tasks.Extensions.dll'
    'Microsoft.Bcl.AsyncInterfaces.dll'
    'en-US/ComputeServices.dll-Help.xml'
    'en-US/about_ComputeServices.help.txt'
    'LICENSE'
)

# The pwsh running this script, as a command line: under `dotnet pwsh` the process is dotnet itself.
function Get-PwshCommand {
    $exe = @('pwsh.exe', 'pwsh') | ForEach-Object { Join-Path $PSHOME $_ } | Where-Object { Test-Path $_ -PathType Leaf } | Select-Object -First 1
    if ($exe) { return , @($exe) }
    , @('dotnet', (Join-Path $PSHOME 'pwsh.dll'))
}

function Invoke-Pwsh {
    $pwsh = Get-PwshCommand
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive @args
}

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-Build {
    Invoke-Dotnet build (Join-Path $root 'ComputeServices.PowerShell.sln') -c $Configuration -nologo --verbosity quiet
    $bin = Join-Path $root 'src/ComputeServices/bin' $Configuration 'netstandard2.0'
    if (Test-Path $moduleDir) { Remove-Item -Recurse -Force $moduleDir }
    New-Item -ItemType Directory -Force (Join-Path $moduleDir 'en-US') | Out-Null
    Get-ChildItem $bin -Filter *.dll | Where-Object Name -in $shipped | Copy-Item -Destination $moduleDir
    Copy-Item (Join-Path $root 'formats/ComputeServices.Format.ps1xml') $moduleDir
    Copy-Item (Join-Path $root 'module/en-US/*') (Join-Path $moduleDir 'en-US')
    Copy-Item (Join-Path $root 'LICENSE') $moduleDir
    $notes = (Get-ReleaseNotes) -replace "'", "''"
    (Get-Content -Raw (Join-Path $root 'module/ComputeServices.psd1')) -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion          = '$version'" |
        ForEach-Object { $_.Replace("ReleaseNotes = ''", "ReleaseNotes = '$notes'") } |
        Set-Content -NoNewline (Join-Path $moduleDir 'ComputeServices.psd1')

    $actual = Get-ChildItem -Recurse -File $moduleDir | ForEach-Object { [IO.Path]::GetRelativePath($moduleDir, $_.FullName) -replace '\\', '/' }
    $missing = $shipped | Where-Object { $_ -notin $actual }
    $unexpected = $actual | Where-Object { $_ -notin $shipped }
    if ($missing) { throw "The module folder lacks: $($missing -join ', ')" }
    if ($unexpected) { throw "The module folder has unexpected files: $($unexpected -join ', ')" }
    # The committed MAML must be what the markdown and the cmdlets' metadata generate (in a child process: it imports the module).
    Invoke-Pwsh -File (Join-Path $root 'tools/New-ModuleHelp.ps1') -ModuleDir $moduleDir -Check
    if ($LASTEXITCODE -ne 0) { throw 'module/en-US/ComputeServices.dll-Help.xml is out of date: run tools/New-ModuleHelp.ps1 -ModuleDir out/ComputeServices/<version>' }
    Write-Host "Module ready: $moduleDir"
}

# The manifest's ReleaseNotes: this version's section of CHANGELOG.md (the one place they are written).
function Get-ReleaseNotes {
    $changelog = Get-Content -Raw (Join-Path $root 'CHANGELOG.md')
    $section = [regex]::Match($changelog, "(?ms)^## $([regex]::Escape($version))\b.*?(?=^## |\z)")
    if (-not $section.Success) { throw "CHANGELOG.md has no '## $version' section for the manifest's ReleaseNotes" }
    $section.Value.Trim()
}

function Invoke-Package {
    Invoke-Build
    if (Test-Path $packageDir) { Remove-Item -Recurse -Force $packageDir }
    New-Item -ItemType Directory -Force $packageDir | Out-Null
    # PSResourceGet (it ships with PowerShell 7.4+) keeps its repository list in the user's profile: publish from a
    # child pwsh whose HOME is a temp folder, so the build registers nothing in the caller's own list.
    $home_ = Join-Path ([IO.Path]::GetTempPath()) "cs-publish-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Force (Join-Path $home_ '.local/share'), (Join-Path $home_ 'AppData/Local') | Out-Null
    $publish = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name ComputeServicesBuild -Uri '$packageDir' -Trusted
Publish-PSResource -Path '$moduleDir' -Repository ComputeServicesBuild
"@
    $saved = $env:HOME, $env:LOCALAPPDATA, $env:USERPROFILE
    try {
        $env:HOME = $home_; $env:LOCALAPPDATA = Join-Path $home_ 'AppData/Local'; $env:USERPROFILE = $home_
        Push-Location $home_
        Invoke-Pwsh -Command $publish
        if ($LASTEXITCODE -ne 0) { throw 'Publish-PSResource failed' }
    }
    finally {
        Pop-Location
        $env:HOME, $env:LOCALAPPDATA, $env:USERPROFILE = $saved
        Remove-Item -Recurse -Force $home_ -ErrorAction SilentlyContinue
    }
    $nupkg = Join-Path $packageDir "$moduleName.$version.nupkg"
    if (-not (Test-Path $nupkg)) { throw "Publish-PSResource left no $nupkg (found: $((Get-ChildItem $packageDir).Name -join ', '))" }

    # Azure Automation: the zip's root holds the folder named after the module, the manifest directly in it.
    $stage = Join-Path $out 'package-stage'
    if (Test-Path $stage) { Remove-Item -Recurse -Force $stage }
    Copy-Item -Recurse $moduleDir (Join-Path $stage $moduleName)
    $zip = Join-Path $packageDir "$moduleName.zip"
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    [IO.Compression.ZipFile]::CreateFromDirectory((Join-Path $stage $moduleName), $zip, [IO.Compression.CompressionLevel]::Optimal, $true)
    Remove-Item -Recurse -Force $stage
    Write-Host "Package ready: $nupkg, $zip"
}

# The engine's tests built for .NET Framework 4.7.2, under Mono: returns @{ Passed; Failed; Skipped }.
function Invoke-MonoTests([string] $results) {
    if (-not (Get-Command mono -CommandType Application -ErrorAction SilentlyContinue)) {
        if ($env:COMPUTESERVICES_MONO_REQUIRED -eq '1') {
            Write-Host 'mono: not installed although COMPUTESERVICES_MONO_REQUIRED=1; counted as 1 failed'
            return @{ Passed = 0; Failed = 1; Skipped = 0 }
        }
        Write-Host 'mono: not installed, the .NET Framework test run is skipped (.ci/run installs it)'
        return @{ Passed = 0; Failed = 0; Skipped = 0 }
    }
    $summary = Join-Path $results 'mono.json'
    Invoke-Pwsh -File (Join-Path $root 'tests/ComputeServices.Engine.MonoTests/Run-MonoTests.ps1') -Summary $summary -Configuration $Configuration -ResultsDir (Join-Path $results 'mono') |
        Out-Host
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path $summary)) {
        Write-Host 'mono: the run did not finish; counted as 1 failed'
        return @{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $m = Get-Content -Raw $summary | ConvertFrom-Json
    @{ Passed = [int]$m.Passed; Failed = [int]$m.Failed; Skipped = [int]$m.Skipped }
}

function Get-PesterModule {
    Invoke-Dotnet restore (Join-Path $root 'tests/Pester/Pester.Restore.csproj') -nologo --verbosity quiet
    $packages = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $pester = Get-ChildItem (Join-Path $packages.Trim() 'pester') -Directory | Sort-Object { [version]($_.Name -replace '-.*$', '') } | Select-Object -Last 1
    Join-Path $pester.FullName 'tools/Pester.psd1'
}

function Invoke-Tests {
    Invoke-Package
    $results = Join-Path $out 'TestResults'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }
    New-Item -ItemType Directory -Force $results | Out-Null
    $passed = 0; $failed = 0; $skipped = 0

    # Pester first: its differential suite compares against the Nova sandbox as seeded, before the
    # xunit integration tests change it (a deleted service cannot be re-seeded).
    $pesterModule = Get-PesterModule
    $summary = Join-Path $results 'pester.json'
    $runner = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pesterModule'
`$config = New-PesterConfiguration
`$config.Run.Path = '$(Join-Path $root 'tests/Pester')'
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Normal'
`$env:COMPUTESERVICES_MODULE = '$moduleDir'
`$env:COMPUTESERVICES_PACKAGE = '$packageDir'
`$r = Invoke-Pester -Configuration `$config
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount } | ConvertTo-Json | Set-Content '$summary'
"@
    Invoke-Pwsh -Command $runner
    if (-not (Test-Path $summary)) { throw 'Pester wrote no summary' }
    $p = Get-Content -Raw $summary | ConvertFrom-Json
    $passed += $p.Passed; $failed += $p.Failed; $skipped += $p.Skipped
    Write-Host "pester: $($p.Passed) passed, $($p.Failed) failed, $($p.Skipped) skipped"

    foreach ($project in Get-ChildItem (Join-Path $root 'tests') -Recurse -Filter *.Tests.csproj) {
        $trxDir = Join-Path $results $project.BaseName
        & dotnet test $project.FullName -c $Configuration --no-build --nologo --logger 'trx;LogFileName=results.trx' --logger 'console;verbosity=minimal' --results-directory $trxDir
        $trx = Join-Path $trxDir 'results.trx'
        if (-not (Test-Path $trx)) { throw "dotnet test wrote no results for $($project.Name)" }
        $counters = ([xml](Get-Content -Raw $trx)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $notRun = [int]$counters.total - [int]$counters.executed
        Write-Host "xunit $($project.BaseName): $($counters.passed) passed, $($counters.failed) failed, $notRun skipped"
        if ($notRun -gt 0 -and $env:COMPUTESERVICES_IT_REQUIRED -eq '1') {
            # CI started the Nova sandbox: an integration test that skipped did not prove anything, so it fails.
            Write-Host "xunit $($project.BaseName): $notRun tests skipped although COMPUTESERVICES_IT_REQUIRED=1; counted as failed"
            $failed += $notRun
        }
        else { $skipped += $notRun }
    }

    $m = Invoke-MonoTests $results
    $passed += $m.Passed; $failed += $m.Failed; $skipped += $m.Skipped

    Write-Host ''
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Soak {
    Invoke-Build
    $runner = @"
`$ErrorActionPreference = 'Stop'
`$env:COMPUTESERVICES_MODULE = '$moduleDir'
. '$(Join-Path $root 'tests/Pester/Common.ps1')'
. '$(Join-Path $root 'tests/Pester/DifferentialRandom.ps1')'
`$state = Enter-DiffSandbox
`$until = (Get-Date).AddMinutes($Minutes)
`$sequences = 0; `$agreed = 0; `$steps = 0; `$agreedSteps = 0; `$failed = @()
try {
    while ((Get-Date) -lt `$until) {
        `$seed = Get-Random -Minimum 1000 -Maximum 1000000000
        # Every third seed plays on the multi-cell world at scale (tests/sandbox/cells.py): paging, cells, hidden nodes.
        `$world = if (`$seed % 3 -eq 0) { 'cells' } else { 'lab' }
        `$r = Invoke-DiffSequence -Seed `$seed -Length 25 -World `$world
        `$sequences++; `$steps += `$r.Steps
        if (`$r.Agreed) { `$agreed++; `$agreedSteps += `$r.Steps; Write-Host "seed `${seed} (`$world): `$(`$r.Steps) steps agreed" }
        else { `$agreedSteps += `$r.Steps - 1; `$failed += `$seed; Write-Host `$r.Report }
    }
}
finally { Exit-DiffSandbox `$state }
Write-Host ''
Write-Host "`$agreedSteps of `$steps steps and `$agreed of `$sequences sequences agreed"
if (`$failed) { Write-Host "seeds that found a difference (add them to `$CiSeeds in DifferentialRandom.Tests.ps1): `$(`$failed -join ', ')"; exit 1 }
"@
    Invoke-Pwsh -Command $runner
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Package' { Invoke-Package }
    'Test' { Invoke-Tests }
    'Demo' { Invoke-Build; & (Join-Path $root 'tools/Demo.ps1') -ModuleDir $moduleDir }
    'Bench' { Invoke-Build; & (Join-Path $root 'tests/Bench/Invoke-Bench.ps1') -ModuleDir $moduleDir -Configuration $Configuration @BenchOptions }
    'Soak' { Invoke-Soak }
    'Clean' {
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $out
        Get-ChildItem $root -Recurse -Directory -Include bin, obj | Remove-Item -Recurse -Force
    }
}
