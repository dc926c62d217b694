#Requires -Version 7.2
# Offline help of the BUILT module: every exported cmdlet is documented (synopsis, description, examples, the piped
# form, every parameter), the about topic exists and names every ErrorId, and the committed MAML is exactly what
# tools/New-ModuleHelp.ps1 generates from docs/help and the module.
# The module folder comes from $env:COMPUTESERVICES_MODULE (set by build.ps1), else the newest out/ComputeServices/*.

BeforeDiscovery {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $moduleDir = $env:COMPUTESERVICES_MODULE
    if (-not $moduleDir) {
        $moduleDir = Get-ChildItem (Join-Path $repoRoot 'out/ComputeServices') -Directory -ErrorAction SilentlyContinue |
            Where-Object { $_.Name -as [version] } | Sort-Object { [version]$_.Name } | Select-Object -Last 1 -ExpandProperty FullName
    }
    if (-not $moduleDir) { throw 'No built module: set $env:COMPUTESERVICES_MODULE or build first (dotnet pwsh ./build.ps1).' }
    Import-Module (Join-Path $moduleDir 'ComputeServices.psd1') -Force -ErrorAction Stop
    $common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + 'UseTransaction'

    $script:cmdlets = foreach ($cmd in Get-Command -Module ComputeServices -CommandType Cmdlet | Sort-Object Name) {
        @{
            Name       = $cmd.Name
            Parameters = @($cmd.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object)
            # Parameters that take pipeline input in any set: those cmdlets need an example that pipes into them.
            TakesInput = [bool]($cmd.ParameterSets.Parameters | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName })
        }
    }
    $script:pipedCmdlets = @($script:cmdlets | Where-Object { $_.TakesInput })
    $script:parameterCases = foreach ($c in $script:cmdlets) { foreach ($p in $c.Parameters) { @{ Name = $c.Name; Parameter = $p } } }
}

BeforeAll {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $moduleDir = $env:COMPUTESERVICES_MODULE
    if (-not $moduleDir) {
        $moduleDir = Get-ChildItem (Join-Path $repoRoot 'out/ComputeServices') -Directory |
            Where-Object { $_.Name -as [version] } | Sort-Object { [version]$_.Name } | Select-Object -Last 1 -ExpandProperty FullName
    }
    $script:moduleDir = (Resolve-Path $moduleDir).ProviderPath
    $script:repoRoot = $repoRoot
    Import-Module (Join-Path $script:moduleDir 'ComputeServices.psd1') -Force -ErrorAction Stop

    $script:helpCache = @{}
    function Get-FullHelp([string] $name) {
        if (-not $script:helpCache.ContainsKey($name)) { $script:helpCache[$name] = Get-Help $name -Full -ErrorAction Stop }
        $script:helpCache[$name]
    }
    function Get-HelpText($value) {
        # Help fields are arrays of objects with a Text property (or plain strings).
        (@($value) | ForEach-Object { if ($_ -is [string]) { $_ } elseif ($_.PSObject.Properties['Text']) { $_.Text } } | Where-Object { $_ }) -join "`n"
    }

    # A pwsh to run the generator in: it imports the module, so it gets a fresh process.
    $script:pwsh = @('pwsh.exe', 'pwsh') | ForEach-Object { Join-Path $PSHOME $_ } | Where-Object { Test-Path -LiteralPath $_ -PathType Leaf } | Select-Object -First 1
    $script:pwshArgs = @()
    if (-not $script:pwsh) {
        $script:pwsh = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source
        $script:pwshArgs = @(Join-Path $PSHOME 'pwsh.dll')
    }
}

Describe 'Help of <Name>' -ForEach $script:cmdlets {
    BeforeAll {
        $help = Get-FullHelp $Name
    }

    It 'comes from the MAML (not generated from the syntax)' {
        # Without MAML, Get-Help makes up a synopsis that is the syntax itself.
        $synopsis = "$($help.Synopsis)".Trim()
        $synopsis | Should -Not -BeNullOrEmpty
        $synopsis | Should -Not -Match "^$([regex]::Escape($Name))(\s|$)"
        $help.ModuleName | Should -Be 'ComputeServices'
    }

    It 'has a description' {
        Get-HelpText $help.Description | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code' {
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        foreach ($example in $help.Examples.Example) { "$($example.Code)".Trim() | Should -Not -BeNullOrEmpty }
    }
}

Describe 'Help of <Name>, which takes pipeline input' -ForEach $script:pipedCmdlets {
    It 'has an example that pipes into it' {
        $help = Get-FullHelp $Name
        $piped = @($help.Examples.Example | Where-Object { $_.Code -match "\|\s*(\r?\n\s*)?$([regex]::Escape($Name))\b" })
        $piped.Count | Should -BeGreaterThan 0 -Because "$Name takes pipeline input"
    }
}

Describe 'Parameter help' {
    It '<Name> -<Parameter> has a description' -ForEach $script:parameterCases {
        $p = (Get-FullHelp $Name).Parameters.Parameter | Where-Object Name -eq $Parameter
        $p | Should -Not -BeNullOrEmpty -Because "Get-Help $Name should list -$Parameter"
        Get-HelpText $p.Description | Should -Not -BeNullOrEmpty
    }
}

Describe 'about_ComputeServices' {
    BeforeAll {
        $about = Get-Help about_ComputeServices -ErrorAction Stop
        $script:aboutText = if ($about -is [string]) { $about } else { $about | Out-String -Width 500 }
    }

    It 'is found by Get-Help' {
        $script:aboutText | Should -Match 'about_ComputeServices'
        $script:aboutText | Should -Match 'SHORT DESCRIPTION'
    }

    It 'names every ErrorId of the engine' {
        $ids = [ComputeServices.ErrorIds].GetFields([Reflection.BindingFlags]'Public, Static') |
            Where-Object IsLiteral | ForEach-Object { $_.GetRawConstantValue() }
        $ids.Count | Should -BeGreaterThan 10
        $missing = $ids | Where-Object { $script:aboutText -notmatch "\b$([regex]::Escape($_))\b" }
        $missing | Should -BeNullOrEmpty -Because 'about_ComputeServices lists every ErrorId with its category and what to do'
    }

    It 'describes the backend precedence and the per-user inventory location' {
        $script:aboutText | Should -Match 'COMPUTESERVICES_INVENTORY'
        $script:aboutText | Should -Match 'OS_CLOUD'
        $script:aboutText | Should -Match 'inventory\.json'
    }
}

Describe 'Committed MAML' {
    It 'equals what tools/New-ModuleHelp.ps1 generates (-Check)' {
        $generator = Join-Path $script:repoRoot 'tools/New-ModuleHelp.ps1'
        $output = & $script:pwsh @script:pwshArgs -NoProfile -NonInteractive -File $generator -ModuleDir $script:moduleDir -Check 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)
    }

    It 'is the MAML the built module ships' {
        $shipped = Join-Path $script:moduleDir 'en-US/ComputeServices.dll-Help.xml'
        $committed = Join-Path $script:repoRoot 'module/en-US/ComputeServices.dll-Help.xml'
        ((Get-Content -Raw $shipped) -replace "`r`n", "`n") | Should -BeExactly ((Get-Content -Raw $committed) -replace "`r`n", "`n")
    }
}
