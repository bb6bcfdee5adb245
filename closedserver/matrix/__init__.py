"""The Matrix spec in plain Python: event format, canonical JSON, hashing, signing,
redaction, authorization rules and state resolution. No I/O; imports nothing else of ours.
Room versions 10, 11 and 12.

Import from the module that owns a thing:

    errors            exceptions (AuthError, EventFormatError, SignatureError, ...)
    canonical_json    encode_canonical_json, decode_canonical_json
    unpadded_base64   encode_base64, decode_base64
    ids               identifier grammar: parse_user_id, is_valid_room_id, ...
    room_versions     RoomVersion flags, KNOWN_ROOM_VERSIONS, DEFAULT_ROOM_VERSION
    signing           SigningKey, sign_json, verify_json_signature, key files
    hashing           content and reference hashes, event IDs, v12 room IDs
    redaction         redact_pdu
    event_format      PDU structure and size checks
    event             Event, event_from_pdu
    event_signing     hashes + signatures on events, servers_required_to_sign
    builder           build_event
    content_checks    check_event_content for locally created m.room.* events
    auth_rules        check_auth_rules, check_event_auth, power level helpers
    state_res         resolve_state
"""
