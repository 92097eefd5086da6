"""`ect migrate` on the running platform: every service's schema already at this release's version."""

from __future__ import annotations

import pytest

from tests.e2e.test_privacy_erasure import run_cli

pytestmark = pytest.mark.e2e


async def test_ect_migrate_finds_every_service_at_this_releases_schema_version(platform):
    """The services migrated their schemas as they started: `ect migrate` has nothing to do."""
    from notifications.migrations import MIGRATIONS as NOTIFICATIONS
    from reporting.migrations import MIGRATIONS as REPORTING
    from scheduling.migrations import MIGRATIONS as SCHEDULING

    code, said = await run_cli("migrate", platform=platform)
    assert code == 0, said
    for service, versions in (("scheduling", SCHEDULING), ("reporting", REPORTING),
                              ("notifications", NOTIFICATIONS)):
        assert f"{service}: schema at version {len(versions)}; nothing to apply" in said, said
