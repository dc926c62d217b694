# Tab completion resolves paths as the cmdlets do: against PowerShell's location, not the process's directory.
BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'Completion after Set-Location' {
    BeforeAll {
        $script:dir = Join-Path ([IO.Path]::GetTempPath()) "cs-complete-$([guid]::NewGuid().ToString('N'))"
        New-Item -ItemType Directory $script:dir | Out-Null
        # A name unique to this folder: the process's own directory must not happen to hold a file of that name.
        $script:name = "lab-$([guid]::NewGuid().ToString('N')).json"
        New-ComputeServiceInventory -Path (Join-Path $script:dir $script:name) -Sample | Out-Null
        Set-Content (Join-Path $script:dir 'clouds.yaml') "clouds:`n  here-east-$($script:name.Substring(4, 6)):`n    auth:`n      auth_url: https://192.0.2.1:5000/v3`n"
        $script:processDir = [Environment]::CurrentDirectory
        Push-Location $script:dir
        # The process's own directory stays elsewhere, as it does in an interactive pwsh after Set-Location.
        [Environment]::CurrentDirectory | Should -Not -Be $script:dir
    }
    AfterAll {
        Pop-Location
        Remove-Item Env:COMPUTESERVICES_INVENTORY -ErrorAction SilentlyContinue
        Remove-Item -Recurse -Force $script:dir
    }

    It 'completes host names from a relative -InventoryPath <Path>' -ForEach @(@{ Path = '<name>' }, @{ Path = './<name>' }) {
        $Path = $Path.Replace('<name>', $script:name)
        $line = "Get-ComputeService -InventoryPath $Path -HostName compute-fr"
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be @('compute-free-01', 'compute-free-02')
        $line = "Disable-ComputeService -InventoryPath $Path -HostName compute-fr"
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be @('compute-free-01', 'compute-free-02')
    }

    It 'completes host names from a relative $env:COMPUTESERVICES_INVENTORY' {
        # A listing of another place in this session (one host, one zone) must not stand in for the inventory the command uses.
        $other = Join-Path $script:dir 'other.json'
        New-ComputeServiceInventory -Path $other -Sample | Out-Null
        Get-ComputeService -InventoryPath $other -HostName compute-free-01 | Out-Null
        $env:COMPUTESERVICES_INVENTORY = $script:name
        try {
            $line = 'Get-ComputeService -Zone az-'
            (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be @('az-east', 'az-west')
        }
        finally { Remove-Item Env:COMPUTESERVICES_INVENTORY }
    }

    It 'completes cloud names from ./clouds.yaml in the current location' {
        $saved = $env:OS_CLIENT_CONFIG_FILE
        Remove-Item Env:OS_CLIENT_CONFIG_FILE -ErrorAction SilentlyContinue
        try {
            $line = 'Get-ComputeService -Cloud here-'
            (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be @("here-east-$($script:name.Substring(4, 6))")
        }
        finally { if ($saved) { $env:OS_CLIENT_CONFIG_FILE = $saved } }
    }
}
