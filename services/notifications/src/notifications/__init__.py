"""notifications: tells the people who must act what happened, what is due and by when.

Event-driven rules (``rules``) read other services' integration events; time-driven rules
(``reminders``) are evaluated by the ``scheduler`` from this service's own projection of
what is due per ECT. Every notification has a deterministic id (rule, subject, occasion,
recipient) and is recorded once; the ``delivery`` worker sends it once by email (SMTP) or a
signed webhook, retries with backoff up to a cap, and publishes NotificationSent or
NotificationFailed through an outbox. Recipients' contact details stay in this service.
"""
