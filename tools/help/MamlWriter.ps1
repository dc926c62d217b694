# Writes MAML for one cmdlet from its metadata and its markdown (dot-sourced by tools/New-ModuleHelp.ps1; uses its $ns).
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
