# A fresh pwsh for the package and resolver tests: its own HOME (so PSResourceGet's repository list and the
# CurrentUser module folder are empty and private), PSModulePath as given, no profile. Returns the child's output
# lines (ConvertFrom-Json the last one when the script prints JSON) and fails on a non-zero exit.
function Invoke-FreshPwsh {
    param(
        [Parameter(Mandatory)] [string] $Command,
        [string] $ModulePath = '',
        [switch] $AllowFailure
    )
    $home_ = Join-Path ([IO.Path]::GetTempPath()) "cs-fresh-$([guid]::NewGuid().ToString('N'))"
    # PSResourceGet keeps its files under the local application data folder and ignores it when it does not exist yet.
    New-Item -ItemType Directory -Force (Join-Path $home_ '.local/share'), (Join-Path $home_ 'AppData/Local'), (Join-Path $home_ 'work') | Out-Null
    $exe = @('pwsh.exe', 'pwsh') | ForEach-Object { Join-Path $PSHOME $_ } | Where-Object { Test-Path $_ -PathType Leaf } | Select-Object -First 1
    $pwsh = @(if ($exe) { $exe } else { 'dotnet'; Join-Path $PSHOME 'pwsh.dll' })
    $saved = @{}
    $vars = @{ HOME = $home_; USERPROFILE = $home_; LOCALAPPDATA = (Join-Path $home_ 'AppData/Local'); PSModulePath = $ModulePath
        XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; COMPUTESERVICES_INVENTORY = $null; OS_CLOUD = $null
        OS_CLIENT_CONFIG_FILE = $null; OS_AUTH_URL = $null; NO_COLOR = '1' }
    foreach ($k in $vars.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $vars[$k]) }
    try {
        Push-Location (Join-Path $home_ 'work')
        $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "`$PSStyle.OutputRendering = 'PlainText'; $Command" 2>&1 | ForEach-Object { "$_" }
        $code = $LASTEXITCODE
    }
    finally {
        Pop-Location
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
        Remove-Item -Recurse -Force $home_ -ErrorAction SilentlyContinue
    }
    if ($code -ne 0 -and -not $AllowFailure) { throw "the fresh pwsh exited with $code`n$($output -join "`n")" }
    $output
}

# The sample inventory's services as this process lists them, to compare a fresh pwsh's listing with.
function Get-SampleListing {
    $path = New-TestInventory
    try { Get-ComputeService -InventoryPath $path } finally { Remove-Item $path, "$path.lock" -ErrorAction SilentlyContinue }
}
