"""Keyset pagination for the API: the shared implementation lives in ``core.pagination``."""

from workplan.core.pagination import keyset_page

__all__ = ["keyset_page"]
