"""The hub's ops dashboard: server-rendered HTML over reporting's projections.

``routes.router`` is included into reporting's API. Pages read the same projections and
apply the same access rules as the JSON API (``reporting.access``); a browser signs in once by
posting a token to ``/dashboard/login`` and then carries a dashboard session of its own (an
opaque id in an HttpOnly cookie, the session kept in reporting's schema). Live
updates are server-sent events announcing that the projection changed; without JavaScript
every page still reads, and a reload shows the latest.
"""
