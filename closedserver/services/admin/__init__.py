"""Services behind the admin CLI's room, report and server commands.

They act through the same services as the HTTP API (every event enters through
`Timeline.append`) and add only what an admin needs: a service user to act as, room
summaries, shutdown, purge, export, server notices, status and backups.
"""
