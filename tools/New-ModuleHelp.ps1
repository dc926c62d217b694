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

    Markdown for a cmdlet the module does not export (yet) is only a warning. So are the parameters listed in
    $PendingParameters below: they are documented ahead of the code that adds them.

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

# ---------------------------------------------------------------------------------------------------------------
# Parameters documented ahead of the code that adds them (another change in flight). A documented parameter listed
# here that the built cmdlet lacks is a warning, not an error, and it is left out of the MAML until it exists.
# Remove each entry when its parameter lands (the script says when one has), then remove this list.
# ---------------------------------------------------------------------------------------------------------------
$PendingParameters = @{
    # Parameters documented ahead of the code that adds them (none at the moment).
}

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

#region Markdown

# Inline markdown to console text: `code` -> code, **b** -> b, [text](uri) -> text (uri).
function ConvertFrom-InlineMarkdown([string] $text) {
    $text = [regex]::Replace($text, '\[([^\]]+)\]\(([^)]+)\)', { param($m) if ($m.Groups[1].Value -eq $m.Groups[2].Value) { $m.Groups[1].Value } else { "$($m.Groups[1].Value) ($($m.Groups[2].Value))" } })
    $text = [regex]::Replace($text, '\*\*([^*]+)\*\*', '$1')
    $text = [regex]::Replace($text, '`([^`]+)`', '$1')
    $text
}

# Prose lines to paragraphs: blank lines separate paragraphs, each list item is its own paragraph,
# and a fenced block is kept verbatim as one paragraph.
function ConvertTo-Paragraphs([string[]] $lines) {
    $paras = [System.Collections.Generic.List[string]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    $fence = $null
    $flush = {
        if ($current.Count) { $paras.Add((ConvertFrom-InlineMarkdown (($current | ForEach-Object Trim) -join ' '))); $current.Clear() }
    }
    foreach ($line in $lines) {
        if ($null -ne $fence) {
            if ($line -match '^\s*```\s*$') { $paras.Add(($fence -join "`n")); $fence = $null } else { $fence.Add($line) }
            continue
        }
        if ($line -match '^\s*```') { & $flush; $fence = [System.Collections.Generic.List[string]]::new(); continue }
        if ($line -match '^\s*$') { & $flush; continue }
        if ($line -match '^\s*([-*]|\d+\.)\s+') { & $flush }
        $current.Add($line)
    }
    & $flush
    if ($null -ne $fence) { $paras.Add(($fence -join "`n")) }
    , $paras.ToArray()
}

# Splits lines into sections at headings of one level, ignoring anything inside fenced code blocks
# (PowerShell comments in examples start with '#').
function Split-Section([string[]] $lines, [int] $level) {
    $prefix = ('#' * $level) + ' '
    $sections = [System.Collections.Generic.List[object]]::new()
    $head = [pscustomobject]@{ Title = $null; Lines = [System.Collections.Generic.List[string]]::new() }
    $inFence = $false
    foreach ($line in $lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($prefix)) {
            $sections.Add($head)
            $head = [pscustomobject]@{ Title = $line.Substring($prefix.Length).Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
            continue
        }
        $head.Lines.Add($line)
    }
    $sections.Add($head)
    $sections.ToArray()
}

function Read-HelpMarkdown([string] $path) {
    $lines = (Get-Content -Raw -LiteralPath $path) -replace "`r`n", "`n" -split "`n"
    $top = Split-Section $lines 1 | Where-Object Title
    if (@($top).Count -ne 1) { throw "${path}: expected exactly one '# <Cmdlet-Name>' heading." }
    $doc = [ordered]@{
        Path = $path; Name = $top.Title; Synopsis = @(); Description = @(); Examples = @(); Parameters = [ordered]@{}
        Inputs = @(); Outputs = @(); Notes = @(); Links = @(); Problems = [System.Collections.Generic.List[string]]::new()
    }
    foreach ($section in Split-Section $top.Lines 2 | Where-Object Title) {
        switch ($section.Title.ToUpperInvariant()) {
            'SYNOPSIS' { $doc.Synopsis = ConvertTo-Paragraphs $section.Lines }
            'DESCRIPTION' { $doc.Description = ConvertTo-Paragraphs $section.Lines }
            'NOTES' { $doc.Notes = ConvertTo-Paragraphs $section.Lines }
            'SYNTAX' { } # generated from the code; anything written here is ignored
            'EXAMPLES' {
                $doc.Examples = foreach ($ex in Split-Section $section.Lines 3 | Where-Object Title) {
                    $code = [System.Collections.Generic.List[string]]::new(); $rest = [System.Collections.Generic.List[string]]::new()
                    $state = 'before'
                    foreach ($line in $ex.Lines) {
                        if ($state -eq 'before' -and $line -match '^\s*```') { $state = 'code'; continue }
                        if ($state -eq 'code' -and $line -match '^\s*```\s*$') { $state = 'after'; continue }
                        if ($state -eq 'code') { $code.Add($line) } elseif ($state -eq 'after') { $rest.Add($line) }
                    }
                    if ($state -ne 'after') { $doc.Problems.Add("example '$($ex.Title)' has no complete ``````powershell block") }
                    [pscustomobject]@{ Title = $ex.Title; Code = ($code -join "`n").TrimEnd(); Remarks = ConvertTo-Paragraphs $rest }
                }
            }
            'PARAMETERS' {
                foreach ($p in Split-Section $section.Lines 3 | Where-Object Title) {
                    if ($p.Title -notmatch '^-(\w+)$') { $doc.Problems.Add("parameter heading '### $($p.Title)' is not of the form '### -Name'"); continue }
                    $pName = $Matches[1]
                    $default = $null
                    $prose = foreach ($line in $p.Lines) {
                        if ($line -match '^\s*Default value:\s*(.+?)\s*$') { $default = ConvertFrom-InlineMarkdown $Matches[1] } else { $line }
                    }
                    $doc.Parameters[$pName] = [pscustomobject]@{ Name = $pName; Description = ConvertTo-Paragraphs $prose; Default = $default }
                }
            }
            { $_ -in 'INPUTS', 'OUTPUTS' } {
                $items = foreach ($t in Split-Section $section.Lines 3 | Where-Object Title) {
                    [pscustomobject]@{ Type = (ConvertFrom-InlineMarkdown $t.Title); Description = ConvertTo-Paragraphs $t.Lines }
                }
                if ($_ -eq 'INPUTS') { $doc.Inputs = @($items) } else { $doc.Outputs = @($items) }
            }
            'RELATED LINKS' {
                $doc.Links = foreach ($line in $section.Lines) {
                    # Only web addresses are kept as a link's uri: Get-Help prints the uri after the text.
                    if ($line -match '^\s*[-*]\s+\[([^\]]+)\]\(([^)]*)\)\s*$') { [pscustomobject]@{ Text = $Matches[1]; Uri = $(if ($Matches[2] -match '^https?://') { $Matches[2] } else { '' }) } }
                    elseif ($line -match '^\s*[-*]\s+(\S.*?)\s*$') { [pscustomobject]@{ Text = $Matches[1]; Uri = '' } }
                }
            }
            default { $doc.Problems.Add("unknown section '## $($section.Title)'") }
        }
    }
    [pscustomobject]$doc
}

#endregion

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

#region MAML writer

function Write-Paras($w, [string[]] $paras) {
    if (-not $paras) { $w.WriteElementString('para', $ns.maml, ''); return }
    foreach ($para in $paras) { $w.WriteElementString('para', $ns.maml, $para) }
}

function Write-Description($w, [string[]] $paras) {
    $w.WriteStartElement('maml', 'description', $ns.maml); Write-Paras $w $paras; $w.WriteEndElement()
}

function Write-Parameter($w, $info, [bool] $inSyntax) {
    $w.WriteStartElement('command', 'parameter', $ns.command)
    $w.WriteAttributeString('required', $info.Required.ToString().ToLowerInvariant())
    $w.WriteAttributeString('variableLength', $info.IsArray.ToString().ToLowerInvariant())
    $w.WriteAttributeString('globbing', $info.Globbing.ToString().ToLowerInvariant())
    $w.WriteAttributeString('pipelineInput', $info.Pipeline)
    $w.WriteAttributeString('position', $info.Position)
    $w.WriteAttributeString('aliases', $info.Aliases)
    $w.WriteElementString('name', $ns.maml, $info.Name)
    Write-Description $w $info.Description
    if ($info.ValidValues) {
        $w.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($v in $info.ValidValues) {
            $w.WriteStartElement('command', 'parameterValue', $ns.command)
            $w.WriteAttributeString('required', 'false'); $w.WriteAttributeString('command', 'variableLength', $ns.command, 'false')
            $w.WriteString($v); $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    # A switch shows as [-Name] in the syntax: no value there.
    if (-not ($inSyntax -and $info.IsSwitch)) {
        $w.WriteStartElement('command', 'parameterValue', $ns.command)
        $w.WriteAttributeString('required', (-not $info.IsSwitch).ToString().ToLowerInvariant())
        $w.WriteAttributeString('variableLength', 'false')
        $w.WriteString($info.TypeName); $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $ns.dev)
    $w.WriteElementString('name', $ns.maml, $info.FullTypeName)
    $w.WriteStartElement('maml', 'uri', $ns.maml); $w.WriteEndElement()
    $w.WriteEndElement()
    $w.WriteElementString('defaultValue', $ns.dev, $info.Default)
    $w.WriteEndElement()
}

function Write-TypeList($w, [string] $outer, [string] $inner, $items) {
    $w.WriteStartElement('command', $outer, $ns.command)
    foreach ($item in $items) {
        $w.WriteStartElement('command', $inner, $ns.command)
        $w.WriteStartElement('dev', 'type', $ns.dev)
        $w.WriteElementString('name', $ns.maml, $item.Type)
        $w.WriteEndElement()
        Write-Description $w $item.Description
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
}

function Write-Command($w, $cmd, $doc) {
    $w.WriteStartElement('command', 'command', $ns.command)
    foreach ($prefix in 'maml', 'command', 'dev', 'MSHelp') { $w.WriteAttributeString('xmlns', $prefix, $null, $ns[$prefix]) }

    $w.WriteStartElement('command', 'details', $ns.command)
    $w.WriteElementString('name', $ns.command, $cmd.Name)
    $w.WriteElementString('verb', $ns.command, $cmd.Verb)
    $w.WriteElementString('noun', $ns.command, $cmd.Noun)
    Write-Description $w $doc.Synopsis
    $w.WriteEndElement()

    Write-Description $w $doc.Description

    $w.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $cmd.Sets) {
        $w.WriteStartElement('command', 'syntaxItem', $ns.command)
        $w.WriteElementString('name', $ns.maml, $cmd.Name)
        foreach ($p in $set) { Write-Parameter $w $p $true }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($p in $cmd.Parameters) { Write-Parameter $w $p $false }
    $w.WriteEndElement()

    Write-TypeList $w 'inputTypes' 'inputType' $doc.Inputs
    Write-TypeList $w 'returnValues' 'returnValue' $doc.Outputs

    $w.WriteStartElement('maml', 'alertSet', $ns.maml)
    $w.WriteStartElement('maml', 'alert', $ns.maml); Write-Paras $w $doc.Notes; $w.WriteEndElement()
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'examples', $ns.command)
    $n = 0
    foreach ($ex in $doc.Examples) {
        $n++
        $title = $ex.Title -replace '^Example\s+\d+\s*:?\s*', ''
        $w.WriteStartElement('command', 'example', $ns.command)
        $w.WriteElementString('title', $ns.maml, "-------------------------- Example ${n}: $title --------------------------")
        $w.WriteElementString('code', $ns.dev, $ex.Code)
        $w.WriteStartElement('dev', 'remarks', $ns.dev); Write-Paras $w $ex.Remarks; $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $ns.command)
    foreach ($link in $doc.Links) {
        $w.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $w.WriteElementString('linkText', $ns.maml, $link.Text)
        $w.WriteElementString('uri', $ns.maml, $link.Uri)
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteEndElement()
}

#endregion

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
foreach ($name in $PendingParameters.Keys | Sort-Object) {
    $cmd = $exported | Where-Object Name -eq $name
    if (-not $cmd) { continue }
    foreach ($p in $PendingParameters[$name] | Where-Object { $cmd.Parameters.ContainsKey($_) }) {
        Write-Warning "$name now has -${p}: remove it from `$PendingParameters in tools/New-ModuleHelp.ps1."
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
        if ($PendingParameters.ContainsKey($name) -and $p -in $PendingParameters[$name]) {
            Write-Warning "${name}: -$p is documented but not in the built cmdlet yet (pending); left out of the MAML."
        }
        else {
            $problems.Add("${name}: docs/help/$name.md documents -$p, which the cmdlet does not have.")
        }
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
