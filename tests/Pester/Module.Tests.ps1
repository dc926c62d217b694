BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'The built module' {
    It 'has a valid manifest for Desktop and Core' {
        $m = Test-ModuleManifest (Join-Path $ModuleDir 'ComputeServices.psd1')
        $m.CompatiblePSEditions | Should -Contain 'Desktop'
        $m.CompatiblePSEditions | Should -Contain 'Core'
        $m.PowerShellVersion | Should -Be ([version]'5.1')
        $m.Version | Should -Be ([version](Split-Path $ModuleDir -Leaf))
    }

    It 'exports cmdlets explicitly, nothing by wildcard' {
        $data = Import-PowerShellDataFile (Join-Path $ModuleDir 'ComputeServices.psd1')
        $data.CmdletsToExport | Should -Not -Contain '*'
        $data.FunctionsToExport | Should -HaveCount 0
        $data.AliasesToExport | Should -HaveCount 0
        $exported = (Get-Command -Module ComputeServices).Name | Sort-Object
        $exported | Should -Be ($data.CmdletsToExport | Sort-Object)
    }

    It 'ships exactly the expected files, dependencies beside the module for Windows PowerShell' {
        $expected = @(
            'ComputeServices.dll', 'ComputeServices.Engine.dll', 'ComputeServices.psd1', 'ComputeServices.Format.ps1xml'
            'YamlDotNet.dll', 'System.Text.Json.dll', 'System.Text.Encodings.Web.dll', 'System.Memory.dll', 'System.Buffers.dll'
            'System.Numerics.Vectors.dll', 'System.Runtime.CompilerServices.Unsafe.dll', 'System.Threading.Tasks.Extensions.dll'
            'Microsoft.Bcl.AsyncInterfaces.dll', 'en-US/ComputeServices.dll-Help.xml', 'en-US/about_ComputeServices.help.txt'
            'LICENSE'
        ) | Sort-Object
        $actual = Get-ChildItem -Recurse -File $ModuleDir | ForEach-Object { [IO.Path]::GetRelativePath($ModuleDir, $_.FullName) -replace '\\', '/' } | Sort-Object
        $actual | Should -Be $expected
    }

    It 'targets netstandard2.0, so one build loads in Windows PowerShell 5.1 and PowerShell 7' {
        foreach ($dll in 'ComputeServices.dll', 'ComputeServices.Engine.dll') {
            $asm = [Reflection.Assembly]::LoadFile((Join-Path $ModuleDir $dll))
            $tfm = $asm.GetCustomAttributes([Runtime.Versioning.TargetFrameworkAttribute], $false)[0].FrameworkName
            $tfm | Should -Be '.NETStandard,Version=v2.0'
        }
    }

    It 'uses only approved verbs' {
        $approved = (Get-Verb).Verb
        foreach ($cmd in Get-Command -Module ComputeServices) {
            $approved | Should -Contain $cmd.Verb -Because "$($cmd.Name) must use an approved verb"
        }
    }

    It 'declares ShouldProcess on every cmdlet that changes something, and High impact on Remove' {
        foreach ($name in 'Enable-ComputeService', 'Disable-ComputeService', 'Set-ComputeServiceForcedDown', 'Remove-ComputeService', 'New-ComputeServiceInventory') {
            (Get-Command $name).Parameters.Keys | Should -Contain 'WhatIf'
        }
        $attr = (Get-Command Remove-ComputeService).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attr.ConfirmImpact | Should -Be 'High'
    }

    It 'keeps the public output type and its properties' {
        $type = [ComputeServices.ComputeService]
        $type.IsSealed | Should -BeTrue
        $names = $type.GetProperties().Name
        foreach ($p in 'Id', 'Binary', 'Host', 'Zone', 'Status', 'State', 'ForcedDown', 'DisabledReason', 'UpdatedAt') {
            $names | Should -Contain $p
        }
    }
}

Describe 'Views' {
    BeforeAll {
        $inv = New-TestInventory
        $services = Get-ComputeService -InventoryPath $inv
    }
    AfterAll { Remove-Item $inv, "$inv.lock" -ErrorAction SilentlyContinue }

    It 'renders the Wide table with the openstack --long columns within 120 columns' {
        $text = $services | Format-Table -View Wide | Out-String -Width 120
        $lines = @($text -split "`n" | Where-Object { $_ -match '\S' })
        # Like Get-ChildItem's "Directory:": the source that answered comes first, then the header.
        $lines[0].Trim() | Should -Be "Source: $inv"
        $header = $lines[1]
        foreach ($col in 'Id', 'Binary', 'Host', 'Zone', 'Status', 'State', 'Forced', 'UpdatedAt', 'DisabledReason') {
            $header | Should -Match $col
        }
        $text | Should -Match 'compute-busy-01\s+az-east\s+enabled\s+up'
        $text | Should -Match 'hardware failure: PSU'
        ($text -split "`n" | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 120
    }

    It 'has a list view with every property and the full id' {
        $one = $services | Where-Object Host -eq 'compute-down-01'
        $text = $one | Format-List | Out-String
        $text | Should -Match ([regex]::Escape($one.Id))
        $text | Should -Match 'DisabledReason\s*:\s*hardware failure: PSU'
        $text | Should -Match 'Source'
    }

    It 'offers table views grouped by zone and by host' {
        ($services | Format-Table -View Zone | Out-String) | Should -Match 'Zone: az-west'
        ($services | Format-Table -View Host | Out-String) | Should -Match 'Host: controller-01'
    }

    It 'gives a readable ToString for WhatIf text and string contexts' {
        $one = $services | Where-Object Host -eq 'compute-free-01'
        "$one" | Should -Be "nova-compute@compute-free-01 ($($one.Id))"
    }
}
