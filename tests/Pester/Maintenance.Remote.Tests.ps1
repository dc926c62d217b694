# The maintenance loops (issue 11) against the real Nova sandbox: Wait with `simulate die/heartbeat`, Resume on
# compute-evacuated with `simulate restart`, -IfOwner, -MaxCount and the fleet guard. Everything changed is restored.
# .ci/run starts the sandbox; elsewhere skipped, unless COMPUTESERVICES_IT_REQUIRED=1 makes that a failure.
BeforeDiscovery {
    $script:sandboxReady = $env:OS_CLIENT_CONFIG_FILE -and (Test-Path $env:OS_CLIENT_CONFIG_FILE) -and
        ((Get-Content -Raw $env:OS_CLIENT_CONFIG_FILE) -match 'sandbox-admin') -and $env:NOVA_SANDBOX_DIR
    $script:skipRemote = -not $sandboxReady -and $env:COMPUTESERVICES_IT_REQUIRED -ne '1'
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    if (-not $sandboxReady) { throw 'COMPUTESERVICES_IT_REQUIRED=1 but no Nova sandbox is configured (OS_CLIENT_CONFIG_FILE with sandbox-admin, NOVA_SANDBOX_DIR).' }
    $sandboxHome = if ($env:NOVA_SANDBOX_HOME) { $env:NOVA_SANDBOX_HOME } else { Join-Path $PSScriptRoot '../../../shared/nova-sandbox' }
    $script:simulate = Join-Path $sandboxHome 'simulate'
    $script:sandboxDir = $env:NOVA_SANDBOX_DIR
    $script:cloud = @{ Cloud = 'sandbox-admin' }

    # Plays the compute host, now or after a delay (in the background, while a cmdlet waits).
    function Invoke-Simulate([string] $Action, [string] $HostName) {
        & $script:simulate $script:sandboxDir $Action $HostName 2>&1 | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "simulate $Action $HostName failed" }
    }
    function Start-Simulate([int] $AfterSeconds, [string] $Action, [string] $HostName) {
        $start = [Diagnostics.ProcessStartInfo]::new('bash')
        foreach ($a in '-c', "sleep $AfterSeconds; exec `"`$0`" `"`$1`" `"`$2`" `"`$3`" 2>/dev/null", $script:simulate, $script:sandboxDir, $Action, $HostName) {
            $start.ArgumentList.Add($a)
        }
        [Diagnostics.Process]::Start($start)
    }
    function Get-Compute([string] $HostName) { Get-ComputeService @cloud -HostName $HostName }
}

Describe 'Wait-ComputeService against the real Nova' -Skip:$skipRemote {
    AfterAll { Invoke-Simulate heartbeat compute-free-02 }

    It 'waits until a compute that dies reports down, one listing per poll for every target' {
        $job = Start-Simulate 3 die compute-free-02
        try {
            $verbose = $null
            $out = Wait-ComputeService @cloud -HostName compute-free-02 -State down -PollIntervalSec 1 -TimeoutSec 60 -PassThru -Verbose 4>&1 |
                Tee-Object -Variable verbose | Where-Object { $_ -is [ComputeServices.ComputeService] }
        }
        finally { $job.WaitForExit() }
        $out.Host | Should -Be 'compute-free-02'
        $out.State | Should -Be 'down'
        (Get-Compute compute-free-02).State | Should -Be 'down'
    }

    It 'waits for several services with one GET /os-services per poll' {
        Invoke-Simulate die compute-free-02
        $job = Start-Simulate 3 heartbeat compute-free-02
        try {
            $lines = Wait-ComputeService @cloud -HostName compute-free-01, compute-free-02, compute-live-dst -State up -PollIntervalSec 1 -TimeoutSec 60 -Verbose 4>&1 |
                ForEach-Object { "$_" }
        }
        finally { $job.WaitForExit() }
        $gets = @($lines | Where-Object { $_ -match 'GET \S*/os-services(\?|\s|$)' })
        $polls = @($lines | Where-Object { $_ -match ' is up after ' })
        $polls.Count | Should -Be 3
        $gets.Count | Should -BeGreaterThan 1
        # Three targets, a handful of polls: one request per poll, never one per target.
        $gets.Count | Should -BeLessOrEqual 8
        (Get-Compute compute-free-02).State | Should -Be 'up'
    }

    It 'reports ServiceWaitTimeout with the last seen state' {
        $err = $null
        Wait-ComputeService @cloud -HostName compute-down-01 -State up -PollIntervalSec 1 -TimeoutSec 2 -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ServiceWaitTimeout,*'
        "$($err[0].ErrorDetails.Message)" | Should -Match 'last seen: state down, status disabled'
    }
}

Describe 'Resume-ComputeService against the real Nova' -Skip:$skipRemote {
    AfterAll {
        # Back to the seed: forced down, down, and its evacuation 'done' again.
        Set-ComputeServiceForcedDown @cloud -HostName compute-evacuated -ForcedDown $true -Confirm:$false -SkipFleetCheck
        Invoke-Simulate die compute-evacuated
        & sqlite3 -cmd '.timeout 5000' (Join-Path $sandboxDir 'db/nova_cell1.sqlite') `
            "UPDATE migrations SET status='done' WHERE source_compute='compute-evacuated' AND migration_type='evacuation' AND status='completed' AND deleted=0;"
    }

    It 'times out at the evacuations step while nova-compute has not restarted, and leaves the host forced down' {
        $err = $null
        Resume-ComputeService @cloud -HostName compute-evacuated -TimeoutSec 2 -PollIntervalSec 1 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ServiceWaitTimeout,*'
        "$($err[0].ErrorDetails.Message)" | Should -Match "at step 'evacuations'"
        (Get-Compute compute-evacuated).ForcedDown | Should -BeTrue
    }

    It 'waits for the restart, clears forced_down, waits until up' {
        $job = Start-Simulate 3 restart compute-evacuated
        try {
            $out = Resume-ComputeService @cloud -HostName compute-evacuated -TimeoutSec 90 -PollIntervalSec 1 -Confirm:$false -PassThru
        }
        finally { $job.WaitForExit() }
        $out.ForcedDown | Should -BeFalse
        $out.State | Should -Be 'up'
        $now = Get-Compute compute-evacuated
        $now.ForcedDown | Should -BeFalse
        $now.State | Should -Be 'up'
    }
}

Describe 'Whose disable, -MaxCount and the fleet guard against the real Nova' -Skip:$skipRemote {
    AfterAll {
        Enable-ComputeService @cloud -HostName compute-free-01, compute-free-02 -Confirm:$false
        foreach ($h in $script:killed) { Invoke-Simulate heartbeat $h }
    }

    It 'writes the owner and ticket, and Enable -IfOwner enables only that owner''s disable' {
        Disable-ComputeService @cloud -HostName compute-free-02 -Owner patching -Reason 'kernel upgrade' -Ticket CHG123 -Confirm:$false
        $s = Get-Compute compute-free-02
        $s.DisabledReason | Should -Be '[patching] kernel upgrade (CHG123)'
        $s.DisabledBy | Should -Be 'patching'
        $s.Ticket | Should -Be 'CHG123'

        $warnings = $null
        $out = Enable-ComputeService @cloud -HostName compute-free-02, compute-down-01 -IfOwner patching -Confirm:$false -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        $out.Host | Should -Be 'compute-free-02'
        (Get-Compute compute-free-02).Status | Should -Be 'enabled'
        (Get-Compute compute-down-01).DisabledReason | Should -Be 'hardware failure: PSU'
        "$warnings" | Should -Match "compute-down-01.*hardware failure: PSU"
    }

    It 'Disable -Owner leaves another holder''s disable alone' {
        $warnings = $null
        Disable-ComputeService @cloud -HostName compute-down-01 -Owner patching -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        (Get-Compute compute-down-01).DisabledReason | Should -Be 'hardware failure: PSU'
        "$warnings" | Should -Match 'unknown holder'
    }

    It 'stops at -MaxCount with TooManyTargets' {
        { Disable-ComputeService @cloud -HostName compute-free-01, compute-free-02 -Owner maint -MaxCount 1 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'TooManyTargets,ComputeServices.Commands.DisableComputeServiceCommand'
        (Get-Compute compute-free-01).Status | Should -Be 'disabled'
        (Get-Compute compute-free-02).Status | Should -Be 'enabled'
    }

    It 'refuses to force down when most computes report down (the down-cell records count in neither part)' {
        # Kill up computes until more than half report down (the sandbox may be seeded with extra edge-case hosts).
        $computes = @(Get-ComputeService @cloud -Binary nova-compute | Where-Object Status -ne 'UNKNOWN')
        $down = @($computes | Where-Object { $_.State -eq 'down' -or $_.ForcedDown }).Count
        $script:killed = @($computes | Where-Object { $_.State -eq 'up' -and -not $_.ForcedDown -and $_.Host -ne 'compute-free-02' } |
            Select-Object -First ([Math]::Max(0, [Math]::Floor($computes.Count / 2) + 1 - $down)) | ForEach-Object Host)
        foreach ($h in $script:killed) { Invoke-Simulate die $h }
        { Set-ComputeServiceForcedDown @cloud -HostName compute-free-02 -ForcedDown $true -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'FleetMostlyDown,ComputeServices.Commands.SetComputeServiceForcedDownCommand'
        (Get-Compute compute-free-02).ForcedDown | Should -BeFalse
    }
}
