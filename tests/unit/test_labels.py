"""Which report line a unit counts under (seed 004: 19 commune-level, 3 district, 3 department
units), with the setting on and off."""

import pytest

from states.labels import report_group


@pytest.mark.parametrize(
    ("level", "parent", "on", "off"),
    [
        # A one-stop shop under a ward's or a commune's People's Committee: its Committee's line.
        ("one_stop_shop", "ward", "commune", "one_stop_shop"),
        ("one_stop_shop", "commune", "commune", "one_stop_shop"),
        # An agency of a district People's Committee (Phòng TN&MT quận): the district's line.
        ("agency", "district", "district", "agency"),
        # A level the tree names freely, under a special zone: the commune line.
        ("office", "special_zone", "commune", "office"),
        # Bodies with a line of their own stay on it wherever they sit.
        ("ward", "province", "commune", "commune"),
        ("department", "province", "department", "department"),
        ("school", "ward", "public_service_unit", "public_service_unit"),
        # A unit of a department (a land registry branch) is no People's Committee's.
        ("agency", "agency", "agency", "agency"),
        ("agency", "department", "agency", "agency"),
        ("one_stop_shop", None, "one_stop_shop", "one_stop_shop"),
    ],
)
def test_a_unit_attached_to_a_peoples_committee_counts_under_its_level(
    level: str, parent: str | None, on: str, off: str
) -> None:
    assert report_group(level, parent) == on
    assert report_group(level, parent, attached_as_parent=False) == off
