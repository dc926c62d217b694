# Connect with both a password and an application credential in OS_* variables: it uses the password, as
# openstacksdk does, and says so once. Against the Nova sandbox (.ci/run starts it; elsewhere skipped).
BeforeDiscovery {
    $script:sandboxReady = $env:OS_CLIENT_CONFIG_FILE -and (Test-Path $env:OS_CLIENT_CONFIG_FILE) -and
        ((Get-Content -Raw $env:OS_CLIENT_CONFIG_FILE) -match 'sandbox-admin')
    $script:skipRemote = -not $sandboxReady -and $env:COMPUTESERVICES_IT_REQUIRED -ne '1'
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    if (-not $sandboxReady) { throw 'COMPUTESERVICES_IT_REQUIRED=1 but no Nova sandbox is configured (OS_CLIENT_CONFIG_FILE with sandbox-admin).' }
    $clouds = Get-Content -Raw $env:OS_CLIENT_CONFIG_FILE
    $value = { param($name) [regex]::Match($clouds, "(?m)^\s+$($name):\s*[`"']?([^`"'\s]+)").Groups[1].Value }
    $script:authUrl = & $value 'auth_url'
    $script:appCredId = & $value 'application_credential_id'
    $script:appCredSecret = & $value 'application_credential_secret'
    $script:saved = @{}
    Get-ChildItem Env:OS_* | ForEach-Object { $script:saved[$_.Name] = $_.Value }
}
AfterAll {
    Get-ChildItem Env:OS_* | Remove-Item
    foreach ($k in $script:saved.Keys) { Set-Item "Env:$k" $script:saved[$k] }
    Disconnect-ComputeService -ErrorAction SilentlyContinue
}

Describe 'A password and an application credential both set' -Skip:$skipRemote {
    BeforeEach {
        Get-ChildItem Env:OS_* | Remove-Item
        $env:OS_AUTH_URL = $script:authUrl; $env:OS_USERNAME = 'admin'; $env:OS_PASSWORD = 'admin-secret'
        $env:OS_PROJECT_NAME = 'admin'; $env:OS_USER_DOMAIN_NAME = 'Default'; $env:OS_PROJECT_DOMAIN_NAME = 'Default'
        $env:OS_APPLICATION_CREDENTIAL_ID = $script:appCredId; $env:OS_APPLICATION_CREDENTIAL_SECRET = $script:appCredSecret
    }

    It 'connects with the password, as openstacksdk does, and warns once which one it ignored' {
        Connect-ComputeService -WarningVariable w -WarningAction SilentlyContinue
        Get-ComputeService -HostName compute-free-01 -WarningVariable w2 -WarningAction SilentlyContinue | Should -Not -BeNullOrEmpty
        $choice = @(@($w) + @($w2) | Where-Object { "$_" -match 'Both a password' })
        $choice.Count | Should -Be 1
        "$($choice[0])" | Should -Match 'OS_PASSWORD'
        "$($choice[0])" | Should -Match 'connecting with the password of user admin, the application credential is ignored'
        "$($choice[0])" | Should -Not -Match ([regex]::Escape($script:appCredSecret))
        Disconnect-ComputeService
    }

    It 'follows OS_AUTH_TYPE, and says the password is ignored' {
        $env:OS_AUTH_TYPE = 'v3applicationcredential'
        Connect-ComputeService -WarningVariable w -WarningAction SilentlyContinue
        (@($w) -join "`n") | Should -Match "connecting with the application credential $($script:appCredId), the password is ignored"
        Disconnect-ComputeService
    }
}
