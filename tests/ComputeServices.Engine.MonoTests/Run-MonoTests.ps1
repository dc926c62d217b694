<#
.SYNOPSIS
    Builds the engine's tests for .NET Framework 4.7.2 and runs them under Mono with the xunit console runner.
.DESCRIPTION
    Partial evidence of the Windows PowerShell 5.1 path: the engine's net472 build (HttpClient raising .NET Framework's
    WebException chains, the framework's own System.Net.Http) under Mono's class libraries. Every test namespace runs
    except Integration (not compiled: the Nova sandbox tests run on .NET) and those listed in $NotOnMono, each with the
    reason Mono cannot run it; new tests in the other namespaces (Nova, Faults, Rules, Session, Maintenance) join by
    themselves. Writes { Passed; Failed; Skipped } as JSON to -Summary and prints one line per skipped group.
#>
param(
    [Parameter(Mandatory)] [string] $Summary,
    [string] $Configuration = 'Release',
    [string] $ResultsDir = (Join-Path ([IO.Path]::GetTempPath()) 'cs-mono-results')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$project = Join-Path $PSScriptRoot 'ComputeServices.Engine.MonoTests.csproj'

# Where Mono cannot do what the test does; each reason is printed with the number of tests it skips.
$notOnMono = [ordered]@{
    # The engine writes inventories on Linux through open(2) with O_EXCL and hands the descriptor to FileStream, which
    # Mono's FileStream rejects ("Invalid handle"); .NET Framework on Windows takes the FileStream(path) branch instead.
    'inventory files are written through raw Linux file descriptors, which Mono''s FileStream rejects' = @(
        '-nonamespace', 'ComputeServices.Tests.Inventory'
        '-nomethod', 'ComputeServices.Tests.Session.ServiceIdentityTests.ManyNamesAndIdsAreResolvedFromOneListing'
        '-nomethod', 'ComputeServices.Tests.Session.ServiceIdentityTests.APatternExpandsToEveryMatchAndNoneIsNotAnError'
        '-nomethod', 'ComputeServices.Tests.Session.ServiceIdentityTests.ANameMissingFromTheListingIsAskedOfTheBackendOnce'
        '-nomethod', 'ComputeServices.Tests.Maintenance.WaitAndEvacuationTests.Inventory_lists_only_done_evacuations_from_the_host'
        '-nomethod', 'ComputeServices.Tests.Session.BackendLocatorTests.TheExistingPerUserInventoryIsTheLastResort'
        '-nomethod', 'ComputeServices.Tests.Session.BackendLocatorTests.AnInventorySourceIsFoundAgainAndAMissingOneIsNot'
        '-nomethod', 'ComputeServices.Tests.Session.BackendLocatorTests.AnExplicitInventoryWinsOverTheCurrentConnection'
        '-nomethod', 'ComputeServices.Tests.Session.BackendLocatorTests.AFailedConnectStopsEverythingButExplicitChoices'
        '-nomethod', 'ComputeServices.Tests.Session.BackendLocatorTests.ARelativeInventoryVariableResolvesAgainstTheCallersDirectory'
        '-nomethod', 'ComputeServices.Tests.Session.BackendLocatorTests.TheCurrentConnectionBeatsTheInventoryVariableAndSaysSoOnce'
        '-nomethod', 'ComputeServices.Tests.Batch.ServiceBatchTests.Stop_on_error_in_a_group_commit_applies_what_came_before_and_nothing_after'
        '-nomethod', 'ComputeServices.Tests.Batch.ServiceBatchTests.An_interrupt_names_what_was_applied_but_not_handed_out_and_what_was_not_applied'
        '-nomethod', 'ComputeServices.Tests.Batch.ServiceBatchTests.A_change_skipped_by_its_owner_check_is_reported_as_skipped_and_counts_nothing_toward_MaxCount'
        '-nomethod', 'ComputeServices.Tests.Batch.ServiceBatchTests.The_fleet_check_runs_once_per_place_and_only_when_asked'
        '-nomethod', 'ComputeServices.Tests.Batch.ServiceBatchTests.Results_come_out_in_input_order_whatever_order_concurrent_work_finishes_in'
    )
    'GC.GetTotalAllocatedBytes (the bounded-memory checks) does not exist on .NET Framework or Mono' = @(
        '-nomethod', 'ComputeServices.Tests.Faults.CloudYamlTests.An_alias_bomb_is_CloudConfigInvalid_in_bounded_memory_also_for_tab_completion'
        '-nomethod', 'ComputeServices.Tests.Faults.ResponseSizeTests.A_200_MB_answer_is_ResponseTooLarge_without_holding_it'
        '-nomethod', 'ComputeServices.Tests.Faults.ResponseSizeTests.A_gzip_body_is_capped_as_it_inflates'
    )
    # Seen failing under Mono 6.8, whose HttpClientHandler is its own (not .NET Framework's): a broken gzip body is an
    # IOException there (EndpointUnreachable, not InvalidResponse), a 2 GB-inflating body stops at 64 MB as non-JSON, and
    # a proxy refusing CONNECT comes back as an HTTP answer (NovaRequestFailed). Whether .NET Framework does the same is
    # not known here: these run on .NET only.
    'Mono''s own HttpClientHandler answers differently (gzip errors, a proxy refusing CONNECT); unverified on .NET Framework' = @(
        '-nomethod', 'ComputeServices.Tests.Faults.ResponseSizeTests.A_gzip_body_that_does_not_decompress_is_InvalidResponse'
        '-nomethod', 'ComputeServices.Tests.Faults.ResponseSizeTests.A_gzip_body_inflating_past_2_GB_is_ResponseTooLarge_even_under_a_4096_MB_limit'
        '-nomethod', 'ComputeServices.Tests.Faults.ProxySecretTests.A_Proxy_password_is_masked_in_the_error_its_inner_exceptions_and_the_log'
    )
    'Mono has no X509 CertificateRequest (the test makes its own CA)' = @(
        '-nomethod', 'ComputeServices.Tests.Nova.RedactorAndTlsTests.A_CA_bundle_accepts_only_certificates_that_chain_to_it'
    )
}

$mono = Get-Command mono -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
if (-not $mono) { throw 'mono is not installed (Debian: mono-runtime mono-devel libmono-system-net-http4.0-cil ...; .ci/run installs them)' }

& dotnet build $project -c $Configuration -nologo --verbosity quiet
if ($LASTEXITCODE -ne 0) { throw "building $project for net472 failed" }
$packages = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
$console = Join-Path $packages 'xunit.runner.console/2.4.1/tools/net472/xunit.console.exe'
$assembly = Join-Path $PSScriptRoot "bin/$Configuration/net472/ComputeServices.Engine.Tests.dll"

New-Item -ItemType Directory -Force $ResultsDir | Out-Null
$run = Join-Path $ResultsDir 'mono.xml'
$filters = @($notOnMono.Values | ForEach-Object { $_ })
& $mono.Source $console $assembly -nologo -noshadow -nocolor -parallel none -xml $run @filters
$ran = [xml](Get-Content -Raw $run)
$tests = @($ran.SelectNodes('//test'))
$passed = @($tests | Where-Object result -EQ 'Pass').Count
$failed = @($tests | Where-Object result -EQ 'Fail').Count
$skipped = @($tests | Where-Object result -EQ 'Skip').Count

foreach ($reason in $notOnMono.Keys) { Write-Host "mono: not run here: $reason" }
Write-Host "mono: $passed passed, $failed failed, $skipped skipped"
@{ Passed = $passed; Failed = $failed; Skipped = $skipped } | ConvertTo-Json | Set-Content $Summary
