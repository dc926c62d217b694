BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'Removal pre-flight' {
    BeforeAll {
        $inv = Enter-TestInventory
        $before = Get-FileHashText $inv
    }
    AfterAll { Exit-TestInventory $inv }

    It 'names the instances on a busy host' {
        $check = Test-ComputeServiceRemoval -HostName compute-busy-01
        $check | Should -BeOfType ([ComputeServices.RemovalCheck])
        $check.CanRemove | Should -BeFalse
        $check.Instances.Name | Sort-Object | Should -Be @('vm-busy1-a', 'vm-busy1-b')
        $check.Migrations | Should -HaveCount 1
        $check.Migrations[0].Role | Should -Be 'source'
        $check.Migrations[0].Status | Should -Be 'running'
    }

    It 'names the migration a host is only the <role> of' -ForEach @(
        @{ role = 'source'; target = 'compute-resize-src'; status = 'finished' }
        @{ role = 'destination'; target = 'compute-live-dst'; status = 'running' }
    ) {
        $check = Get-ComputeService -HostName $target | Test-ComputeServiceRemoval
        $check.CanRemove | Should -BeFalse
        $check.Instances | Should -HaveCount 0
        $check.Migrations.Role | Should -Be $role
        $check.Migrations.Status | Should -Be $status
    }

    It 'shows the verdict and its reason in the default view' {
        $table = @((Test-ComputeServiceRemoval -HostName compute-busy-01), (Test-ComputeServiceRemoval -HostName compute-free-01)) | Out-String -Width 250
        $table | Should -Match 'Verdict\s+Reason'
        $table | Should -Match 'compute-busy-01\s+nova-compute\s+Blocked\s+instance vm-busy1-a'
        $table | Should -Match 'compute-free-01\s+nova-compute\s+Removable'
        (Test-ComputeServiceRemoval -HostName compute-busy-01).Verdict | Should -Be 'Blocked'
    }

    It 'clears a free host, but warns that it is still up' {
        $check = Test-ComputeServiceRemoval -HostName compute-free-01
        $check.CanRemove | Should -BeTrue
        $check.Warnings | Should -Match 'still up'
        (Test-ComputeServiceRemoval -HostName compute-forced-down).Warnings | Should -HaveCount 0
    }

    It 'changes nothing' {
        Get-FileHashText $inv | Should -Be $before
    }

    It 'renders a table' {
        (Get-ComputeService -Binary nova-compute | Test-ComputeServiceRemoval | Format-Table | Out-String -Width 120) | Should -Match 'compute-busy-01\s+nova-compute\s+Blocked\s+instance vm-busy1-a'
    }

    It 'Remove-ComputeService -WhatIf shows the same blockers as warnings' {
        Remove-ComputeService -HostName compute-busy-01 -WhatIf -WarningVariable warnings 3>$null
        ($warnings -join "`n") | Should -Match 'vm-busy1-a'
        ($warnings -join "`n") | Should -Match 'source of live-migration'
        Get-FileHashText $inv | Should -Be $before
    }
}

Describe 'Bulk work' {
    BeforeEach { $inv = Enter-TestInventory }
    AfterEach { Exit-TestInventory $inv }

    It 'says at the end how many of a bulk removal failed' {
        Get-ComputeService -Binary nova-compute | Remove-ComputeService -Force -ErrorAction SilentlyContinue -WarningVariable warnings 3>$null
        ($warnings | Where-Object { "$_" -match 'failed to delete' }) | Should -Be '5 of 9 compute services failed to delete.'
    }

    It 'does not warn that a deleted service is still up on an inventory rehearsal (issue 18: only after a delete on a live cloud)' {
        Remove-ComputeService -HostName compute-free-02 -Force -WarningVariable warnings 3>$null
        "$warnings" | Should -Not -Match 'still up'
        (Get-ComputeService -HostName compute-free-02 -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
    }

    It 'writes progress over several services with a closing Completed record, and none for one' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleDir/ComputeServices.psd1'; `$ProgressPreference = 'Continue'; Disable-ComputeService -InventoryPath '$inv' -HostName compute-free-01, compute-free-02, compute-live-dst")
            $null = $ps.Invoke()
            $records = @($ps.Streams.Progress)
            $records.Count | Should -BeGreaterThan 2
            $records[-1].RecordType | Should -Be 'Completed'
            ($records | Where-Object PercentComplete -ge 0).Count | Should -BeGreaterThan 0

            $ps.Commands.Clear(); $ps.Streams.ClearStreams()
            $null = $ps.AddScript("Enable-ComputeService -InventoryPath '$inv' -HostName compute-free-01")
            $null = $ps.Invoke()
            @($ps.Streams.Progress).Count | Should -Be 0
        }
        finally { $ps.Dispose() }
    }
}

Describe 'Tab completion never needs the network' {
    It 'completes host names, binaries and zones from the inventory' {
        $inv = New-TestInventory
        try {
            $env:COMPUTESERVICES_INVENTORY = $inv
            $line = 'Get-ComputeService -HostName compute-fr'
            (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be @('compute-free-01', 'compute-free-02')
            $line = 'Disable-ComputeService -Binary nova-c'
            (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Contain 'nova-conductor'
            $line = 'Get-ComputeService -Zone az-'
            (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be @('az-east', 'az-west')
        }
        finally {
            Remove-Item Env:COMPUTESERVICES_INVENTORY -ErrorAction SilentlyContinue
            Remove-Item $inv, "$inv.lock" -ErrorAction SilentlyContinue
        }
    }

    It 'completes cloud names from clouds.yaml' {
        $saved = $env:OS_CLIENT_CONFIG_FILE
        $clouds = Join-Path ([IO.Path]::GetTempPath()) "clouds-$([guid]::NewGuid()).yaml"
        Set-Content $clouds "clouds:`n  prod-east:`n    auth:`n      auth_url: https://192.0.2.1:5000/v3`n  prod-west:`n    auth:`n      auth_url: https://192.0.2.2:5000/v3`n  lab:`n    auth:`n      auth_url: https://192.0.2.3:5000/v3`n"
        try {
            $env:OS_CLIENT_CONFIG_FILE = $clouds
            foreach ($line in 'Get-ComputeService -Cloud prod', 'Connect-ComputeService -Cloud prod') {
                (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be @('prod-east', 'prod-west')
            }
        }
        finally {
            $env:OS_CLIENT_CONFIG_FILE = $saved
            Remove-Item $clouds -ErrorAction SilentlyContinue
        }
    }

    It 'completes host names for a cloud only from what this session already listed' {
        $line = 'Get-ComputeService -HostName zz-never-listed'
        (TabExpansion2 $line $line.Length).CompletionMatches | Should -BeNullOrEmpty
    }
}

Describe 'Evacuation prep in one step' {
    BeforeEach { $inv = Enter-TestInventory }
    AfterEach { Exit-TestInventory $inv }

    It 'forces down and disables with a reason in one call' {
        $s = Set-ComputeServiceForcedDown -HostName compute-free-01 -ForcedDown $true -Disable -Reason 'fenced: evacuating' -PassThru
        $s.ForcedDown | Should -BeTrue
        $s.State | Should -Be 'down'
        $s.Status | Should -Be 'disabled'
        $s.DisabledReason | Should -Be 'fenced: evacuating'
    }

    It 'refuses -Reason without -Disable as bad usage' {
        { Set-ComputeServiceForcedDown -HostName compute-free-01 -ForcedDown $true -Reason x } |
            Should -Throw -ErrorId 'InvalidServiceUpdate,ComputeServices.Commands.SetComputeServiceForcedDownCommand'
        (Get-ComputeService -HostName compute-free-01).ForcedDown | Should -BeFalse
    }
}

Describe 'ThrottleLimit' {
    BeforeEach { $inv = Enter-TestInventory }
    AfterEach { Exit-TestInventory $inv }

    It 'keeps the input order and reports each failure for its own item' {
        $input = Get-ComputeService -Binary nova-compute
        $ids = @($input.Id[0..3]) + [guid]::NewGuid().ToString() + @($input.Id[4..8])
        $out = $ids | Disable-ComputeService -Reason 'bulk' -ThrottleLimit 4 -PassThru -ErrorVariable err -ErrorAction SilentlyContinue 3>$null
        $out.Id | Should -Be $input.Id
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ServiceNotFound,*'
        (Get-ComputeService -Status disabled -Binary nova-compute) | Should -HaveCount 9
    }
}
