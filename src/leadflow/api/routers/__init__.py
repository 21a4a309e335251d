"""One router per resource; each route declares its roles with ``allow`` or ``PUBLIC``."""
