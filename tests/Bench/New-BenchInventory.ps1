#Requires -Version 7.2
<#
.SYNOPSIS
    Writes local inventories of N compute hosts for the benchmark (run in a child pwsh: it imports the module).
.DESCRIPTION
    Built with the engine's own types and written by InventoryFile.Create, so every file passes the same
    validation as a real one. Per size N:
      - 3 controllers with nova-scheduler and nova-conductor (internal zone);
      - compute hosts bulk-00001 .. bulk-N (nova-compute, one compute node each), in 4 aggregates with
        availability zones az-bulk-1..4 (round robin), every 10th also in a non-AZ aggregate agg-gpu;
      - every 10th host disabled with a reason, every 7th down (old heartbeat), every 97th forced down;
      - every 5th host runs 2 instances; every 50th is the source of a running live migration to the next
        host, every 25th the destination of an old confirmed migration (which does not block a delete).
    Ids and uuids are deterministic. Prints nothing; -Path and -Count are paired by position.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string[]] $Path,
    [Parameter(Mandatory)] [int[]] $Count
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module (Join-Path $ModuleDir 'ComputeServices.psd1')
# The engine is loaded lazily by the cmdlets; load it now so its types resolve (the same file, one assembly).
Add-Type -LiteralPath (Join-Path $ModuleDir 'ComputeServices.Engine.dll')

function New-Uuid([int] $kind, [int] $n) { '{0:x8}-0000-4000-8000-{1:x12}' -f $kind, $n }

function New-BenchDocument([int] $hosts) {
    $ticks = [datetime]::UtcNow.Ticks
    $now = [datetime]::new($ticks - $ticks % [timespan]::TicksPerSecond, [DateTimeKind]::Utc)
    $longAgo = [datetime]::new(2005, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)
    $doc = [ComputeServices.Inventory.InventoryDocument]::new()
    $doc.Settings.ServiceDownTime = 10L * 365 * 24 * 3600   # as the sandbox: states stay as written
    $services = $doc.Services
    $newService = {
        param([string] $hostName, [string] $binary, [bool] $up, [bool] $disabled, [string] $reason, [bool] $forced)
        $s = [ComputeServices.Inventory.ServiceRecord]::new()
        $s.Id = $script:nextId; $s.Uuid = New-Uuid 1 $script:nextId; $script:nextId++
        $s.Host = $hostName; $s.Binary = $binary
        $s.Disabled = $disabled
        if ($reason) { $s.DisabledReason = $reason }
        $s.ForcedDown = $forced
        $s.LastSeenUp = if ($up) { $now } else { $longAgo }
        $s.CreatedAt = $now; $s.UpdatedAt = $now
        $services.Add($s)
    }
    $script:nextId = 2   # id 1 is nova-api's own record in a real Nova; leave it free
    foreach ($c in 1..3) {
        foreach ($binary in 'nova-scheduler', 'nova-conductor') { & $newService "controller-0$c" $binary $true $false $null $false }
    }

    $zones = foreach ($z in 1..4) {
        $a = [ComputeServices.Inventory.AggregateRecord]::new()
        $a.Uuid = New-Uuid 5 $z; $a.Name = "agg-bulk-$z"; $a.Metadata['availability_zone'] = "az-bulk-$z"
        $doc.Aggregates.Add($a); $a
    }
    $gpu = [ComputeServices.Inventory.AggregateRecord]::new()
    $gpu.Uuid = New-Uuid 5 99; $gpu.Name = 'agg-gpu'; $gpu.Metadata['gpu'] = 'true'
    $doc.Aggregates.Add($gpu)

    for ($i = 1; $i -le $hosts; $i++) {
        $name = 'bulk-{0:d5}' -f $i
        $disabled = $i % 10 -eq 0
        & $newService $name 'nova-compute' ($i % 7 -ne 0) $disabled $(if ($disabled) { "bulk disabled $i" }) ($i % 97 -eq 0)
        $node = [ComputeServices.Inventory.ComputeNodeRecord]::new()
        $node.Uuid = New-Uuid 2 $i; $node.Host = $name; $node.HypervisorHostname = $name
        $doc.ComputeNodes.Add($node)
        $zones[$i % 4].Hosts.Add($name)
        if ($i % 10 -eq 0) { $gpu.Hosts.Add($name) }

        if ($i % 5 -eq 0) {
            foreach ($k in 0, 1) {
                $vm = [ComputeServices.Inventory.InstanceRecord]::new()
                $vm.Uuid = New-Uuid 3 ($i * 2 + $k); $vm.Name = "vm-$i-$k"; $vm.Host = $name; $vm.Node = $name; $vm.VmState = 'active'
                $doc.Instances.Add($vm)
            }
        }
        if ($i % 50 -eq 0 -or $i % 25 -eq 0) {
            $m = [ComputeServices.Inventory.MigrationRecord]::new()
            $m.Uuid = New-Uuid 4 $i; $m.InstanceUuid = New-Uuid 3 ($i * 2)
            $other = 'bulk-{0:d5}' -f ($i % $hosts + 1)
            if ($i % 50 -eq 0) { $m.MigrationType = 'live-migration'; $m.Status = 'running'; $m.SourceCompute = $name; $m.DestCompute = $other }
            else { $m.MigrationType = 'migration'; $m.Status = 'confirmed'; $m.SourceCompute = $other; $m.DestCompute = $name }
            $m.SourceNode = $m.SourceCompute; $m.DestNode = $m.DestCompute
            $doc.Migrations.Add($m)
        }
    }
    $doc
}

for ($k = 0; $k -lt $Path.Count; $k++) {
    $document = New-BenchDocument $Count[$k]
    [ComputeServices.Inventory.InventoryFile]::new($Path[$k]).Create($document, $true)
}
