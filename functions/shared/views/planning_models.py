"""The read models of planning: a product's forecast at a warehouse."""

from datetime import date

from pydantic import Field

from domain.replenishment.forecast import Method
from functions.shared.views.models import View


class ForecastMonth(View):
    month: date = Field(description="The month's first day")
    units: int = Field(description="Forecast units in the month, rounded up")
    edited: bool = Field(description="Set by a forecast edit, not by the method")


class ProductForecast(View):
    product_id: str
    warehouse_id: str
    method: Method
    forecast_days: int
    daily_rate: str = Field(
        description="Average units per day over the last `forecast_days` days in stock (the "
        "`last_days` velocity), as a decimal string"
    )
    history_since: date = Field(description="The first day of history the forecast read")
    days_out_of_stock: int = Field(
        description="Days out of stock among the last `forecast_days`, left out of the velocity"
    )
    months: list[ForecastMonth] = Field(description="The next 12 months, this month first")
