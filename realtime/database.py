"""The staff threads' database calls (realtime/internals/asgiref.py); this name stays for
the callers that import it from here."""

from realtime.internals.asgiref import KeptConnectionCall, close_connections, keeps_connections

__all__ = ["KeptConnectionCall", "close_connections", "keeps_connections"]
