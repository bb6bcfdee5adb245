"""Thumbnail images with Pillow: size choice, the bomb check, crop and scale, animation.

Spec: Client-Server API, content repository, "Thumbnails": `scale` keeps the aspect ratio
and fits the requested box; `crop` fills the box in the requested aspect ratio; servers
never upscale, never return less than requested unless the original is smaller (then they
return the original), and advertise 32x32 crop, 96x96 crop, 320x240, 640x480 and 800x600
scale. `animated=true` keeps animation (we answer animated WebP, as the spec prefers).

Everything here blocks (decoding, resizing, encoding): call it in a worker thread.
Before any pixel is decoded, the header's width x height is checked against the limit, so
a small file claiming a huge image cannot exhaust memory; an animation whose frames add up
to more than the limit is thumbnailed as a still. Only common web formats are decoded.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence

from closedserver.services.media.thumbnail_sizes import Size

# Pillow format name -> the content type we may serve it as, inline, as a thumbnail.
SERVABLE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif",
                    "WEBP": "image/webp"}
# The only decoders we run on uploads: common web formats. Pillow's others (EPS through
# Ghostscript, PSD, TIFF, ...) are attack surface that no chat image needs.
DECODERS = ["JPEG", "PNG", "GIF", "WEBP", "BMP", "AVIF"]
EXIF_ORIENTATION = 0x0112
JPEG_QUALITY = 85
WEBP_QUALITY = 80


class ImageTooLarge(Exception):
    """The image has more pixels than the configured limit."""


class NotAnImage(Exception):
    """Pillow cannot read the content as an image."""


@dataclass(frozen=True)
class Rendered:
    """A thumbnail: new bytes, or `data is None` meaning "serve the original file"."""

    data: bytes | None
    content_type: str
    width: int
    height: int


def render(path: Path, size: Size, animated: bool, max_pixels: int) -> Rendered:
    """Make the thumbnail of the image file at `path` (blocking)."""
    # Pillow's own guard (it refuses images of twice this outright) backs up our check.
    Image.MAX_IMAGE_PIXELS = max_pixels
    width, height, method = size
    try:
        with Image.open(path, formats=_available(DECODERS)) as image:
            _check_pixels(image.size, max_pixels)
            animate = animated and _is_animation(image) and \
                image.size[0] * image.size[1] * image.n_frames <= max_pixels
            if _can_serve_original(image, width, height, animate):
                return Rendered(None, SERVABLE_FORMATS[_format(image)], *image.size)
            if animate:
                return _render_animated(image, width, height, method)
            return _render_still(image, width, height, method)
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(str(exc)) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise NotAnImage(str(exc)) from exc


def _available(formats: list[str]) -> list[str]:
    Image.init()
    return [f for f in formats if f in Image.OPEN]


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    if size[0] * size[1] > max_pixels:
        raise ImageTooLarge(f"{size[0]}x{size[1]} is more than {max_pixels} pixels")


def _format(image: Image.Image) -> str:
    # Cameras' multi-picture JPEGs (MPO) are JPEGs to every browser.
    return "JPEG" if image.format == "MPO" else (image.format or "")


def _is_animation(image: Image.Image) -> bool:
    return bool(getattr(image, "is_animated", False)) and image.format != "MPO"


def _can_serve_original(image: Image.Image, width: int, height: int, animate: bool) -> bool:
    """The original is no larger than asked, needs no rotation, and is a still image
    unless an animation was asked for: then it is its own thumbnail."""
    upright = image.getexif().get(EXIF_ORIENTATION, 1) == 1
    return (_format(image) in SERVABLE_FORMATS and image.size[0] <= width
            and image.size[1] <= height and upright
            and (animate or not _is_animation(image)))


def target_dimensions(original: tuple[int, int], width: int, height: int,
                      method: str) -> tuple[tuple[int, int], tuple[float, float, float, float]]:
    """(output size, source box) for a thumbnail; never larger than the source."""
    src_w, src_h = original
    if method == "crop":
        # The largest centred region of the source in the requested aspect ratio.
        if src_w * height > src_h * width:
            box_w, box_h = src_h * width / height, float(src_h)
        else:
            box_w, box_h = float(src_w), src_w * height / width
        left, top = (src_w - box_w) / 2, (src_h - box_h) / 2
        ratio = min(1.0, width / box_w)
        out = (max(1, round(box_w * ratio)), max(1, round(box_h * ratio)))
        return out, (left, top, left + box_w, top + box_h)
    ratio = min(1.0, width / src_w, height / src_h)
    out = (max(1, round(src_w * ratio)), max(1, round(src_h * ratio)))
    return out, (0.0, 0.0, float(src_w), float(src_h))


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info)


def _render_still(image: Image.Image, width: int, height: int, method: str) -> Rendered:
    if _format(image) == "JPEG":
        # Decode big JPEGs at a reduced scale (fast); square, in case EXIF rotates it.
        image.draft("RGB", (max(width, height), max(width, height)))
    frame = ImageOps.exif_transpose(image, in_place=False)
    alpha = _has_alpha(frame)
    frame = frame.convert("RGBA" if alpha else "RGB")
    out_size, box = target_dimensions(frame.size, width, height, method)
    thumb = frame.resize(out_size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    buffer = io.BytesIO()
    if alpha or _format(image) in ("PNG", "GIF"):
        thumb.save(buffer, "PNG", optimize=False)
        content_type = "image/png"
    else:
        thumb.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
        content_type = "image/jpeg"
    return Rendered(buffer.getvalue(), content_type, *thumb.size)


def _render_animated(image: Image.Image, width: int, height: int, method: str) -> Rendered:
    out_size, box = target_dimensions(image.size, width, height, method)
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(int(frame.info.get("duration", 100)) or 100)
        rgba = frame.convert("RGBA")
        frames.append(rgba.resize(out_size, Image.Resampling.LANCZOS, box=box))
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:],
                   duration=durations, loop=int(image.info.get("loop", 0)),
                   quality=WEBP_QUALITY, method=4)
    return Rendered(buffer.getvalue(), "image/webp", *out_size)
