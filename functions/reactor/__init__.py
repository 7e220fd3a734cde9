"""The reactor: turns events into commands (auto-receive, close short, release on cancel)."""
