BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Iso = '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$'
    # The CSV columns as PowerShell listed a ComputeService's properties before UpdatedAt said UTC.
    $script:Columns = 'Id', 'Binary', 'Host', 'Zone', 'Status', 'State', 'ForcedDown', 'DisabledReason', 'UpdatedAt', 'Source', 'DisabledBy', 'Ticket', 'ManagedBy', 'IsDownCell'
    function ConvertTo-IsoText([datetime] $utc) { $utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", [cultureinfo]::InvariantCulture) }
    function ConvertFrom-IsoText([string] $text) {
        [datetime]::ParseExact($text, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", [cultureinfo]::InvariantCulture, [Globalization.DateTimeStyles] 'AssumeUniversal, AdjustToUniversal')
    }
}

Describe 'UpdatedAt in CSV says UTC (ISO 8601 with Z), in its own column' {
    BeforeAll { $inv = Enter-TestInventory }
    AfterAll { Exit-TestInventory $inv }

    It 'Export-Csv writes every UpdatedAt as ISO 8601 with Z, in the column it always had' {
        $services = Get-ComputeService
        $csv = Join-Path ([IO.Path]::GetTempPath()) "cs-export-$([guid]::NewGuid().ToString('N')).csv"
        try {
            $services | Export-Csv -LiteralPath $csv
            $lines = Get-Content -LiteralPath $csv
            ($lines[0] -replace '"', '') -split ',' | Should -Be $Columns
            $rows = Import-Csv -LiteralPath $csv
            $rows | Should -HaveCount $services.Count
            for ($i = 0; $i -lt $rows.Count; $i++) {
                $rows[$i].UpdatedAt | Should -Match $Iso
                $rows[$i].UpdatedAt | Should -Be (ConvertTo-IsoText $services[$i].UpdatedAt)
                ConvertFrom-IsoText $rows[$i].UpdatedAt | Should -Be $services[$i].UpdatedAt
            }
        }
        finally { Remove-Item -LiteralPath $csv -ErrorAction SilentlyContinue }
    }

    It 'ConvertTo-Csv writes the same text, with any delimiter and quoting' {
        $s = Get-ComputeService -HostName compute-busy-01
        $expected = ConvertTo-IsoText $s.UpdatedAt
        $text = $s | ConvertTo-Csv -Delimiter ';' -UseQuotes Never
        ($text[0] -split ';').IndexOf('UpdatedAt') | Should -Be 8
        ($text[1] -split ';')[8] | Should -Be $expected
        $expected | Should -Match $Iso
    }

    It 'keeps fractional seconds when the value has them, and only then' {
        $t = Get-Content -Raw -LiteralPath $inv
        $t = ([regex]'"updated_at": "([0-9T:-]+)Z"').Replace($t, '"updated_at": "$1.123456Z"', 1)
        [IO.File]::WriteAllText($inv, $t)
        $services = Get-ComputeService
        $withFraction = @($services | Where-Object { $_.UpdatedAt.Ticks % [timespan]::TicksPerSecond -ne 0 })
        $withFraction | Should -HaveCount 1
        $rows = $services | ConvertTo-Csv | ConvertFrom-Csv
        $fractional = $rows | Where-Object Id -EQ $withFraction[0].Id
        $fractional.UpdatedAt | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.123456Z$'
        ConvertFrom-IsoText $fractional.UpdatedAt | Should -Be $withFraction[0].UpdatedAt
        $rows | Where-Object Id -NE $withFraction[0].Id | ForEach-Object { $_.UpdatedAt | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$' }
    }

    It 'says UTC for services from -PassThru, from Select-Object, and from a typed array' {
        $changed = Disable-ComputeService -HostName compute-free-01 -Reason 'csv check' -PassThru
        ($changed | ConvertTo-Csv | ConvertFrom-Csv).UpdatedAt | Should -Be (ConvertTo-IsoText $changed.UpdatedAt)
        $picked = Get-ComputeService -HostName compute-free-01 | Select-Object Host, UpdatedAt | ConvertTo-Csv
        $picked[0] | Should -Be '"Host","UpdatedAt"'
        $picked[1] | Should -Match '^"compute-free-01","\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$'
        [ComputeServices.ComputeService[]] $typed = Get-ComputeService -HostName compute-free-01
        ($typed[0] | ConvertTo-Csv | ConvertFrom-Csv).UpdatedAt | Should -Match $Iso
    }
}

Describe 'UpdatedAt stays the UTC [datetime] runbooks use, while its CSV text says UTC' {
    BeforeAll { $inv = Enter-TestInventory }
    AfterAll { Exit-TestInventory $inv }

    It 'is a [datetime] of Kind Utc that compares, sorts, adds, casts and keeps its type name' {
        $all = Get-ComputeService
        $s = $all | Where-Object Host -EQ 'compute-busy-01'
        ($s | ConvertTo-Csv | ConvertFrom-Csv).UpdatedAt | Should -Match $Iso
        $s.UpdatedAt -is [datetime] | Should -BeTrue
        $s.UpdatedAt.Kind | Should -Be 'Utc'
        $s.UpdatedAt.GetType() | Should -Be ([datetime])
        $s.UpdatedAt -lt (Get-Date).AddHours(1) | Should -BeTrue
        $s.UpdatedAt -lt (Get-Date).AddHours(-1) | Should -BeFalse
        $s.UpdatedAt -eq ([datetime] $s.UpdatedAt) | Should -BeTrue
        $s.UpdatedAt.AddMinutes(5) - $s.UpdatedAt | Should -Be ([timespan]::FromMinutes(5))
        ([datetime] $s.UpdatedAt).Kind | Should -Be 'Utc'
        [datetime[]] $sorted = ($all | Sort-Object UpdatedAt, Host).UpdatedAt
        $sorted | Should -Be ([datetime[]] ($all.UpdatedAt | ForEach-Object { [datetime] $_ } | Sort-Object))
        @($all | Where-Object UpdatedAt -LT ([datetime]::MaxValue)) | Should -HaveCount $all.Count
        ($s | Get-Member UpdatedAt).Definition | Should -Be 'System.Nullable[datetime] UpdatedAt {get;}'
        { $s.Host = 'other' } | Should -Throw "*'Host' is a ReadOnly property*"
    }

    It 'ConvertTo-Json keeps UpdatedAt a plain JSON date string' {
        $s = Get-ComputeService -HostName compute-busy-01
        ($s | ConvertTo-Csv | ConvertFrom-Csv).UpdatedAt | Should -Match $Iso
        $expected = '"UpdatedAt":"' + (ConvertTo-IsoText $s.UpdatedAt) + '"'
        $s | ConvertTo-Json -Compress | Should -Match ([regex]::Escape($expected))
        $s | Select-Object Host, UpdatedAt | ConvertTo-Json -Compress | Should -Be ('{"Host":"compute-busy-01",' + $expected + '}')
        $s.UpdatedAt | ConvertTo-Json | Should -Be ('"' + (ConvertTo-IsoText $s.UpdatedAt) + '"')
    }

    It 'the format views and PowerShell''s own string forms show it as before' {
        $s = Get-ComputeService -HostName compute-busy-01
        ($s | ConvertTo-Csv | ConvertFrom-Csv).UpdatedAt | Should -Match $Iso
        $list = $s | Format-List | Out-String -Width 120
        $list | Should -Match ([regex]::Escape($s.UpdatedAt.ToString('yyyy-MM-dd HH:mm:ss', [cultureinfo]::InvariantCulture)))
        $list | Should -Not -Match '\d\dT\d\d:\d\d'
        $table = $s | Format-Table | Out-String -Width 200
        $table | Should -Not -Match '\d\dT\d\d:\d\d'
        $plain = [datetime] $s.UpdatedAt
        "$($s.UpdatedAt)" | Should -Be "$plain"
        $s.UpdatedAt.ToString() | Should -Be $plain.ToString()
        $s.UpdatedAt.ToString('o') | Should -Be $plain.ToString('o')
        ('{0:yyyy-MM-dd}' -f $s.UpdatedAt) | Should -Be $plain.ToString('yyyy-MM-dd')
    }
}
