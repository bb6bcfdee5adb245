"""End-to-end encryption, server side: the server stores and routes public keys, signatures,
encrypted key backups and to-device messages; it never sees plaintext or private keys.

Spec: Client-Server API, modules "End-to-End Encryption" and "Send-to-Device messaging".
- device_lists.py   who changed devices/keys, on the global stream (/sync, /keys/changes)
- device_keys.py    /keys/upload, /keys/query, /keys/claim; one-time key counts for /sync
- cross_signing.py  /keys/device_signing/upload and what /keys/query shows of it
- signature_upload.py  /keys/signatures/upload
- to_device.py      /sendToDevice and the per-device inbox /sync drains
- key_backup.py     /room_keys/...
"""
