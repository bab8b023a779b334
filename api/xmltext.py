"""Text that XML 1.0 can carry, for the workbooks and the charts built from stored data.

Titles and names come from people and imports (a vertical tab pasted from Word, a stray
control byte from a CSV); one such character made a whole workbook or chart unusable.
"""

import re

REPLACEMENT = "\ufffd"
# Everything outside XML 1.0's Char production: C0 controls other than tab, newline and
# carriage return; lone surrogates (which UTF-8 cannot even encode); U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 forbids replaced by U+FFFD.

    Replaced, not removed: removing could join two words or silently turn one decision
    number into another, while the replacement character shows the reader that something
    unprintable stood there.
    """
    return _NOT_XML.sub(REPLACEMENT, text)
