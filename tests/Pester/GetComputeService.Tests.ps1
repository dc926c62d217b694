BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'Get-ComputeService on the local inventory' {
    BeforeAll { $inv = Enter-TestInventory }
    AfterAll { Exit-TestInventory $inv }

    It 'lists every service Nova would list, sorted by host and binary' {
        $all = Get-ComputeService
        $all | Should -HaveCount 13
        $all[0] | Should -BeOfType ([ComputeServices.ComputeService])
        ($all.Host -join ',') | Should -Be (($all | Sort-Object Host, Binary).Host -join ',')
    }

    It 'derives zone and state as Nova does' {
        $busy = Get-ComputeService -HostName compute-busy-01
        $busy.Zone | Should -Be 'az-east'
        $busy.State | Should -Be 'up'
        (Get-ComputeService -HostName compute-free-02).Zone | Should -Be 'nova'
        (Get-ComputeService -HostName controller-01 -Binary nova-scheduler).Zone | Should -Be 'internal'
        (Get-ComputeService -HostName controller-02 -Binary nova-conductor).State | Should -Be 'down'
        $forced = Get-ComputeService -HostName compute-evacuated
        $forced.ForcedDown | Should -BeTrue
        $forced.State | Should -Be 'down'
        $forced.UpdatedAt.Kind | Should -Be 'Utc'
    }

    It 'filters host and binary with wildcards' {
        (Get-ComputeService -HostName 'compute-free-*').Host | Should -Be @('compute-free-01', 'compute-free-02')
        (Get-ComputeService -Binary 'nova-s*').Binary | Sort-Object -Unique | Should -Be 'nova-scheduler'
    }

    It 'filters client-side by status, state and zone' {
        (Get-ComputeService -Status disabled).Host | Should -Be @('compute-down-01', 'compute-forced-down')
        (Get-ComputeService -State down -Binary nova-compute).Host | Should -Be @('compute-down-01', 'compute-evacuated', 'compute-forced-down')
        (Get-ComputeService -Zone 'az-w*').Host | Should -Contain 'compute-live-dst'
        (Get-ComputeService -Zone 'az-w*').Host | Should -Not -Contain 'compute-busy-01'
    }

    It 'finds services by id, positionally and from the pipeline' {
        $id = (Get-ComputeService -HostName compute-free-01).Id
        (Get-ComputeService $id).Host | Should -Be 'compute-free-01'
        ($id | Get-ComputeService).Host | Should -Be 'compute-free-01'
    }

    It 'reports a literal host that matches nothing as ServiceNotFound, and keeps going' {
        $found = Get-ComputeService -HostName 'no-such-host', 'compute-free-01' -ErrorVariable err -ErrorAction SilentlyContinue
        $found.Host | Should -Be 'compute-free-01'
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ServiceNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'no-such-host'
    }

    It 'is silent when a wildcard matches nothing' {
        Get-ComputeService -HostName 'zzz*' -ErrorVariable err | Should -BeNullOrEmpty
        $err | Should -HaveCount 0
    }

    It 'rejects a status that Nova does not have' {
        { Get-ComputeService -Status broken } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ComputeServices.Commands.GetComputeServiceCommand'
    }
}

Describe 'Choosing the inventory' {
    It 'uses $env:COMPUTESERVICES_INVENTORY when no -InventoryPath is given' {
        $inv = New-TestInventory
        try {
            $env:COMPUTESERVICES_INVENTORY = $inv
            (Get-ComputeService).Count | Should -Be 13
            (Get-ComputeService -HostName compute-free-01).Source | Should -Be $inv
        }
        finally {
            Remove-Item Env:COMPUTESERVICES_INVENTORY -ErrorAction SilentlyContinue
            Remove-Item $inv, "$inv.lock" -ErrorAction SilentlyContinue
        }
    }

    It 'gives a terminating InventoryNotFound with what to do when the file is missing' {
        $missing = Join-Path ([IO.Path]::GetTempPath()) "missing-$([guid]::NewGuid()).json"
        $err = { Get-ComputeService -InventoryPath $missing } | Should -Throw -ErrorId 'InventoryNotFound,ComputeServices.Commands.GetComputeServiceCommand' -PassThru
        $err.Exception.Message | Should -Match ([regex]::Escape($missing))
        $err.ErrorDetails.RecommendedAction | Should -Match 'New-ComputeServiceInventory'
    }

    It 'stops with InventoryCorrupt naming the file and the problem, and never rewrites it' {
        $bad = Join-Path ([IO.Path]::GetTempPath()) "corrupt-$([guid]::NewGuid()).json"
        Set-Content $bad '{ "schema_version": 1, "services": [ { "host": '
        $before = Get-FileHashText $bad
        try {
            $err = { Get-ComputeService -InventoryPath $bad } | Should -Throw -ErrorId 'InventoryCorrupt,ComputeServices.Commands.GetComputeServiceCommand' -PassThru
            $err.CategoryInfo.Category | Should -Be 'InvalidData'
            $err.Exception.Message | Should -Match ([regex]::Escape($bad))
            { Disable-ComputeService -InventoryPath $bad -HostName x -Confirm:$false } | Should -Throw -ErrorId 'InventoryCorrupt,*'
            Get-FileHashText $bad | Should -Be $before
        }
        finally { Remove-Item $bad, "$bad.lock" -ErrorAction SilentlyContinue }
    }

    It 'refuses an unknown schema version' {
        $future = Join-Path ([IO.Path]::GetTempPath()) "future-$([guid]::NewGuid()).json"
        Set-Content $future '{ "schema_version": 99, "services": [] }'
        try {
            $err = { Get-ComputeService -InventoryPath $future } | Should -Throw -ErrorId 'InventoryCorrupt,*' -PassThru
            $err.Exception.Message | Should -Match 'schema_version 99'
        }
        finally { Remove-Item $future, "$future.lock" -ErrorAction SilentlyContinue }
    }
}

Describe 'New-ComputeServiceInventory' {
    It 'creates an empty inventory, refuses to overwrite it, and replaces it with -Force' {
        $path = Join-Path ([IO.Path]::GetTempPath()) "new-$([guid]::NewGuid()).json"
        try {
            $file = New-ComputeServiceInventory -Path $path
            $file | Should -BeOfType ([IO.FileInfo])
            Get-ComputeService -InventoryPath $path | Should -BeNullOrEmpty
            { New-ComputeServiceInventory -Path $path -Sample } | Should -Throw -ErrorId 'InventoryExists,*'
            New-ComputeServiceInventory -Path $path -Sample -Force | Out-Null
            (Get-ComputeService -InventoryPath $path).Count | Should -Be 13
        }
        finally { Remove-Item $path, "$path.lock" -ErrorAction SilentlyContinue }
    }

    It 'creates nothing under -WhatIf' {
        $path = Join-Path ([IO.Path]::GetTempPath()) "whatif-$([guid]::NewGuid()).json"
        New-ComputeServiceInventory -Path $path -Sample -WhatIf
        Test-Path $path | Should -BeFalse
    }
}

Describe 'Export-ComputeServiceInventory from an inventory' {
    It 'copies an inventory, refusing to overwrite without -Force' {
        $inv = New-TestInventory
        $copy = Join-Path ([IO.Path]::GetTempPath()) "copy-$([guid]::NewGuid()).json"
        try {
            Export-ComputeServiceInventory -InventoryPath $inv -Path $copy | Should -BeOfType ([IO.FileInfo])
            $shape = { param($p) Get-ComputeService -InventoryPath $p | Select-Object * -ExcludeProperty Source | ConvertTo-Json -Compress }
            (& $shape $copy) | Should -Be (& $shape $inv)
            { Export-ComputeServiceInventory -InventoryPath $inv -Path $copy } | Should -Throw -ErrorId 'InventoryExists,*'
            Export-ComputeServiceInventory -InventoryPath $inv -Path $copy -Force | Out-Null
        }
        finally { Remove-Item $inv, "$inv.lock", $copy, "$copy.lock" -ErrorAction SilentlyContinue }
    }
}
