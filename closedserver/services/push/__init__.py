"""Push notifications (CS API "Push Notifications" module, Push Gateway API).

rules.py          each user's push rules: storage, /pushrules operations, m.push_rules
evaluation.py     PushActions.on_event: the Timeline's hook, evaluating every new event
counts.py         unread notification/highlight counts (read positions from receipts)
notifications.py  GET /notifications
allowlist.py      the [push] gateway_allowlist rules (pure; config.py uses it too)
gateway.py        checking a gateway (allow-list, DNS, addresses) before talking to it
pushers.py        GET /pushers, POST /pushers/set
payload.py        the /_matrix/push/v1/notify body
delivery.py       the background task sending notifications to gateways

This file imports nothing, so config.py can import allowlist.py without cycles.
"""
