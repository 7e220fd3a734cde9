"""Request and response bodies of the API: its public contract, apart from domain messages."""
