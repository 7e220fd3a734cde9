"""Pure projections: (doc, event) -> view changes. No AWS, no I/O."""
