"""Vendors: created with their terms, changed field by field; bad terms are refused."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain import vendor
from domain.errors import AlreadyExists, InvalidCommand, NotFound
from domain.vendor import ChangeVendor, CreateVendor, VendorChanged, VendorCreated, VendorProduct
from tests.unit.domain.builders import fold

WIDGET = VendorProduct(sku="W-1", unit_cost=Decimal("2.5"), moq=100, case_pack=12)


def acme() -> vendor.Vendor:
    created = vendor.decide(
        CreateVendor(vendor_id="v1", name="Acme", lead_time_days=30, currency="USD"), None
    )
    state = fold(vendor.evolve, created)
    assert state is not None
    return state


def test_a_vendor_is_created_with_its_terms() -> None:
    command = CreateVendor(
        vendor_id="v1", name="Acme", lead_time_days=30, currency="EUR", products=(WIDGET,)
    )

    [created] = vendor.decide(command, None)
    state = vendor.evolve(None, created)

    assert isinstance(created, VendorCreated)
    assert state is not None and state.product("W-1") == WIDGET
    assert (state.name, state.lead_time_days, state.currency) == ("Acme", 30, "EUR")


def test_creating_an_existing_vendor_is_refused() -> None:
    with pytest.raises(AlreadyExists):
        vendor.decide(
            CreateVendor(vendor_id="v1", name="Acme", lead_time_days=1, currency="USD"), acme()
        )


def test_a_change_records_only_what_changed() -> None:
    state = acme()

    [changed] = vendor.decide(
        ChangeVendor(vendor_id="v1", name="Acme", lead_time_days=45, products=(WIDGET,)), state
    )
    after = vendor.evolve(state, changed)

    assert isinstance(changed, VendorChanged)
    assert (changed.name, changed.lead_time_days, changed.products) == (None, 45, (WIDGET,))
    assert after is not None and (after.name, after.lead_time_days) == ("Acme", 45)
    assert after.products == (WIDGET,)
    assert vendor.decide(ChangeVendor(vendor_id="v1", lead_time_days=45), after) == []


def test_changing_an_unknown_vendor_is_not_found() -> None:
    with pytest.raises(NotFound):
        vendor.decide(ChangeVendor(vendor_id="v9", name="X"), None)


def test_a_sku_twice_in_the_products_is_refused() -> None:
    with pytest.raises(InvalidCommand, match="only once"):
        vendor.decide(ChangeVendor(vendor_id="v1", products=(WIDGET, WIDGET)), acme())


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("currency", "usd", "ISO 4217"),
        ("currency", "XYZ", "ISO 4217"),
        ("lead_time_days", 366, "less than or equal to 365"),
        ("lead_time_days", -1, "greater than or equal to 0"),
        ("name", "", "at least 1 character"),
    ],
)
def test_bad_terms_are_refused(field: str, value: object, reason: str) -> None:
    terms: dict[str, object] = {"name": "Acme", "lead_time_days": 3, "currency": "USD"}
    with pytest.raises(ValidationError, match=reason):
        CreateVendor(vendor_id="v1", **{**terms, field: value})


@pytest.mark.parametrize(
    ("cost", "reason"),
    [("-0.01", "greater than or equal to 0"), ("1.23456", "at most 4 decimals")],
)
def test_a_unit_cost_below_zero_or_finer_than_four_decimals_is_refused(
    cost: str, reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason):
        VendorProduct(sku="W-1", unit_cost=Decimal(cost))
    assert VendorProduct(sku="W-1", unit_cost=Decimal("1.2345")).unit_cost == Decimal("1.2345")
