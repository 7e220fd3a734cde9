"""What Amazon's gateway checks in Fulfillment Inbound v2024-03-20 requests, before any
operation runs: the request bodies' definitions and the path and query parameters of the
operations the simulator serves, copied from Amazon's model (descriptions and examples left
out; `tests/simulator/test_inbound_plan_conformance.py` compares them with the vendored model),
and a validator that refuses what they refuse, in Amazon's words:

    1 validation error detected: Value null at 'request.sourceAddress.phoneNumber' failed to
    satisfy constraint: Member must not be null

(the message live Amazon sends for a missing member, selling-partner-api-models#650, #3931).
As at Amazon, objects are open (sp_api adds `marketplaceIds` and `MarketplaceIds` to every POST
body and marketplace keys to PUT bodies) and a JSON null counts as absent (#4106).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

Schema = dict[str, Any]

_ID: Schema = {"maxLength": 38, "minLength": 38, "pattern": "^[a-zA-Z0-9-]*$", "type": "string"}
_ITEM_INPUT = {"$ref": "#/definitions/ItemInput"}

REQUEST_DEFINITIONS: dict[str, Schema] = {
    "CreateInboundPlanRequest": {
        "properties": {
            "destinationMarketplaces": {
                "items": {"maxLength": 20, "minLength": 1, "type": "string"},
                "maxItems": 1,
                "minItems": 1,
                "type": "array",
            },
            "items": {"items": _ITEM_INPUT, "maxItems": 2000, "minItems": 1, "type": "array"},
            "name": {"maxLength": 40, "minLength": 1, "type": "string"},
            "sourceAddress": {"$ref": "#/definitions/AddressInput"},
        },
        "required": ["destinationMarketplaces", "items", "sourceAddress"],
        "type": "object",
    },
    "ItemInput": {
        "properties": {
            "expiration": {
                "pattern": "^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])$",
                "type": "string",
            },
            "labelOwner": {"$ref": "#/definitions/LabelOwner"},
            "manufacturingLotCode": {"maxLength": 256, "minLength": 1, "type": "string"},
            "msku": {"maxLength": 255, "minLength": 1, "type": "string"},
            "prepOwner": {"$ref": "#/definitions/PrepOwner"},
            "quantity": {"maximum": 500000, "minimum": 1, "type": "integer"},
        },
        "required": ["labelOwner", "msku", "prepOwner", "quantity"],
        "type": "object",
    },
    "LabelOwner": {"enum": ["AMAZON", "SELLER", "NONE"], "type": "string"},
    "PrepOwner": {"enum": ["AMAZON", "SELLER", "NONE"], "type": "string"},
    "AddressInput": {
        "properties": {
            "addressLine1": {"maxLength": 180, "minLength": 1, "type": "string"},
            "addressLine2": {"maxLength": 60, "minLength": 1, "type": "string"},
            "city": {"maxLength": 30, "minLength": 1, "type": "string"},
            "companyName": {"maxLength": 50, "minLength": 1, "type": "string"},
            "countryCode": {
                "maxLength": 2,
                "minLength": 2,
                "pattern": "^[A-Z]{2}$",
                "type": "string",
            },
            "districtOrCounty": {"maxLength": 50, "minLength": 1, "type": "string"},
            "email": {"maxLength": 1024, "minLength": 1, "type": "string"},
            "name": {"maxLength": 50, "minLength": 1, "type": "string"},
            "phoneNumber": {"maxLength": 20, "minLength": 1, "type": "string"},
            "postalCode": {"maxLength": 32, "minLength": 1, "type": "string"},
            "stateOrProvinceCode": {"maxLength": 64, "minLength": 1, "type": "string"},
        },
        "required": ["addressLine1", "city", "countryCode", "name", "phoneNumber", "postalCode"],
        "type": "object",
    },
    "SetPackingInformationRequest": {
        "properties": {
            "packageGroupings": {
                "items": {"$ref": "#/definitions/PackageGroupingInput"},
                "minItems": 1,
                "type": "array",
            }
        },
        "required": ["packageGroupings"],
        "type": "object",
    },
    "PackageGroupingInput": {
        "properties": {
            "boxes": {
                "items": {"$ref": "#/definitions/BoxInput"},
                "maxItems": 5000,
                "minItems": 1,
                "type": "array",
            },
            "packingGroupId": _ID,
            "shipmentId": _ID,
        },
        "required": ["boxes"],
        "type": "object",
    },
    "BoxInput": {
        "properties": {
            "contentInformationSource": {"$ref": "#/definitions/BoxContentInformationSource"},
            "dimensions": {"$ref": "#/definitions/Dimensions"},
            "items": {"items": _ITEM_INPUT, "type": "array"},
            "quantity": {"maximum": 10000, "minimum": 1, "type": "integer"},
            "weight": {"$ref": "#/definitions/Weight"},
        },
        "required": ["contentInformationSource", "dimensions", "quantity", "weight"],
        "type": "object",
    },
    "BoxContentInformationSource": {
        "enum": ["BOX_CONTENT_PROVIDED", "MANUAL_PROCESS", "BARCODE_2D"],
        "type": "string",
    },
    "Dimensions": {
        "properties": {
            "height": {"maximum": 100000, "minimum": 0, "type": "number"},
            "length": {"maximum": 100000, "minimum": 0, "type": "number"},
            "unitOfMeasurement": {"$ref": "#/definitions/UnitOfMeasurement"},
            "width": {"maximum": 100000, "minimum": 0, "type": "number"},
        },
        "required": ["height", "length", "unitOfMeasurement", "width"],
        "type": "object",
    },
    "UnitOfMeasurement": {"enum": ["IN", "CM"], "type": "string"},
    "Weight": {
        "properties": {
            "unit": {"$ref": "#/definitions/UnitOfWeight"},
            "value": {"maximum": 100000, "minimum": 0, "type": "number"},
        },
        "required": ["unit", "value"],
        "type": "object",
    },
    "UnitOfWeight": {"enum": ["LB", "KG"], "type": "string"},
    "GeneratePlacementOptionsRequest": {
        "properties": {
            "customPlacement": {
                "items": {"$ref": "#/definitions/CustomPlacementInput"},
                "type": "array",
            }
        },
        "type": "object",
    },
    "CustomPlacementInput": {
        "properties": {
            "items": {"items": _ITEM_INPUT, "maxItems": 2000, "minItems": 1, "type": "array"},
            "warehouseId": {"maxLength": 1024, "minLength": 1, "type": "string"},
        },
        "required": ["items", "warehouseId"],
        "type": "object",
    },
}

# The operations' bodies (each required in the model), by operationId.
OPERATION_BODIES = {
    "createInboundPlan": "CreateInboundPlanRequest",
    "setPackingInformation": "SetPackingInformationRequest",
    "generatePlacementOptions": "GeneratePlacementOptionsRequest",
}


def _path(name: str) -> Schema:
    return {"in": "path", **_ID, "name": name, "required": True}


def _page_size(maximum: int) -> Schema:
    return {
        "in": "query",
        "maximum": maximum,
        "minimum": 1,
        "name": "pageSize",
        "type": "integer",
        "default": 10,
    }


_TOKEN: Schema = {
    "in": "query",
    "maxLength": 1024,
    "minLength": 0,
    "name": "paginationToken",
    "type": "string",
}
_PLAN = _path("inboundPlanId")
_SHIPMENT = _path("shipmentId")

# Path and query parameters of every operation served, by operationId, as in the model.
OPERATION_PARAMETERS: dict[str, list[Schema]] = {
    "listInboundPlans": [
        _page_size(30),
        _TOKEN,
        {
            "enum": ["ACTIVE", "VOIDED", "SHIPPED"],
            "in": "query",
            "name": "status",
            "type": "string",
        },
        {
            "enum": ["LAST_UPDATED_TIME", "CREATION_TIME"],
            "in": "query",
            "name": "sortBy",
            "type": "string",
        },
        {"enum": ["ASC", "DESC"], "in": "query", "name": "sortOrder", "type": "string"},
    ],
    "createInboundPlan": [],
    "getInboundPlan": [_PLAN],
    "cancelInboundPlan": [_PLAN],
    "listInboundPlanItems": [_PLAN, _page_size(1000), _TOKEN],
    "listPackingGroupItems": [_PLAN, _path("packingGroupId"), _page_size(100), _TOKEN],
    "setPackingInformation": [_PLAN],
    "listPackingOptions": [_PLAN, _page_size(20), _TOKEN],
    "generatePackingOptions": [_PLAN],
    "confirmPackingOption": [_PLAN, _path("packingOptionId")],
    "listPlacementOptions": [_PLAN, _page_size(20), _TOKEN],
    "generatePlacementOptions": [_PLAN],
    "confirmPlacementOption": [_PLAN, _path("placementOptionId")],
    "getShipment": [_PLAN, _SHIPMENT],
    "listShipmentItems": [_PLAN, _SHIPMENT, _page_size(1000), _TOKEN],
    "getInboundOperationStatus": [
        {
            "in": "path",
            "maxLength": 38,
            "minLength": 36,
            "name": "operationId",
            "pattern": "^[a-zA-Z0-9-]*$",
            "required": True,
            "type": "string",
        }
    ],
}


# The validator


def validation_message(violations: list[str]) -> str:
    count = len(violations)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(violations)


def body_violations(definition: str, body: Any) -> list[str]:
    """Every constraint of the named definition the body breaks (empty: valid)."""
    if body is None:
        return [_violation(None, "request", "Member must not be null")]
    return _violations(REQUEST_DEFINITIONS[definition], body, "request")


def parameter_violations(
    operation_id: str, path: Mapping[str, str], query: Mapping[str, str]
) -> list[str]:
    """Every constraint of the operation's path and query parameters the values break; query
    values are strings, as sent (unknown keys are ignored, as sp_api adds marketplace keys)."""
    found: list[str] = []
    for parameter in OPERATION_PARAMETERS[operation_id]:
        source = path if parameter["in"] == "path" else query
        raw = source.get(parameter["name"])
        if raw is None:
            if parameter.get("required"):
                found.append(_violation(None, parameter["name"], "Member must not be null"))
            continue
        found += _violations(parameter, _typed(parameter, raw), parameter["name"])
    return found


def _typed(parameter: Schema, raw: str) -> Any:
    if parameter["type"] == "integer":
        try:
            return int(raw)
        except ValueError:
            return raw  # refused as not an integer
    return raw


def _resolve(schema: Schema) -> Schema:
    if "$ref" in schema:
        return REQUEST_DEFINITIONS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _violations(schema: Schema, value: Any, where: str) -> list[str]:
    schema = _resolve(schema)
    kind = schema.get("type")
    if kind is not None and not _is_type(value, kind):
        return [_violation(value, where, f"Member must be of type {kind}")]
    if kind == "object":
        return _object_violations(schema, value, where)
    if kind == "array":
        return _array_violations(schema, value, where)
    return _scalar_violations(schema, value, where)


def _is_type(value: Any, kind: str) -> bool:
    if isinstance(value, bool):
        return kind == "boolean"
    checks = {
        "string": lambda: isinstance(value, str),
        "integer": lambda: (
            isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        ),
        "number": lambda: isinstance(value, int | float),
        "object": lambda: isinstance(value, dict),
        "array": lambda: isinstance(value, list),
    }
    return checks[kind]()


def _object_violations(schema: Schema, value: dict[str, Any], where: str) -> list[str]:
    found = [
        _violation(None, f"{where}.{name}", "Member must not be null")
        for name in schema.get("required", [])
        if value.get(name) is None
    ]
    for name, member in schema.get("properties", {}).items():
        if value.get(name) is not None:
            found += _violations(member, value[name], f"{where}.{name}")
    return found


def _array_violations(schema: Schema, value: list[Any], where: str) -> list[str]:
    found = _bound_violations(value, where, len(value), "length", schema, "minItems", "maxItems")
    for index, member in enumerate(value, start=1):
        member_where = f"{where}.{index}.member"
        if member is None:
            found.append(_violation(None, member_where, "Member must not be null"))
        else:
            found += _violations(schema["items"], member, member_where)
    return found


def _scalar_violations(schema: Schema, value: Any, where: str) -> list[str]:
    found: list[str] = []
    if isinstance(value, str):
        found += _bound_violations(
            value, where, len(value), "length", schema, "minLength", "maxLength"
        )
        pattern = schema.get("pattern")
        if pattern is not None and re.search(pattern, value) is None:
            found.append(
                _violation(
                    value, where, f"Member must satisfy regular expression pattern: {pattern}"
                )
            )
    else:
        found += _bound_violations(value, where, value, "value", schema, "minimum", "maximum")
    allowed = schema.get("enum")
    if allowed is not None and value not in allowed:
        choices = ", ".join(allowed)
        found.append(_violation(value, where, f"Member must satisfy enum value set: [{choices}]"))
    return found


def _bound_violations(
    value: Any, where: str, measure: float, noun: str, schema: Schema, low: str, high: str
) -> list[str]:
    found = []
    if low in schema and measure < schema[low]:
        found.append(
            _violation(
                value, where, f"Member must have {noun} greater than or equal to {schema[low]}"
            )
        )
    if high in schema and measure > schema[high]:
        found.append(
            _violation(
                value, where, f"Member must have {noun} less than or equal to {schema[high]}"
            )
        )
    return found


def _violation(value: Any, where: str, constraint: str) -> str:
    return f"Value {_shown(value)} at '{where}' failed to satisfy constraint: {constraint}"


def _shown(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"'{value}'"
    return f"'{json.dumps(value, separators=(',', ':'))}'"
