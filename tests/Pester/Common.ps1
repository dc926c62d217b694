# Shared set-up for the Pester suites: import the BUILT module and make fresh sample inventories.
$script:ModuleDir = $env:COMPUTESERVICES_MODULE
if (-not $script:ModuleDir) {
    $script:ModuleDir = Get-ChildItem (Join-Path $PSScriptRoot '../../out/ComputeServices') -Directory |
        Sort-Object { [version]$_.Name } | Select-Object -Last 1 -ExpandProperty FullName
}
Import-Module (Join-Path $script:ModuleDir 'ComputeServices.psd1') -Force

function New-TestInventory {
    param([switch] $Empty)
    $path = Join-Path ([IO.Path]::GetTempPath()) "cs-pester-$([guid]::NewGuid().ToString('N')).json"
    New-ComputeServiceInventory -Path $path -Sample:(-not $Empty) | Out-Null
    $path
}

# Makes a fresh sample inventory the default of every ComputeServices cmdlet; returns its path.
function Enter-TestInventory {
    $path = New-TestInventory
    $PSDefaultParameterValues['*-ComputeService*:InventoryPath'] = $path
    $path
}

function Exit-TestInventory([string] $Path) {
    $PSDefaultParameterValues.Remove('*-ComputeService*:InventoryPath')
    Remove-Item $Path, "$Path.lock" -ErrorAction SilentlyContinue
}

function Get-FileHashText([string] $Path) { (Get-FileHash -Algorithm SHA256 $Path).Hash }
