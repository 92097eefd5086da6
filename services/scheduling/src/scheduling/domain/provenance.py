"""Who caused a change, and as part of which request: the platform's one value (see there)."""

from ect_platform.provenance import Provenance

__all__ = ["Provenance"]
