#Requires -Version 7.2
<#
.SYNOPSIS
    Generates the MAML help (ComputeServices.dll-Help.xml) of the ComputeServices module from docs/help/*.md.
.DESCRIPTION
    platyPS is not available to this build, so this script does its job in a small way:
    - the *prose* (synopsis, description, examples, parameter descriptions, inputs, outputs, notes, links) comes from
      the markdown files in -SourceDir, one <Cmdlet-Name>.md per cmdlet (format: docs/help/README.md);
    - the *facts* (parameter sets, types, mandatory, position, pipeline input, aliases, wildcards, accepted values)
      come from Get-Command metadata of the BUILT module in -ModuleDir, so the syntax in the MAML is always true to the code.

    It fails (throws, listing every problem) when an exported cmdlet has no markdown, when a cmdlet or any of its
    non-common parameters (including -WhatIf/-Confirm) has no description, when the markdown documents a parameter
    the cmdlet does not have, or when a declared [OutputType] is not documented under OUTPUTS.

    Markdown for a cmdlet the module does not export (yet) is only a warning.

    Run it in a fresh pwsh: it imports the built module, and a process that already loaded another build of
    ComputeServices.dll cannot load this one.
.PARAMETER ModuleDir
    The built module folder (out/ComputeServices/<version>). Default: the newest out/ComputeServices/* of this repository.
.PARAMETER SourceDir
    The folder of the markdown help. Default: docs/help of this repository.
.PARAMETER OutFile
    Where to write the MAML. Default: module/en-US/ComputeServices.dll-Help.xml of this repository.
.PARAMETER Check
    Generate into a temporary file and throw if it differs from -OutFile (the committed file); -OutFile is not changed.
.EXAMPLE
    dotnet pwsh -NoProfile ./tools/New-ModuleHelp.ps1 -ModuleDir out/ComputeServices/0.1.0
.EXAMPLE
    dotnet pwsh -NoProfile ./tools/New-ModuleHelp.ps1 -ModuleDir out/ComputeServices/0.1.0 -Check
#>
[CmdletBinding()]
param(
    [string] $ModuleDir,
    [string] $SourceDir,
    [string] $OutFile,
    [switch] $Check
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$repoRoot = Split-Path -Parent $PSScriptRoot
$moduleName = 'ComputeServices'
if (-not $SourceDir) { $SourceDir = Join-Path $repoRoot 'docs/help' }
if (-not $OutFile) { $OutFile = Join-Path $repoRoot "module/en-US/$moduleName.dll-Help.xml" }
if (-not $ModuleDir) {
    $newest = Get-ChildItem (Join-Path $repoRoot "out/$moduleName") -Directory -ErrorAction SilentlyContinue |
        Where-Object { $_.Name -as [version] } | Sort-Object { [version]$_.Name } | Select-Object -Last 1
    if (-not $newest) { throw "No built module under out/$moduleName; build first (dotnet pwsh ./build.ps1) or pass -ModuleDir." }
    $ModuleDir = $newest.FullName
}
$ModuleDir = (Resolve-Path $ModuleDir).ProviderPath
$SourceDir = (Resolve-Path $SourceDir).ProviderPath
$OutFile = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)

# Parameters every cmdlet has; they are described by about_CommonParameters, not by us. -WhatIf and -Confirm are
# documented per cmdlet (as platyPS does), because what they confirm differs.
$commonParameters = @([System.Management.Automation.PSCmdlet]::CommonParameters) + 'UseTransaction'

$ns = @{
    msh     = 'http://msh'
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}

. (Join-Path $PSScriptRoot 'help/HelpMarkdown.ps1')

#region Metadata

function Test-HasText($paras) { [bool](@($paras) | Where-Object { $_ -and $_.Trim() }) }

# The non-common parameters of one set as Get-Help should show them: hidden (DontShow) ones left out,
# positional first (by position), then mandatory, then the rest, each group in declaration order.
function Get-SetParameter($set) {
    $visible = foreach ($p in $set.Parameters) {
        if ($p.Name -in $commonParameters) { continue }
        $hidden = $p.Attributes | Where-Object {
            $_ -is [System.Management.Automation.ParameterAttribute] -and $_.DontShow -and
            ($_.ParameterSetName -eq $set.Name -or $_.ParameterSetName -eq [System.Management.Automation.ParameterAttribute]::AllParameterSets)
        }
        if (-not $hidden) { $p }
    }
    $i = 0
    $visible | ForEach-Object { [pscustomobject]@{ P = $_; I = $i++ } } |
        Sort-Object @{ Expression = { if ($_.P.Position -ge 0) { 0 } elseif ($_.P.IsMandatory) { 1 } else { 2 } } },
                    @{ Expression = { if ($_.P.Position -ge 0) { $_.P.Position } else { 0 } } }, I |
        ForEach-Object P
}

function Get-PipelineText([bool] $byValue, [bool] $byName) {
    if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' }
    elseif ($byValue) { 'True (ByValue)' }
    elseif ($byName) { 'True (ByPropertyName)' }
    else { 'False' }
}

function Get-TypeName([type] $type) {
    # The name Get-Help shows: String[], SwitchParameter, ComputeService[], Nullable`1 -> the inner type.
    if ($type.IsGenericType -and $type.GetGenericTypeDefinition() -eq [Nullable`1]) { $type = $type.GetGenericArguments()[0] }
    $type.Name
}

function Get-FullTypeName([type] $type) {
    if ($type.IsGenericType -and $type.GetGenericTypeDefinition() -eq [Nullable`1]) { $type = $type.GetGenericArguments()[0] }
    $type.FullName
}

#endregion

. (Join-Path $PSScriptRoot 'help/MamlWriter.ps1')

#region Main

$psd1 = Join-Path $ModuleDir "$moduleName.psd1"
if (-not (Test-Path -LiteralPath $psd1)) { throw "No $moduleName.psd1 in '$ModuleDir'." }
$loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $moduleName -and $_.Location }
$wanted = [IO.Path]::GetFullPath((Join-Path $ModuleDir "$moduleName.dll"))
if ($loaded -and ($loaded | Where-Object { [IO.Path]::GetFullPath($_.Location) -ne $wanted })) {
    throw "This process already loaded $moduleName.dll from '$($loaded[0].Location)'; run the generator in a fresh pwsh."
}
$module = Import-Module $psd1 -Force -PassThru -ErrorAction Stop
$exported = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)

$problems = [System.Collections.Generic.List[string]]::new()
$docs = @{}
foreach ($file in Get-ChildItem -LiteralPath $SourceDir -Filter '*-*.md' | Sort-Object Name) {
    $doc = Read-HelpMarkdown $file.FullName
    foreach ($p in $doc.Problems) { $problems.Add("$($file.Name): $p") }
    if ($doc.Name -ne $file.BaseName) { $problems.Add("$($file.Name): its heading names '$($doc.Name)'; the file must be named after the cmdlet.") }
    $docs[$doc.Name] = $doc
}

foreach ($name in $docs.Keys | Sort-Object) {
    if ($name -notin $exported.Name) {
        Write-Warning "docs/help/$name.md documents $name, which the built module does not export (yet); left out of the MAML."
    }
}
$commands = foreach ($cmd in $exported) {
    $name = $cmd.Name
    $doc = $docs[$name]
    if (-not $doc) { $problems.Add("${name}: no docs/help/$name.md."); continue }
    if (-not (Test-HasText $doc.Synopsis)) { $problems.Add("${name}: no SYNOPSIS.") }
    if (-not (Test-HasText $doc.Description)) { $problems.Add("${name}: no DESCRIPTION.") }
    if (-not @($doc.Examples).Count) { $problems.Add("${name}: no EXAMPLES.") }

    # Documented parameters that the cmdlet lacks.
    foreach ($p in $doc.Parameters.Keys) {
        if ($cmd.Parameters.ContainsKey($p)) { continue }
        $problems.Add("${name}: docs/help/$name.md documents -$p, which the cmdlet does not have.")
    }

    # Declared output types must be documented.
    foreach ($t in $cmd.OutputType) {
        $documented = @($doc.Outputs | ForEach-Object Type)
        if ($t.Name -notin $documented -and ($t.Type -and $t.Type.FullName -notin $documented)) {
            $problems.Add("${name}: [OutputType] $($t.Name) is not documented under '## OUTPUTS'.")
        }
    }

    # Per-parameter facts, merged over the sets where the parameter is visible.
    $defaultSet = $cmd.ParameterSets | Where-Object IsDefault
    $orderedSets = @($defaultSet) + @($cmd.ParameterSets | Where-Object { -not $_.IsDefault }) | Where-Object { $_ }
    $setParams = foreach ($set in $orderedSets) { , @(Get-SetParameter $set) }
    $byName = [ordered]@{}
    foreach ($list in $setParams) { foreach ($p in $list) { if (-not $byName.Contains($p.Name)) { $byName[$p.Name] = [System.Collections.Generic.List[object]]::new() }; $byName[$p.Name].Add($p) } }

    $info = @{}
    foreach ($pName in $byName.Keys) {
        $uses = $byName[$pName]
        $first = $uses[0]
        $meta = $cmd.Parameters[$pName]
        $pdoc = $doc.Parameters[$pName]
        if (-not $pdoc -or -not (Test-HasText $pdoc.Description)) { $problems.Add("${name}: -$pName has no description in docs/help/$name.md."); continue }
        $type = $meta.ParameterType
        $isSwitch = $type -eq [System.Management.Automation.SwitchParameter]
        $validate = $meta.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
        $positions = @($uses | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Select-Object -Unique)
        $base = [ordered]@{
            Name         = $pName
            Description  = $pdoc.Description
            TypeName     = Get-TypeName $type
            FullTypeName = Get-FullTypeName $type
            IsSwitch     = $isSwitch
            IsArray      = $type.IsArray
            Globbing     = [bool]($meta.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
            Aliases      = if ($meta.Aliases.Count) { ($meta.Aliases | Sort-Object) -join ', ' } else { 'none' }
            ValidValues  = if ($validate) { @($validate.ValidValues) } else { @() }
            Default      = if ($pdoc.Default) { $pdoc.Default } elseif ($isSwitch) { 'False' } else { 'None' }
        }
        # The Parameters section: one entry per parameter (required if mandatory wherever it is shown).
        $info[$pName] = [pscustomobject]($base + @{
            Required = -not ($uses | Where-Object { -not $_.IsMandatory })
            Position = if ($positions.Count) { [string]$positions[0] } else { 'named' }
            Pipeline = Get-PipelineText ([bool]($uses | Where-Object ValueFromPipeline)) ([bool]($uses | Where-Object ValueFromPipelineByPropertyName))
        })
        # The syntax: per set, exactly as that set binds it.
        foreach ($u in $uses) {
            $u | Add-Member -NotePropertyName Doc -NotePropertyValue ([pscustomobject]($base + @{
                Required = $u.IsMandatory
                Position = if ($u.Position -ge 0) { [string]$u.Position } else { 'named' }
                Pipeline = Get-PipelineText $u.ValueFromPipeline $u.ValueFromPipelineByPropertyName
            })) -Force
        }
    }

    [pscustomobject]@{
        Name       = $name
        Verb       = $cmd.Verb
        Noun       = $cmd.Noun
        Doc        = $doc
        Sets       = @(foreach ($list in $setParams) { , @($list | Where-Object { $_.PSObject.Properties['Doc'] } | ForEach-Object Doc) })
        Parameters = @($info.Keys | Sort-Object | ForEach-Object { $info[$_] })
    }
}

if ($problems.Count) {
    throw ("The help in '$SourceDir' does not match the built module '$ModuleDir':`n  " + ($problems -join "`n  "))
}

$target = if ($Check) { Join-Path ([IO.Path]::GetTempPath()) ("$moduleName.dll-Help.$([guid]::NewGuid().ToString('N')).xml") } else { $OutFile }
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.IndentChars = '  '
$settings.NewLineChars = "`n"
$settings.NewLineHandling = [System.Xml.NewLineHandling]::Replace
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$folder = Split-Path -Parent $target
if ($folder -and -not (Test-Path -LiteralPath $folder)) { New-Item -ItemType Directory -Path $folder | Out-Null }
$writer = [System.Xml.XmlWriter]::Create($target, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', $ns.msh)
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($cmd in $commands) { Write-Command $writer $cmd $cmd.Doc }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}
# End the file with a newline, as every text file in the repository does.
[IO.File]::AppendAllText($target, "`n", [System.Text.UTF8Encoding]::new($false))

if ($Check) {
    try {
        if (-not (Test-Path -LiteralPath $OutFile)) { throw "The committed help '$OutFile' does not exist; generate it with tools/New-ModuleHelp.ps1." }
        # Line endings may differ after a Windows checkout (core.autocrlf); the content may not.
        $committed = [IO.File]::ReadAllText($OutFile) -replace "`r`n", "`n"
        $generated = [IO.File]::ReadAllText($target)
        if ($committed -ne $generated) {
            $a = $committed -split "`n"; $b = $generated -split "`n"
            $line = 0
            while ($line -lt [Math]::Min($a.Count, $b.Count) -and $a[$line] -eq $b[$line]) { $line++ }
            throw ("'$OutFile' is out of date with docs/help and the built module (first difference at line $($line + 1)):`n" +
                "  committed: $(if ($line -lt $a.Count) { $a[$line].Trim() } else { '<end of file>' })`n" +
                "  generated: $(if ($line -lt $b.Count) { $b[$line].Trim() } else { '<end of file>' })`n" +
                "Regenerate it: dotnet pwsh -NoProfile ./tools/New-ModuleHelp.ps1 -ModuleDir '$ModuleDir'")
        }
        Write-Verbose "'$OutFile' is up to date." -Verbose:$VerbosePreference
    }
    finally {
        Remove-Item -LiteralPath $target -ErrorAction SilentlyContinue
    }
}
else {
    Write-Host "Wrote $OutFile ($(@($commands).Count) cmdlets)."
}

#endregion
