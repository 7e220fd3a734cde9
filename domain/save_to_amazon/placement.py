"""Which of Amazon's options the job confirms: packing (one choice) and placement (the user's
split rule). Pure: options in, a choice (or the reason there is none) out."""

from domain.save_to_amazon.gateway import PackingOption, PlacementOption
from domain.save_to_amazon.job import OfferedPlacement, Split

CHOOSABLE = frozenset({"OFFERED", "ACCEPTED"})


def choose_packing(options: tuple[PackingOption, ...]) -> PackingOption | None:
    """The accepted option (a resumed job's), else the offered one with the fewest packing
    groups (ties: option id)."""
    accepted = [o for o in options if o.status == "ACCEPTED"]
    if accepted:
        return accepted[0]
    offered = [o for o in options if o.status == "OFFERED" and o.packing_group_ids]
    return min(offered, key=lambda o: (len(o.packing_group_ids), o.packing_option_id), default=None)


def offered(options: tuple[PlacementOption, ...]) -> tuple[OfferedPlacement, ...]:
    return tuple(
        OfferedPlacement(
            placement_option_id=o.placement_option_id,
            shipment_count=len(o.shipment_ids),
            fee=o.fee,
            currency=o.currency,
        )
        for o in sorted(options, key=lambda o: o.placement_option_id)
        if o.status in CHOOSABLE
    )


def choose_placement(split: Split, options: tuple[PlacementOption, ...]) -> PlacementOption | None:
    """An option already accepted (a resumed job's) stands. Otherwise the lowest total fee (ties:
    fewest shipments, then option id); with `split: none`, among single-shipment options only."""
    accepted = [o for o in options if o.status == "ACCEPTED"]
    if accepted:
        return accepted[0]
    candidates = [
        o
        for o in options
        if o.status == "OFFERED"
        and o.shipment_ids
        and (split is Split.AMAZON or len(o.shipment_ids) == 1)
    ]
    return min(
        candidates,
        key=lambda o: (o.fee, len(o.shipment_ids), o.placement_option_id),
        default=None,
    )


def no_placement_message(split: Split, options: tuple[OfferedPlacement, ...]) -> str:
    """Why nothing was chosen, listing what Amazon offered."""
    if not options:
        return "Amazon offered no placement option for this plan"
    listed = "; ".join(
        f"{o.placement_option_id}: {o.shipment_count} shipment"
        f"{'s' if o.shipment_count != 1 else ''}, fee {o.fee}"
        f"{' ' + o.currency if o.currency else ''}"
        for o in options
    )
    if split is Split.NONE:
        return (
            "Amazon offered no single-shipment placement, so 'do not split' cannot be honoured; "
            f"Amazon offered: {listed}. Save again with split 'amazon' to accept a split"
        )
    return f"Amazon offered no placement option the job could confirm: {listed}"
