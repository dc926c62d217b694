# The module's assembly resolver (ComputeServices.Commands.DependencyResolver behind ModuleInitializer): answers only
# the module's own requests, and a dependency another module loaded first (as Az.Accounts preloads System.Text.Json
# and friends) either leaves the module working or stops the import with DependencyConflict naming both modules.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'FreshPwsh.ps1')
    $script:Handler = [ComputeServices.Commands.ModuleInitializer].GetMethod('ResolveFromModuleFolder', [Reflection.BindingFlags]'NonPublic,Static')
    $script:Ours = [ComputeServices.Commands.ModuleInitializer].Assembly
    $script:Yaml = [Reflection.AssemblyName]::GetAssemblyName((Join-Path $ModuleDir 'YamlDotNet.dll'))
    $script:YamlToken = -join ($Yaml.GetPublicKeyToken() | ForEach-Object { $_.ToString('x2') })
    $script:StandInRoots = @()
    function Resolve-Request([string] $Name, $Requester) {
        $Handler.Invoke($null, @($null, [ResolveEventArgs]::new($Name, $Requester)))
    }
    # A module folder with a stand-in assembly of a given name and version, built here, as another module ships one.
    function New-StandInModule([string] $Module, [string] $Assembly, [string] $Version) {
        $root = Join-Path ([IO.Path]::GetTempPath()) "cs-standin-$([guid]::NewGuid().ToString('N'))"
        $script:StandInRoots += $root
        $dir = Join-Path $root "$Module/1.0.0"
        New-Item -ItemType Directory -Force $dir | Out-Null
        Set-Content (Join-Path $dir "$Module.psd1") "@{ ModuleVersion = '1.0.0' }"
        $builder = [Reflection.Emit.PersistedAssemblyBuilder]::new([Reflection.AssemblyName]::new("$Assembly, Version=$Version"), [object].Assembly)
        $type = $builder.DefineDynamicModule($Assembly).DefineType('StandIn.Marker', [Reflection.TypeAttributes]'Public, Class')
        $null = $type.CreateType()
        $builder.Save((Join-Path $dir "$Assembly.dll"))
        Join-Path $dir "$Assembly.dll"
    }
}

# The stand-ins were loaded by the fresh pwsh only, so this process may delete them.
AfterAll { $StandInRoots | Remove-Item -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'The resolver answers the module''s own requests only' {
    It 'gives the module''s own assemblies its shipped copy, also for a lower version they were built against' {
        foreach ($version in $Yaml.Version, [version]'1.0.0.0') {
            $found = Resolve-Request "YamlDotNet, Version=$version, Culture=neutral, PublicKeyToken=$YamlToken" $Ours
            $found | Should -Not -BeNullOrEmpty
            Split-Path $found.Location -Parent | Should -Be (Resolve-Path $ModuleDir).Path
        }
    }

    It 'declines a request from an assembly that is not the module''s (it never hands another module its copy)' {
        Resolve-Request "YamlDotNet, Version=$($Yaml.Version), Culture=neutral, PublicKeyToken=$YamlToken" ([psobject].Assembly) | Should -BeNullOrEmpty
        Resolve-Request 'System.Text.Json, Version=4.0.1.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51' ([psobject].Assembly) | Should -BeNullOrEmpty
    }

    It 'declines a request whose requester is unknown' {
        Resolve-Request "YamlDotNet, Version=$($Yaml.Version), Culture=neutral, PublicKeyToken=$YamlToken" $null | Should -BeNullOrEmpty
    }

    It 'declines a version higher than the one it ships, another public key, and names it does not ship' {
        Resolve-Request "YamlDotNet, Version=99.0.0.0, Culture=neutral, PublicKeyToken=$YamlToken" $Ours | Should -BeNullOrEmpty
        Resolve-Request "YamlDotNet, Version=$($Yaml.Version), Culture=neutral, PublicKeyToken=0123456789abcdef" $Ours | Should -BeNullOrEmpty
        Resolve-Request 'Not.A.Dependency, Version=1.0.0.0' $Ours | Should -BeNullOrEmpty
    }
}

Describe 'Another module''s copy of a dependency, loaded first' {
    It 'leaves the module working beside an older System.Text.Json loaded first, as Az.Accounts does' {
        $standIn = New-StandInModule -Module 'Az.StandIn' -Assembly 'System.Text.Json' -Version '4.0.1.0'
        $script = @"
`$ErrorActionPreference = 'Stop'
try { `$null = [Reflection.Assembly]::LoadFrom('$standIn') } catch { }
`$stj = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'System.Text.Json' } | ForEach-Object { "`$(`$_.GetName().Version)" }
Import-Module '$(Join-Path $ModuleDir 'ComputeServices.psd1')'
`$inventory = Join-Path ([IO.Path]::GetTempPath()) "cs-stj-`$([guid]::NewGuid().ToString('N')).json"
New-ComputeServiceInventory -Sample -Path `$inventory | Out-Null
`$n = @(Get-ComputeService -InventoryPath `$inventory).Count
Remove-Item `$inventory, "`$inventory.lock" -ErrorAction SilentlyContinue
@{ Loaded = @(`$stj); Count = `$n } | ConvertTo-Json -Compress
"@
        $r = Invoke-FreshPwsh -Command $script | Select-Object -Last 1 | ConvertFrom-Json
        $r.Loaded | Should -Not -BeNullOrEmpty
        $r.Count | Should -Be @(Get-SampleListing).Count
    }

    It 'stops the import with DependencyConflict naming both modules when the module cannot load its version beside it' {
        $standIn = New-StandInModule -Module 'Az.StandIn' -Assembly 'YamlDotNet' -Version '1.0.0.0'
        $script = @"
`$null = [Reflection.Assembly]::LoadFrom('$standIn')
try { Import-Module '$(Join-Path $ModuleDir 'ComputeServices.psd1')' -ErrorAction Stop; `$e = `$null } catch { `$e = `$_ }
@{ Id = `$e.FullyQualifiedErrorId; Category = "`$(`$e.CategoryInfo.Category)"; Target = "`$(`$e.TargetObject)"; Message = `$e.Exception.Message
   Action = `$e.ErrorDetails.RecommendedAction; Commands = @(Get-Command -Module ComputeServices -ErrorAction SilentlyContinue).Count } | ConvertTo-Json -Compress
"@
        $r = Invoke-FreshPwsh -Command $script | Select-Object -Last 1 | ConvertFrom-Json
        $r.Id | Should -BeLike 'DependencyConflict,*'
        $r.Category | Should -Be 'ResourceUnavailable'
        $r.Target | Should -Be 'YamlDotNet'
        $r.Message | Should -Match "YamlDotNet 1\.0\.0\.0 was already loaded by the module 'Az\.StandIn'"
        $r.Message | Should -Match "ComputeServices needs YamlDotNet $([regex]::Escape("$($Yaml.Version)"))"
        $r.Action | Should -Match 'import ComputeServices before Az\.StandIn'
        $r.Commands | Should -Be 0
    }
}
