"""Bills of materials: what an assembly is made of, checked for cycles, and a need for
assemblies exploded into the needs for their components (every level down)."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from domain.errors import InvalidCommand

MAX_COMPONENTS = 100
MAX_DEPTH = 10


@dataclass(frozen=True)
class Component:
    product_id: str
    quantity: int  # units of the component per unit of the assembly


Bom = Callable[[str], Sequence[Component]]  # a product's components (empty: not an assembly)


def check_components(product_id: str, components: Sequence[Component], bom: Bom) -> None:
    """Refuse a bill that would make `product_id` contain itself, at any depth, or that is
    malformed; the field named is `components`."""
    if len(components) > MAX_COMPONENTS:
        raise InvalidCommand(f"at most {MAX_COMPONENTS} components", field="components")
    seen: set[str] = set()
    for component in components:
        if component.quantity <= 0:
            raise InvalidCommand("a component's quantity must be positive", field="components")
        if component.product_id in seen:
            raise InvalidCommand(
                f"{component.product_id} is listed twice: give it once with its total",
                field="components",
            )
        seen.add(component.product_id)

    def contains(current: str, depth: int, path: tuple[str, ...]) -> None:
        if depth > MAX_DEPTH:
            raise InvalidCommand(f"assemblies nest at most {MAX_DEPTH} deep", field="components")
        below = components if current == product_id and depth == 0 else bom(current)
        for component in below:
            if component.product_id == product_id:
                chain = " -> ".join((*path, component.product_id))
                raise InvalidCommand(f"a cycle: {chain}", field="components")
            contains(component.product_id, depth + 1, (*path, component.product_id))

    contains(product_id, 0, (product_id,))


def explode(needs: Mapping[str, int], bom: Bom) -> dict[str, int]:
    """The units of every component (at every level) the needed assemblies take; products that
    are no assembly are not in the result."""
    components: dict[str, int] = {}

    def add(product_id: str, units: int, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise InvalidCommand(f"assemblies nest at most {MAX_DEPTH} deep", field="components")
        for component in bom(product_id):
            needed = units * component.quantity
            components[component.product_id] = components.get(component.product_id, 0) + needed
            add(component.product_id, needed, depth + 1)

    for product_id, units in sorted(needs.items()):
        if units > 0:
            add(product_id, units, 0)
    return components
