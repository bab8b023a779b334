"""Search attributes the workflow keeps current; the server launcher registers them."""

from temporalio.common import SearchAttributeKey

KIEMTRA_STATE = SearchAttributeKey.for_keyword("KiemtraState")
KIEMTRA_UNIT = SearchAttributeKey.for_keyword("KiemtraUnit")
KIEMTRA_KIND = SearchAttributeKey.for_keyword("KiemtraKind")
KIEMTRA_NEXT_DEADLINE = SearchAttributeKey.for_datetime("KiemtraNextDeadline")

ALL = (KIEMTRA_STATE, KIEMTRA_UNIT, KIEMTRA_KIND, KIEMTRA_NEXT_DEADLINE)
