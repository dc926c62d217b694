# The cmdlets against the real Nova sandbox (keystone mode): connecting every way, errors, microversions.
# .ci/run starts the sandbox; elsewhere skipped, unless COMPUTESERVICES_IT_REQUIRED=1 makes that a failure.
BeforeDiscovery {
    $script:sandboxReady = $env:OS_CLIENT_CONFIG_FILE -and (Test-Path $env:OS_CLIENT_CONFIG_FILE) -and
        ((Get-Content -Raw $env:OS_CLIENT_CONFIG_FILE) -match 'sandbox-admin')
    $script:skipRemote = -not $sandboxReady -and $env:COMPUTESERVICES_IT_REQUIRED -ne '1'
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    if (-not $sandboxReady) { throw 'COMPUTESERVICES_IT_REQUIRED=1 but no Nova sandbox is configured (OS_CLIENT_CONFIG_FILE with sandbox-admin).' }
    # What `start.sh` wrote into clouds.yaml (keystone URL, app credential) is the source of truth here.
    $clouds = Get-Content -Raw $env:OS_CLIENT_CONFIG_FILE
    $authUrl = [regex]::Match($clouds, 'auth_url:\s*(\S+)').Groups[1].Value
    $appCredId = [regex]::Match($clouds, 'application_credential_id:\s*(\S+)').Groups[1].Value
    $saved = @{}
    Get-ChildItem Env:OS_* | ForEach-Object { $saved[$_.Name] = $_.Value }
    function Clear-OsEnvironment { Get-ChildItem Env:OS_* | Where-Object Name -ne 'OS_CLIENT_CONFIG_FILE' | Remove-Item }
    function Restore-OsEnvironment { Clear-OsEnvironment; foreach ($k in $saved.Keys) { Set-Item "Env:$k" $saved[$k] } }
}

Describe 'Connecting to the real Nova' -Skip:$skipRemote {
    AfterEach { Disconnect-ComputeService; Restore-OsEnvironment }

    It 'connects through clouds.yaml with a password and negotiates the highest microversion' {
        $c = Connect-ComputeService -Cloud sandbox-admin -PassThru
        $c.ApiVersion | Should -Be $c.MaxApiVersion
        [version]$c.ApiVersion | Should -BeGreaterOrEqual ([version]'2.69')
        (Get-ComputeService -HostName compute-busy-01).Zone | Should -Be 'az-east'
    }

    It 'connects through clouds.yaml with an application credential' {
        Connect-ComputeService -Cloud sandbox-appcred
        (Get-ComputeService -Binary nova-scheduler).Host | Should -Be @('controller-01', 'controller-02')
    }

    It 'connects through the OS_* variables' {
        Clear-OsEnvironment
        $env:OS_AUTH_URL = $authUrl; $env:OS_USERNAME = 'admin'; $env:OS_PASSWORD = 'admin-secret'
        $env:OS_PROJECT_NAME = 'admin'; $env:OS_USER_DOMAIN_NAME = 'Default'; $env:OS_PROJECT_DOMAIN_NAME = 'Default'
        $c = Connect-ComputeService -PassThru
        $c.CloudName | Should -Be 'envvars'
        (Get-ComputeService -HostName compute-free-02).Status | Should -Not -BeNullOrEmpty
    }

    It 'uses OS_CLOUD without any connect' {
        Clear-OsEnvironment
        $env:OS_CLOUD = 'sandbox-admin'
        (Get-ComputeService -HostName compute-live-dst).Source | Should -Match '^sandbox-admin \(http\S+, project admin\)$'
    }

    It 'connects with -AuthUrl and a PSCredential, and with an application credential' {
        $cred = [pscredential]::new('admin', (ConvertTo-SecureString 'admin-secret' -AsPlainText -Force))
        Connect-ComputeService -AuthUrl $authUrl -Credential $cred -ProjectName admin
        Get-ComputeService -HostName compute-busy-02 | Should -Not -BeNullOrEmpty
        $app = [pscredential]::new($appCredId, (ConvertTo-SecureString 'appcred-secret' -AsPlainText -Force))
        Connect-ComputeService -AuthUrl $authUrl -Credential $app -ApplicationCredential
        Get-ComputeService -HostName compute-busy-02 | Should -Not -BeNullOrEmpty
    }

    It 'connects with -Endpoint and a pre-issued -Token' {
        $body = @{ auth = @{ identity = @{ methods = @('password'); password = @{ user = @{ name = 'admin'; domain = @{ name = 'Default' }; password = 'admin-secret' } } }; scope = @{ project = @{ name = 'admin'; domain = @{ name = 'Default' } } } } } | ConvertTo-Json -Depth 10
        $response = Invoke-WebRequest -Method Post -Uri "$($authUrl.TrimEnd('/'))/auth/tokens" -Body $body -ContentType 'application/json'
        $token = ConvertTo-SecureString ([string]$response.Headers['X-Subject-Token']) -AsPlainText -Force
        $endpoint = (Connect-ComputeService -Cloud sandbox-admin -PassThru).Endpoint
        Disconnect-ComputeService
        Connect-ComputeService -Endpoint $endpoint -Token $token
        (Get-ComputeService -HostName compute-busy-01).Host | Should -Be 'compute-busy-01'
    }

    It 'fails to connect with a wrong password: AuthenticationFailed, terminating, no secret in the message' {
        $bad = [pscredential]::new('admin', (ConvertTo-SecureString 'wrong-password-xyz' -AsPlainText -Force))
        $err = { Connect-ComputeService -AuthUrl $authUrl -Credential $bad -ProjectName admin } |
            Should -Throw -ErrorId 'AuthenticationFailed,ComputeServices.Commands.ConnectComputeServiceCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -Not -Match 'wrong-password-xyz'
    }

    It 'says that os-services is admin-only when a member lists (PermissionDenied, terminating)' {
        $err = { Get-ComputeService -Cloud sandbox-member } | Should -Throw -ErrorId 'PermissionDenied,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err.Exception.Message | Should -Match "os_compute_api:os-services:list"
        $err.Exception.Message | Should -Match 'req-'
        $err.ErrorDetails.RecommendedAction | Should -Match 'admin'
    }

    It 'names an unknown cloud and the file it searched (CloudNotFound)' {
        $err = { Connect-ComputeService -Cloud no-such-cloud } | Should -Throw -ErrorId 'CloudNotFound,*' -PassThru
        $err.Exception.Message | Should -Match 'sandbox-admin'
    }

    It 'keeps connections per runspace: another runspace falls back to its own default' {
        Connect-ComputeService -Cloud sandbox-admin
        $inv2 = New-TestInventory
        try {
            $ps = [powershell]::Create()
            $null = $ps.AddScript("Import-Module '$ModuleDir/ComputeServices.psd1'; `$env:COMPUTESERVICES_INVENTORY = '$inv2'; (Get-ComputeService -HostName compute-busy-01).Source")
            $other = $ps.Invoke()
            $ps.Dispose()
            "$other" | Should -Be $inv2
            (Get-ComputeService -HostName compute-busy-01).Source | Should -Match '^sandbox-admin \(http'
        }
        finally { Remove-Item Env:COMPUTESERVICES_INVENTORY -ErrorAction SilentlyContinue; Remove-Item $inv2, "$inv2.lock" -ErrorAction SilentlyContinue }
    }
}

Describe 'Working against the real Nova' -Skip:$skipRemote {
    BeforeAll { Connect-ComputeService -Cloud sandbox-admin }
    AfterAll {
        Enable-ComputeService -HostName compute-free-02, compute-live-dst, compute-busy-02 -ErrorAction SilentlyContinue
        Disconnect-ComputeService
    }

    It 'shows each request with -Verbose, with its request id, and never the token' {
        $verbose = Get-ComputeService -HostName compute-free-02 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'GET http\S+/os-services\?host=compute-free-02&binary=|GET http\S+/os-services\?host=compute-free-02'
        ($verbose.Message -join "`n") | Should -Match 'req-[0-9a-f-]{36}'
        ($verbose.Message -join "`n") | Should -Not -Match 'gAAAAA'   # a fernet token's prefix
    }

    It 'returns 2.69 down-cell records as objects with the missing fields empty' {
        $down = Get-ComputeService -Status UNKNOWN
        $down.Host | Should -Be @('compute-celldown-01', 'compute-celldown-02')
        $down[0].Id | Should -BeNullOrEmpty
        $down[0].State | Should -BeNullOrEmpty
        ($down | Format-Table | Out-String) | Should -Match 'UNKNOWN'
    }

    It 'works with legacy integer ids at a pinned 2.1, and refuses forced_down there before sending' {
        $old = Connect-ComputeService -Cloud sandbox-admin -ApiVersion 2.1 -PassThru
        $svc = Get-ComputeService -Connection $old -HostName compute-free-02
        $svc.Id | Should -Match '^\d+$'
        $svc.ForcedDown | Should -BeNullOrEmpty
        (Disable-ComputeService -Connection $old -Id $svc.Id -Reason 'legacy' -PassThru).DisabledReason | Should -Be 'legacy'
        (Enable-ComputeService -Connection $old -HostName compute-free-02 -PassThru).Status | Should -Be 'enabled'
        { Set-ComputeServiceForcedDown -Connection $old -HostName compute-free-02 -ForcedDown $true } |
            Should -Throw -ErrorId 'ApiVersionNotSupported,*'
        Connect-ComputeService -Cloud sandbox-admin
    }

    It 'runs concurrent requests with -ThrottleLimit, in order' {
        $hosts = 'compute-free-02', 'compute-live-dst', 'compute-busy-02'
        $out = Get-ComputeService -HostName $hosts | Sort-Object { $hosts.IndexOf($_.Host) } |
            Disable-ComputeService -Reason 'throttled' -ThrottleLimit 3 -PassThru
        $out.Host | Should -Be $hosts
        $out.DisabledReason | Sort-Object -Unique | Should -Be 'throttled'
        $back = $hosts | ForEach-Object { [pscustomobject]@{ Host = $_ } } | Enable-ComputeService -ThrottleLimit 3 -PassThru
        $back.Host | Should -Be $hosts
    }

    It 'reports Nova''s 400 for a bad id with its message and request id' {
        $err = { Remove-ComputeService -Id 'not-a-uuid' -Force -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidServiceId,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Rehearsal snapshots' -Skip:$skipRemote {
    It 'exports the cloud into an inventory that answers as the cloud does' {
        $snap = Join-Path ([IO.Path]::GetTempPath()) "snap-$([guid]::NewGuid()).json"
        try {
            $file = Export-ComputeServiceInventory -Cloud sandbox-admin -Path $snap 3>$null
            $file | Should -BeOfType ([IO.FileInfo])
            (Get-Content -Raw $snap) | Should -Not -Match 'admin-secret|appcred-secret'
            $shape = { param($s) ($s | Where-Object Status -ne 'UNKNOWN' | Sort-Object Host, Binary |
                    Select-Object Id, Binary, Host, Zone, Status, State, ForcedDown, DisabledReason | ConvertTo-Json -Compress) }
            (& $shape (Get-ComputeService -InventoryPath $snap)) | Should -Be (& $shape (Get-ComputeService -Cloud sandbox-admin))
            $check = { param($b) Get-ComputeService @b -Binary nova-compute -State up | Test-ComputeServiceRemoval @b |
                    Sort-Object Host | ForEach-Object { "$($_.Host):$($_.CanRemove):$($_.Instances.Count):$($_.Migrations.Count)" } }
            (& $check @{ InventoryPath = $snap }) | Should -Be (& $check @{ Cloud = 'sandbox-admin' })
            { Remove-ComputeService -InventoryPath $snap -HostName compute-busy-01 -Force -ErrorAction Stop } | Should -Throw -ErrorId 'ServiceHostingInstances,*'
            { Export-ComputeServiceInventory -Cloud sandbox-admin -Path $snap 3>$null } | Should -Throw -ErrorId 'InventoryExists,*'
        }
        finally { Remove-Item $snap, "$snap.lock" -ErrorAction SilentlyContinue }
    }
}

Describe 'The removal pre-flight in bulk' -Skip:$skipRemote {
    It 'checks every compute with a fixed number of listings, and gives the same verdicts as one by one' {
        $computes = @(Get-ComputeService -Cloud sandbox-admin -Binary nova-compute | Where-Object Status -ne 'UNKNOWN')
        $computes.Count | Should -BeGreaterThan 5
        $records = @($computes | Test-ComputeServiceRemoval -Cloud sandbox-admin -Verbose 4>&1)
        $checks = @($records | Where-Object { $_ -is [ComputeServices.RemovalCheck] })
        $requests = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^GET \S+/(servers|os-migrations|os-hypervisors)' })
        $checks.Count | Should -Be $computes.Count
        # The first service host by host (servers, soft-deleted servers, migrations, the nodes its migrations name), then
        # one listing of each for all the others: not one set per service. os-migrations and os-hypervisors each cost one
        # more page: Nova's pages can be short without a next link, so paging goes on by marker until a page is empty.
        $requests.Count | Should -BeLessOrEqual 11
        foreach ($one in $computes) {
            $alone = $one | Test-ComputeServiceRemoval -Cloud sandbox-admin
            ($checks | Where-Object { $_.Service.Host -eq $one.Host }).CanRemove | Should -Be $alone.CanRemove -Because $one.Host
        }
    }
}
