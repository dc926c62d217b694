BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'Identifying services: every form, as a parameter and piped' {
    BeforeEach {
        $inv = Enter-TestInventory
        $free = Get-ComputeService -HostName compute-free-01
    }
    AfterEach { Exit-TestInventory $inv }

    It '<name>' -ForEach @(
        @{ name = 'piped ComputeService (InputObject)'; call = { $free | Disable-ComputeService -Reason r -PassThru } }
        @{ name = '-InputObject parameter'; call = { Disable-ComputeService -InputObject $free -Reason r -PassThru } }
        @{ name = '-Id parameter'; call = { Disable-ComputeService -Id $free.Id -Reason r -PassThru } }
        @{ name = 'positional id'; call = { Disable-ComputeService $free.Id -Reason r -PassThru } }
        @{ name = 'legacy integer id'; call = { Disable-ComputeService -Id 10 -Reason r -PassThru } }
        @{ name = 'piped id string'; call = { $free.Id | Disable-ComputeService -Reason r -PassThru } }
        @{ name = 'piped object with an Id property'; call = { [pscustomobject]@{ Id = $free.Id } | Disable-ComputeService -Reason r -PassThru } }
        @{ name = 'piped CSV row (Id, Host and Binary columns)'; call = { $free | ConvertTo-Csv | ConvertFrom-Csv | Disable-ComputeService -Reason r -PassThru } }
        @{ name = 'piped JSON round trip'; call = { $free | ConvertTo-Json | ConvertFrom-Json | Disable-ComputeService -Reason r -PassThru } }
        @{ name = '-HostName parameter (binary defaults to nova-compute)'; call = { Disable-ComputeService -HostName compute-free-01 -Reason r -PassThru } }
        @{ name = '-Host alias'; call = { Disable-ComputeService -Host compute-free-01 -Reason r -PassThru } }
        @{ name = 'piped object with a Host property'; call = { [pscustomobject]@{ Host = 'compute-free-01' } | Disable-ComputeService -Reason r -PassThru } }
        @{ name = 'piped object with HostName and Binary'; call = { [pscustomobject]@{ HostName = 'compute-free-01'; Binary = 'nova-compute' } | Disable-ComputeService -Reason r -PassThru } }
    ) {
        $result = & $call
        $result | Should -HaveCount 1
        $result.Host | Should -Be 'compute-free-01'
        $result.Status | Should -Be 'disabled'
        $result.DisabledReason | Should -Be 'r'
        (Get-ComputeService -HostName compute-free-01).Status | Should -Be 'disabled'
    }

    It 'binds a piped ComputeService to the InputObject set, without re-resolving it' {
        $cmd = Get-Command Disable-ComputeService
        $cmd.DefaultParameterSet | Should -Be 'ByInputObject'
        foreach ($name in 'Enable-ComputeService', 'Set-ComputeServiceForcedDown', 'Remove-ComputeService') {
            (Get-Command $name).DefaultParameterSet | Should -Be 'ByInputObject'
        }
    }

    It 'handles many services in one call, each once' {
        $result = Get-ComputeService -HostName 'compute-free-*' | Disable-ComputeService -PassThru
        $result.Host | Should -Be @('compute-free-01', 'compute-free-02')
    }
}

Describe 'Enable, Disable and Set-ComputeServiceForcedDown' {
    BeforeEach { $inv = Enter-TestInventory }
    AfterEach { Exit-TestInventory $inv }

    It 'enable clears the disabled reason' {
        $s = Enable-ComputeService -HostName compute-down-01 -PassThru
        $s.Status | Should -Be 'enabled'
        $s.DisabledReason | Should -BeNullOrEmpty
    }

    It 'a plain disable clears an earlier reason, as Nova does' {
        Disable-ComputeService -HostName compute-free-01 -Reason 'first' | Out-Null
        (Disable-ComputeService -HostName compute-free-01 -PassThru).DisabledReason | Should -BeNullOrEmpty
    }

    It 'writes nothing to the pipeline without -PassThru' {
        Disable-ComputeService -HostName compute-free-01 | Should -BeNullOrEmpty
    }

    It 'forces a service down and up again' {
        $down = Set-ComputeServiceForcedDown -HostName compute-free-01 -ForcedDown $true -PassThru
        $down.ForcedDown | Should -BeTrue
        $down.State | Should -Be 'down'
        $up = Set-ComputeServiceForcedDown -HostName compute-free-01 -ForcedDown $false -PassThru
        $up.ForcedDown | Should -BeFalse
        $up.State | Should -Be 'up'
    }

    It '-WhatIf changes nothing and outputs nothing, for every mutating cmdlet' {
        $before = Get-FileHashText $inv
        Disable-ComputeService -HostName compute-free-01 -Reason x -WhatIf -PassThru | Should -BeNullOrEmpty
        Enable-ComputeService -HostName compute-down-01 -WhatIf -PassThru | Should -BeNullOrEmpty
        Set-ComputeServiceForcedDown -HostName compute-free-01 -ForcedDown $true -WhatIf -PassThru | Should -BeNullOrEmpty
        Remove-ComputeService -HostName compute-free-01 -WhatIf | Should -BeNullOrEmpty
        Remove-ComputeService -HostName compute-free-01 -Force -WhatIf | Should -BeNullOrEmpty
        Get-FileHashText $inv | Should -Be $before
    }

    It 'stops before touching anything when the reason is too long (InvalidServiceUpdate, naming the field)' {
        $before = Get-FileHashText $inv
        $err = { Get-ComputeService -HostName 'compute-free-*' | Disable-ComputeService -Reason ('x' * 256) } |
            Should -Throw -ErrorId 'InvalidServiceUpdate,ComputeServices.Commands.DisableComputeServiceCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'disabled_reason'
        Get-FileHashText $inv | Should -Be $before
    }

    It 'refuses to update a non-compute service (ServiceUpdateNotSupported) and goes on with the next one' {
        $out = Disable-ComputeService -HostName controller-01, compute-free-01 -Binary nova-scheduler -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ServiceUpdateNotSupported,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $out | Should -BeNullOrEmpty  # compute-free-01 has no nova-scheduler: refused for the binary first, as Nova's legacy actions do
        $err[1].FullyQualifiedErrorId | Should -BeLike 'ServiceUpdateNotSupported,*'
    }

    It 'reports a missing service per item and continues the pipeline' {
        $out = 'no-such-host', 'compute-free-01' | ForEach-Object { [pscustomobject]@{ Host = $_ } } |
            Disable-ComputeService -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        $out.Host | Should -Be 'compute-free-01'
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'ServiceNotFound,ComputeServices.Commands.DisableComputeServiceCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($err[0].TargetObject)" | Should -Be 'nova-compute@no-such-host'
    }

    It 'turns a per-item error into an exception with -ErrorAction Stop' {
        { Enable-ComputeService -Id ([guid]::NewGuid()) -ErrorAction Stop } | Should -Throw -ErrorId 'ServiceNotFound,*'
        { Enable-ComputeService -Id 'not-an-id' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidServiceId,*'
    }

    It 'refuses to force up a host with done evacuations (ServiceHasPendingEvacuations)' {
        $err = { Set-ComputeServiceForcedDown -HostName compute-evacuated -ForcedDown $false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ServiceHasPendingEvacuations,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        (Get-ComputeService -HostName compute-evacuated).ForcedDown | Should -BeTrue
    }
}

Describe 'Remove-ComputeService' {
    BeforeEach { $inv = Enter-TestInventory }
    AfterEach { Exit-TestInventory $inv }

    It 'refuses a compute that hosts instances (ServiceHostingInstances, ResourceBusy, with the instances named)' {
        $err = { Remove-ComputeService -HostName compute-busy-01 -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'ServiceHostingInstances,ComputeServices.Commands.RemoveComputeServiceCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
        $err.TargetObject.Host | Should -Be 'compute-busy-01'
        $err.ErrorDetails.RecommendedAction | Should -Match 'vm-busy1-a'
        Get-ComputeService -HostName compute-busy-01 | Should -Not -BeNullOrEmpty
    }

    It 'refuses a compute that is only the <role> of an in-progress migration' -ForEach @(
        @{ role = 'source'; target = 'compute-resize-src' }
        @{ role = 'destination'; target = 'compute-live-dst' }
    ) {
        $err = { Remove-ComputeService -HostName $target -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'ServiceHasInProgressMigrations,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
        Get-ComputeService -HostName $target | Should -Not -BeNullOrEmpty
    }

    It 'deletes a free compute with -Force, and -PassThru returns what was deleted' {
        $gone = Remove-ComputeService -HostName compute-free-01 -Force -PassThru
        $gone.Host | Should -Be 'compute-free-01'
        Get-ComputeService -HostName 'compute-free-01*' | Should -BeNullOrEmpty
        $doc = Get-Content -Raw $inv | ConvertFrom-Json
        ($doc.aggregates | Where-Object name -eq 'agg-west').hosts | Should -Not -Contain 'compute-free-01'
        $doc.compute_nodes.host | Should -Not -Contain 'compute-free-01'
    }

    It 'deletes with -Confirm:$false as runbooks do' {
        Remove-ComputeService -HostName controller-02 -Binary nova-conductor -Confirm:$false
        Get-ComputeService -HostName controller-02 -Binary nova-conductor -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'prompts by default (High impact), which a non-interactive session cannot answer: nothing is deleted' {
        { Remove-ComputeService -HostName compute-free-01 -ErrorAction Stop } | Should -Throw
        Get-ComputeService -HostName compute-free-01 | Should -Not -BeNullOrEmpty
    }

    It 'still prompts with -Force when -Confirm is given explicitly' {
        { Remove-ComputeService -HostName compute-free-01 -Force -Confirm -ErrorAction Stop } | Should -Throw
        Get-ComputeService -HostName compute-free-01 | Should -Not -BeNullOrEmpty
    }

    It 'goes on past a refused service in a bulk removal' {
        $out = Get-ComputeService -HostName 'compute-busy-01', 'compute-free-02' |
            Remove-ComputeService -Force -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        $out.Host | Should -Be 'compute-free-02'
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ServiceHostingInstances,*'
    }

    It 'removes a non-compute service without any check' {
        Remove-ComputeService -HostName controller-01 -Binary nova-scheduler -Force
        (Get-ComputeService -HostName controller-01).Binary | Should -Be 'nova-conductor'
    }
}
