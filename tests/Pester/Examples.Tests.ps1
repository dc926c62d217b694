# Every example of the cmdlet help (docs/help/*.md, the source of the MAML that Get-Help shows) and every powershell
# block of README.md runs, as an operator would paste it, and writes no error that it does not announce.
#
# Each example runs in its own runspace with the built module, in a fresh folder that holds a fresh sample inventory
# (named by $env:COMPUTESERVICES_INVENTORY, as the tour sets it), the CSV files the examples read (hosts.csv,
# maintenance.csv, decommission.csv: host names of the sample), and out/ComputeServices/<version> pointing at the
# built module. $ConfirmPreference is None there: the operator answers Yes to every confirmation prompt; Get-Credential,
# Get-Secret and Read-Host answer with the sandbox's credentials and a token.
#
# An example announces an error it shows on purpose with a comment '# error: <ErrorId>' (several allowed); the
# announced error must then occur, and any other error fails the example.
#
# Examples that connect to a cloud run against the Nova sandbox when .ci/run has started it (OS_CLIENT_CONFIG_FILE
# with sandbox-admin, NOVA_URL): the cloud names of the examples (prod, prod-east, prod-west, staging) are written into a
# clouds.yaml as copies of sandbox-admin, and the example.com Keystone and Nova addresses are replaced by the
# sandbox's. What an example changes on the sandbox is put back afterwards. Without a sandbox they are skipped, with
# the reason printed (unless COMPUTESERVICES_IT_REQUIRED=1, which makes that a failure).
BeforeDiscovery {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    . (Join-Path $repoRoot 'tools/help/HelpMarkdown.ps1')
    # An example that can only run elsewhere says so, and where its path is tested: '# not run by the examples test: <why>'.
    function Get-NotRunReason([string] $Code) {
        $m = [regex]::Match($Code, '(?m)#\s*not run by the examples test:\s*(.+)$')
        if ($m.Success) { $m.Groups[1].Value.Trim() } else { $null }
    }
    $cloudPattern = '(?<!Dis)Connect-ComputeService|-Cloud\b|-Connection\b|-Endpoint\b|-AuthUrl\b|-FromEnvironment\b'
    $script:examples = @(
        foreach ($file in Get-ChildItem (Join-Path $repoRoot 'docs/help') -Filter '*-*.md' | Sort-Object Name) {
            $doc = Read-HelpMarkdown $file.FullName
            foreach ($ex in $doc.Examples) {
                @{ Name = "$($doc.Name) $($ex.Title)"; Code = $ex.Code; NeedsCloud = $ex.Code -match $cloudPattern; NotRun = (Get-NotRunReason $ex.Code) }
            }
        }
        $readme = Get-Content -Raw (Join-Path $repoRoot 'README.md')
        $heading = ''
        $i = 0
        foreach ($m in [regex]::Matches($readme, '(?ms)^(#{2,3} [^\n]+)$|^```powershell\n(.*?)^```')) {
            if ($m.Groups[1].Success) { $heading = $m.Groups[1].Value.TrimStart('#', ' '); continue }
            $i++
            @{ Name = "README block $i ($heading)"; Code = $m.Groups[2].Value; NeedsCloud = $m.Groups[2].Value -match $cloudPattern; NotRun = (Get-NotRunReason $m.Groups[2].Value) }
        }
    )
    $sandboxFile = if ($env:COMPUTESERVICES_IT_CLOUDS_FILE) { $env:COMPUTESERVICES_IT_CLOUDS_FILE } else { $env:OS_CLIENT_CONFIG_FILE }
    $script:sandboxReady = $sandboxFile -and (Test-Path $sandboxFile) -and ((Get-Content -Raw $sandboxFile) -match 'sandbox-admin') -and $env:NOVA_URL
    $script:skipCloud = -not $script:sandboxReady -and $env:COMPUTESERVICES_IT_REQUIRED -ne '1'
    if ($script:skipCloud) {
        $n = @($script:examples | Where-Object NeedsCloud).Count
        Write-Host "Examples.Tests: $n examples that connect to a cloud are skipped: no Nova sandbox (OS_CLIENT_CONFIG_FILE with sandbox-admin and NOVA_URL, as .ci/run sets them)."
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:moduleManifest = Join-Path $script:ModuleDir 'ComputeServices.psd1'
    $script:moduleVersion = (Import-PowerShellDataFile $script:moduleManifest).ModuleVersion
    $script:sandboxFile = if ($env:COMPUTESERVICES_IT_CLOUDS_FILE) { $env:COMPUTESERVICES_IT_CLOUDS_FILE } else { $env:OS_CLIENT_CONFIG_FILE }
    $script:sandboxReady = $sandboxFile -and (Test-Path $sandboxFile) -and ((Get-Content -Raw $sandboxFile) -match 'sandbox-admin') -and $env:NOVA_URL
    $script:sandbox = $null
    if ($script:sandboxReady) {
        $clouds = Get-Content -Raw $sandboxFile
        # The sandbox-admin entry, as start.sh wrote it: copied under every cloud name the examples use.
        $entry = [regex]::Match($clouds, '(?m)^( +)sandbox-admin:[ \t]*\r?\n((?:\1 .*\r?\n?)*)')
        if (-not $entry.Success) { throw "No sandbox-admin entry in $sandboxFile" }
        $indent = $entry.Groups[1].Value
        $names = 'prod', 'prod-east', 'prod-west', 'staging', 'sandbox-admin'
        $yaml = "clouds:`n" + (($names | ForEach-Object { "$indent$($_):`n$($entry.Groups[2].Value.TrimEnd())`n" }) -join '')
        $value = { param($text, $name) [regex]::Match($text, "(?m)^\s+$($name):\s*[`"']?([^`"'\s]+)").Groups[1].Value }
        $field = { param($name) & $value $entry.Groups[2].Value $name }
        $appCred = & $value $clouds 'application_credential_id'
        $appSecret = & $value $clouds 'application_credential_secret'
        $script:sandbox = @{
            Yaml = $yaml; AuthUrl = (& $field 'auth_url').TrimEnd('/'); NovaUrl = $env:NOVA_URL.TrimEnd('/')
            User = & $field 'username'; Password = & $field 'password'; Project = & $field 'project_name'
            AppCredId = $appCred; AppCredSecret = $appSecret
        }
        # A Keystone token for the -Endpoint -Token examples.
        $body = @{ auth = @{ identity = @{ methods = @('password'); password = @{ user = @{ name = $script:sandbox.User; domain = @{ name = 'Default' }; password = $script:sandbox.Password } } }
                scope = @{ project = @{ name = $script:sandbox.Project; domain = @{ name = 'Default' } } } } } | ConvertTo-Json -Depth 10
        $response = Invoke-WebRequest -Method Post -Uri "$($script:sandbox.AuthUrl)/auth/tokens" -Body $body -ContentType 'application/json'
        $script:sandbox.Token = "$($response.Headers['X-Subject-Token'])"
    }

    # Runs one example as an operator would; returns its errors (terminating or not) and warnings.
    function Invoke-Example([string] $Code, [int] $TimeoutSec = 120) {
        $work = Join-Path ([IO.Path]::GetTempPath()) "cs-example-$([guid]::NewGuid().ToString('N'))"
        New-Item -ItemType Directory $work | Out-Null
        $outDir = Join-Path $work 'out/ComputeServices'
        New-Item -ItemType Directory $outDir | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $outDir $script:moduleVersion) -Target $script:ModuleDir | Out-Null
        New-ComputeServiceInventory -Path (Join-Path $work 'inventory.json') -Sample | Out-Null
        'Host', 'compute-free-01', 'compute-free-02' | Set-Content (Join-Path $work 'hosts.csv')
        'Host', 'compute-down-01', 'compute-forced-down' | Set-Content (Join-Path $work 'maintenance.csv')
        'Host,Binary', 'compute-free-01,nova-compute', 'compute-free-02,nova-compute' | Set-Content (Join-Path $work 'decommission.csv')

        $saved = @{}
        foreach ($name in 'COMPUTESERVICES_INVENTORY', 'HOME', 'XDG_DATA_HOME', 'OS_CLIENT_CONFIG_FILE', 'OS_CLOUD', 'OS_AUTH_URL', 'OS_USERNAME') {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        }
        $env:COMPUTESERVICES_INVENTORY = Join-Path $work 'inventory.json'
        $env:HOME = $work; $env:XDG_DATA_HOME = Join-Path $work '.local/share'
        Remove-Item Env:OS_CLOUD -ErrorAction SilentlyContinue
        if ($script:sandbox) {
            Set-Content (Join-Path $work 'clouds.yaml') $script:sandbox.Yaml
            $env:OS_CLIENT_CONFIG_FILE = Join-Path $work 'clouds.yaml'
            $Code = $Code.Replace('https://keystone.example.com:5000/v3', $script:sandbox.AuthUrl).Replace('https://nova.example.com:8774/v2.1', $script:sandbox.NovaUrl)
        }
        else { Remove-Item Env:OS_CLIENT_CONFIG_FILE -ErrorAction SilentlyContinue }

        $runspace = [runspacefactory]::CreateRunspace([initialsessionstate]::CreateDefault2())
        $ps = [powershell]::Create()
        try {
            $runspace.Open()
            $ps.Runspace = $runspace
            $runspace.SessionStateProxy.Path.SetLocation($work) | Out-Null
            $runspace.SessionStateProxy.SetVariable('__sandbox', $script:sandbox)
            # 'Import-Module ComputeServices' by name, as after an install: out/ComputeServices/<version> is on the module path.
            $runspace.SessionStateProxy.SetVariable('__modulePath', (Join-Path $work 'out'))
            $null = $ps.AddScript({
                    Import-Module $args[0] -ErrorAction Stop
                    $env:PSModulePath = $global:__modulePath + [IO.Path]::PathSeparator + $env:PSModulePath
                    $global:ConfirmPreference = 'None'
                    function global:Get-Credential {
                        $s = $global:__sandbox; if (-not $s) { throw 'Get-Credential: no sandbox to answer with' }
                        [pscredential]::new($s.User, (ConvertTo-SecureString $s.Password -AsPlainText -Force))
                    }
                    function global:Get-Secret {
                        $s = $global:__sandbox; if (-not $s) { throw 'Get-Secret: no sandbox to answer with' }
                        [pscredential]::new($s.AppCredId, (ConvertTo-SecureString $s.AppCredSecret -AsPlainText -Force))
                    }
                    # Azure Automation's credential asset, in a runbook example.
                    function global:Get-AutomationPSCredential([string] $Name) {
                        $s = $global:__sandbox; if (-not $s) { throw 'Get-AutomationPSCredential: no sandbox to answer with' }
                        [pscredential]::new($s.AppCredId, (ConvertTo-SecureString $s.AppCredSecret -AsPlainText -Force))
                    }
                    function global:Read-Host([switch] $AsSecureString, [string] $Prompt) {
                        $s = $global:__sandbox; if (-not $s) { throw 'Read-Host: no sandbox to answer with' }
                        ConvertTo-SecureString $s.Token -AsPlainText -Force
                    }
                }).AddArgument($script:moduleManifest).Invoke()
            $ps.Commands.Clear(); $ps.Streams.ClearStreams()

            $errors = [System.Collections.Generic.List[System.Management.Automation.ErrorRecord]]::new()
            # Run as a script file, so that a runbook's `exit 1` ends the example with an exit code to check.
            $file = Join-Path $work 'example.ps1'
            Set-Content -LiteralPath $file $Code
            $null = $ps.AddScript('$global:LASTEXITCODE = 0; & $args[0]; $global:LASTEXITCODE').AddArgument($file)
            $async = $ps.BeginInvoke()
            if (-not $async.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($TimeoutSec))) {
                $ps.Stop()
                throw "The example did not finish within $TimeoutSec s."
            }
            $exitCode = 0
            try { $exitCode = @($ps.EndInvoke($async))[-1] }
            catch [System.Management.Automation.RuntimeException] { $errors.Add($_.Exception.InnerException.ErrorRecord ?? $_.Exception.ErrorRecord) }
            catch { if ($_.Exception.InnerException -is [System.Management.Automation.IContainsErrorRecord]) { $errors.Add($_.Exception.InnerException.ErrorRecord) } else { throw } }
            foreach ($e in $ps.Streams.Error) { $errors.Add($e) }
            [pscustomobject]@{ Errors = @($errors | Where-Object { $_ }); Warnings = @($ps.Streams.Warning); ExitCode = $exitCode }
        }
        finally {
            $ps.Dispose(); $runspace.Dispose()
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
            Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
        }
    }

    # The sandbox's services as they are, to put back what an example changed.
    function Get-SandboxState {
        @(Get-ComputeService -Cloud sandbox-admin | Where-Object Id | Select-Object Id, Host, Binary, Status, DisabledReason, ForcedDown)
    }
    function Restore-SandboxState($Before) {
        $after = @(Get-SandboxState)
        $gone = @($Before | Where-Object { $_.Id -notin $after.Id })
        foreach ($b in $Before) {
            $a = $after | Where-Object Id -eq $b.Id
            if (-not $a -or $b.Binary -ne 'nova-compute') { continue }
            if ($a.ForcedDown -ne $b.ForcedDown) { Set-ComputeServiceForcedDown -Cloud sandbox-admin -Id $b.Id -ForcedDown ([bool]$b.ForcedDown) -SkipFleetCheck -Confirm:$false }
            if ($a.Status -ne $b.Status -or $a.DisabledReason -ne $b.DisabledReason) {
                if ($b.Status -eq 'enabled') { Enable-ComputeService -Cloud sandbox-admin -Id $b.Id -Confirm:$false }
                elseif ($b.DisabledReason) { Disable-ComputeService -Cloud sandbox-admin -Id $b.Id -Reason $b.DisabledReason -Confirm:$false }
                else { Disable-ComputeService -Cloud sandbox-admin -Id $b.Id -Confirm:$false }
            }
        }
        $gone
    }
}

Describe 'Example: <Name>' -ForEach $script:examples {
    BeforeAll {
        if ($NeedsCloud -and -not $sandboxReady) { throw 'COMPUTESERVICES_IT_REQUIRED=1 but no Nova sandbox is configured.' }
    }

    It 'runs, and writes no error it does not announce' -Skip:($NeedsCloud -and $skipCloud) {
        if ($NotRun) { Set-ItResult -Skipped -Because $NotRun; return }
        $announced = @([regex]::Matches($Code, '#\s*error:\s*(\w+)') | ForEach-Object { $_.Groups[1].Value })
        $cloudSaved = $env:OS_CLIENT_CONFIG_FILE
        if ($NeedsCloud) {
            $env:OS_CLIENT_CONFIG_FILE = $sandboxFile
            $before = Get-SandboxState
            $env:OS_CLIENT_CONFIG_FILE = $cloudSaved
        }
        try { $result = Invoke-Example $Code }
        finally {
            if ($NeedsCloud) {
                $env:OS_CLIENT_CONFIG_FILE = $sandboxFile
                try { $gone = Restore-SandboxState $before } finally { $env:OS_CLIENT_CONFIG_FILE = $cloudSaved }
                $gone | Should -BeNullOrEmpty -Because 'an example must not delete a service of the sandbox (other suites need it)'
            }
        }
        $seen = @($result.Errors | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] })
        $unannounced = @($result.Errors | Where-Object { ($_.FullyQualifiedErrorId -split ',')[0] -notin $announced } |
                ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" })
        $unannounced | Should -BeNullOrEmpty -Because "the example announces only '$($announced -join ', ')'"
        foreach ($id in $announced) { $seen | Should -Contain $id -Because "the example announces a $id error" }
        # A warning ending in a colon printed an empty value (as `$_` inside switch does: it is the switched value there).
        @($result.Warnings | Where-Object { "$_" -match ':\s*$' }) | Should -BeNullOrEmpty -Because 'an example''s warning must not print an empty value'
        $result.ExitCode | Should -Be 0 -Because "a runbook exits non-zero on a failure (warnings: $($result.Warnings -join '; '))"
    }
}

Describe 'The README runbook' {
    BeforeAll {
        $readme = Get-Content -Raw (Join-Path $PSScriptRoot '../../README.md')
        $script:runbook = [regex]::Matches($readme, '(?ms)^```powershell\n(.*?)^```').Groups |
            Where-Object { $_.Name -eq '1' -and $_.Value -match "ErrorActionPreference = 'Stop'" -and $_.Value -match 'Remove-ComputeService' } |
            Select-Object -First 1 -ExpandProperty Value
        $script:pwshExe = @('pwsh.exe', 'pwsh') | ForEach-Object { Join-Path $PSHOME $_ } | Where-Object { Test-Path -LiteralPath $_ -PathType Leaf } | Select-Object -First 1
        $script:pwshArgs = @()
        if (-not $script:pwshExe) { $script:pwshExe = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source; $script:pwshArgs = @(Join-Path $PSHOME 'pwsh.dll') }
    }

    It 'ends pwsh -NonInteractive -File with exit code <Code> when the host is <HostName>' -ForEach @(
        @{ HostName = 'compute-free-01'; Code = 0 }
        @{ HostName = 'compute-busy-01'; Code = 1 }
        @{ HostName = 'no-such-host'; Code = 1 }
    ) {
        $script:runbook | Should -Not -BeNullOrEmpty
        $work = Join-Path ([IO.Path]::GetTempPath()) "cs-runbook-$([guid]::NewGuid().ToString('N'))"
        New-Item -ItemType Directory $work | Out-Null
        $saved = $env:COMPUTESERVICES_INVENTORY
        try {
            $env:COMPUTESERVICES_INVENTORY = Join-Path $work 'inventory.json'
            New-ComputeServiceInventory -Path $env:COMPUTESERVICES_INVENTORY -Sample | Out-Null
            $file = Join-Path $work 'runbook.ps1'
            "Import-Module '$script:moduleManifest'`n" + ($script:runbook -replace "\`$hostName = '[^']*'", "`$hostName = '$HostName'") | Set-Content $file
            $output = & $script:pwshExe @script:pwshArgs -NoProfile -NonInteractive -File $file 2>&1
            $LASTEXITCODE | Should -Be $Code -Because ($output -join "`n")
            if ($Code -eq 0) { Get-ComputeService -InventoryPath $env:COMPUTESERVICES_INVENTORY -HostName $HostName -ErrorAction SilentlyContinue | Should -BeNullOrEmpty }
        }
        finally {
            $env:COMPUTESERVICES_INVENTORY = $saved
            Remove-Item -Recurse -Force $work
        }
    }
}
