@{
    RootModule             = 'ComputeServices.dll'
    # Stamped by build.ps1 from Directory.Build.props: the one version source.
    ModuleVersion          = '0.0.0'
    GUID                   = '5d8f2a6e-3c41-4b7a-9e0d-7c2f1b9a4e63'
    Author                 = 'ComputeServices developers'
    CompanyName            = 'ComputeServices'
    Copyright              = '(c) ComputeServices developers. MIT License.'
    Description            = 'Manage OpenStack Nova compute services (list, enable, disable, force down, delete safely) from PowerShell, against a cloud or a local JSON inventory that behaves like Nova.'
    CompatiblePSEditions   = @('Desktop', 'Core')
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    CLRVersion             = '4.0'
    # No HelpInfoURI: the help ships in en-US/ and there is no server for updatable help (Update-Help needs http(s)).
    FormatsToProcess       = @('ComputeServices.Format.ps1xml')
    TypesToProcess         = @()
    CmdletsToExport        = @(
        'Get-ComputeService'
        'Enable-ComputeService'
        'Disable-ComputeService'
        'Set-ComputeServiceForcedDown'
        'Remove-ComputeService'
        'New-ComputeServiceInventory'
        'Test-ComputeServiceRemoval'
        'Connect-ComputeService'
        'Disconnect-ComputeService'
        'Export-ComputeServiceInventory'
        'Wait-ComputeService'
        'Resume-ComputeService'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('OpenStack', 'Nova', 'compute', 'maintenance', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            # The project's public address: set here once (LicenseUri is the LICENSE file there).
            ProjectUri   = 'https://github.com/ComputeServices/ComputeServices'
            LicenseUri   = 'https://github.com/ComputeServices/ComputeServices/blob/main/LICENSE'
            # Stamped by build.ps1 from this version's section of CHANGELOG.md.
            ReleaseNotes = ''
        }
    }
}
