"""One router per resource; each route declares its roles with ``allow`` or ``PUBLIC``."""

__all__: list[str] = []
