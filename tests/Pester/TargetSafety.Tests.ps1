# Issue "act only where the operator meant": objects keep their source, connections keep their identity. Against the
# real Nova sandbox and local inventories in one session; what Nova received is read from nova-api's own request log.
# .ci/run starts the sandbox; elsewhere the remote parts are skipped, unless COMPUTESERVICES_IT_REQUIRED=1.
BeforeDiscovery {
    $script:sandboxReady = $env:OS_CLIENT_CONFIG_FILE -and (Test-Path $env:OS_CLIENT_CONFIG_FILE) -and
        ((Get-Content -Raw $env:OS_CLIENT_CONFIG_FILE) -match 'sandbox-admin')
    $script:skipRemote = -not $sandboxReady -and $env:COMPUTESERVICES_IT_REQUIRED -ne '1'
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $saved = @{}
    Get-ChildItem Env:OS_*, Env:COMPUTESERVICES_INVENTORY -ErrorAction SilentlyContinue | ForEach-Object { $saved[$_.Name] = $_.Value }
    function Restore-Environment {
        Get-ChildItem Env:OS_*, Env:COMPUTESERVICES_INVENTORY -ErrorAction SilentlyContinue | Remove-Item
        foreach ($k in $saved.Keys) { Set-Item "Env:$k" $saved[$k] }
    }
    if ($sandboxReady) {
        $sandboxClouds = Get-Content -Raw $env:OS_CLIENT_CONFIG_FILE
        $authUrl = [regex]::Match($sandboxClouds, 'auth_url:\s*(\S+)').Groups[1].Value
        $sandboxDir = if ($env:NOVA_SANDBOX_DIR) { $env:NOVA_SANDBOX_DIR } else { '/tmp/nova-sandbox' }
        $novaLog = Join-Path $sandboxDir 'log/nova-api.log'
        # The compute endpoint as the catalog gives it (127.0.0.1), and the same Nova under another name: a second place.
        $catalogEndpoint = (Connect-ComputeService -Cloud sandbox-admin -PassThru).Endpoint.ToString().TrimEnd('/')
        Disconnect-ComputeService
        $otherEndpoint = $catalogEndpoint -replace '127\.0\.0\.1', 'localhost'
    }
    # What nova-api logged for a method since a mark: the server's own count, not the client's.
    function Get-NovaRequestMark { if (Test-Path $novaLog) { @(Get-Content $novaLog).Count } else { 0 } }
    function Get-NovaRequests([int] $Mark, [string] $Method) {
        @(Get-Content $novaLog | Select-Object -Skip $Mark | Where-Object { $_ -match "`"$Method /v2\.1/os-services" })
    }
    function New-CloudsFolder([hashtable] $Clouds) {
        $dir = Join-Path ([IO.Path]::GetTempPath()) "cs-clouds-$([guid]::NewGuid().ToString('N'))"
        New-Item -ItemType Directory $dir | Out-Null
        $yaml = "clouds:`n"
        foreach ($name in $Clouds.Keys) {
            $c = $Clouds[$name]
            $yaml += "  ${name}:`n    auth:`n      auth_url: $authUrl`n      username: $($c.User)`n      password: `"$($c.Password)`"`n" +
                "      project_name: $($c.Project)`n      user_domain_name: Default`n      project_domain_name: Default`n    region_name: RegionOne`n"
            if ($c.Endpoint) { $yaml += "    compute_endpoint_override: $($c.Endpoint)`n" }
        }
        Set-Content -Path (Join-Path $dir 'clouds.yaml') -Value $yaml
        $dir
    }
}

Describe 'Objects act where they were listed' -Skip:$skipRemote {
    BeforeAll {
        $cloudsDir = New-CloudsFolder @{
            prod    = @{ User = 'admin'; Password = 'admin-secret'; Project = 'admin' }
            staging = @{ User = 'admin'; Password = 'admin-secret'; Project = 'admin'; Endpoint = $otherEndpoint }
        }
        $env:OS_CLIENT_CONFIG_FILE = Join-Path $cloudsDir 'clouds.yaml'
    }
    AfterAll {
        Disconnect-ComputeService
        Restore-Environment
        Enable-ComputeService -Cloud sandbox-admin -HostName compute-free-02 -ErrorAction SilentlyContinue | Out-Null
        Remove-Item -Recurse $cloudsDir -ErrorAction SilentlyContinue
    }
    BeforeEach { $inv = New-TestInventory }
    AfterEach { Disconnect-ComputeService; Remove-Item $inv, "$inv.lock" -ErrorAction SilentlyContinue }

    It 'labels each object with its cloud, endpoint and project, and the default table shows it' {
        $s = Get-ComputeService -Cloud prod -HostName compute-free-02
        $s.Source | Should -Be "prod ($catalogEndpoint, project admin)"
        ($s | Format-Table | Out-String -Width 200) | Should -Match ([regex]::Escape("Source: prod ($catalogEndpoint, project admin)"))
    }

    It 'deletes from the snapshot, not the connected cloud, when a snapshot object is piped while connected (the README rehearsal line)' {
        Connect-ComputeService -Cloud prod
        $mark = Get-NovaRequestMark
        Get-ComputeService -InventoryPath $inv -HostName compute-free-02 | Remove-ComputeService -Force
        (Get-NovaRequests $mark 'DELETE').Count | Should -Be 0
        Get-ComputeService -InventoryPath $inv -HostName compute-free-02 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ComputeService -HostName compute-free-02 | Should -Not -BeNullOrEmpty   # still in Nova
    }

    It 'acts on the cloud an object was listed from, not on the current connection' {
        $staging = Get-ComputeService -Cloud staging -HostName compute-free-02
        Connect-ComputeService -Cloud prod
        $verbose = $staging | Disable-ComputeService -Reason 'staging only' -PassThru -Verbose 4>&1
        $result = $verbose | Where-Object { $_ -is [ComputeServices.ComputeService] }
        $result.Source | Should -Be "staging ($otherEndpoint, project admin)"
        $puts = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^PUT ' })
        $puts.Count | Should -Be 1
        $puts[0].Message | Should -Match ([regex]::Escape($otherEndpoint))
    }

    It 'refuses with TargetMismatch, sending nothing, when a staging object is given -Cloud prod' {
        $staging = Get-ComputeService -Cloud staging -HostName compute-free-02
        $mark = Get-NovaRequestMark
        $staging | Disable-ComputeService -Cloud prod -Reason 'wrong place' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'TargetMismatch,*'
        $err[0].TargetObject.Host | Should -Be 'compute-free-02'
        (Get-NovaRequests $mark 'PUT').Count | Should -Be 0
    }

    It 'refuses with TargetMismatch, sending nothing, for a deserialized staging object in a session connected only to prod' {
        $file = Join-Path ([IO.Path]::GetTempPath()) "cs-$([guid]::NewGuid().ToString('N')).xml"
        Get-ComputeService -Cloud staging -HostName compute-free-02 | Export-Clixml $file
        Disconnect-ComputeService   # forgets staging's connection: a new session, in effect
        Connect-ComputeService -Cloud prod
        $mark = Get-NovaRequestMark
        Import-Clixml $file | Remove-ComputeService -Force -ErrorVariable err -ErrorAction SilentlyContinue
        Remove-Item $file
        $err[0].FullyQualifiedErrorId | Should -BeLike 'TargetMismatch,*'
        $err[0].Exception.Message | Should -Match 'no connection to that endpoint and project'
        (Get-NovaRequests $mark 'DELETE').Count | Should -Be 0
    }

    It 'binds a CSV row with a Source column to that source' {
        $csv = Join-Path ([IO.Path]::GetTempPath()) "cs-$([guid]::NewGuid().ToString('N')).csv"
        Get-ComputeService -InventoryPath $inv -HostName compute-free-02 | Export-Csv $csv
        Connect-ComputeService -Cloud prod
        $mark = Get-NovaRequestMark
        $out = Import-Csv $csv | Disable-ComputeService -Reason 'from the csv' -PassThru
        Remove-Item $csv
        $out.Source | Should -Be $inv
        (Get-NovaRequests $mark 'PUT').Count | Should -Be 0
        (Get-ComputeService -InventoryPath $inv -HostName compute-free-02).DisabledReason | Should -Be 'from the csv'
    }

    It 'names the place in -WhatIf' {
        # What-if lines go to the host, not to a stream: read them from a child pwsh's output.
        $exe = (Get-Process -Id $PID).Path
        $pwshArgs = @()
        if ((Split-Path -Leaf $exe) -like 'dotnet*') { $pwshArgs += Join-Path $PSHOME 'pwsh.dll' }
        $script = "Import-Module '$(Join-Path $ModuleDir 'ComputeServices.psd1')'; Get-ComputeService -Cloud prod -HostName compute-free-02 | Remove-ComputeService -WhatIf 3>`$null"
        $text = (& $exe @pwshArgs -NoProfile -NonInteractive -Command $script) -join "`n"
        $text | Should -Match ([regex]::Escape("What if: Performing the operation `"Delete compute service`" on target `"nova-compute@compute-free-02 ("))
        $text | Should -Match ([regex]::Escape(") in cloud prod ($catalogEndpoint, project admin)`""))
    }
}

Describe 'A failed Connect fails closed' -Skip:$skipRemote {
    AfterEach { Disconnect-ComputeService; Restore-Environment }

    It 'stops later commands with NotConnected instead of using the previous cloud, also with OS_* set' {
        Connect-ComputeService -Cloud sandbox-admin
        $env:OS_AUTH_URL = $authUrl; $env:OS_USERNAME = 'admin'; $env:OS_PASSWORD = 'admin-secret'; $env:OS_PROJECT_NAME = 'admin'
        $bad = [pscredential]::new('admin', (ConvertTo-SecureString 'wrong-password' -AsPlainText -Force))
        { Connect-ComputeService -AuthUrl $authUrl -Credential $bad -ProjectName admin } | Should -Throw -ErrorId 'AuthenticationFailed,*'
        $mark = Get-NovaRequestMark
        $err = { Get-ComputeService -HostName compute-free-02 } | Should -Throw -ErrorId 'NotConnected,ComputeServices.Commands.GetComputeServiceCommand' -PassThru
        $err.Exception.Message | Should -Match 'Connect-ComputeService -AuthUrl'
        (Get-NovaRequests $mark 'GET').Count | Should -Be 0
        # Explicit parameters still work, and a Disconnect goes back to the usual sources.
        Get-ComputeService -Cloud sandbox-admin -HostName compute-free-02 | Should -Not -BeNullOrEmpty
        Disconnect-ComputeService
        Get-ComputeService -HostName compute-free-02 | Should -Not -BeNullOrEmpty
    }
}

Describe 'A connection is reused only for the same identity' -Skip:$skipRemote {
    AfterEach { Disconnect-ComputeService; Restore-Environment }

    It 'uses the new user and project after OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME change' {
        Get-ChildItem Env:OS_* | Remove-Item
        $env:OS_AUTH_URL = $authUrl; $env:OS_USER_DOMAIN_NAME = 'Default'; $env:OS_PROJECT_DOMAIN_NAME = 'Default'
        $env:OS_USERNAME = 'admin'; $env:OS_PASSWORD = 'admin-secret'; $env:OS_PROJECT_NAME = 'admin'
        Get-ComputeService -HostName compute-free-02 | Should -Not -BeNullOrEmpty
        $env:OS_USERNAME = 'operator'; $env:OS_PASSWORD = 'operator-secret'; $env:OS_PROJECT_NAME = 'demo'
        { Get-ComputeService -HostName compute-free-02 } | Should -Throw -ErrorId 'PermissionDenied,*'
    }

    It 'uses the rewritten clouds.yaml for the same cloud name' {
        $dir = New-CloudsFolder @{ lab = @{ User = 'admin'; Password = 'admin-secret'; Project = 'admin' } }
        $env:OS_CLIENT_CONFIG_FILE = Join-Path $dir 'clouds.yaml'
        Get-ComputeService -Cloud lab -HostName compute-free-02 | Should -Not -BeNullOrEmpty
        $rewritten = (Get-Content -Raw $env:OS_CLIENT_CONFIG_FILE) -replace 'username: admin', 'username: operator' -replace 'admin-secret', 'operator-secret' -replace 'project_name: admin', 'project_name: demo'
        Start-Sleep -Milliseconds 20
        Set-Content -Path $env:OS_CLIENT_CONFIG_FILE -Value $rewritten
        { Get-ComputeService -Cloud lab -HostName compute-free-02 } | Should -Throw -ErrorId 'PermissionDenied,*'
        Remove-Item -Recurse $dir
    }

    It 'warns that OS_CLOUD wins over the OS_* variables, as in openstacksdk' {
        $env:OS_CLOUD = 'sandbox-admin'
        $env:OS_AUTH_URL = $authUrl; $env:OS_USERNAME = 'operator'; $env:OS_PASSWORD = 'operator-secret'; $env:OS_PROJECT_NAME = 'demo'
        $warnings = @(Get-ComputeService -HostName compute-free-02 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $warnings.Message | Should -Match "Using OS_CLOUD 'sandbox-admin'; the OS_AUTH_URL"
    }
}

Describe 'clouds.yaml in the current location' -Skip:$skipRemote {
    AfterEach { Disconnect-ComputeService; Restore-Environment; Pop-Location -ErrorAction SilentlyContinue }

    It 'is read from $PWD (not the process directory) and named in a warning once per session' {
        Remove-Item Env:OS_CLIENT_CONFIG_FILE
        $dir = New-CloudsFolder @{ 'cwd-cloud' = @{ User = 'admin'; Password = 'admin-secret'; Project = 'admin' } }
        Push-Location $dir
        [IO.Directory]::GetCurrentDirectory() | Should -Not -Be $dir
        $first = @(Get-ComputeService -Cloud cwd-cloud -HostName compute-free-02 3>&1)
        $second = @(Get-ComputeService -Cloud cwd-cloud -HostName compute-free-02 3>&1)
        ($first | Where-Object { $_ -is [ComputeServices.ComputeService] }).Host | Should -Be 'compute-free-02'
        @($first | Where-Object { $_ -is [System.Management.Automation.WarningRecord] -and $_.Message -match 'clouds.yaml from the current directory' }).Count | Should -Be 1
        @($second | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Count | Should -Be 0
        Pop-Location
        Remove-Item -Recurse $dir
    }
}

Describe 'Host names and ids mean the same on both backends' -Skip:$skipRemote {
    BeforeAll { $inv = New-TestInventory }
    AfterAll {
        Enable-ComputeService -Cloud sandbox-admin -HostName compute-free-01, compute-free-02 -ErrorAction SilentlyContinue | Out-Null
        Remove-Item $inv, "$inv.lock" -ErrorAction SilentlyContinue
    }

    It 'treats an upper-case literal alike alone and in a list, on <Side>' -ForEach @(@{ Side = 'inventory' }, @{ Side = 'cloud' }) {
        $where = if ($Side -eq 'inventory') { @{ InventoryPath = $inv } } else { @{ Cloud = 'sandbox-admin' } }
        $alone = @(Get-ComputeService @where -HostName COMPUTE-FREE-01 -ErrorVariable e1 -ErrorAction SilentlyContinue)
        $list = @(Get-ComputeService @where -HostName COMPUTE-FREE-01, compute-free-02 -ErrorVariable e2 -ErrorAction SilentlyContinue)
        $alone.Count | Should -Be 0
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'ServiceNotFound,*'
        $list.Host | Should -Be @('compute-free-02')
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'ServiceNotFound,*'
        $e2[0].TargetObject | Should -Be 'COMPUTE-FREE-01'
        $changed = @(Disable-ComputeService @where -HostName COMPUTE-FREE-01, compute-free-02 -Reason case -PassThru -ErrorVariable e3 -ErrorAction SilentlyContinue 3>$null)
        $changed.Host | Should -Be @('compute-free-02')
        $e3[0].FullyQualifiedErrorId | Should -BeLike 'ServiceNotFound,*'
        (Get-ComputeService @where -HostName 'COMPUTE-FREE-0*').Host | Should -Be @('compute-free-01', 'compute-free-02')
    }

    It 'updates every valid CSV row and reports one InvalidServiceId for a blank Id cell, on <Side>' -ForEach @(@{ Side = 'inventory' }, @{ Side = 'cloud' }) {
        $where = if ($Side -eq 'inventory') { @{ InventoryPath = $inv } } else { @{ Cloud = 'sandbox-admin' } }
        $ids = (Get-ComputeService @where -HostName compute-free-01, compute-free-02).Id
        $csv = Join-Path ([IO.Path]::GetTempPath()) "cs-$([guid]::NewGuid().ToString('N')).csv"
        @([pscustomobject]@{ Id = $ids[0] }, [pscustomobject]@{ Id = '  ' }, [pscustomobject]@{ Id = $ids[1] }) | Export-Csv $csv
        $out = @(Import-Csv $csv | Enable-ComputeService @where -PassThru -ErrorVariable err -ErrorAction SilentlyContinue 3>$null)
        Remove-Item $csv
        $out.Host | Should -Be @('compute-free-01', 'compute-free-02')
        $out.Status | Should -Be @('enabled', 'enabled')
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidServiceId,*'
    }
}

Describe 'First contact and the inventory variable' {
    AfterEach { Restore-Environment; Disconnect-ComputeService; Pop-Location -ErrorAction SilentlyContinue }

    It 'names both ways in, and the clouds of clouds.yaml, when nothing is configured' {
        Get-ChildItem Env:OS_*, Env:COMPUTESERVICES_INVENTORY -ErrorAction SilentlyContinue | Remove-Item
        $home2 = Join-Path ([IO.Path]::GetTempPath()) "cs-home-$([guid]::NewGuid().ToString('N'))"
        New-Item -ItemType Directory (Join-Path $home2 'cfg') | Out-Null
        Set-Content (Join-Path $home2 'cfg/clouds.yaml') "clouds:`n  alpha: {}`n  beta: {}`n"
        $env:OS_CLIENT_CONFIG_FILE = Join-Path $home2 'cfg/clouds.yaml'
        $oldXdg = $env:XDG_DATA_HOME; $env:XDG_DATA_HOME = Join-Path $home2 'data'
        try {
            $err = { Get-ComputeService } | Should -Throw -ErrorId 'NotConnected,ComputeServices.Commands.GetComputeServiceCommand' -PassThru
            $err.Exception.Message | Should -Match 'alpha, beta'
            $err.ErrorDetails.RecommendedAction | Should -Match 'Connect-ComputeService -Cloud'
            $err.ErrorDetails.RecommendedAction | Should -Match 'New-ComputeServiceInventory'
        }
        finally { $env:XDG_DATA_HOME = $oldXdg; Remove-Item -Recurse $home2 }
    }

    It 'resolves a relative $env:COMPUTESERVICES_INVENTORY against $PWD' {
        Get-ChildItem Env:OS_* | Remove-Item
        $dir = Join-Path ([IO.Path]::GetTempPath()) "cs-rel-$([guid]::NewGuid().ToString('N'))"
        New-Item -ItemType Directory $dir | Out-Null
        New-ComputeServiceInventory -Path (Join-Path $dir 'lab.json') -Sample | Out-Null
        Push-Location $dir
        $env:COMPUTESERVICES_INVENTORY = 'lab.json'
        (Get-ComputeService -HostName compute-free-02).Source | Should -Be (Join-Path $dir 'lab.json')
        Pop-Location
        Remove-Item -Recurse $dir
    }
}
