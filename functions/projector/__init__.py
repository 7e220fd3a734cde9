"""The projector: keeps the views table in step with the event log."""
