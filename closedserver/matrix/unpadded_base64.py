"""Unpadded Base64, standard and URL-safe (appendices, "Unpadded Base64").

Encoding never pads. Decoding accepts padded and unpadded input, in either alphabet, and
rejects anything else (stray characters, impossible lengths).
"""

import base64
import binascii

_URLSAFE_TO_STANDARD = str.maketrans("-_", "+/")


def encode_base64(data: bytes, *, urlsafe: bool = False) -> str:
    """Unpadded Base64 of `data`; `urlsafe` uses `-` and `_` for the last two digits."""
    encoded = base64.urlsafe_b64encode(data) if urlsafe else base64.b64encode(data)
    return encoded.rstrip(b"=").decode("ascii")


def decode_base64(text: str) -> bytes:
    """Decode standard or URL-safe Base64, with or without padding. Raises ValueError."""
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("Base64 input must be an ASCII string")
    unpadded = text.rstrip("=")
    if len(unpadded) % 4 == 1:
        raise ValueError("Base64 input has an impossible length")
    if "=" in unpadded or len(text) - len(unpadded) > 2:
        raise ValueError("Base64 input has misplaced padding")
    standard = unpadded.translate(_URLSAFE_TO_STANDARD)
    padded = standard + "=" * (-len(standard) % 4)
    try:
        return binascii.a2b_base64(padded, strict_mode=True)
    except binascii.Error as exc:
        raise ValueError(f"invalid Base64: {exc}") from exc
