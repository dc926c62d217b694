# The package build.ps1 -Task Package leaves in out/package (COMPUTESERVICES_PACKAGE), installed and imported as a new
# user would, the Azure Automation zip, and the manifest's gallery metadata.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'FreshPwsh.ps1')
    $script:PackageDir = if ($env:COMPUTESERVICES_PACKAGE) { $env:COMPUTESERVICES_PACKAGE } else { Join-Path $PSScriptRoot '../../out/package' }
    $script:Version = Split-Path $ModuleDir -Leaf
    $script:Nupkg = Join-Path $PackageDir "ComputeServices.$Version.nupkg"
    $script:Zip = Join-Path $PackageDir 'ComputeServices.zip'
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    # The module folder's files, relative and with '/', to compare the package contents with.
    $script:ModuleFiles = Get-ChildItem -Recurse -File $ModuleDir | ForEach-Object { [IO.Path]::GetRelativePath($ModuleDir, $_.FullName) -replace '\\', '/' } | Sort-Object
    Add-Type -AssemblyName System.IO.Compression.FileSystem
}

Describe 'The nupkg' {
    It 'is built as ComputeServices.<version>.nupkg (run build.ps1 -Task Package)' {
        Test-Path $Nupkg | Should -BeTrue -Because "build.ps1 -Task Package leaves $Nupkg"
    }

    It 'installs with Install-PSResource from a local repository into an empty module path, imports and lists a sample inventory in a fresh pwsh' {
        $script = @"
`$ErrorActionPreference = 'Stop'
`$before = @(Get-Module -ListAvailable ComputeServices).Count
Register-PSResourceRepository -Name Local -Uri '$PackageDir' -Trusted
Install-PSResource -Name ComputeServices -Repository Local -Scope CurrentUser -TrustRepository
`$installed = Get-Module -ListAvailable ComputeServices
Import-Module ComputeServices
`$inventory = Join-Path ([IO.Path]::GetTempPath()) "cs-pkg-`$([guid]::NewGuid().ToString('N')).json"
New-ComputeServiceInventory -Sample -Path `$inventory | Out-Null
`$services = @(Get-ComputeService -InventoryPath `$inventory)
Remove-Item `$inventory, "`$inventory.lock" -ErrorAction SilentlyContinue
@{ Before = `$before; Version = "`$(`$installed.Version)"; Base = `$installed.ModuleBase; Home = `$HOME
   Imported = (Get-Module ComputeServices).Path; Count = `$services.Count; Hosts = @(`$services.Host) } | ConvertTo-Json -Compress
"@
        $r = Invoke-FreshPwsh -Command $script | Select-Object -Last 1 | ConvertFrom-Json
        $r.Before | Should -Be 0 -Because 'the module path starts empty of ComputeServices'
        $r.Version | Should -Be $Version
        $r.Base | Should -BeLike "$($r.Home)*" -Because 'Install-PSResource put it in the fresh user scope'
        $r.Imported | Should -BeLike "$($r.Base)*"
        $expected = Get-SampleListing
        $r.Count | Should -Be $expected.Count
        $r.Hosts | Should -Be @($expected.Host)
    }

    It 'carries the module folder exactly, the LICENSE and the gallery metadata' {
        $archive = [IO.Compression.ZipFile]::OpenRead($Nupkg)
        try {
            $entries = $archive.Entries.FullName | ForEach-Object { [Uri]::UnescapeDataString($_) }
            $nuspec = [xml]([IO.StreamReader]::new(($archive.Entries | Where-Object FullName -EQ 'ComputeServices.nuspec').Open()).ReadToEnd())
        }
        finally { $archive.Dispose() }
        $content = $entries | Where-Object { $_ -notmatch '^(ComputeServices\.nuspec|\[Content_Types\]\.xml|_rels/|package/)' } | Sort-Object
        $content | Should -Be $ModuleFiles
        $meta = $nuspec.package.metadata
        $meta.id | Should -Be 'ComputeServices'
        $meta.version | Should -Be $Version
        $meta.projectUrl | Should -Match '^https://'
        $meta.licenseUrl | Should -Match '^https://.*/LICENSE$'
        foreach ($tag in 'OpenStack', 'Nova', 'compute', 'maintenance') { $meta.tags -split ' ' | Should -Contain $tag }
        $meta.releaseNotes | Should -Match "^## $([regex]::Escape($Version))"
    }
}

Describe 'The Azure Automation zip' {
    It 'has one top folder ComputeServices holding ComputeServices.psd1 and exactly the module files' {
        Test-Path $Zip | Should -BeTrue -Because "build.ps1 -Task Package leaves $Zip"
        $archive = [IO.Compression.ZipFile]::OpenRead($Zip)
        try { $entries = @($archive.Entries.FullName) } finally { $archive.Dispose() }
        $entries | Where-Object { $_ -match '\\' } | Should -BeNullOrEmpty -Because 'zip entry names use / (a \ is part of the file name elsewhere)'
        @($entries | ForEach-Object { ($_ -split '/')[0] } | Sort-Object -Unique) | Should -Be @('ComputeServices')
        $entries | Should -Contain 'ComputeServices/ComputeServices.psd1'
        $entries | Where-Object { -not $_.EndsWith('/') } | ForEach-Object { $_.Substring('ComputeServices/'.Length) } | Sort-Object |
            Should -Be $ModuleFiles
    }

    It 'imports from its extracted folder by name, as Automation loads it, and lists a sample inventory' {
        $target = Join-Path ([IO.Path]::GetTempPath()) "cs-zip-$([guid]::NewGuid().ToString('N'))"
        [IO.Compression.ZipFile]::ExtractToDirectory($Zip, $target)
        try {
            $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module ComputeServices
`$inventory = Join-Path ([IO.Path]::GetTempPath()) "cs-zip-`$([guid]::NewGuid().ToString('N')).json"
New-ComputeServiceInventory -Sample -Path `$inventory | Out-Null
`$n = @(Get-ComputeService -InventoryPath `$inventory).Count
Remove-Item `$inventory, "`$inventory.lock" -ErrorAction SilentlyContinue
@{ Base = (Get-Module ComputeServices).ModuleBase; Count = `$n } | ConvertTo-Json -Compress
"@
            $r = Invoke-FreshPwsh -Command $script -ModulePath $target | Select-Object -Last 1 | ConvertFrom-Json
            $r.Base | Should -Be (Join-Path $target 'ComputeServices')
            $r.Count | Should -Be @(Get-SampleListing).Count
        }
        finally { Remove-Item -Recurse -Force $target -ErrorAction SilentlyContinue }
    }
}

Describe 'The manifest and the repository' {
    It 'passes Test-ModuleManifest with ProjectUri, LicenseUri, Tags and ReleaseNotes set' {
        $m = Test-ModuleManifest (Join-Path $ModuleDir 'ComputeServices.psd1') -ErrorAction Stop
        [string]$m.ProjectUri | Should -Match '^https://'
        [string]$m.LicenseUri | Should -Be "$($m.ProjectUri)/blob/main/LICENSE"
        foreach ($tag in 'OpenStack', 'Nova', 'compute', 'maintenance') { $m.Tags | Should -Contain $tag }
        $m.ReleaseNotes | Should -Match "^## $([regex]::Escape($Version))\b"
    }

    It 'takes its ReleaseNotes from this version''s section of CHANGELOG.md' {
        $changelog = Get-Content -Raw (Join-Path $RepoRoot 'CHANGELOG.md')
        $section = [regex]::Match($changelog, "(?ms)^## $([regex]::Escape($Version))\b.*?(?=^## |\z)").Value.Trim()
        $section | Should -Not -BeNullOrEmpty
        (Import-PowerShellDataFile (Join-Path $ModuleDir 'ComputeServices.psd1')).PrivateData.PSData.ReleaseNotes | Should -Be $section
    }

    It 'ships the MIT LICENSE the manifest names, identical to the repository''s' {
        (Import-PowerShellDataFile (Join-Path $ModuleDir 'ComputeServices.psd1')).Copyright | Should -Match 'MIT License'
        $license = Get-Content -Raw (Join-Path $RepoRoot 'LICENSE')
        $license | Should -Match '^MIT License'
        $license | Should -Match 'Permission is hereby granted, free of charge'
        Get-Content -Raw (Join-Path $ModuleDir 'LICENSE') | Should -Be $license
    }

    It 'has no HelpInfoURI (no server hosts updatable help, Update-Help takes http(s) only) and its help works offline' {
        (Import-PowerShellDataFile (Join-Path $ModuleDir 'ComputeServices.psd1')).ContainsKey('HelpInfoURI') | Should -BeFalse
        (Get-Help Get-ComputeService -Full).Description | Should -Not -BeNullOrEmpty
    }

    It 'is skipped quietly by Update-Help, offline, while installed in the module path; named, it gets PowerShell''s HelpInfoUriNotFound only' {
        $parent = Split-Path (Split-Path $ModuleDir -Parent) -Parent
        $script = @"
`$found = @(Get-Module -ListAvailable ComputeServices).Count
Update-Help -UICulture en-US -ErrorVariable errs -ErrorAction SilentlyContinue
Update-Help -Module ComputeServices -UICulture en-US -ErrorVariable named -ErrorAction SilentlyContinue
@{ Found = `$found; Errors = @(`$errs | ForEach-Object { "`$(`$_.FullyQualifiedErrorId): `$(`$_.Exception.Message)" })
   Named = @(`$named | ForEach-Object { `$_.FullyQualifiedErrorId }) } | ConvertTo-Json -Compress
"@
        $r = Invoke-FreshPwsh -Command $script -ModulePath $parent | Select-Object -Last 1 | ConvertFrom-Json
        $r.Found | Should -Be 1
        @($r.Errors | Where-Object { $_ -match 'ComputeServices' }) | Should -BeNullOrEmpty
        # No HelpInfoURI: PowerShell says the module has no updatable help, without a download or a module error.
        @($r.Named) | Should -Be @('HelpInfoUriNotFound,Microsoft.PowerShell.Commands.UpdateHelpCommand')
    }
}
