"""The HTTP adapter: a litestar + msgspec service over the core (see ``app.create_app``)."""
