BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'Remove-ComputeService in a session that cannot prompt' {
    It 'says which parameter to add instead of PowerShell''s generic NonInteractive message' {
        $folder = Join-Path ([IO.Path]::GetTempPath()) ('cs-batch-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory $folder | Out-Null
        try {
            $inv = Join-Path $folder 'inventory.json'
            New-ComputeServiceInventory -Path $inv -Sample | Out-Null
            $exe = (Get-Process -Id $PID).Path
            $pwshArgs = @()
            if ((Split-Path -Leaf $exe) -like 'dotnet*') { $pwshArgs += Join-Path $PSHOME 'pwsh.dll' }
            $script = "Import-Module '$(Join-Path $ModuleDir 'ComputeServices.psd1')'; " +
                "try { Remove-ComputeService -InventoryPath '$inv' -HostName compute-free-01 } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }"
            $text = (& $exe @pwshArgs -NoProfile -NonInteractive -Command $script) -join "`n"
            $text | Should -Match 'ConfirmationRequired,'
            $text | Should -Match '-Force'
            (Get-ComputeService -InventoryPath $inv -HostName compute-free-01).Host | Should -Be 'compute-free-01'
        }
        finally { Remove-Item -Recurse -Force $folder }
    }
}
