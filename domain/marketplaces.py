"""The 23 SP-API marketplaces and the three regions they belong to."""

from enum import StrEnum
from typing import Final


class Region(StrEnum):
    NA = "NA"
    EU = "EU"
    FE = "FE"


# marketplace id -> (country code, region)
MARKETPLACES: Final[dict[str, tuple[str, Region]]] = {
    "ATVPDKIKX0DER": ("US", Region.NA),
    "A2EUQ1WTGCTBG2": ("CA", Region.NA),
    "A1AM78C64UM0Y8": ("MX", Region.NA),
    "A2Q3Y263D00KWC": ("BR", Region.NA),
    "A1F83G8C2ARO7P": ("UK", Region.EU),
    "A1PA6795UKMFR9": ("DE", Region.EU),
    "A13V1IB3VIYZZH": ("FR", Region.EU),
    "A1RKKUPIHCS9HS": ("ES", Region.EU),
    "APJ6JRA9NG5V4": ("IT", Region.EU),
    "A1805IZSGTT6HS": ("NL", Region.EU),
    "A2NODRKZP88ZB9": ("SE", Region.EU),
    "A1C3SOZRARQ6R3": ("PL", Region.EU),
    "AMEN7PMS3EDWL": ("BE", Region.EU),
    "A28R8C7NBKEWEA": ("IE", Region.EU),
    "A33AVAJ2PDY3EV": ("TR", Region.EU),
    "A2VIGQ35RCS4UG": ("AE", Region.EU),
    "A17E79C6D8DWNP": ("SA", Region.EU),
    "ARBP9OOSHTCHU": ("EG", Region.EU),
    "A21TJRUUN4KGV": ("IN", Region.EU),
    "AE08WJ6YKNBMC": ("ZA", Region.EU),
    "A1VC38T7YXB528": ("JP", Region.FE),
    "A19VAU5U5O7RUS": ("SG", Region.FE),
    "A39IBJ37TRP1C6": ("AU", Region.FE),
}


def region_of(marketplace_id: str) -> Region | None:
    entry = MARKETPLACES.get(marketplace_id)
    return entry[1] if entry else None


def country_of(marketplace_id: str) -> str:
    return MARKETPLACES[marketplace_id][0]


# country code -> the Seller Central a seller of that marketplace signs in to (Amazon's table of
# Seller Central URLs); the website authorization workflow's consent page is served there.
SELLER_CENTRAL: Final[dict[str, str]] = {
    "US": "https://sellercentral.amazon.com",
    "CA": "https://sellercentral.amazon.ca",
    "MX": "https://sellercentral.amazon.com.mx",
    "BR": "https://sellercentral.amazon.com.br",
    "UK": "https://sellercentral-europe.amazon.com",
    "DE": "https://sellercentral-europe.amazon.com",
    "FR": "https://sellercentral-europe.amazon.com",
    "ES": "https://sellercentral-europe.amazon.com",
    "IT": "https://sellercentral-europe.amazon.com",
    "NL": "https://sellercentral.amazon.nl",
    "SE": "https://sellercentral.amazon.se",
    "PL": "https://sellercentral.amazon.pl",
    "BE": "https://sellercentral.amazon.com.be",
    "IE": "https://sellercentral.amazon.ie",
    "TR": "https://sellercentral.amazon.com.tr",
    "AE": "https://sellercentral.amazon.ae",
    "SA": "https://sellercentral.amazon.sa",
    "EG": "https://sellercentral.amazon.eg",
    "IN": "https://sellercentral.amazon.in",
    "ZA": "https://sellercentral.amazon.co.za",
    "JP": "https://sellercentral.amazon.co.jp",
    "SG": "https://sellercentral.amazon.sg",
    "AU": "https://sellercentral.amazon.com.au",
}


def seller_central(marketplace_id: str) -> str:
    return SELLER_CENTRAL[country_of(marketplace_id)]
