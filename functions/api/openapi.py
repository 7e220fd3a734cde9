"""Print the API's OpenAPI document: `python -m functions.api.openapi > openapi.json`.

The committed `openapi.json` is checked against this output by the tests (drift fails them).
"""

import sys

from functions.api.app import openapi_json


def main() -> None:
    from functions.api.handler import app

    sys.stdout.write(openapi_json(app))


if __name__ == "__main__":
    main()
