# The randomized differential test: the same seeded sequence of operations against the real Nova sandbox and an
# inventory exported from it, compared step by step (success, or ErrorId and category), the pre-flight against Nova's
# answer before every delete, and the whole listing at the end. Dot-sourced by DifferentialRandom.Tests.ps1 (CI, a
# fixed list of seeds) and by build.ps1 -Task Soak (fresh seeds). Needs the module imported and the sandbox in keystone
# mode (OS_CLIENT_CONFIG_FILE with sandbox-admin, NOVA_SANDBOX_DIR, NOVA_SANDBOX_HOME).
#
# Deliberate differences stay out of the random targets and are tested on their own: legacy integer ids (the
# inventory takes them at every microversion, Nova only below 2.53) and the computes of an unreachable cell (not
# exported). The down cell is switched off while the suite runs: with a cell down, os-hypervisors fails in Nova 26, and
# the remote pre-flight cannot see compute nodes (its verdict is then Undetermined where that matters).
#
# Two worlds: 'lab' (the seeded sandbox) and 'cells' (tests/sandbox/cells.py on top of it: 1,046 more nodes and 1,042
# migrations, so os-hypervisors and os-migrations page past short pages; a host without host mapping; a compute host
# name in two cells, the down cell's ids repeating cell1's). A pre-flight agrees with Nova's answer to the delete when it
# predicts it, or says Undetermined (with its reason).

$script:DiffSandboxDir = if ($env:NOVA_SANDBOX_DIR) { $env:NOVA_SANDBOX_DIR } else { '/tmp/nova-sandbox' }
$script:DiffSandboxHome = if ($env:NOVA_SANDBOX_HOME) { $env:NOVA_SANDBOX_HOME } else { Join-Path $PSScriptRoot '../../../shared/nova-sandbox' }
$script:DiffSnapshot = Join-Path $PSScriptRoot '../sandbox/snapshot.py'
$script:DiffCloud = 'sandbox-admin'
$script:DiffCells = Join-Path $PSScriptRoot '../sandbox/cells.py'
$script:DiffServicesOf = @{}

function Invoke-DiffSandbox([string] $Action) {
    switch ($Action) {
        'save' { $out = & /usr/bin/python3 $DiffSnapshot save $DiffSandboxDir 2>&1 }
        'restore' { $out = & /usr/bin/python3 $DiffSnapshot restore $DiffSandboxDir 2>&1 }
        default { $out = & (Join-Path $DiffSandboxHome 'down-cell') $DiffSandboxDir $Action 2>&1 }
    }
    if ($LASTEXITCODE -ne 0) { throw "sandbox $Action failed: $out" }
    "$out".Trim()
}

# Switches the down cell off and snapshots the sandbox; returns what to undo with Exit-DiffSandbox.
function Enter-DiffSandbox {
    $cell = Invoke-DiffSandbox status
    if ($cell -eq 'on') { Invoke-DiffSandbox off | Out-Null }
    Invoke-DiffSandbox save | Out-Null
    Disconnect-ComputeService
    [pscustomobject]@{ DownCell = $cell }
}

function Exit-DiffSandbox($State) {
    Invoke-DiffSandbox restore | Out-Null
    if ($State.DownCell -eq 'on') { Invoke-DiffSandbox on | Out-Null }
}

# One comparable line per service: every field, the zone as a set (Nova's order of several AZs is arbitrary), and
# updated_at as null or not (the two clocks differ).
function ConvertTo-DiffLine($s) {
    $zone = if ($null -eq $s.Zone) { '' } else { (($s.Zone -split ',') | Sort-Object) -join ',' }
    '{0}@{1} id={2} zone={3} status={4} state={5} forced={6} reason={7} updated={8}' -f $s.Binary, $s.Host, $s.Id, $zone,
        $s.Status, $s.State, $s.ForcedDown, ($s.DisabledReason | ConvertTo-Json -Compress), ($null -ne $s.UpdatedAt)
}

# Runs one step on one side. Piped steps name no backend on the receiving cmdlet: the object's source decides (and,
# before the module routes objects to their source, the environment points the default at the same backend).
function Invoke-DiffSide([string] $Side, [scriptblock] $Step, [string] $Inventory) {
    $b = if ($Side -eq 'Local') { @{ InventoryPath = $Inventory } } else { @{ Cloud = $DiffCloud } }
    $saved = $env:COMPUTESERVICES_INVENTORY, $env:OS_CLOUD
    if ($Side -eq 'Local') { $env:COMPUTESERVICES_INVENTORY = $Inventory; $env:OS_CLOUD = $null }
    else { $env:COMPUTESERVICES_INVENTORY = $null; $env:OS_CLOUD = $DiffCloud }
    $ErrorActionPreference = 'Continue'
    try { $all = @(& $Step $b 2>&1 3>$null 4>$null 6>$null) }
    catch { $all = @($_) }
    finally { $env:COMPUTESERVICES_INVENTORY, $env:OS_CLOUD = $saved }
    $errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } |
        ForEach-Object { '{0}/{1}' -f ($_.FullyQualifiedErrorId -split ',')[0], $_.CategoryInfo.Category })
    $objects = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
    $lines = @($objects | ForEach-Object {
            if ($_ -is [ComputeServices.RemovalCheck]) { "check $($_.Binary)@$($_.Host) Verdict=$($_.Verdict) CanRemove=$($_.CanRemove)" }
            elseif ($_ -is [ComputeServices.ComputeService]) { ConvertTo-DiffLine $_ }
            else { "$_" } })
    [pscustomobject]@{
        Outcome = (@($lines) + @($errors | ForEach-Object { "error $_" })) -join "`n"
        Errors = $errors
        Checks = @($objects | Where-Object { $_ -is [ComputeServices.RemovalCheck] })
    }
}

function Format-DiffLiteral([string] $Text) { "'" + $Text.Replace("'", "''") + "'" }

# The seeded operation generator. Targets come from every service of the sandbox (edge cases included), plus unknown
# names, names only the 2.53 API can address, a wrong case, malformed and unknown ids.
function New-DiffSequence([int] $Seed, [int] $Length, [object[]] $Services) {
    $rng = [System.Random]::new($Seed)
    $pick = { param($items) $items[$rng.Next($items.Count)] }
    $hosts = @($Services.Host | Sort-Object -Unique) + @('no-such-host', 'COMPUTE-FREE-01', 'rack:1', 'host@cell', 'with space', 'hôte-ü')
    $ids = @($Services.Id | Sort-Object) + @($Services[0].Id.ToUpperInvariant(), [guid]::new($rng.Next(), 0, 0, [byte[]](1..8)).ToString(),
        'abc', 'e3a8c32f-a5d2-576f-8106-6fab7a3d216a-x', '00000000-0000-0000-0000-00000000000g')
    $binaries = @('nova-compute', 'nova-compute', 'nova-compute', 'nova-scheduler', 'nova-conductor', 'nova-api')
    $reasons = @($null, "'maintenance'", "'Wartung für Kühlung'", "'维护 — 更换硬盘'", "([char]::ConvertFromUtf32(0x1F600) * 128)",
        "([char]::ConvertFromUtf32(0x1F600) * 255)", "([char]::ConvertFromUtf32(0x1F600) * 256)", "('a' * 255)", "('a' * 256)",
        "' '", "'  padded  '", '"tab`tand`nnewline"')
    $target = {
        $binary = & $pick $binaries
        switch ($rng.Next(3)) {
            0 { @{ Prefix = ''; Args = "-Id $(Format-DiffLiteral (& $pick $ids))" } }
            1 { @{ Prefix = ''; Args = "-HostName $(Format-DiffLiteral (& $pick $hosts)) -Binary $binary" } }
            2 { @{ Prefix = "Get-ComputeService @b -HostName $(Format-DiffLiteral (& $pick $hosts)) -Binary $binary | "; Args = '' } }
        }
    }
    for ($i = 0; $i -lt $Length; $i++) {
        $t = & $target
        $reason = & $pick $reasons
        $withReason = if ($reason) { " -Reason $reason" } else { '' }
        $backend = if ($t.Prefix) { '' } else { '@b ' }
        $roll = $rng.Next(100)
        $kind = 'step'
        $text = if ($roll -lt 15) {
            $filters = @()
            if ($rng.Next(3) -eq 0) { $filters += "-HostName $(Format-DiffLiteral (& $pick (@($hosts) + 'compute-*', '*-0?')))" }
            if ($rng.Next(3) -eq 0) { $filters += "-Binary $(& $pick @('nova-compute', 'nova-scheduler', 'nova-*'))" }
            if ($rng.Next(3) -eq 0) { $filters += "-Zone $(& $pick @('az-east', 'az-west', 'nova', 'internal', 'az-*'))" }
            if ($rng.Next(4) -eq 0) { $filters += "-Status $(& $pick @('enabled', 'disabled'))" }
            if ($rng.Next(4) -eq 0) { $filters += "-State $(& $pick @('up', 'down'))" }
            if ($rng.Next(6) -eq 0) { $filters += "-Id $(Format-DiffLiteral (& $pick $ids))" }
            "Get-ComputeService @b $($filters -join ' ')"
        }
        elseif ($roll -lt 30) { "$($t.Prefix)Enable-ComputeService $backend$($t.Args) -PassThru" }
        elseif ($roll -lt 50) { "$($t.Prefix)Disable-ComputeService $backend$($t.Args)$withReason -PassThru" }
        elseif ($roll -lt 65) {
            $disable = if ($rng.Next(3) -eq 0) { " -Disable$withReason" } else { '' }
            "$($t.Prefix)Set-ComputeServiceForcedDown $backend$($t.Args) -ForcedDown `$$($rng.Next(2) -eq 0)$disable -PassThru"
        }
        elseif ($roll -lt 77) { "$($t.Prefix)Test-ComputeServiceRemoval $backend$($t.Args)" }
        else {
            $kind = 'delete'
            "$($t.Prefix)Remove-ComputeService $backend$($t.Args) -Force"
        }
        [pscustomobject]@{ Kind = $kind; Text = $text.Trim() }
    }
}

# Plays steps on both sides from the snapshot; returns the index of the first step that differs (-1: none) and why.
# Puts the sandbox back to the snapshot, and for the 'cells' world adds tests/sandbox/cells.py's records (~2 s).
function Reset-DiffWorld([string] $World) {
    Invoke-DiffSandbox restore | Out-Null
    if ($World -eq 'cells') {
        $out = & /usr/bin/python3 $DiffCells $DiffSandboxDir 2>&1
        if ($LASTEXITCODE -ne 0) { throw "cells.py failed: $out" }
    }
}

function Invoke-DiffSteps([object[]] $Steps, [string] $Inventory, [string] $World = 'lab') {
    Reset-DiffWorld $World
    Remove-Item $Inventory, "$Inventory.lock" -ErrorAction SilentlyContinue
    Export-ComputeServiceInventory -Cloud $DiffCloud -Path $Inventory -WarningAction SilentlyContinue | Out-Null
    for ($i = 0; $i -lt $Steps.Count; $i++) {
        $step = $Steps[$i]
        if ($step.Kind -eq 'delete') {
            # The pre-flight on each backend must predict Nova's answer to the delete that follows.
            $check = [scriptblock]::Create('param($b) ' + ($step.Text -replace 'Remove-ComputeService', 'Test-ComputeServiceRemoval' -replace ' -Force$', ''))
            $pre = @{ Local = Invoke-DiffSide Local $check $Inventory; Remote = Invoke-DiffSide Remote $check $Inventory }
        }
        $script = [scriptblock]::Create('param($b) ' + $step.Text)
        $remote = Invoke-DiffSide Remote $script $Inventory
        $local = Invoke-DiffSide Local $script $Inventory
        if ($local.Outcome -ne $remote.Outcome) {
            return [pscustomobject]@{ Index = $i; Why = "step $($i + 1) differs: $($step.Text)`n  inventory: $($local.Outcome -replace "`n", "`n             ")`n  nova:      $($remote.Outcome -replace "`n", "`n             ")" }
        }
        if ($step.Kind -eq 'delete') {
            $blocked = @($remote.Errors | Where-Object { $_ -match '^(ServiceHostingInstances|ServiceHasInProgressMigrations)/' })
            foreach ($side in 'Local', 'Remote') {
                $p = $pre[$side]
                # Undetermined (with a reason) agrees with any answer: the pre-flight says it cannot know.
                $undetermined = @($p.Checks | Where-Object { "$($_.Verdict)" -eq 'Undetermined' -and $_.Reason }).Count -gt 0
                $predicted = if ($undetermined) { $true }
                elseif ($remote.Errors.Count -eq 0) { @($p.Checks).Count -eq 1 -and -not ($p.Checks | Where-Object { -not $_.CanRemove }) -and $p.Errors.Count -eq 0 }
                elseif ($blocked.Count -gt 0) { @($p.Checks | Where-Object { "$($_.Verdict)" -eq 'Blocked' }).Count -gt 0 }
                else { ($p.Errors -join ';') -eq ($remote.Errors -join ';') }
                if (-not $predicted) {
                    $answer = if ($remote.Errors.Count -eq 0) { 'deleted' } else { $remote.Errors -join ';' }
                    return [pscustomobject]@{ Index = $i; Why = "step $($i + 1): the $side pre-flight did not predict Nova's answer ($answer) to: $($step.Text)`n  pre-flight: $($p.Outcome)" }
                }
            }
        }
    }
    $list = { param($b) Get-ComputeService @b }
    $local = Invoke-DiffSide Local $list $Inventory
    $remote = Invoke-DiffSide Remote $list $Inventory
    if ($local.Outcome -ne $remote.Outcome) {
        $l = $local.Outcome -split "`n"; $r = $remote.Outcome -split "`n"
        $diff = Compare-Object $l $r | ForEach-Object { "  $(if ($_.SideIndicator -eq '<=') { 'inventory' } else { 'nova     ' }): $($_.InputObject)" }
        return [pscustomobject]@{ Index = $Steps.Count; Why = "the final listings differ:`n$($diff -join "`n")" }
    }
    [pscustomobject]@{ Index = -1; Why = $null }
}

# Runs one seeded sequence; on a difference, shrinks it to a minimal failing prefix (dropping earlier steps one at a time).
function Invoke-DiffSequence([int] $Seed, [int] $Length = 25, [int] $MaxShrinkRuns = 12, [ValidateSet('lab', 'cells')] [string] $World = 'lab') {
    $inventory = Join-Path ([IO.Path]::GetTempPath()) "cs-diffrandom-$PID.json"
    try {
        if (-not $script:DiffServicesOf[$World]) {
            Reset-DiffWorld $World
            $all = @(Get-ComputeService -Cloud $DiffCloud | Where-Object Status -ne 'UNKNOWN')
            # In the cells world the 1,046 scale hosts would crowd out the rest: a few of them, and every other host.
            $script:DiffServicesOf[$World] = @($all | Where-Object { $_.Host -notlike 'scale-*' -or $_.Host -in 'scale-0001', 'scale-0003', 'scale-0100', 'scale-1046' })
        }
        $DiffServices = $script:DiffServicesOf[$World]
        $steps = @(New-DiffSequence -Seed $Seed -Length $Length -Services $DiffServices)
        $result = Invoke-DiffSteps $steps $inventory $World
        if ($result.Index -lt 0) { return [pscustomobject]@{ Seed = $Seed; Agreed = $true; Steps = $steps.Count; Report = $null } }

        $prefix = [System.Collections.Generic.List[object]]::new([object[]]$steps[0..([Math]::Min($result.Index, $steps.Count - 1))])
        $why = $result.Why
        $runs = 0
        for ($i = $prefix.Count - 2; $i -ge 0 -and $runs -lt $MaxShrinkRuns; $i--) {
            $candidate = [System.Collections.Generic.List[object]]::new($prefix)
            $candidate.RemoveAt($i)
            $runs++
            $again = Invoke-DiffSteps $candidate.ToArray() $inventory $World
            if ($again.Index -ge 0) { $prefix = $candidate; $why = $again.Why }
        }
        $report = "Seed $Seed ($World world) differs after $($result.Index + 1) of $($steps.Count) steps. $why`n" +
            "Minimal failing prefix ($($prefix.Count) steps; `$b is @{ Cloud = 'sandbox-admin' } or @{ InventoryPath = <export> }):`n" +
            (($prefix | ForEach-Object { "  $($_.Text)" }) -join "`n")
        [pscustomobject]@{ Seed = $Seed; Agreed = $false; Steps = $result.Index + 1; Report = $report }
    }
    finally {
        Remove-Item $inventory, "$inventory.lock" -ErrorAction SilentlyContinue
    }
}
