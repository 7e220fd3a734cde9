"""Planning arithmetic (issue "Planning"): forecasts from daily sales, and what to order.

Pure and exact: rates are `Fraction`s, so a figure can be explained to the unit; rounding
happens once, where a result is shown (units round up: never plan one unit short).
"""
