# Reads docs/help/<Cmdlet>.md into help objects (dot-sourced by tools/New-ModuleHelp.ps1).
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
