"""notifications: tells the people who must act what happened, what is due and by when.

It reads other services' integration events, decides who needs to know (``rules``) and
records each notification once (``projections.notification``). Delivery channels (SMTP,
webhooks) come later and will work from the recorded notifications.
"""
