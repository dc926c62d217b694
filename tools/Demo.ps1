<#
.SYNOPSIS
    The main job on the embedded default: a sample local inventory, no cloud needed.
    Run it through build.ps1 -Task Demo, which builds the module first.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleDir
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModuleDir 'ComputeServices.psd1') -Force

function Step([string] $text) { Write-Host ''; Write-Host "== $text" -ForegroundColor Cyan }

$inventory = Join-Path ([IO.Path]::GetTempPath()) "computeservices-demo-$PID.json"
Step "New-ComputeServiceInventory -Path $inventory -Sample"
New-ComputeServiceInventory -Path $inventory -Sample -Force | Out-Null
$PSDefaultParameterValues['*-ComputeService*:InventoryPath'] = $inventory

Step 'Get-ComputeService'
Get-ComputeService | Format-Table | Out-String -Width 120 | Write-Host

Step "Get-ComputeService -Binary nova-compute -State down"
Get-ComputeService -Binary nova-compute -State down | Format-Table | Out-String -Width 120 | Write-Host

Step "Disable-ComputeService -HostName compute-free-01 -Reason 'kernel upgrade' -PassThru"
Disable-ComputeService -HostName compute-free-01 -Reason 'kernel upgrade' -PassThru | Format-List | Out-String -Width 120 | Write-Host

Step 'Set-ComputeServiceForcedDown -HostName compute-free-01 -ForcedDown $true -PassThru'
Set-ComputeServiceForcedDown -HostName compute-free-01 -ForcedDown $true -PassThru | Format-Table | Out-String -Width 120 | Write-Host

Step "Set-ComputeServiceForcedDown -HostName compute-down-01 -ForcedDown `$true -Disable -Reason 'fenced: evacuating'   # evacuation prep in one step"
Set-ComputeServiceForcedDown -HostName compute-down-01 -ForcedDown $true -Disable -Reason 'fenced: evacuating' -PassThru | Format-Table | Out-String -Width 120 | Write-Host

Step 'Get-ComputeService -Binary nova-compute | Test-ComputeServiceRemoval   # removal pre-flight: what would Nova refuse, and why'
Get-ComputeService -Binary nova-compute | Test-ComputeServiceRemoval | Format-Table | Out-String -Width 120 | Write-Host

Step 'Remove-ComputeService -HostName compute-busy-01 -Force   # refused: it still hosts instances'
Remove-ComputeService -HostName compute-busy-01 -Force -ErrorAction SilentlyContinue -ErrorVariable refused
foreach ($e in $refused) {
    Write-Host "ErrorId:           $($e.FullyQualifiedErrorId)"
    Write-Host "Category:          $($e.CategoryInfo.Category)"
    Write-Host "Message:           $($e.Exception.Message)"
    Write-Host "RecommendedAction: $($e.ErrorDetails.RecommendedAction)"
}

Step 'Remove-ComputeService -HostName compute-resize-src -Force   # refused: a resize waits for confirmation'
Remove-ComputeService -HostName compute-resize-src -Force -ErrorAction SilentlyContinue -ErrorVariable refused
foreach ($e in $refused) { Write-Host "$($e.FullyQualifiedErrorId): $($e.Exception.Message)"; Write-Host "  $($e.ErrorDetails.RecommendedAction)" }

Step 'Remove-ComputeService -HostName compute-free-01 -WhatIf'
Remove-ComputeService -HostName compute-free-01 -WhatIf

Step 'Remove-ComputeService -HostName compute-free-01 -Force -PassThru'
Remove-ComputeService -HostName compute-free-01 -Force -PassThru | Format-Table | Out-String -Width 120 | Write-Host

Step 'Get-ComputeService -Zone az-west   # compute-free-01 is gone, and it left its aggregate'
Get-ComputeService -Zone az-west | Format-Table | Out-String -Width 120 | Write-Host

Remove-Item $inventory, "$inventory.lock" -ErrorAction SilentlyContinue
Write-Host "Demo finished; the sample inventory was removed."
