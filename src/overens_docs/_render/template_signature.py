"""What a Word template must print on every signature page, checked without rendering.

A build makes each organisation's signature page from the template's signature section (a
``{% for organisation in organisations %}`` block), and ``overens verify`` later reads the
page for two things: the organisation's name, and the text fingerprint that says which text
was signed. A template that does not print both would build documents that cannot be
verified, or, with no such block at all, documents without signature pages; so a build
refuses it and ``overens template check`` says so (``template-signature``), rather than
leaving it to a later symptom.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from jinja2 import nodes

from overens_docs._i18n import _

NAME = "organisation.name"
FINGERPRINT = "agreement.text_fingerprint"
_BODY = "word/document.xml"


def _printed(root: nodes.Node) -> Iterator[tuple[str, str]]:
    """``(owner, attribute)`` of every ``{{ owner.attribute }}`` printed under ``root``."""
    for output in root.find_all(nodes.Output):
        for node in output.find_all(nodes.Getattr):
            if isinstance(node.node, nodes.Name):
                yield node.node.name, node.attr


def _signature_loops(body: nodes.Template) -> Iterator[nodes.For]:
    for loop in body.find_all(nodes.For):
        if isinstance(loop.iter, nodes.Name) and loop.iter.name == "organisations":
            yield loop


def signature_problems(parts: Iterable[tuple[str, nodes.Template]]) -> list[str]:
    """What the template's signature section lacks, from the parsed Jinja of each part
    (``word/document.xml``, its headers and footers); empty when it has everything."""
    parts = list(parts)
    running = {printed for part, tree in parts if part != _BODY for printed in _printed(tree)}
    loops = [loop for part, tree in parts if part == _BODY for loop in _signature_loops(tree)]
    if not loops:
        return [_("The template has no signature section: a block "
                  "'{{% for organisation in organisations %}}' … '{{% endfor %}}' that prints "
                  "{{{{ {name} }}}} and {{{{ {fingerprint} }}}}. Every organisation's "
                  "signature page is made from it; copy it from the default template "
                  "(overens template new).").format(name=NAME, fingerprint=FINGERPRINT)]
    problems = []
    for loop in loops[:1]:
        target = loop.target.name if isinstance(loop.target, nodes.Name) else "organisation"
        inside = set(_printed(loop))
        if (target, "name") not in inside:
            problems.append(_(
                "The signature section does not print the organisation's name "
                "({{{{ {name} }}}}): overens verify tells whose signature page it is by its "
                "name.").format(name=f"{target}.name"))
        if ("agreement", "text_fingerprint") not in inside | running:
            problems.append(_(
                "The signature section does not print the text fingerprint "
                "({{{{ {fingerprint} }}}}), in it or in a header or footer: a signed page "
                "must say which text it signs.").format(fingerprint=FINGERPRINT))
    return problems
