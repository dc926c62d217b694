# The format views as an operator reads them: at 80 columns (a redirected runbook log) and at 120, every header on
# one line, no column dropped, every value present; and no control character from a file or a server reaches the
# terminal raw.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    # Splits Out-String text of a table view into groups of rows, each cell cut at the column starts that the header
    # line gives. A header wrapped across lines, or a label missing, leaves $null for that group's Header.
    function Read-TableText([string] $Text, [string[]] $Labels) {
        $lines = $Text -split '\r?\n'
        $groups = [System.Collections.Generic.List[object]]::new()
        for ($i = 1; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -notmatch '^[- ]*-[- ]*$') { continue }
            $header = $lines[$i - 1]
            $starts = @(); $from = 0
            foreach ($label in $Labels) {
                $at = $header.IndexOf($label, $from, [StringComparison]::Ordinal)
                if ($at -lt 0) { $starts = $null; break }
                $starts += $at; $from = $at + $label.Length
            }
            $groupLine = ($lines[0..($i - 2)] | Where-Object { $_ -match '^\s+\w+: ' } | Select-Object -Last 1)
            $rows = [System.Collections.Generic.List[object]]::new()
            for ($j = $i + 1; $j -lt $lines.Count -and $lines[$j] -match '\S'; $j++) {
                $line = $lines[$j]
                $cells = [ordered]@{}
                if ($starts) {
                    for ($k = 0; $k -lt $Labels.Count; $k++) {
                        $begin = $starts[$k]
                        $end = if ($k + 1 -lt $Labels.Count) { $starts[$k + 1] } else { [Math]::Max($line.Length, $begin) }
                        $cells[$Labels[$k]] = if ($line.Length -le $begin) { '' } else { $line.Substring($begin, [Math]::Min($end, $line.Length) - $begin).Trim() }
                    }
                }
                $rows.Add([pscustomobject]$cells)
            }
            $groups.Add([pscustomobject]@{ Group = $groupLine; Header = if ($starts) { $header } else { $null }; AboveHeader = $lines[$i - 2]; Rows = $rows })
        }
        , $groups
    }

    # A cell shows its value whole, or (only where $MayShorten) a prefix of at least 5 characters and an ellipsis.
    function Test-Cell([string] $Cell, [string] $Expected, [bool] $MayShorten) {
        if ($Cell -ceq $Expected) { return $true }
        if (-not $MayShorten -or -not $Cell.EndsWith([char]0x2026)) { return $false }
        $prefix = $Cell.Substring(0, $Cell.Length - 1)
        $prefix.Length -ge 5 -and $Expected.StartsWith($prefix, [StringComparison]::Ordinal)
    }

    $script:inv = New-TestInventory
    Disable-ComputeService -InventoryPath $script:inv -HostName compute-free-02 -Owner patching -Reason 'kernel 6.1.90 on the whole of rack 12' -Ticket CHG123 -Confirm:$false
    $script:services = @(Get-ComputeService -InventoryPath $script:inv)
    $bool = { param($v) if ($null -eq $v) { '' } else { "$v" } }
    $script:columns = @{
        Host           = { $_.Host }
        Binary         = { $_.Binary }
        Status         = { $_.Status }
        State          = { $_.State }
        Forced         = { & $bool $_.ForcedDown }
        DisabledReason = { "$($_.DisabledReason)" }
        Reason         = { "$($_.DisabledReason)" }
        Id             = { $_.Id }
        Zone           = { $_.Zone }
        'UpdatedAt (UTC)' = { $_.UpdatedAt.ToString('yyyy-MM-dd HH:mm', [cultureinfo]::InvariantCulture) }
    }
}
AfterAll { Remove-Item $script:inv, "$script:inv.lock" -ErrorAction SilentlyContinue }

Describe 'Table view <View> at <Width> columns' -ForEach @(
    foreach ($w in 80, 120) {
        @{ View = 'default'; Width = $w; Labels = 'Host', 'Binary', 'Status', 'State', 'Forced', 'Updated', 'DisabledReason'; GroupBy = 'Source' }
        @{ View = 'Zone'; Width = $w; Labels = 'Host', 'Binary', 'Status', 'State', 'Forced', 'DisabledReason'; GroupBy = 'Zone' }
        @{ View = 'Host'; Width = $w; Labels = 'Id', 'Binary', 'Status', 'State', 'Forced', 'Reason'; GroupBy = 'Host' }
    }
    # The wide view has every column of openstack compute service list --long: it is for 120 columns and more.
    foreach ($w in 120, 160) {
        @{ View = 'Wide'; Width = $w; Labels = 'Id', 'Binary', 'Host', 'Zone', 'Status', 'State', 'Forced', 'UpdatedAt (UTC)', 'DisabledReason'; GroupBy = 'Source' }
    }
) {
    BeforeAll {
        $ordered = if ($GroupBy -eq 'Zone') { $script:services | Sort-Object Zone, Host, Binary } else { $script:services }
        $script:ordered = @($ordered)
        $format = if ($View -eq 'default') { @{} } else { @{ View = $View } }
        $script:text = $script:ordered | Format-Table @format | Out-String -Width $Width
        $script:groups = Read-TableText $script:text $Labels
    }

    It 'keeps every line within <Width> columns' {
        ($script:text -split '\r?\n' | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual $Width
    }

    It 'prints every header whole on one line, no column dropped' {
        $script:groups.Count | Should -BeGreaterThan 0
        foreach ($g in $script:groups) {
            $g.Header | Should -Not -BeNullOrEmpty -Because "the header above the dashes must hold $($Labels -join ', ') in order:`n$script:text"
            $g.AboveHeader | Should -Not -Match '\S' -Because 'nothing of a header may wrap onto the line above it'
        }
    }

    It 'shows every service with every value (only the reason may be shortened)' {
        $rows = @($script:groups.Rows)
        $rows.Count | Should -Be $script:ordered.Count
        for ($i = 0; $i -lt $rows.Count; $i++) {
            $svc = $script:ordered[$i]
            foreach ($label in $Labels) {
                $cell = $rows[$i].$label
                if ($label -eq 'Updated') { $cell | Should -Match '^\d+[smhdwy] ago$'; continue }
                if ($label -eq 'Id' -and $View -eq 'Wide') { $cell | Should -Be ($svc.Id.Substring(0, 8) + [char]0x2026); continue }
                $expected = ForEach-Object -InputObject $svc -Process $script:columns[$label]
                Test-Cell $cell $expected ($label -in 'DisabledReason', 'Reason') |
                    Should -BeTrue -Because "$label of $($svc.Host)/$($svc.Binary) is '$expected', the table shows '$cell'"
            }
        }
    }

    It 'names each group on one line above its header' {
        foreach ($g in $script:groups) {
            $first = $script:ordered | Where-Object { $g.Rows.Count -gt 0 } | Select-Object -First 1
            $g.Group | Should -Match "^\s+$($GroupBy): \S"
        }
        if ($GroupBy -eq 'Source') { $script:groups[0].Group.Trim() | Should -Be "Source: $script:inv" }
    }
}

Describe 'The default view' {
    It 'shows the heartbeat age from the UpdatedAt of each service' {
        $cases = @{ 0 = '0s ago'; 59 = '59s ago'; 60 = '1m ago'; 7200 = '2h ago'; (47 * 3600) = '47h ago'; (48 * 3600) = '2d ago'
            (99 * 86400) = '99d ago'; (100 * 86400) = '14w ago'; (800 * 86400) = '2y ago'; -30 = '0s ago' }
        $now = [datetime]::new(2026, 12, 4, 12, 0, 0, [DateTimeKind]::Utc)
        foreach ($seconds in $cases.Keys) {
            [ComputeServices.DisplayText]::Age($now.AddSeconds(-$seconds), $now) | Should -Be $cases[$seconds]
        }
    }

    It 'keeps a long Source whole at 80 columns, wrapped rather than cut' {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('cs-a-long-folder-name-for-runbook-logs-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory $dir | Out-Null
        try {
            $path = Join-Path $dir 'inventory.json'
            New-ComputeServiceInventory -Path $path -Sample | Out-Null
            $text = Get-ComputeService -InventoryPath $path -HostName compute-free-01 | Out-String -Width 80
            ($text -replace '\r?\n', '') | Should -Match ([regex]::Escape("Source: $path"))
            $text | Should -Match 'compute-free-01\s+nova-compute\s+enabled\s+up\s+False\s+\d+s ago'
        }
        finally { Remove-Item -Recurse -Force $dir }
    }
}

Describe 'Control characters from a file or a server' {
    BeforeAll {
        $script:evilInv = New-TestInventory
        # An inventory can hold them: JSON escapes pass the validator for host names and reasons alike.
        $json = Get-Content -Raw $script:evilInv
        $json = $json.Replace('"compute-free-01"', '"compute-\u001b[2K\rfree-01\u0007"').Replace('"nova-scheduler"', '"nova-sched\u009b31muler"')
        [IO.File]::WriteAllText($script:evilInv, $json)
        $script:clipboard = "fine`e]52;c;ZXZpbA==`a`e[1A`e[2Kdone`r`nnext`ttab`u{7f}`u{202e}"
        Disable-ComputeService -InventoryPath $script:evilInv -HostName compute-free-02 -Reason $script:clipboard -Confirm:$false
        $script:evil = @(Get-ComputeService -InventoryPath $script:evilInv | Where-Object { $_.Host -match '[\x00-\x1f]' -or $_.DisabledReason -or $_.Binary -match '\x9b' })
        $script:controls = '[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]'
    }
    AfterAll { Remove-Item $script:evilInv, "$script:evilInv.lock" -ErrorAction SilentlyContinue }

    It 'are in the objects as the source holds them' {
        ($script:evil.Host -join '') | Should -Match "`e\[2K`r"
        ($script:evil.DisabledReason -join '') | Should -Match "`e]52;c;"
    }

    It 'never reach the terminal raw through <Name>' -ForEach @(
        @{ Name = 'the default table'; Render = { $args[0] | Format-Table | Out-String -Width 200 } }
        @{ Name = 'the Wide view'; Render = { $args[0] | Format-Table -View Wide | Out-String -Width 200 } }
        @{ Name = 'the Zone view'; Render = { $args[0] | Format-Table -View Zone | Out-String -Width 200 } }
        @{ Name = 'the Host view'; Render = { $args[0] | Format-Table -View Host | Out-String -Width 200 } }
        @{ Name = 'the list view'; Render = { $args[0] | Format-List | Out-String -Width 200 } }
        @{ Name = 'Format-Wide'; Render = { $args[0] | Format-Wide | Out-String -Width 200 } }
        @{ Name = 'the default output'; Render = { $args[0] | Out-String -Width 200 } }
    ) {
        $text = & $Render $script:evil
        $text | Should -Not -Match $script:controls
        $text | Should -Match "compute-$([char]0x241B)\[2K"
    }

    It 'are shown as control pictures and `u{..} escapes' {
        $text = $script:evil | Format-List | Out-String -Width 300
        $text | Should -Match ([regex]::Escape("compute-$([char]0x241B)[2K$([char]0x240D)free-01$([char]0x2407)"))
        $text | Should -Match ([regex]::Escape("nova-sched``u{9b}31muler"))
        $text | Should -Match ([regex]::Escape("fine$([char]0x241B)]52;c;ZXZpbA==$([char]0x2407)"))
        $text | Should -Match ([regex]::Escape("$([char]0x240D)$([char]0x240A)next$([char]0x2409)tab$([char]0x2421)``u{202e}"))
        # The Source group line too (a path may hold them as well): plain text stays as it is.
        [ComputeServices.DisplayText]::Escape('compute-01 ünïcode ✓') | Should -BeExactly 'compute-01 ünïcode ✓'
    }
}
